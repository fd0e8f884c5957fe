package loadtest_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/internal/loadtest"
	"github.com/nems-harness/nems-harness/mockspine"
)

// buildHarness builds the nems-harness binary into a temporary folder.
func buildHarness(t *testing.T) string {
	t.Helper()
	goBin := "go" // go test puts its own go command first on PATH
	bin := filepath.Join(t.TempDir(), "nems-harness")
	out, err := exec.Command(goBin, "build", "-o", bin, "github.com/nems-harness/nems-harness/cmd/nems-harness").CombinedOutput()
	require.NoError(t, err, "building nems-harness: %s", out)
	return bin
}

var listening = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)

// startServe runs serve on a free port with a journal and returns the
// process and its base URL.
func startServe(t *testing.T, bin, journal string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--quiet", "--journal", journal)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case base := <-found:
		return cmd, base
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not say where it listens")
		return nil, ""
	}
}

// TestJournalSurvivesSIGKILL runs the real binary with a journal, loads it
// with good and bad publishes, kills it mid-load, and checks that every
// request that was answered is in the journal intact; then that a torn last
// line is tolerated and that serve restarts on the journal and continues
// its sequence.
func TestJournalSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	bin := buildHarness(t)
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	cmd, base := startServe(t, bin, journal)

	// Every third publish is refused (another toASID); each carries a nonce.
	var mu sync.Mutex
	answered := map[string]int{}
	cfg := config(base + mockspine.PublishPath)
	cfg.Concurrency, cfg.Duration = 8, 30*time.Second
	cfg.Prepare = func(i int64, h http.Header) {
		h.Set("X-Request-Nonce", "n"+strconv.FormatInt(i, 10))
		if i%3 == 2 {
			h.Set("toASID", "200000000205")
		}
	}
	cfg.Observe = func(i int64, status int, err error) {
		if err == nil {
			mu.Lock()
			answered["n"+strconv.FormatInt(i, 10)] = status
			mu.Unlock()
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = loadtest.Run(ctx, cfg)
	}()
	time.Sleep(1500 * time.Millisecond)
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	time.Sleep(100 * time.Millisecond) // let the workers see the connections drop
	cancel()
	<-done

	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, answered, "no request was answered before the kill")
	entries, err := mockspine.ReadJournal(journal)
	require.NoError(t, err, "the journal left by a killed server must be readable")
	body, _, _, err := loadtest.Message()
	require.NoError(t, err)
	byNonce := map[string]mockspine.Entry{}
	for _, e := range entries {
		byNonce[e.Header.Get("X-Request-Nonce")] = e
	}
	accepted, refused := 0, 0
	for nonce, status := range answered {
		e, ok := byNonce[nonce]
		if !assert.True(t, ok, "request %s was answered %d but is not in the journal", nonce, status) {
			continue
		}
		assert.Equal(t, status, e.Response.Status, nonce)
		assert.Equal(t, string(body), e.Body, "%s: body intact", nonce)
		assert.Len(t, e.Verdicts, len(mockspine.Rules()), nonce)
		if status == http.StatusAccepted {
			accepted++
		} else {
			refused++
		}
	}
	assert.Positive(t, accepted)
	assert.Positive(t, refused)
	t.Logf("%d requests answered before SIGKILL (%d accepted, %d refused), %d in the journal",
		len(answered), accepted, refused, len(entries))

	// A crash mid-write leaves half a line; readers and serve tolerate it.
	last := entries[len(entries)-1].Seq
	f, err := os.OpenFile(journal, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = fmt.Fprintf(f, `{"id":"r%d","seq":%d,"method":"PO`, last+1, last+1)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	again, err := mockspine.ReadJournal(journal)
	require.NoError(t, err)
	require.Len(t, again, len(entries))

	// serve restarts on the journal and numbers on from where it stopped.
	cmd, base = startServe(t, bin, journal)
	cfg = config(base + mockspine.PublishPath)
	cfg.Concurrency, cfg.Duration = 2, 200*time.Millisecond
	r, err := loadtest.Run(context.Background(), cfg)
	require.NoError(t, err)
	require.Zero(t, r.Errors, r.FirstError)
	require.Zero(t, r.Non202, r.FirstError)
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, cmd.Wait(), "serve stops cleanly on SIGTERM")

	after, err := mockspine.ReadJournal(journal)
	require.NoError(t, err)
	require.Len(t, after, len(entries)+int(r.Requests))
	for i, e := range after {
		if i > 0 {
			assert.Equal(t, after[i-1].Seq+1, e.Seq, "sequence continues at line %d", i+1)
		}
	}
	assert.Equal(t, last+1, after[len(entries)].Seq, "the first entry after the restart follows the last before it")
}
