package assessment_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/assessment"
	"github.com/nems-harness/nems-harness/internal/token"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/publish"
	"github.com/nems-harness/nems-harness/reports"
)

// recordJournal serves the mock with a journal file under a profile and
// publishes through it: one conforming publish, one with the wrong scope,
// and a GET that is not a publish. It returns the file.
func recordJournal(t testing.TB, profile mockspine.Profile) string {
	t.Helper()
	w, err := fixtures.Default()
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := mockspine.OpenJournal(path)
	require.NoError(t, err)
	srv, err := mockspine.NewServer(mockspine.Config{Profile: profile, World: w, Journal: j})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	s := publish.Sender{ASID: "200000000115", ODS: "RX3EP"}
	for _, scope := range []string{"patient/Bundle.write", "patient/*.read"} {
		claims := publish.Claims(s, ts.URL+mockspine.PublishPath, time.Now())
		claims["scope"] = scope
		jwt, err := token.Mint(claims)
		require.NoError(t, err)
		body, err := publish.Message("vaccinations-1", "new", "xml", nil)
		require.NoError(t, err)
		req, err := http.NewRequest(http.MethodPost, ts.URL+mockspine.PublishPath, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header = publish.Headers(s, w.NEMSASID(), "vaccinations-1", jwt, "application/fhir+xml")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
	}
	resp, err := http.Get(ts.URL + "/nowhere")
	require.NoError(t, err)
	resp.Body.Close()
	ts.Close()
	require.NoError(t, j.Close())
	return path
}

func rowsByID(rows []reports.RuleRow) map[string]reports.RuleRow {
	m := map[string]reports.RuleRow{}
	for _, r := range rows {
		m[r.ID] = r
	}
	return m
}

func TestAssessJournalFile(t *testing.T) {
	path := recordJournal(t, mockspine.Profile2019)
	res, err := assessment.AssessJournalFile(context.Background(), path, assessment.JournalOptions{})
	require.NoError(t, err)
	assert.Equal(t, mockspine.Profile2019, res.Profile)
	assert.Equal(t, 3, res.Requests)
	assert.Equal(t, 1, res.Other)
	assert.False(t, res.TLS)
	rows := rowsByID(res.Rows)
	assert.Equal(t, reports.Fail, rows["JWT-SCOPE"].Verdict)
	assert.Equal(t, "1 of 3 request(s) broke the rule", rows["JWT-SCOPE"].Reason)
	assert.Equal(t, reports.Pass, rows["JWT-SUB"].Verdict)
	assert.Equal(t, reports.NotAssessed, rows["EP-CERT"].Verdict)

	// Judged again under the same rules: the same verdicts.
	w, err := fixtures.Default()
	require.NoError(t, err)
	again, err := assessment.AssessJournalFile(context.Background(), path, assessment.JournalOptions{Rejudge: true, World: w})
	require.NoError(t, err)
	assert.Equal(t, 2, again.Rejudged)
	for id, row := range rowsByID(again.Rows) {
		assert.Equal(t, rows[id].Verdict, row.Verdict, id)
	}

	_, err = assessment.AssessJournalFile(context.Background(), path, assessment.JournalOptions{Profile: mockspine.ProfileCurrent})
	assert.ErrorContains(t, err, "pass --rejudge to judge it under nems-current")
	_, err = assessment.AssessJournalFile(context.Background(), filepath.Join(t.TempDir(), "none"), assessment.JournalOptions{})
	assert.Error(t, err)
	empty := filepath.Join(t.TempDir(), "empty.jsonl")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	_, err = assessment.AssessJournalFile(context.Background(), empty, assessment.JournalOptions{})
	assert.ErrorContains(t, err, "no request")
}

func TestAssessJournalRefusesMixedProfiles(t *testing.T) {
	a, err := os.ReadFile(recordJournal(t, mockspine.Profile2019))
	require.NoError(t, err)
	b, err := os.ReadFile(recordJournal(t, mockspine.ProfileCurrent))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "mixed.jsonl")
	require.NoError(t, os.WriteFile(path, append(a, b...), 0o644))
	_, err = assessment.AssessJournalFile(context.Background(), path, assessment.JournalOptions{})
	assert.ErrorContains(t, err, "mixes profiles nems-2019-01 and nems-current")
}

