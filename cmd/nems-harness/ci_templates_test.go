package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/nems-harness/nems-harness/internal/release"
)

// The CI templates of examples/ci are files a supplier copies as they are:
// each must parse, have the shape its CI system reads, keep the reports,
// and call nems-harness only with commands and flags that exist.

const ciDir = "../../examples/ci"

// commandFlags lists the flags a command accepts, read from its -h usage
// (the flag set itself prints it). path is the command as typed after
// nems-harness, e.g. "assure" or "certs issue"; ok is false for a command
// that does not exist.
func commandFlags(path ...string) (flags map[string]bool, ok bool) {
	if len(path) == 0 {
		return nil, false
	}
	if _, known := commands[path[0]]; !known {
		return nil, false
	}
	var stdout, stderr bytes.Buffer
	if code := run(append(append([]string(nil), path...), "-h"), &stdout, &stderr); code != 0 {
		return nil, false
	}
	flags = map[string]bool{"h": true, "help": true}
	for _, line := range strings.Split(stdout.String(), "\n") {
		if m := usageFlag.FindStringSubmatch(line); m != nil {
			flags[m[1]] = true
		}
	}
	return flags, true
}

var usageFlag = regexp.MustCompile(`^\s+--?([A-Za-z0-9][A-Za-z0-9-]*)\b`)

// subcommands are the commands that take a subcommand word.
var subcommands = map[string]bool{"certs": true}

// templateCall is one nems-harness command line of a template.
type templateCall struct {
	line  int
	path  []string
	flags []string
	text  string
}

var harnessCallPattern = regexp.MustCompile(`(?:^|[\s;&|(` + "`" + `'"])nems-harness(?:\.exe)?((?:\s+[^\s;&|#'"` + "`" + `)]+)*)`)

// templateCalls finds the nems-harness command lines of a text: shell lines
// joined at a trailing backslash, each up to a shell separator.
func templateCalls(text string) []templateCall {
	var out []templateCall
	lines := strings.Split(strings.ReplaceAll(text, "\\\n", " "), "\n")
	for i, l := range lines {
		for _, m := range harnessCallPattern.FindAllStringSubmatch(l, -1) {
			words := strings.Fields(m[1])
			if len(words) == 0 || strings.HasPrefix(words[0], "-") && words[0] != "--version" {
				continue
			}
			inv := templateCall{line: i + 1, text: strings.TrimSpace(m[0])}
			inv.path = append(inv.path, words[0])
			rest := words[1:]
			if subcommands[words[0]] && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
				inv.path = append(inv.path, rest[0])
				rest = rest[1:]
			}
			for _, w := range rest {
				if strings.HasPrefix(w, "-") {
					name, _, _ := strings.Cut(strings.TrimLeft(w, "-"), "=")
					inv.flags = append(inv.flags, name)
				}
			}
			out = append(out, inv)
		}
	}
	return out
}

func TestTemplateCalls(t *testing.T) {
	got := templateCalls("run: |\n  nems-harness assure --config a.json \\\n    --out=out && nems-harness version\n" +
		"url: https://github.com/nems-harness/nems-harness/releases\n" +
		"sh 'nems-harness certs issue --dir pki --asid 1'\n" +
		"tar -xzf nems-harness_v1.0.0_linux_amd64.tar.gz\n")
	require.Len(t, got, 3)
	assert.Equal(t, []string{"assure"}, got[0].path)
	assert.Equal(t, []string{"config", "out"}, got[0].flags)
	assert.Equal(t, []string{"version"}, got[1].path)
	assert.Equal(t, []string{"certs", "issue"}, got[2].path)
	assert.Equal(t, []string{"dir", "asid"}, got[2].flags)

	flags, ok := commandFlags("assure")
	require.True(t, ok)
	assert.True(t, flags["config"] && flags["out"] && flags["tls-dir"])
	assert.False(t, flags["no-such-flag"])
	_, ok = commandFlags("no-such-command")
	assert.False(t, ok)
	flags, ok = commandFlags("certs", "issue")
	require.True(t, ok)
	assert.True(t, flags["asid"] && flags["fqdn"])
}

// templateText is one file's text, the shell scripts in it (checked with
// sh -n) and the strings that may call nems-harness.
type templateText struct {
	name    string
	text    string
	scripts []string
	strings []string
}

func TestCITemplates(t *testing.T) {
	names := []string{"github-actions.yml", "gitlab-ci.yml", "azure-pipelines.yml", "Jenkinsfile"}
	entries, err := os.ReadDir(ciDir)
	require.NoError(t, err)
	var present []string
	for _, e := range entries {
		if e.Name() != "README.md" {
			present = append(present, e.Name())
		}
	}
	sort.Strings(present)
	want := append([]string(nil), names...)
	sort.Strings(want)
	assert.Equal(t, want, present, "every template is checked here")

	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(ciDir, name))
			require.NoError(t, err)
			tt := templateText{name: name, text: string(data)}
			switch name {
			case "Jenkinsfile":
				checkJenkinsfile(t, &tt)
			default:
				checkYAMLTemplate(t, &tt)
			}
			checkCommon(t, tt)
		})
	}
}

