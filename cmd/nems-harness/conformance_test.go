package main

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/certs"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/reports"
)

// startServe runs `serve` with args until the test ends and returns its
// base URL.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	return strings.TrimSuffix(certsServe(t, args...), mockspine.PublishPath)
}

func verdicts(r *reports.Report) map[string]reports.Verdict {
	m := map[string]reports.Verdict{}
	for _, row := range r.Rules {
		m[row.ID] = row.Verdict
	}
	return m
}

// TestTargetGivesTheSameVerdicts: the suite run against a second mock,
// started with serve, judges every rule as it does against the embedded one;
// over plain HTTP only EP-CERT changes, to not assessed.
func TestTargetGivesTheSameVerdicts(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite three times")
	}
	ctx := context.Background()
	embedded, err := (&conformanceRun{profile: "nems-2019-01", out: t.TempDir()}).run(ctx, io.Discard)
	require.NoError(t, err)
	want := verdicts(embedded.Report)
	for id, v := range want {
		assert.Equal(t, reports.Pass, v, "embedded mock, rule %s", id)
	}

	w, err := fixtures.Default()
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "pki")
	_, err = certs.NewPKI(dir, w)
	require.NoError(t, err)
	url := startServe(t, "--tls-dir", dir, "--content", "reject")
	out := t.TempDir()
	overTLS, err := (&conformanceRun{target: url, tlsDir: dir, profile: "nems-2019-01", out: out}).run(ctx, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, want, verdicts(overTLS.Report))
	for _, name := range []string{"assurance-report.html", "assurance-report.md", "cucumber.json", "junit.xml"} {
		assert.FileExists(t, filepath.Join(out, name))
	}

	plainURL := startServe(t, "--content", "reject")
	plain, err := (&conformanceRun{target: plainURL, profile: "nems-2019-01", out: t.TempDir()}).run(ctx, io.Discard)
	require.NoError(t, err)
	got := verdicts(plain.Report)
	assert.Equal(t, reports.NotAssessed, got["EP-CERT"], "EP-CERT over plain HTTP is not assessed, never a pass")
	delete(got, "EP-CERT")
	delete(want, "EP-CERT")
	assert.Equal(t, want, got)
}

// TestConformanceRefusesRunsThatWouldMislead: a target that cannot be
// tested, or a tag expression that selects nothing, is one line and exit
// status 2, with no report; fixtures that cannot show a rule broken make
// it not assessed, and the run exits 1 saying why.
func TestConformanceRefusesRunsThatWouldMislead(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := ln.Addr().String()
	require.NoError(t, ln.Close())
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"nothing listens", []string{"--target", "http://" + closed}, "refused"},
		{"not a URL", []string{"--target", "not-a-url"}, "not a URL"},
		{"a typo in the tags", []string{"--tags", "@NOPE"}, `the tag expression "@NOPE" selects no scenario`},
		{"tags that do not parse", []string{"--tags", "(("}, "malformed tag expression"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			var stdout, stderr strings.Builder
			code := run(append([]string{"conformance", "--out", out}, tt.args...), &stdout, &stderr)
			assert.Equal(t, 2, code)
			assert.Contains(t, stderr.String(), tt.want)
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr.String()), "\n")+1, "one line: %q", stderr.String())
			assert.NoDirExists(t, out, "no report")
		})
	}

	t.Run("fixtures without flagged patients", func(t *testing.T) {
		dir := t.TempDir()
		spine, err := os.ReadFile("../../fixtures/spine.json")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "spine.json"), spine, 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "pds.json"), []byte(`{"patients": [
			{"nhsNumber": "9990000018", "family": "ASHWORTH", "given": ["Amelia"], "birthDate": "2024-03-11", "flags": []}]}`), 0o644))
		var stdout, stderr strings.Builder
		code := run([]string{"conformance", "--plain", "--fixtures", dir, "--tags", "@NHS-FLAGS", "--out", t.TempDir()}, &stdout, &stderr)
		assert.Equal(t, 1, code, stderr.String())
		assert.Contains(t, stdout.String(), "NHS-FLAGS not assessed: its violation scenarios were skipped: the fixtures have no S-flagged patient")
	})
}
