package main

import (
	"bytes"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// invocations are every command and subcommand that parses flags.
func invocations() [][]string {
	var out [][]string
	for name := range commands {
		if name == "certs" {
			out = append(out, []string{"certs", "init"}, []string{"certs", "issue"})
			continue
		}
		out = append(out, []string{name})
	}
	sort.Slice(out, func(i, j int) bool { return strings.Join(out[i], " ") < strings.Join(out[j], " ") })
	return out
}

func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errs bytes.Buffer
	code = run(args, &out, &errs)
	return code, out.String(), errs.String()
}

// oneLine asserts s is a single line.
func oneLine(t *testing.T, s string) {
	t.Helper()
	assert.Equal(t, 1, strings.Count(s, "\n"), "want one line: %q", s)
	assert.True(t, strings.HasSuffix(s, "\n"), "want one line: %q", s)
}

// takesFiles are the commands whose positional arguments are files.
var takesFiles = map[string]bool{"validate": true}

// TestEveryCommandHelpAndMistakes: every command answers -h with its usage
// and status 0, and an unknown flag or a stray argument with one line,
// a hint, and status 2 (a command taking files: a file it cannot read).
func TestEveryCommandHelpAndMistakes(t *testing.T) {
	for _, cmd := range invocations() {
		name := strings.Join(cmd, " ")
		t.Run(name, func(t *testing.T) {
			for _, h := range []string{"-h", "--help"} {
				code, out, errs := runCmd(append(cmd, h)...)
				assert.Equal(t, 0, code, errs)
				assert.Contains(t, out, "Usage: nems-harness "+name)
				assert.Empty(t, errs)
			}
			code, out, _ := runCmd("help", cmd[0])
			assert.Equal(t, 0, code)
			assert.Contains(t, out, "nems-harness "+name)

			code, out, errs := runCmd(append(cmd, "--no-such-flag")...)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			oneLine(t, errs)
			assert.Contains(t, errs, "nems-harness "+name+": flag provided but not defined: -no-such-flag")
			assert.Contains(t, errs, "(see nems-harness "+name+" -h)")

			code, out, errs = runCmd(append(cmd, "stray")...)
			assert.Equal(t, 2, code)
			if takesFiles[name] {
				// "stray" names a file that is not there: it cannot be
				// judged, and the line says so.
				oneLine(t, out+errs)
				assert.Contains(t, out+errs, "cannot read")
				assert.Contains(t, out+errs, "stray")
				return
			}
			oneLine(t, errs)
			if name == "validate" { // its arguments are files
				assert.Contains(t, errs, `cannot read stray`)
			} else {
				assert.Contains(t, errs, `unexpected argument "stray"`)
			}
		})
	}
}

func TestTopLevel(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
		out  string // on stdout when code is 0, else on stderr
	}{
		{nil, 2, "Usage: nems-harness <command>"},
		{[]string{"help"}, 0, "Commands:"},
		{[]string{"-h"}, 0, "Commands:"},
		{[]string{"--version"}, 0, "nems-harness "},
		{[]string{"version"}, 0, "nems-harness "},
		{[]string{"version", "-x"}, 2, "flag provided but not defined: -x"},
		{[]string{"bogus"}, 2, `unknown command "bogus"`},
		{[]string{"--addr", "x"}, 2, "needs a command before it"},
		{[]string{"help", "certs"}, 0, "certs init"},
		{[]string{"certs"}, 2, "certs init"},
		{[]string{"certs", "renew"}, 2, `unknown subcommand "renew"`},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errs := runCmd(tt.args...)
			assert.Equal(t, tt.code, code)
			if tt.code == 0 {
				assert.Contains(t, out, tt.out)
			} else {
				assert.Contains(t, errs, tt.out)
			}
		})
	}
}