// checkCommon: what every template must do, whatever its CI system.
func checkCommon(t *testing.T, tt templateText) {
	text := tt.text
	for _, s := range []string{"junit.xml", "assurance-report.html", "journal.jsonl", "sha256sum -c", "SHA256SUMS", "start-my-system"} {
		assert.Contains(t, text, s)
	}
	// The download names the archive as make release builds it.
	v := regexp.MustCompile(`HARNESS_RELEASE\s*[:=]\s*['"]?(v[^'"\s]+)`).FindStringSubmatch(text)
	require.NotNil(t, v, "no pinned release (HARNESS_RELEASE)")
	assert.NoError(t, release.CheckVersion(v[1]))
	archive := release.ArchiveBase("nems-harness", "${v}", release.Target{OS: "linux", Arch: "amd64"}) + release.ArchiveExt(release.Target{OS: "linux", Arch: "amd64"})
	assert.True(t, strings.Contains(text, archive) || strings.Contains(text, strings.ReplaceAll(archive, "${v}", "${HARNESS_RELEASE}")),
		"the archive is not named %s", archive)

	// Only commands and flags that exist, in the scripts the CI runs.
	calls := templateCalls(strings.Join(append(append([]string(nil), tt.scripts...), tt.strings...), "\n"))
	var assure bool
	for _, inv := range calls {
		flags, ok := commandFlags(inv.path...)
		if !assert.True(t, ok, "line %d: %q: no command %q", inv.line, inv.text, strings.Join(inv.path, " ")) {
			continue
		}
		for _, f := range inv.flags {
			assert.True(t, flags[f], "line %d: %q: nems-harness %s has no flag --%s", inv.line, inv.text, strings.Join(inv.path, " "), f)
		}
		if inv.path[0] == "assure" {
			assure = true
		}
	}
	assert.True(t, assure, "the template never runs nems-harness assure")

	// NEMS_HARNESS_ variables set flags: each must name a flag of assure.
	assureFlags, _ := commandFlags("assure")
	for _, m := range regexp.MustCompile(`NEMS_HARNESS_[A-Z0-9_]+`).FindAllString(text, -1) {
		flag := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(m, "NEMS_HARNESS_"), "_", "-"))
		assert.True(t, assureFlags[flag], "%s sets no flag of assure", m)
	}

	// The shell scripts parse.
	if sh, err := exec.LookPath("sh"); err == nil {
		for _, s := range tt.scripts {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			cmd := exec.CommandContext(ctx, sh, "-n")
			cmd.Stdin = strings.NewReader(s)
			out, err := cmd.CombinedOutput()
			cancel()
			assert.NoError(t, err, "sh -n: %s\n%s", out, s)
		}
	}
}

func checkYAMLTemplate(t *testing.T, tt *templateText) {
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(tt.text), &doc), "not YAML")
	switch tt.name {
	case "github-actions.yml":
		require.Contains(t, doc, "on")
		jobs := mapAt(t, doc, "jobs")
		require.NotEmpty(t, jobs)
		for name, j := range jobs {
			job := j.(map[string]any)
			assert.Contains(t, job, "runs-on", name)
			for _, st := range listAt(t, job, "steps") {
				step := st.(map[string]any)
				assert.True(t, step["run"] != nil || step["uses"] != nil, "a step without run or uses: %v", step)
				if s, ok := step["run"].(string); ok {
					tt.scripts = append(tt.scripts, s)
				}
				if uses, ok := step["uses"].(string); ok {
					assert.Regexp(t, `^[\w.-]+/[\w.-]+@\S+$`, uses, "actions are pinned")
				}
			}
		}
		assert.Contains(t, tt.text, "if: ${{ always() }}", "the reports are kept when assure fails")
	case "gitlab-ci.yml":
		var jobs int
		for name, v := range doc {
			job, ok := v.(map[string]any)
			if !ok || job["script"] == nil {
				continue
			}
			jobs++
			var script []string
			for _, key := range []string{"before_script", "script"} {
				for _, l := range listAt(t, job, key) {
					script = append(script, fmt.Sprint(l))
				}
			}
			tt.scripts = append(tt.scripts, strings.Join(script, "\n"))
			artifacts := mapAt(t, job, "artifacts")
			assert.Equal(t, "always", artifacts["when"], name)
			assert.Equal(t, "out/junit.xml", mapAt(t, artifacts, "reports")["junit"], name)
		}
		assert.Equal(t, 1, jobs)
	case "azure-pipelines.yml":
		var tasks []string
		for _, st := range listAt(t, doc, "steps") {
			step := st.(map[string]any)
			if s, ok := step["script"].(string); ok {
				tt.scripts = append(tt.scripts, s)
			}
			if task, ok := step["task"].(string); ok {
				tasks = append(tasks, task)
				assert.Equal(t, "always()", step["condition"], task)
			}
		}
		assert.Contains(t, tasks, "PublishTestResults@2")
		assert.Contains(t, tasks, "PublishPipelineArtifact@1")
	}
}

