package main

import "runtime/debug"

// buildVersion is stamped at link time by make build and make release
// (-ldflags "-X main.buildVersion=v1.2.3"); when set it is the version.
var buildVersion string

// version is the stamped version, else the module version when built from a
// tagged module, else the VCS revision, else "dev".
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "dev-" + s.Value[:12]
		}
	}
	return "dev"
}
