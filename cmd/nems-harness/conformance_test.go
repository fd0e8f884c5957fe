package main

import (
	"context"
	"io"
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
	want := verdicts(embedded)
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
	assert.Equal(t, want, verdicts(overTLS))
	for _, name := range []string{"assurance-report.html", "assurance-report.md", "cucumber.json", "junit.xml"} {
		assert.FileExists(t, filepath.Join(out, name))
	}

	plainURL := startServe(t, "--content", "reject")
	plain, err := (&conformanceRun{target: plainURL, profile: "nems-2019-01", out: t.TempDir()}).run(ctx, io.Discard)
	require.NoError(t, err)
	got := verdicts(plain)
	assert.Equal(t, reports.NotAssessed, got["EP-CERT"], "EP-CERT over plain HTTP is not assessed, never a pass")
	delete(got, "EP-CERT")
	delete(want, "EP-CERT")
	assert.Equal(t, want, got)
}
