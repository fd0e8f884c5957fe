// Package release builds the release archives of nems-harness: a static
// binary per platform, packed with the licence and README into an archive
// whose bytes depend only on the source, and a SHA256SUMS file over them.
//
// Reproducibility rests on three things: the Go build (CGO off, -trimpath,
// no VCS stamping, an empty build ID, the version given by -ldflags -X), a
// fixed environment for the toolchain (GOFLAGS cleared, CPU feature levels
// pinned), and archives written here rather than by tar or zip (entries
// sorted, one fixed modification time, owner and group 0, fixed modes, no
// gzip name or time).
package release

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Target is one platform a release is built for.
type Target struct{ OS, Arch string }

func (t Target) String() string { return t.OS + "/" + t.Arch }

// Targets are the platforms of a release, in the order they are built.
func Targets() []Target {
	return []Target{
		{"linux", "amd64"}, {"linux", "arm64"},
		{"darwin", "amd64"}, {"darwin", "arm64"},
		{"windows", "amd64"},
	}
}

// ParseTarget reads "os/arch".
func ParseTarget(s string) (Target, error) {
	osName, arch, ok := strings.Cut(s, "/")
	if !ok || osName == "" || arch == "" || strings.Contains(arch, "/") {
		return Target{}, fmt.Errorf("target %q: want os/arch, e.g. linux/amd64", s)
	}
	return Target{osName, arch}, nil
}

// defaultEpoch is the modification time of every archive entry when none
// is given: a fixed instant the zip format can hold (it starts at 1980).
var defaultEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// DefaultEpoch returns the archive time used when none is given.
func DefaultEpoch() time.Time { return defaultEpoch }

var versionPattern = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

// CheckVersion accepts a semantic version with a leading v: v1.2.3,
// v1.2.3-rc.1.
func CheckVersion(v string) error {
	if !versionPattern.MatchString(v) {
		return fmt.Errorf("version %q: want vMAJOR.MINOR.PATCH, e.g. v1.2.3 or v1.2.3-rc.1", v)
	}
	return nil
}

// Options say what to build and where.
type Options struct {
	// Version is stamped into each binary and names the archives.
	Version string
	// Package is the main package to build, e.g. "./cmd/nems-harness".
	Package string
	// Name is the binary's name (".exe" is added for Windows).
	Name string
	// VersionVar is the string variable -X sets, e.g. "main.buildVersion".
	VersionVar string
	// Dir is the module's root folder (where go build runs and the extra
	// files are read); "" means the current folder.
	Dir string
	// Out is the folder the archives and SHA256SUMS are written to.
	Out string
	// Targets are the platforms; nil means Targets().
	Targets []Target
	// Extra are files, relative to Dir, packed beside the binary.
	Extra []string
	// Epoch is every archive entry's modification time; zero means
	// DefaultEpoch().
	Epoch time.Time
	// Go is the go command; "" means "go".
	Go string
	// Log receives one line per step; nil means silence.
	Log io.Writer
}

// Artifact is one archive written.
type Artifact struct {
	Target Target
	// Path is the archive's path; SHA256 its hex digest.
	Path, SHA256 string
}

// Build compiles every target, packs each binary with the extra files into
// Out, and writes Out/SHA256SUMS. Out is emptied of earlier archives first,
// so SHA256SUMS lists exactly this release.
func Build(ctx context.Context, o Options) ([]Artifact, error) {
	if err := CheckVersion(o.Version); err != nil {
		return nil, err
	}
	if o.Package == "" || o.Name == "" || o.Out == "" {
		return nil, errors.New("release: Package, Name and Out are required")
	}
	if o.Targets == nil {
		o.Targets = Targets()
	}
	if o.Epoch.IsZero() {
		o.Epoch = defaultEpoch
	}
	if o.Go == "" {
		o.Go = "go"
	}
	logf := func(format string, a ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, format+"\n", a...)
		}
	}
	extras := make([]File, 0, len(o.Extra))
	for _, name := range o.Extra {
		data, err := os.ReadFile(filepath.Join(o.Dir, name))
		if err != nil {
			return nil, fmt.Errorf("release: extra file: %w", err)
		}
		extras = append(extras, File{Name: filepath.ToSlash(name), Mode: 0o644, Data: data})
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	if err := clean(o.Out, o.Name); err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "nems-release-")
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	defer os.RemoveAll(work)

	var out []Artifact
	for _, t := range o.Targets {
		bin := o.Name
		if t.OS == "windows" {
			bin += ".exe"
		}
		binPath := filepath.Join(work, t.OS+"_"+t.Arch, bin)
		logf("release: building %s", t)
		if err := goBuild(ctx, o, t, binPath); err != nil {
			return nil, err
		}
		data, err := os.ReadFile(binPath)
		if err != nil {
			return nil, fmt.Errorf("release: %w", err)
		}
		base := ArchiveBase(o.Name, o.Version, t)
		files := append([]File{{Name: bin, Mode: 0o755, Data: data}}, extras...)
		path := filepath.Join(o.Out, base+ArchiveExt(t))
		if err := writeArchive(path, t, base, files, o.Epoch); err != nil {
			return nil, err
		}
		sum, err := fileSHA256(path)
		if err != nil {
			return nil, err
		}
		logf("release: wrote %s", path)
		out = append(out, Artifact{Target: t, Path: path, SHA256: sum})
	}
	if err := writeSums(filepath.Join(o.Out, "SHA256SUMS"), out); err != nil {
		return nil, err
	}
	return out, nil
}