// repeatedJournal is a journal of size bytes: lines repeated, read as a
// stream (nothing is held but one line), sampling the heap as it goes.
type repeatedJournal struct {
	lines      [][]byte
	left, i    int
	line       []byte
	sinceCheck int
	peak       uint64
}

func (r *repeatedJournal) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	if len(r.line) == 0 {
		r.line = r.lines[r.i%len(r.lines)]
		r.i++
	}
	n := copy(p, r.line)
	n = min(n, r.left)
	r.line, r.left = r.line[n:], r.left-n
	if r.sinceCheck += n; r.sinceCheck >= 4<<20 {
		r.sinceCheck = 0
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		r.peak = max(r.peak, m.HeapInuse)
	}
	return n, nil
}

func journalLines(t testing.TB) [][]byte {
	b, err := os.ReadFile(recordJournal(t, mockspine.Profile2019))
	require.NoError(t, err)
	var lines [][]byte
	for _, l := range bytes.SplitAfter(b, []byte("\n")) {
		if len(l) > 0 {
			lines = append(lines, l)
		}
	}
	return lines
}

// assessStream assesses a streamed journal of size bytes and returns the
// result and the peak heap in use while it ran.
func assessStream(t testing.TB, lines [][]byte, size int) (*assessment.JournalResult, uint64) {
	runtime.GC()
	r := &repeatedJournal{lines: lines, left: size}
	res, err := assessment.AssessJournal(context.Background(), func() (io.ReadCloser, error) { return io.NopCloser(r), nil },
		assessment.JournalOptions{})
	require.NoError(t, err)
	return res, r.peak
}

// journalTestSize is the journal streamed by the bounded-memory test:
// NEMS_ASSESS_JOURNAL_MB megabytes (1024 for the figure in the README),
// else 64, or 8 with -short or the race detector.
func journalTestSize(t testing.TB) int {
	if v := os.Getenv("NEMS_ASSESS_JOURNAL_MB"); v != "" {
		mb, err := strconv.Atoi(v)
		require.NoError(t, err)
		return mb << 20
	}
	if testing.Short() || raceEnabled {
		return 8 << 20
	}
	return 64 << 20
}

// TestAssessStreamsAJournalInBoundedMemory: a journal far larger than the
// heap bound is assessed, every request counted, without the heap growing
// with it.
func TestAssessStreamsAJournalInBoundedMemory(t *testing.T) {
	lines := journalLines(t)
	size := journalTestSize(t)
	res, peak := assessStream(t, lines, size)
	t.Logf("assessed a %d MB journal (%d requests) with peak heap in use %.1f MB", size>>20, res.Requests, float64(peak)/(1<<20))
	assert.Greater(t, res.Requests, size/(64<<10))
	rows := rowsByID(res.Rows)
	assert.Equal(t, reports.Fail, rows["JWT-SCOPE"].Verdict)
	assert.Len(t, rows["JWT-SCOPE"].Evidence, assessment.MaxEvidence, "evidence is bounded, the rest counted")
	assert.Contains(t, rows["JWT-SCOPE"].Reason, fmt.Sprintf("(the first %d shown)", assessment.MaxEvidence))
	assert.Less(t, peak, uint64(48<<20), "the heap stays bounded whatever the journal's size")
}

// BenchmarkAssessJournal streams a journal of NEMS_ASSESS_JOURNAL_MB
// megabytes (64 by default) per iteration and reports its throughput and
// the peak heap in use.
func BenchmarkAssessJournal(b *testing.B) {
	lines := journalLines(b)
	size := journalTestSize(b)
	b.SetBytes(int64(size))
	var peak uint64
	for b.Loop() {
		_, p := assessStream(b, lines, size)
		peak = max(peak, p)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
