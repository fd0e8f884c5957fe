package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/internal/token"
)

// TestCommandErrors: bad flags and fixtures get one clear line and a
// non-zero exit, never a stack trace.
func TestCommandErrors(t *testing.T) {
	badDir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(badDir, "spine.json"), []byte(`{"nems":{}}`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(badDir, "pds.json"), []byte(`{"patients":[]}`), 0o644))
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"bogus"}, 2, `unknown command "bogus"`},
		{[]string{"serve", "--profile", "nems-1999"}, 2, `unknown profile "nems-1999"`},
		{[]string{"serve", "--fixtures", filepath.Join(badDir, "missing")}, 1, "fixtures:"},
		{[]string{"serve", "--fixtures", badDir}, 1, "nems.asid is missing"},
		{[]string{"serve", "--disable-rule", "NO-SUCH", "--addr", "127.0.0.1:0"}, 1, "no such rule"},
		{[]string{"serve", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"serve", "--no-such-flag"}, 2, "flag provided but not defined"},
		{[]string{"jwt", "--set", "novalue"}, 2, "want claim=value"},
		{[]string{"rules", "--profile", "x"}, 2, "unknown profile"},
		{[]string{"conformance", "--profile", "x"}, 2, "unknown profile"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(tt.args, &out, &errOut)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, errOut.String(), tt.want)
			assert.NotContains(t, errOut.String(), "goroutine")
			if tt.code != 0 {
				assert.Equal(t, 1, strings.Count(strings.TrimSpace(errOut.String()), "\n")+1, "one line: %q", errOut.String())
			}
		})
	}
}

func TestJWTCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"jwt", "--asid", "200000000205", "--ods", "Y01234", "--set", "scope=patient/*.read",
		"--set", "exp=0", "--drop", "iss"}, &out, &errOut), errOut.String())
	tok, err := token.Parse(strings.TrimSpace(out.String()))
	require.NoError(t, err)
	assert.Equal(t, "patient/*.read", tok.Claims["scope"])
	assert.Equal(t, json.Number("0"), tok.Claims["exp"])
	assert.NotContains(t, tok.Claims, "iss")
	assert.Equal(t, "https://fhir.nhs.uk/Id/accredited-system|200000000205", tok.Claims["requesting_system"])
	assert.Equal(t, tok.Claims["requesting_system"], tok.Claims["sub"])
	assert.Equal(t, "https://fhir.nhs.uk/Id/ods-organization-code|Y01234", tok.Claims["requesting_organization"])
	iat, _, err := tok.Int("iat")
	require.NoError(t, err)
	assert.InDelta(t, time.Now().Unix(), iat, 5)
}

func TestRulesCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"rules"}, &out, &errOut))
	for _, id := range []string{"EP-CERT", "JWT-SCOPE", "NHS-FLAGS", "MIME-DEFAULT"} {
		assert.Contains(t, out.String(), id)
	}
	out.Reset()
	require.Equal(t, 0, run([]string{"rules", "--json"}, &out, &errOut))
	var rules []map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &rules))
	// 24 envelope rules and 24 generic content rules (RULES-CONTENT.md EVT-*).
	assert.GreaterOrEqual(t, len(rules), 48)
	ids := map[string]bool{}
	for _, r := range rules {
		ids[r["id"].(string)] = true
	}
	assert.True(t, ids["EVT-ORDER"] && ids["EVT-LIFECYCLE"] && ids["NHS-FLAGS"], "envelope and content rules listed")
}

// TestFixtureProblemsAllAtOnce: a fixtures folder with several mistakes
// gets them all, each placed by file, line and column, for every command
// that loads fixtures.
func TestFixtureProblemsAllAtOnce(t *testing.T) {
	dir := t.TempDir()
	def, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "spine.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "spine.json"), def, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pds.json"), []byte(`{"patients": [
  {"nhsNumber": "9912003889", "family": "A", "birthDate": "2017-10-02"},
  {"nhsNumber": "9912003888", "family": "B", "birthDate": "02/10/2017", "flags": ["X"]}]}
`), 0o644))
	for _, tt := range []struct {
		cmd  string
		args []string
	}{
		{"serve", []string{"--fixtures", dir, "--addr", "127.0.0.1:0"}},
		{"conformance", []string{"--fixtures", dir, "--out", t.TempDir()}},
		{"certs issue", []string{"--dir", t.TempDir(), "--asid", "200000000115", "--fqdn", "a.example", "--fixtures", dir}},
	} {
		t.Run(tt.cmd, func(t *testing.T) {
			code, _, errs := runCmd(append(strings.Fields(tt.cmd), tt.args...)...)
			assert.Equal(t, 1, code)
			assert.Equal(t, strings.Join([]string{
				"nems-harness " + tt.cmd + ": fixtures " + dir + ": 3 problems:",
				"  pds.json line 2, column 17: patients[0].nhsNumber is not valid: NHS number 9912003889 fails the Modulus 11 check: check digit should be 8, is 9",
				`  pds.json line 3, column 59: patients[1].birthDate must be a date YYYY-MM-DD, is "02/10/2017"`,
				`  pds.json line 3, column 83: patients[1].flags[0] "X" is not a PDS flag the mock knows (S sensitive, I invalid)`,
			}, "\n")+"\n", errs)
		})
	}
}