// ArchiveBase is an archive's name without extension, and the folder its
// files sit in: nems-harness_v1.2.3_linux_amd64.
func ArchiveBase(name, version string, t Target) string {
	return name + "_" + version + "_" + t.OS + "_" + t.Arch
}

// ArchiveExt is ".zip" for Windows and ".tar.gz" otherwise.
func ArchiveExt(t Target) string {
	if t.OS == "windows" {
		return ".zip"
	}
	return ".tar.gz"
}

// goBuild compiles one target with a fixed environment.
func goBuild(ctx context.Context, o Options, t Target, binPath string) error {
	ldflags := "-s -w -buildid="
	if o.VersionVar != "" {
		ldflags += " -X " + o.VersionVar + "=" + o.Version
	}
	cmd := exec.CommandContext(ctx, o.Go, "build", "-trimpath", "-buildvcs=false",
		"-ldflags="+ldflags, "-o", binPath, o.Package)
	cmd.Dir = o.Dir
	cmd.Env = buildEnv(os.Environ(), t)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("release: go build for %s: %w\n%s", t, err, strings.TrimSpace(string(msg)))
	}
	return nil
}

// buildEnv is env with what could change the output fixed: the target, cgo
// off, no GOFLAGS from the caller, and the baseline CPU feature levels.
func buildEnv(env []string, t Target) []string {
	fixed := map[string]string{
		"GOOS": t.OS, "GOARCH": t.Arch, "CGO_ENABLED": "0", "GOFLAGS": "",
		"GOAMD64": "v1", "GOARM64": "v8.0", "GOEXPERIMENT": "",
	}
	out := make([]string, 0, len(env)+len(fixed))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := fixed[k]; !ok {
			out = append(out, kv)
		}
	}
	keys := make([]string, 0, len(fixed))
	for k := range fixed {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, k+"="+fixed[k])
	}
	return out
}

func writeArchive(path string, t Target, base string, files []File, mtime time.Time) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("release: %w", err)
	}
	if t.OS == "windows" {
		err = WriteZip(f, base, files, mtime)
	} else {
		err = WriteTarGz(f, base, files, mtime)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("release: %s: %w", path, err)
	}
	return nil
}

// clean removes the archives and SHA256SUMS of an earlier release from dir.
func clean(dir, name string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("release: %w", err)
	}
	for _, e := range entries {
		n := e.Name()
		if n == "SHA256SUMS" || (strings.HasPrefix(n, name+"_") && (strings.HasSuffix(n, ".tar.gz") || strings.HasSuffix(n, ".zip"))) {
			if err := os.Remove(filepath.Join(dir, n)); err != nil {
				return fmt.Errorf("release: %w", err)
			}
		}
	}
	return nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("release: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("release: %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeSums writes the sha256sum format ("<hex>  <name>"), sorted by name,
// which `sha256sum -c` and `shasum -a 256 -c` read.
func writeSums(path string, arts []Artifact) error {
	lines := make([]string, 0, len(arts))
	for _, a := range arts {
		lines = append(lines, a.SHA256+"  "+filepath.Base(a.Path))
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i][66:] < lines[j][66:] })
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		return fmt.Errorf("release: %w", err)
	}
	return nil
}
