package main

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestVersionOf(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	for _, tt := range []struct {
		name  string
		stamp string
		bi    *debug.BuildInfo
		want  string
	}{
		{"make build stamps git describe", "v0.4.0-3-gabc1234-dirty", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "v0.4.0-3-gabc1234-dirty"},
		{"go install module@version", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.4.0"}}, "v0.4.0"},
		{"go build in a checkout: pseudo-version", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261203151149-a740f7c12345+dirty"}}, "v0.0.0-20261203151149-a740f7c12345+dirty"},
		{"go build without a module version: the revision", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("a740f7c1234567890abcdef", "false")}, "a740f7c12345"},
		{"uncommitted changes", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("a740f7c1234567890abcdef", "true")}, "a740f7c12345-dirty"},
		{"go run: nothing recorded", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel"},
		{"no build information", "", nil, "devel"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, versionOf(tt.stamp, tt.bi))
		})
	}
}