func mapAt(t *testing.T, m map[string]any, key string) map[string]any {
	t.Helper()
	v, ok := m[key].(map[string]any)
	require.True(t, ok, "%s is not a mapping", key)
	return v
}

func listAt(t *testing.T, m map[string]any, key string) []any {
	t.Helper()
	v, ok := m[key].([]any)
	require.True(t, ok, "%s is not a list", key)
	return v
}

// checkJenkinsfile checks a declarative pipeline as far as can be done
// without Jenkins: brackets balance outside strings and comments, and the
// pipeline has agent, stages, stage and steps blocks, and keeps the
// reports in post/always.
func checkJenkinsfile(t *testing.T, tt *templateText) {
	code, scripts, literals, err := groovyCode(tt.text)
	require.NoError(t, err)
	tt.scripts, tt.strings = scripts, literals
	assert.NoError(t, balanced(code))
	for _, re := range []string{`(?m)^pipeline\s*\{`, `\bagent\s+\w+`, `\bstages\s*\{`, `\bstage\s*\(\s*''\s*\)\s*\{`, `\bsteps\s*\{`, `\bpost\s*\{`, `\balways\s*\{`, `\bjunit\b`, `\barchiveArtifacts\b`} {
		assert.Regexp(t, re, code)
	}
}

// groovyCode blanks out a Groovy file's comments and strings (their
// contents become empty quotes), so brackets can be counted; it returns
// the triple-quoted blocks (the scripts passed to sh) and every other string.
func groovyCode(src string) (code string, scripts, literals []string, err error) {
	var b strings.Builder
	for i := 0; i < len(src); {
		switch {
		case strings.HasPrefix(src[i:], "//"):
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				return b.String(), scripts, literals, nil
			}
			i += j
		case strings.HasPrefix(src[i:], "/*"):
			j := strings.Index(src[i+2:], "*/")
			if j < 0 {
				return "", nil, nil, fmt.Errorf("unclosed comment")
			}
			i += j + 4
		case strings.HasPrefix(src[i:], "'''"), strings.HasPrefix(src[i:], `"""`):
			q := src[i : i+3]
			j := strings.Index(src[i+3:], q)
			if j < 0 {
				return "", nil, nil, fmt.Errorf("unclosed %s string", q)
			}
			if q == "'''" {
				scripts = append(scripts, strings.ReplaceAll(src[i+3:i+3+j], `\\`, `\`))
			}
			b.WriteString(q + q)
			i += j + 6
		case src[i] == '\'' || src[i] == '"':
			q := src[i]
			j := i + 1
			for ; j < len(src) && src[j] != q; j++ {
				if src[j] == '\\' {
					j++
				}
				if j < len(src) && src[j] == '\n' {
					return "", nil, nil, fmt.Errorf("string not closed on its line")
				}
			}
			if j >= len(src) {
				return "", nil, nil, fmt.Errorf("unclosed string")
			}
			literals = append(literals, src[i+1:j])
			b.WriteString(string(q) + string(q))
			i = j + 1
		default:
			b.WriteByte(src[i])
			i++
		}
	}
	return b.String(), scripts, literals, nil
}

// balanced checks that (), [] and {} nest.
func balanced(code string) error {
	var stack []rune
	pairs := map[rune]rune{')': '(', ']': '[', '}': '{'}
	line := 1
	for _, c := range code {
		switch c {
		case '\n':
			line++
		case '(', '[', '{':
			stack = append(stack, c)
		case ')', ']', '}':
			if len(stack) == 0 || stack[len(stack)-1] != pairs[c] {
				return fmt.Errorf("line %d: unbalanced %q", line, c)
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("%d bracket(s) left open", len(stack))
	}
	return nil
}

func TestGroovyChecks(t *testing.T) {
	for _, tc := range []struct {
		src string
		ok  bool
	}{
		{"pipeline { stages { stage('a') { steps { sh 'echo }' } } } }", true},
		{"pipeline { // a } in a comment\n}", true},
		{"pipeline { sh '''\n}\n''' }", true},
		{"pipeline { stages { }", false},
		{"pipeline { sh 'x ) }", false},
		{"pipeline ( }", false},
	} {
		code, _, _, err := groovyCode(tc.src)
		if err == nil {
			err = balanced(code)
		}
		assert.Equal(t, tc.ok, err == nil, "%q: %v", tc.src, err)
	}
}