// TestUsageErrors: a flag that would be ignored in a combination, a bad
// value or a missing flag is one line naming the flag, status 2.
func TestUsageErrors(t *testing.T) {
	j := filepath.Join(t.TempDir(), "j.jsonl")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"conformance", "--tls-dir", "pki"}, "--tls-dir only applies with --target"},
		{[]string{"conformance", "--target", "http://127.0.0.1:1", "--plain"}, "--plain only applies to the embedded mock"},
		{[]string{"conformance", "--profile", "x"}, `unknown profile "x"`},
		{[]string{"serve", "--profile", "nems-1999"}, `unknown profile "nems-1999"`},
		{[]string{"serve", "--addr", "4854"}, "want HOST:PORT"},
		{[]string{"serve", "--addr", "127.0.0.1:99999"}, "not a number from 0 to 65535"},
		{[]string{"assure", "--addr", "nowhere"}, "want HOST:PORT"},
		{[]string{"assure"}, "--config FILE is required"},
		{[]string{"assess"}, "--journal FILE is required"},
		{[]string{"assess", "--journal", j, "--fixtures", "f"}, "--fixtures only applies with --rejudge"},
		{[]string{"rules", "--json", "-v"}, "-v only applies to the table"},
		{[]string{"rules", "--profile", "x"}, "unknown profile"},
		{[]string{"load", "--bare", "--journal", j}, "--journal only applies with --compare"},
		{[]string{"load", "--compare", "--rate", "100"}, "--rate only applies with --target or --bare"},
		{[]string{"load"}, "give one of --target URL, --bare or --compare"},
		{[]string{"load", "--bare", "--concurrency", "many"}, `invalid value "many" for flag -concurrency`},
		{[]string{"jwt", "--set", "novalue"}, "want claim=value"},
		{[]string{"jwt", "--set", "nosuchclaim=1"}, "--set nosuchclaim: not a claim of the NEMS JWT"},
		{[]string{"jwt", "--drop", "nosuchclaim"}, "--drop nosuchclaim: not a claim of the token"},
		{[]string{"jwt", "--drop", "requesting_user"}, "--drop requesting_user: not a claim of the token"},
		{[]string{"certs", "init"}, "--dir is required"},
		{[]string{"certs", "issue", "--dir", "d", "--asid", "200000000115"}, "--fqdn is required"},
		{[]string{"certs", "issue", "--dir", "d", "--asid", "200000000115", "--fqdn", "a.example", "--days", "0"}, "--days must be at least 1"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errs := runCmd(tt.args...)
			assert.Equal(t, 2, code, "stdout: %s", out)
			oneLine(t, errs)
			assert.Contains(t, errs, tt.want)
			assert.Contains(t, errs, "-h)")
		})
	}
}

// TestDefaultValuesAreNotIgnored: a flag given its default value changes
// nothing, so it is no mistake where the flag would be ignored.
func TestDefaultValuesAreNotIgnored(t *testing.T) {
	fs := newFlags("conformance", &bytes.Buffer{}, &bytes.Buffer{})
	plain := fs.Bool("plain", false, "")
	dir := fs.String("tls-dir", "", "")
	_, ok := fs.parse([]string{"--plain=false", "--tls-dir", ""})
	require.True(t, ok)
	assert.False(t, *plain)
	assert.Empty(t, *dir)
	assert.Equal(t, 0, fs.only("plain", false, "never"))
	assert.Equal(t, 0, fs.only("tls-dir", false, "never"))
}

// TestJWTOptionalClaims: the claims a conforming token leaves out can still
// be set.
func TestJWTOptionalClaims(t *testing.T) {
	code, out, errs := runCmd("jwt", "--claims", "--set", "requesting_user=https://fhir.nhs.uk/Id/sds-role-profile-id|1", "--drop", "iss")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, `"requesting_user"`)
	assert.NotContains(t, out, `"iss"`)
}

