package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/token"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/publish"
)

// assessJournal writes a journal of publishes made at a moment in the past,
// judged then, the way serve --journal records them. Each claims map is
// changed by its function before minting.
func assessJournal(t *testing.T, at time.Time, profile mockspine.Profile, tweaks ...func(map[string]any)) string {
	t.Helper()
	w, err := fixtures.Default()
	require.NoError(t, err)
	s := publish.Sender{ASID: "200000000115", ODS: "RX3EP"}
	judge := &mockspine.Judge{Profile: profile, World: w, Now: func() time.Time { return at }}
	var buf bytes.Buffer
	for i, tweak := range tweaks {
		claims := publish.Claims(s, "https://nems.example", at)
		tweak(claims)
		jwt, err := token.Mint(claims)
		require.NoError(t, err)
		body, err := publish.Message("vaccinations-1", "new", "xml", nil)
		require.NoError(t, err)
		h := publish.Headers(s, w.NEMSASID(), "vaccinations-1", jwt, "application/fhir+xml")
		req := mockspine.Request{Method: "POST", Path: mockspine.PublishPath, Header: h, Body: string(body)}
		j, err := judge.Evaluate(context.Background(), req)
		require.NoError(t, err)
		e := mockspine.Entry{ID: "r" + strconv.Itoa(i+1), Seq: uint64(i + 1), Received: at, Method: "POST", Path: mockspine.PublishPath,
			Header: h, Body: string(body), Profile: profile, Verdicts: j.Verdicts,
			Response: mockspine.Reply{Status: j.Response.Status, Header: j.Response.Header, Body: string(j.Response.Body)}}
		b, err := json.Marshal(e)
		require.NoError(t, err)
		buf.Write(append(b, '\n'))
	}
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	return path
}

func keep(map[string]any) {}

func TestAssess(t *testing.T) {
	t.Parallel()
	// Traffic from two hours ago: its JWTs have long expired, which only
	// matters if it is judged at the wrong time.
	past := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	good := assessJournal(t, past, mockspine.Profile2019, keep, keep)
	bad := assessJournal(t, past, mockspine.Profile2019, keep, func(c map[string]any) { c["scope"] = "patient/*.read" })

	out := t.TempDir()
	code, stdout, stderr := assureCmd("assess", "--journal", good, "--out", out)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Assurance report: traffic recorded in journal.jsonl: PASS")
	md, err := os.ReadFile(filepath.Join(out, "assurance-report.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "**Mode:** assess")
	assert.Contains(t, string(md), "Verdicts as recorded")

	code, stdout, _ = assureCmd("assess", "--journal", bad, "--out", t.TempDir(), "--system", "Hillside GP")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "Assurance report: Hillside GP: FAIL")

	// Judged again at the time each request was received: still in date.
	code, _, stderr = assureCmd("assess", "--journal", good, "--rejudge", "--out", t.TempDir())
	assert.Equal(t, 0, code, stderr)
	code, _, _ = assureCmd("assess", "--journal", bad, "--rejudge", "--out", t.TempDir())
	assert.Equal(t, 1, code)

	// Another profile needs --rejudge; then it is judged under it.
	code, _, stderr = assureCmd("assess", "--journal", good, "--profile", "nems-current", "--out", t.TempDir())
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "pass --rejudge")
	out = t.TempDir()
	code, _, stderr = assureCmd("assess", "--journal", good, "--profile", "nems-current", "--rejudge", "--out", out)
	assert.Equal(t, 0, code, stderr)
	md, err = os.ReadFile(filepath.Join(out, "assurance-report.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "**Profile:** nems-current")
	assert.Contains(t, string(md), "Re-judged: 2 publish(es)")

	// Re-judged against other fixtures: the sender is unknown there.
	fix := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(fix, "spine.json"), []byte(`{"nems": {"asid": "999999999999"}, "endpoints": []}`), 0o644))
	pds, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "pds.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(fix, "pds.json"), pds, 0o644))
	code, stdout, _ = assureCmd("assess", "--journal", good, "--rejudge", "--fixtures", fix, "--out", t.TempDir())
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "FAIL")
}

func TestAssessUsage(t *testing.T) {
	t.Parallel()
	code, _, stderr := assureCmd("assess")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--journal FILE is required")
	code, stdout, _ := assureCmd("assess", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "Usage: nems-harness assess --journal FILE")

	code, _, stderr = assureCmd("assess", "--journal", filepath.Join(t.TempDir(), "missing.jsonl"))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "reading journal")

	empty := filepath.Join(t.TempDir(), "empty.jsonl")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	code, _, stderr = assureCmd("assess", "--journal", empty)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "holds no request")

	code, _, stderr = assureCmd("assess", "--journal", empty, "--fixtures", t.TempDir())
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--fixtures only applies with --rejudge")
}

// TestAssessRefusedHandshake: a handshake the mock refused is a journal
// entry with EP-CERT's failed verdict; assess fails the rule on it, with and
// without --rejudge, and says so in its notes.
func TestAssessRefusedHandshake(t *testing.T) {
	t.Parallel()
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	path := assessJournal(t, past, mockspine.Profile2019, keep)
	ans := mockspine.Answer{Status: 403, Code: mockspine.SpineCode{Code: "ASID_CHECK_FAILED"}, IssueType: "forbidden"}
	e := mockspine.Entry{ID: "r2", Seq: 2, Received: past, Remote: "192.0.2.7:40000", TLS: true, Profile: mockspine.Profile2019,
		Handshake: &mockspine.Handshake{Refused: true, Reason: "no client certificate was presented"},
		Verdicts: []mockspine.Verdict{{Rule: "EP-CERT", Outcome: mockspine.Fail, Answer: &ans,
			Reason: "the TLS handshake from 192.0.2.7:40000 was refused: no client certificate was presented"}}}
	b, err := json.Marshal(e)
	require.NoError(t, err)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.Write(append(b, '\n'))
	require.NoError(t, err)
	require.NoError(t, f.Close())

	for _, args := range [][]string{nil, {"--rejudge"}} {
		out := t.TempDir()
		code, stdout, stderr := assureCmd(append([]string{"assess", "--journal", path, "--out", out}, args...)...)
		assert.Equal(t, 1, code, "%v: %s", args, stderr)
		assert.Contains(t, stdout, "FAIL")
		md, err := os.ReadFile(filepath.Join(out, "assurance-report.md"))
		require.NoError(t, err)
		assert.Contains(t, string(md), "was refused: no client certificate was presented", "%v", args)
		assert.Contains(t, string(md), "1 TLS handshake(s) failed, 1 of them refused over the client certificate", "%v", args)
		assert.NotContains(t, string(md), "not judged as publishes", "%v", args)
	}
}
