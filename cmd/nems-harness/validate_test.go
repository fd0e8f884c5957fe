package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidate(t *testing.T) {
	good := filepath.Join("..", "..", "fixtures", "bundles", "vaccinations-1-new.xml")
	body, err := os.ReadFile(good)
	require.NoError(t, err)
	dir := t.TempDir()
	write := func(name, from, to string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(body), from, to, 1)), 0o600))
		return p
	}
	noZone := write("no-zone.xml", `<timestamp value="2024-05-14T11:00:00+01:00"/>`, `<timestamp value="2024-05-14T11:00:00"/>`)
	noName := write("no-name.xml", `<name value="RIVERSIDE CHILD HEALTH SYSTEM"/>`, ``)
	cases := []struct {
		name   string
		args   []string
		status int
		lines  []string // each a part of one output line
	}{
		{"conforming", []string{good}, 0, nil},
		{"JSON too", []string{strings.TrimSuffix(good, ".xml") + ".json"}, 0, nil},
		{"error rule", []string{noZone}, 1, []string{noZone + ":51: EVT-DATETIME error: entry[0] MessageHeader.timestamp: \"2024-05-14T11:00:00\" has a time without a time zone"}},
		{"warning only", []string{noName}, 0, []string{noName + ":52: EVT-SOURCE-NAME warning: entry[0] MessageHeader.source.name: missing"}},
		{"unreadable", []string{filepath.Join(dir, "none.xml")}, 2, nil},
		{"JSON in nems-current", []string{"--profile", "nems-current", strings.TrimSuffix(good, ".xml") + ".json"}, 2, []string{"MIME-CONTENT-TYPE"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			assert.Equal(t, c.status, run(append([]string{"validate"}, c.args...), &out, &errOut), "%s%s", out.String(), errOut.String())
			got := strings.Split(strings.TrimSpace(out.String()), "\n")
			if len(c.lines) == 0 {
				assert.Empty(t, strings.TrimSpace(out.String()))
			}
			for _, want := range c.lines {
				found := false
				for _, l := range got {
					found = found || strings.Contains(l, want)
				}
				assert.True(t, found, "no line with %q in:\n%s", want, out.String())
			}
		})
	}

	var out, errOut bytes.Buffer
	require.Equal(t, 1, run([]string{"validate", "--format", "json", noZone}, &out, &errOut))
	var fs []map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &fs))
	require.NotEmpty(t, fs)
	assert.Equal(t, "EVT-DATETIME", fs[0]["rule"])
	assert.Equal(t, float64(51), fs[0]["line"])

	for _, bad := range [][]string{{"validate"}, {"validate", "--format", "yaml", good}} {
		out.Reset()
		errOut.Reset()
		assert.Equal(t, 2, run(bad, &out, &errOut))
		assert.Contains(t, errOut.String(), "nems-harness validate:")
		assert.Equal(t, 1, strings.Count(strings.TrimSpace(errOut.String()), "\n")+1, "one line that says what to do")
	}
}
