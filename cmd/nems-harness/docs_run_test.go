//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// docPort is the port the documentation's commands use; the test gives
// them a free one instead, the one change it makes to what is written.
const docPort = "4854"

// docTools are commands a block may need that a machine may lack; a block
// naming one that is missing is skipped.
var docTools = regexp.MustCompile(`(?m)(?:^|[\s;|&(])(curl|make|jq|openssl|docker|podman|git)\s`)

// TestDocsCommands runs the commands of the README and docs/ as written
// (see docs_test.go): in a copy of the repository, with a fresh HOME, the
// harness built from the copy first on the PATH, and port 4854 replaced by
// a free one (also given as NEMS_HARNESS_ADDR).
func TestDocsCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the harness and runs the documentation's commands")
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("needs sh")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("needs the go command")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	pages, err := docPages(root)
	require.NoError(t, err)

	tmp := t.TempDir()
	src, bin, home := filepath.Join(tmp, "src"), filepath.Join(tmp, "bin"), filepath.Join(tmp, "home")
	for _, d := range []string{bin, home, filepath.Join(tmp, "tmp")} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	require.NoError(t, copyRepository(root, src))
	env := docEnvironment(t, goBin, tmp, bin, home)
	build := exec.Command(goBin, "build", "-o", filepath.Join(bin, "nems-harness"), "./cmd/nems-harness")
	build.Dir, build.Env = src, env
	out, err := build.CombinedOutput()
	require.NoError(t, err, "building nems-harness: %s", out)

	port := freePort(t)
	// Configuration, not commands: the free port, and a short wait where
	// assure waits to see that nothing is published.
	env = append(env, "NEMS_HARNESS_ADDR=127.0.0.1:"+port, "NEMS_HARNESS_QUIET_PERIOD=2s")
	for _, page := range pages {
		blocks, err := readDocBlocks(root, page)
		require.NoError(t, err)
		t.Run(page, func(t *testing.T) {
			var bg *docProcess
			bgSection := 0
			stopBackground := func() {
				if bg != nil {
					bg.stop()
					bg = nil
				}
			}
			defer stopBackground()
			for _, b := range blocks {
				if bg != nil && b.section != bgSection {
					stopBackground()
				}
				t.Run(fmt.Sprintf("line %d", b.line), func(t *testing.T) {
					if b.notTested != "" {
						t.Skipf("not tested: %s", b.notTested)
					}
					for _, m := range docTools.FindAllStringSubmatch(b.script, -1) {
						if _, err := exec.LookPath(m[1]); err != nil {
							t.Skipf("needs %s, which is not installed", m[1])
						}
					}
					script := strings.ReplaceAll(b.script, docPort, port)
					if b.background {
						stopBackground()
						bg, bgSection = startDocProcess(t, src, env, script, port), b.section
						return
					}
					runDocBlock(t, src, env, script, b)
				})
			}
		})
	}
}

// docEnvironment is the test's environment without NEMS_HARNESS_
// variables, with a fresh HOME and TMPDIR, and the Go caches of the
// machine (so a fresh HOME builds nothing twice).
func docEnvironment(t *testing.T, goBin, tmp, bin, home string) []string {
	t.Helper()
	out, err := exec.Command(goBin, "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	require.NoError(t, err)
	goEnv := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Len(t, goEnv, 3)
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, envPrefix):
		case name == "PATH", name == "HOME", name == "TMPDIR", name == "GOBIN",
			name == "GOCACHE", name == "GOMODCACHE", name == "GOPATH", name == "MAKEFLAGS", name == "MAKELEVEL":
		default:
			env = append(env, kv)
		}
	}
	return append(env,
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"HOME="+home, "TMPDIR="+filepath.Join(tmp, "tmp"), "GOBIN="+bin,
		"GOCACHE="+goEnv[0], "GOMODCACHE="+goEnv[1], "GOPATH="+goEnv[2])
}

// runDocBlock runs one block with sh -e and checks its status and output.
func runDocBlock(t *testing.T, dir string, env []string, script string, b docBlock) {
	t.Helper()
	// Not a time limit on the commands, a guard against one that hangs.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-e", "-c", script)
	cmd.Dir, cmd.Env = dir, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running the block: %v", err)
	}
	if code != b.exit {
		t.Fatalf("exit status %d, want %d; script:\n%s\noutput:\n%s", code, b.exit, script, out.String())
	}
	for _, want := range b.expect {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q; script:\n%s\noutput:\n%s", want, script, out.String())
		}
	}
}

// docProcess is a block running in the background.
type docProcess struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

// startDocProcess starts a block in the background and returns once it
// listens on port.
func startDocProcess(t *testing.T, dir string, env []string, script, port string) *docProcess {
	t.Helper()
	p := &docProcess{cmd: exec.Command("sh", "-e", "-c", script), out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Dir, p.cmd.Env = dir, env
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, p.cmd.Start())
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	// Not a time limit: a guard against a server that never listens.
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); {
		select {
		case <-p.done:
			t.Fatalf("the block ended instead of serving; script:\n%s\noutput:\n%s", script, p.out.String())
		default:
		}
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			c.Close()
			return p
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.stop()
	t.Fatalf("the block did not listen on port %s; output:\n%s", port, p.out.String())
	return nil
}

// stop ends the block and everything it started (its process group).
func (p *docProcess) stop() {
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

// syncBuffer is a bytes.Buffer safe for a process's writes and the test's
// reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// freePort is a loopback port nothing listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// copyRepository copies the repository's files into dst, leaving out git's
// folder and build and run outputs.
func copyRepository(src, dst string) error {
	skip := map[string]bool{".git": true, "out": true, "bin": true, "dist": true, "report": true, "pki": true}
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if (skip[rel] || filepath.Base(rel) == "fuzz" && filepath.Base(filepath.Dir(rel)) == "testdata") && rel != "." {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, info.Mode().Perm())
	})
}
