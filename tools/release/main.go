// Command release builds the release archives of nems-harness into a
// folder (make release VERSION=vX.Y.Z): one static, reproducible binary per
// platform packed with LICENSE and README.md, and SHA256SUMS. With
// --image-context it stages the Containerfile's build context instead
// (make image).
//
// The archive time is SOURCE_DATE_EPOCH (seconds) when set, so a release
// built from one commit has the same bytes wherever it is built.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/nems-harness/nems-harness/internal/release"
)

func main() {
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	version := fs.String("version", "", "the version to stamp and name the archives by, e.g. v1.2.3 (required)")
	out := fs.String("out", "dist", "folder the archives and SHA256SUMS are written to")
	targets := fs.String("targets", "", "comma-separated os/arch list (default: every release platform)")
	versionVar := fs.String("version-var", "main.buildVersion", "string variable -ldflags -X stamps with the version")
	pkg := fs.String("package", "./cmd/nems-harness", "main package to build")
	imageContext := fs.String("image-context", "", "instead of archives, stage the Containerfile's build context in this folder")
	arch := fs.String("arch", runtime.GOARCH, "with --image-context: the linux architecture of the image")
	if err := fs.Parse(os.Args[1:]); err != nil {
		if err == flag.ErrHelp {
			os.Exit(0)
		}
		os.Exit(2)
	}
	var err error
	if *imageContext != "" {
		err = release.StageImage(context.Background(), release.Options{
			Version: *version, Package: *pkg, Name: "nems-harness", VersionVar: *versionVar,
			Extra: []string{"LICENSE", "README.md"},
		}, *arch, *imageContext)
	} else {
		err = run(*version, *out, *targets, *versionVar, *pkg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(version, out, targetList, versionVar, pkg string) error {
	if version == "" {
		return fmt.Errorf("--version is required, e.g. make release VERSION=v1.2.3")
	}
	var ts []release.Target
	if targetList != "" {
		for _, s := range strings.Split(targetList, ",") {
			t, err := release.ParseTarget(strings.TrimSpace(s))
			if err != nil {
				return err
			}
			ts = append(ts, t)
		}
	}
	epoch := release.DefaultEpoch()
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 315532800 { // zip cannot hold times before 1980
			return fmt.Errorf("SOURCE_DATE_EPOCH=%q: want seconds since 1970, 1980 or later", s)
		}
		epoch = time.Unix(n, 0).UTC()
	}
	arts, err := release.Build(context.Background(), release.Options{
		Version: version, Package: pkg, Name: "nems-harness", VersionVar: versionVar,
		Out: out, Targets: ts, Extra: []string{"LICENSE", "README.md"}, Epoch: epoch, Log: os.Stderr,
	})
	if err != nil {
		return err
	}
	for _, a := range arts {
		fmt.Printf("%s  %s\n", a.SHA256, a.Path)
	}
	return nil
}
