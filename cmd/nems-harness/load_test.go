package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/loadtest"
	"github.com/nems-harness/nems-harness/mockspine"
)

func load(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := loadUntil(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestLoadNeedsOneMode(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--bare", "--compare"},
		{"--target", "http://127.0.0.1:1", "--bare"},
		{"--target", "http://127.0.0.1:1", "--journal", "j.jsonl"},
		{"--bare", "--wrk-script", "x.lua"},
		{"--target", "http://127.0.0.1:1", "--wrk-script", "x.lua", "--same-body"},
	} {
		code, _, errs := load(t, args...)
		assert.Equal(t, 2, code, "%v", args)
		assert.NotEmpty(t, errs)
	}
	code, _, errs := load(t, "--target", "ftp://x", "--duration", "10ms")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "not an http(s) URL")
}

// TestLoadWritesAWrkScript: --wrk-script writes the load for wrk and sends
// nothing; the script carries the request line, the headers and the body cut
// at the ids it varies.
func TestLoadWritesAWrkScript(t *testing.T) {
	file := filepath.Join(t.TempDir(), "load.lua")
	code, out, errs := load(t, "--target", "http://127.0.0.1:1", "--wrk-script", file)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "wrk -t2 -c8 -d10s -s "+file+" http://127.0.0.1:1/STU3/Events/1/$process-message")
	script, err := os.ReadFile(file)
	require.NoError(t, err)
	for _, want := range []string{`POST /STU3/Events/1/$process-message HTTP/1.1\r\nHost: 127.0.0.1:1\r\n`,
		`InteractionID: urn:nhs:names:services:events:Vaccinations.Write\r\n`, "function request()"} {
		assert.Contains(t, string(script), want)
	}
	code, _, errs = load(t, "--target", "http://127.0.0.1:1", "--wrk-script", filepath.Join(t.TempDir(), "no", "such", "dir.lua"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "no such file or directory")
}

func TestLoadBare(t *testing.T) {
	code, out, errs := load(t, "--bare", "--duration", "200ms", "--warmup", "0", "--concurrency", "2")
	require.Equal(t, 0, code, errs)
	for _, want := range []string{"requests", "throughput (req/s)", "p50", "p90", "p99", "max", "bare handler"} {
		assert.Contains(t, out, want)
	}
}

func TestLoadTargetWithBody(t *testing.T) {
	w, err := fixtures.Default()
	require.NoError(t, err)
	s, err := mockspine.NewServer(mockspine.Config{World: w})
	require.NoError(t, err)
	base, stop, err := loadtest.Listen(s)
	require.NoError(t, err)
	defer stop()
	body, err := fixtures.Bundle("nipe-outcome-1-update.json")
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "nipe.json")
	require.NoError(t, os.WriteFile(file, body, 0o644))

	code, out, errs := load(t, "--target", base, "--body", file, "--duration", "200ms", "--warmup", "0", "--concurrency", "2")
	require.Equal(t, 0, code, "%s%s", out, errs)
	assert.Contains(t, out, mockspine.PublishPath)
	entries := s.Journal().List(0)
	require.NotEmpty(t, entries)
	assert.Equal(t, "urn:nhs:names:services:events:Nipeoutcome.Write", entries[0].Header.Get("InteractionID"))
	assert.Equal(t, 202, entries[0].Response.Status)

	// A refused publish makes the run fail.
	code, out, _ = load(t, "--target", base, "--to-asid", "200000000205", "--duration", "100ms", "--warmup", "0")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "403")
}

func TestLoadCompare(t *testing.T) {
	journal := filepath.Join(t.TempDir(), "j.jsonl")
	code, out, errs := load(t, "--compare", "--duration", "200ms", "--warmup", "50ms", "--concurrency", "2", "--journal", journal)
	require.Equal(t, 0, code, "%s%s", out, errs)
	for _, want := range []string{"mock", "bare", "throughput ratio mock/bare:", "At half the mock's throughput", "mock p99 at half load:"} {
		assert.Contains(t, out, want)
	}
	entries, err := mockspine.ReadJournal(journal)
	require.NoError(t, err)
	assert.NotEmpty(t, entries)
}
