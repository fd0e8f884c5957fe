package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var dashboardLink = regexp.MustCompile(`dashboard at (http://\S+)`)

// serveOutput runs serve until the test ends and returns its output once
// the dashboard's link (or a failure) is printed.
func serveOutput(t *testing.T, args ...string) (stdout, stderr *certsBuffer, code chan int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr = &certsBuffer{}, &certsBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- serveUntil(ctx, append([]string{"--addr", "127.0.0.1:0", "--quiet"}, args...), stdout, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	})
	return stdout, stderr, done
}

func waitLink(t *testing.T, stdout, stderr *certsBuffer, done <-chan int) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := dashboardLink.FindStringSubmatch(stdout.String()); m != nil {
			return m[1]
		}
		select {
		case c := <-done:
			t.Fatalf("serve exited with %d: %s", c, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("no dashboard link printed: %s %s", stdout.String(), stderr.String())
	return ""
}

func getOK(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusOK, resp.StatusCode, url)
	return string(b)
}

// TestServePrintsTheDashboard: over plain HTTP the dashboard is on the
// publish listener; with --tls-dir it is on the admin listener, plain HTTP,
// beside the admin API, while the publish listener asks for a certificate.
func TestServePrintsTheDashboard(t *testing.T) {
	t.Run("plain", func(t *testing.T) {
		out, errs, done := serveOutput(t)
		link := waitLink(t, out, errs, done)
		assert.Contains(t, out.String(), "listening on http://")
		assert.Contains(t, getOK(t, link), "nems-harness dashboard")
	})
	t.Run("mutual TLS", func(t *testing.T) {
		out, errs, done := serveOutput(t, "--tls-dir", certsPKI(t), "--admin-addr", "127.0.0.1:0")
		link := waitLink(t, out, errs, done)
		assert.Contains(t, out.String(), "listening on https://")
		assert.Contains(t, getOK(t, link), "nems-harness dashboard")
		assert.Contains(t, getOK(t, link[:len(link)-len("ui/")]+"health"), `"status": "ok"`)
	})
	t.Run("taken admin address", func(t *testing.T) {
		taken, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer taken.Close()
		out, errs, done := serveOutput(t, "--tls-dir", certsPKI(t), "--admin-addr", taken.Addr().String())
		select {
		case c := <-done:
			done <- c // for the clean-up
			assert.Equal(t, 1, c)
			assert.Contains(t, errs.String(), "--admin-addr")
		case <-time.After(10 * time.Second):
			t.Fatalf("serve should refuse an admin address it cannot listen on: %s", out.String())
		}
	})
}
