package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

func init() {
	commands["version"] = command{"print the version", runVersion}
}

// buildVersion is stamped by `make build` and `make install`
// (-ldflags "-X main.buildVersion=..." from git describe); empty otherwise.
var buildVersion string

// version is the stamped version, else the module version go install
// records, else the revision go build records in a checkout.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return versionOf(buildVersion, bi)
}

// versionOf chooses the version from a stamp and the build information;
// "devel" only for a binary built with neither (go run, go test).
func versionOf(stamp string, bi *debug.BuildInfo) string {
	if s := strings.TrimSpace(stamp); s != "" {
		return s
	}
	if bi == nil {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if len(rev) >= 12 {
		rev = rev[:12]
	}
	if rev == "" {
		return "devel"
	}
	if modified == "true" {
		return rev + "-dirty"
	}
	return rev
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("version", stdout, stderr)
	if code, ok := fs.parse(args); !ok {
		return code
	}
	fmt.Fprintln(stdout, "nems-harness", version())
	return 0
}
