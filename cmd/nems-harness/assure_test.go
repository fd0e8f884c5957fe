package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// assurePublisher builds the reference publisher for a test.
func assurePublisher(t *testing.T) string {
	t.Helper()
	// go test puts its own go command first on PATH.
	gobin, err := exec.LookPath("go")
	require.NoError(t, err)
	bin := filepath.Join(t.TempDir(), "publisher")
	out, err := exec.Command(gobin, "build", "-o", bin, "../../examples/publisher").CombinedOutput()
	require.NoError(t, err, "building the reference publisher: %s", out)
	return bin
}

// assureCmd runs the CLI and returns exit status, stdout and stderr.
func assureCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestAssureTheExampleConfig runs the example's own assure.json and
// publish.sh, as the README tells a supplier to, with the publisher
// behaving and then breaking one rule.
func TestAssureTheExampleConfig(t *testing.T) {
	// Not parallel: it sets environment variables the trigger inherits.
	t.Setenv("PUBLISHER_BIN", assurePublisher(t))
	config := filepath.Join("..", "..", "examples", "publisher", "assure.json")

	good := t.TempDir()
	code, stdout, stderr := assureCmd("assure", "--config", config, "--out", good, "--addr", "127.0.0.1:0", "--tags", "@smoke,@JWT-SCOPE")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "Assurance report: Reference publisher (examples/publisher): PASS")
	assert.Contains(t, stderr, "mock NEMS (profile nems-2019-01)")
	for _, f := range []string{"cucumber.json", "junit.xml", "journal.jsonl", "assurance-report.html", "assurance-report.md"} {
		assert.FileExists(t, filepath.Join(good, f))
	}
	md, err := os.ReadFile(filepath.Join(good, "assurance-report.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "# Assurance report: Reference publisher (examples/publisher)")
	assert.Contains(t, string(md), "**Overall result: PASS**")

	t.Setenv("PUBLISHER_MISBEHAVE", "wrong-family")
	bad := t.TempDir()
	code, stdout, stderr = assureCmd("assure", "--config", config, "--out", bad, "--addr", "127.0.0.1:0", "--tags", "@smoke")
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "failed rules: [NHS-TRACED]")
	md, err = os.ReadFile(filepath.Join(bad, "assurance-report.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "### NHS-TRACED (FAIL)")
	assert.Contains(t, string(md), "-SMYTHE")

	// The journal assure wrote can be judged again later.
	code, stdout, stderr = assureCmd("assess", "--journal", filepath.Join(bad, "journal.jsonl"), "--out", t.TempDir())
	assert.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	code, _, stderr = assureCmd("assess", "--journal", filepath.Join(good, "journal.jsonl"), "--out", t.TempDir())
	assert.Equal(t, 0, code, stderr)
}

func TestAssureUsage(t *testing.T) {
	t.Parallel()
	code, _, stderr := assureCmd("assure")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--config FILE is required")
	code, stdout, _ := assureCmd("assure", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "Usage: nems-harness assure --config FILE")
	assert.Contains(t, stdout, "--quiet-period")
	code, _, stderr = assureCmd("assure", "--config", "x.json", "--quiet-period", "-1s")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--quiet-period must not be negative")
	code, _, stderr = assureCmd("assure", "--config", "x.json", "--quiet-period", "soon")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `invalid value "soon" for flag -quiet-period`)

	cfg := filepath.Join(t.TempDir(), "assure.json")
	require.NoError(t, os.WriteFile(cfg, []byte(`{"trigger": {"comand": "./publish.sh"}}`), 0o644))
	code, _, stderr = assureCmd("assure", "--config", cfg)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, `unknown field "comand"`)

	require.NoError(t, os.WriteFile(cfg, []byte(`{"trigger": {"command": "./publish.sh {{nhs}}"}}`), 0o644))
	code, _, stderr = assureCmd("assure", "--config", cfg)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "unknown placeholder {{nhs}}")

	require.NoError(t, os.WriteFile(cfg, []byte(`{"trigger": {"command": "true"}}`), 0o644))
	code, _, stderr = assureCmd("assure", "--config", cfg, "--addr", "127.0.0.1:0", "--out", t.TempDir(), "--tags", "@no-such-tag")
	assert.Equal(t, 2, code)
	assert.True(t, strings.Contains(stderr, `the tag expression "@no-such-tag" selects no scenario`), stderr)
	assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr), "\n")+1, "one line: %s", stderr)
	code, _, stderr = assureCmd("assure", "--config", cfg, "--addr", "127.0.0.1:0", "--out", t.TempDir(), "--tags", "((")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "malformed tag expression")
}
