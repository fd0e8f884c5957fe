package release

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ImageUID is the numeric user and group the container image runs as: not
// root, and numeric so that runtimes need no /etc/passwd on an empty base.
const ImageUID = 65532

// StageImage prepares the build context of the Containerfile in dir: the
// static linux/arch binary (stamped with version) as nems-harness, LICENSE
// and README.md beside it, and the folders the image gives its user: work/
// (the working folder, where reports go) and tmp/. dir is emptied first.
func StageImage(ctx context.Context, o Options, arch, dir string) error {
	if strings.TrimSpace(o.Version) == "" || strings.ContainsAny(o.Version, " \t\n\"'") {
		return fmt.Errorf("release: image version %q: want one word, e.g. v1.2.3", o.Version)
	}
	if o.Package == "" || o.Name == "" {
		return errors.New("release: Package and Name are required")
	}
	if o.Go == "" {
		o.Go = "go"
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("release: %w", err)
	}
	for _, d := range []string{"work", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return fmt.Errorf("release: %w", err)
		}
	}
	// Every user may write a temporary folder; the sticky bit keeps their
	// files their own. Set after MkdirAll, which the umask trims.
	if err := os.Chmod(filepath.Join(dir, "tmp"), 0o1777|os.ModeSticky); err != nil {
		return fmt.Errorf("release: %w", err)
	}
	if err := goBuild(ctx, o, Target{"linux", arch}, filepath.Join(dir, o.Name)); err != nil {
		return err
	}
	for _, name := range o.Extra {
		data, err := os.ReadFile(filepath.Join(o.Dir, name))
		if err != nil {
			return fmt.Errorf("release: extra file: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(name)), data, 0o644); err != nil {
			return fmt.Errorf("release: %w", err)
		}
	}
	return nil
}