// TestFlagsFromEnvironment: a flag left off the command line is read from
// NEMS_HARNESS_<FLAG>; the command line wins; a malformed value names the
// variable.
func TestFlagsFromEnvironment(t *testing.T) {
	newSet := func() (*flagSet, *string, *string, *bool, *int, *time.Duration, *listFlag) {
		fs := newFlags("serve", &bytes.Buffer{}, &bytes.Buffer{}, withEnv)
		var addr string
		fs.addrVar(&addr, "addr", "127.0.0.1:4854", "")
		tlsDir := fs.String("tls-dir", "", "")
		quiet := fs.Bool("quiet", false, "")
		n := fs.Int("concurrency", 8, "")
		d := fs.Duration("quiet-period", 10*time.Second, "")
		var list listFlag
		fs.Var(&list, "disable-rule", "")
		return fs, &addr, tlsDir, quiet, n, d, &list
	}
	t.Setenv("NEMS_HARNESS_ADDR", "0.0.0.0:8080")
	t.Setenv("NEMS_HARNESS_TLS_DIR", "/pki")
	t.Setenv("NEMS_HARNESS_QUIET", "true")
	t.Setenv("NEMS_HARNESS_CONCURRENCY", "3")
	t.Setenv("NEMS_HARNESS_QUIET_PERIOD", "2s")
	t.Setenv("NEMS_HARNESS_DISABLE_RULE", "JWT-SCOPE, JWT-SUB")

	fs, addr, tlsDir, quiet, n, d, list := newSet()
	_, ok := fs.parse(nil)
	require.True(t, ok)
	assert.Equal(t, "0.0.0.0:8080", *addr)
	assert.Equal(t, "/pki", *tlsDir)
	assert.True(t, *quiet)
	assert.Equal(t, 3, *n)
	assert.Equal(t, 2*time.Second, *d)
	assert.Equal(t, listFlag{"JWT-SCOPE", "JWT-SUB"}, *list)
	assert.Equal(t, "NEMS_HARNESS_TLS_DIR", fs.source("tls-dir"))

	fs, addr, tlsDir, quiet, n, _, list = newSet()
	_, ok = fs.parse([]string{"--addr", "127.0.0.1:1", "--tls-dir", "", "--quiet=false", "--concurrency", "5", "--disable-rule", "MSG-SIZE"})
	require.True(t, ok)
	assert.Equal(t, "127.0.0.1:1", *addr, "the command line wins")
	assert.Empty(t, *tlsDir, "an empty flag still wins")
	assert.False(t, *quiet)
	assert.Equal(t, 5, *n)
	assert.Equal(t, listFlag{"MSG-SIZE"}, *list)
	assert.Equal(t, "--tls-dir", fs.source("tls-dir"))

	// Commands without withEnv ignore the variables.
	plain := newFlags("load", &bytes.Buffer{}, &bytes.Buffer{})
	c := plain.Int("concurrency", 8, "")
	_, ok = plain.parse(nil)
	require.True(t, ok)
	assert.Equal(t, 8, *c)
}

func TestMalformedEnvironmentValues(t *testing.T) {
	for _, tt := range []struct {
		args     []string
		variable string
		value    string
		want     string
	}{
		{[]string{"serve"}, "NEMS_HARNESS_ADDR", "4854", `NEMS_HARNESS_ADDR="4854": want HOST:PORT`},
		{[]string{"serve"}, "NEMS_HARNESS_QUIET", "yes", `NEMS_HARNESS_QUIET="yes": want true or false`},
		{[]string{"serve"}, "NEMS_HARNESS_PROFILE", "nems-1999", `NEMS_HARNESS_PROFILE="nems-1999": unknown profile`},
		{[]string{"conformance"}, "NEMS_HARNESS_PLAIN", "sometimes", `NEMS_HARNESS_PLAIN="sometimes": want true or false`},
		{[]string{"conformance"}, "NEMS_HARNESS_TLS_DIR", "pki", "NEMS_HARNESS_TLS_DIR only applies with --target"},
		{[]string{"assure"}, "NEMS_HARNESS_ADDR", "here", `NEMS_HARNESS_ADDR="here": want HOST:PORT`},
	} {
		t.Run(tt.variable+"="+tt.value, func(t *testing.T) {
			t.Setenv(tt.variable, tt.value)
			code, _, errs := runCmd(tt.args...)
			assert.Equal(t, 2, code)
			oneLine(t, errs)
			assert.Contains(t, errs, tt.want)
		})
	}
}

// TestServeFromEnvironment: serve with no flags at all, as in a container,
// listens where NEMS_HARNESS_ADDR says.
func TestServeFromEnvironment(t *testing.T) {
	t.Setenv("NEMS_HARNESS_ADDR", "127.0.0.1:0")
	t.Setenv("NEMS_HARNESS_QUIET", "1")
	url := certsServeArgs(t)
	assert.NotContains(t, url, ":4854")
	assert.Contains(t, url, "http://127.0.0.1:")
}
