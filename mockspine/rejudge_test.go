package mockspine_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/internal/assessment"
	"github.com/nems-harness/nems-harness/internal/content"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/publish"
	"github.com/nems-harness/nems-harness/reports"
)

// isPublishEntry reports whether an entry is a request to the publish
// operation, which the mock always judges.
func isPublishEntry(e mockspine.Entry) bool {
	return e.Method == http.MethodPost && (e.Path == mockspine.PublishPath || e.Path == mockspine.PublishPath2019)
}

// rejudger judges a server's journal again as assess --rejudge does: every
// publish in arrival order, through one judge with the server's profile and
// world and a history of its own (mockspine.Judge.Again: a new run the
// entries record empties it), and the content mode each entry records, so
// that the content rules that remember see the same earlier messages, and
// the answers are given in the same mode, as when the entries were
// recorded.
type rejudger struct {
	s     *mockspine.Server
	judge *mockspine.Judge
	done  uint64 // the last sequence number judged again
}

// newRejudger starts re-judging the server's journal from its first entry
// held.
func newRejudger(s *mockspine.Server) *rejudger {
	jd := *s.Judge()
	jd.Now, jd.History, jd.Content = nil, content.NewMemory(), ""
	return &rejudger{s: s, judge: &jd}
}

// again judges the publishes held before seq that are not judged again
// yet, in order, then stored, the entry recorded as number seq.
func (r *rejudger) again(t *testing.T, seq uint64, stored *mockspine.Entry) *mockspine.Judgement {
	t.Helper()
	for _, earlier := range r.s.Journal().List(r.done) {
		if earlier.Seq >= seq {
			break
		}
		r.done = earlier.Seq
		if !isPublishEntry(earlier) {
			continue
		}
		_, err := r.judge.Again(t.Context(), &earlier)
		require.NoError(t, err)
	}
	r.done = seq
	j, err := r.judge.Again(t.Context(), stored)
	require.NoError(t, err)
	return j
}

// checkRejudgedAlike holds one journal entry to the standard "same request,
// same verdicts everywhere": a publish has verdicts; the entry as the admin
// API serves it, and as a journal file gives it back, is the same; and
// judging the recorded request again (as assess --rejudge does, after the
// run's earlier publishes) gives the same verdicts, status and response
// header fields.
func checkRejudgedAlike(t *testing.T, r *rejudger, e mockspine.Entry, viaFile bool) {
	t.Helper()
	if !isPublishEntry(e) {
		assert.Nil(t, e.Verdicts, "%s %s %s is not a publish but was judged", e.ID, e.Method, e.Path)
		return
	}
	require.NotNil(t, e.Verdicts, "publish %s was answered %d without being judged", e.ID, e.Response.Status)

	rec := httptest.NewRecorder()
	r.s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, mockspine.AdminPrefix+"/requests/"+e.ID, nil))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var admin mockspine.Entry
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &admin))
	assert.Equal(t, e.Verdicts, admin.Verdicts, "the admin API's verdicts")
	assert.Equal(t, e.Response.Status, admin.Response.Status)

	stored := roundTrip(t, e, viaFile)
	assert.Equal(t, e.Verdicts, stored.Verdicts, "the journal file's verdicts")

	require.Equal(t, e.Profile, stored.Profile)
	require.Equal(t, e.Run, stored.Run)
	require.Equal(t, e.Content, stored.Content)
	j := r.again(t, e.Seq, &stored)
	assert.Equal(t, e.Verdicts, j.Verdicts, "verdicts judged again")
	assert.Equal(t, e.Response.Status, j.Response.Status, "status judged again")
	assert.Equal(t, orNil(e.Response.Header), orNil(j.Response.Header), "response header judged again")
}

// orNil is h, or nil when it is empty: a journal file, like JSON, does not
// tell an empty header from none.
func orNil(h http.Header) http.Header {
	if len(h) == 0 {
		return nil
	}
	return h
}

// roundTrip is the entry as a journal file gives it back: written and read
// through a real file, or (for fuzzing, where a sync per input is too
// slow) through the JSON encoding the file uses.
func roundTrip(t *testing.T, e mockspine.Entry, viaFile bool) mockspine.Entry {
	t.Helper()
	if !viaFile {
		b, err := json.Marshal(e)
		require.NoError(t, err)
		var out mockspine.Entry
		require.NoError(t, json.Unmarshal(b, &out))
		return out
	}
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := mockspine.OpenJournal(path)
	require.NoError(t, err)
	c := e
	require.NoError(t, j.Append(&c))
	require.NoError(t, j.Close())
	entries, err := mockspine.ReadJournal(path)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	return entries[0]
}

// TestRejudgeAcrossRunsAndModes records one journal file over four runs of
// the mock (a restart, a cleared journal, another restart), in content
// mode report, then reject, then report again, and judges it again as
// assess --rejudge does: every entry gets the verdicts, status and header
// fields it got live, though the runs' messages repeat one another (the
// rules that remember know only their own run) and the judge judging again
// is told no mode.
func TestRejudgeAcrossRunsAndModes(t *testing.T) {
	w := defaultWorld(t)
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	newMsg := fixtureMessage(t, "xml")
	update, err := publish.Message("vaccinations-1", "update", "xml", nil)
	require.NoError(t, err)
	header := publishHeader(t, w, "xml")
	type step struct {
		body   []byte // nil: clear the journal
		status int
		msgID  mockspine.Outcome // EVT-MSGID-UNIQUE's verdict
	}
	runs := []struct {
		mode  mockspine.ContentMode
		steps []step
	}{
		{mockspine.ContentReport, []step{
			{newMsg, http.StatusAccepted, mockspine.NotAssessed},
			{newMsg, http.StatusAccepted, mockspine.Fail}, // a warning in report mode
			{update, http.StatusAccepted, mockspine.Pass},
		}},
		// A restart: the run knows none of the messages before.
		{mockspine.ContentReject, []step{
			{update, http.StatusAccepted, mockspine.NotAssessed}, // EVT-LIFECYCLE warns: no earlier new
			{newMsg, http.StatusAccepted, mockspine.Pass},
			{newMsg, http.StatusUnprocessableEntity, mockspine.Fail},
			{nil, 0, ""},
			{newMsg, http.StatusAccepted, mockspine.NotAssessed}, // cleared: a new run
		}},
		{mockspine.ContentReport, []step{
			{newMsg, http.StatusAccepted, mockspine.NotAssessed},
			{newMsg, http.StatusAccepted, mockspine.Fail},
		}},
	}
	var s *mockspine.Server
	var live []int
	for _, run := range runs {
		j, err := mockspine.OpenJournal(path)
		require.NoError(t, err)
		s, err = mockspine.NewServer(mockspine.Config{World: w, Journal: j, Content: run.mode})
		require.NoError(t, err)
		for _, st := range run.steps {
			if st.body == nil {
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, httptest.NewRequest(http.MethodDelete, mockspine.AdminPrefix+"/requests", nil))
				require.Less(t, rec.Code, 300, rec.Body.String())
				continue
			}
			r := httptest.NewRequest(http.MethodPost, mockspine.PublishPath, bytes.NewReader(st.body))
			r.Header = header.Clone()
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, r)
			require.Equal(t, st.status, rec.Code, rec.Body.String())
			live = append(live, rec.Code)
		}
		require.NoError(t, j.Close())
	}
	entries, err := mockspine.ReadJournal(path)
	require.NoError(t, err)
	require.Len(t, entries, len(live))
	var want []step
	for _, run := range runs {
		for _, st := range run.steps {
			if st.body != nil {
				want = append(want, st)
			}
		}
	}
	runIDs := map[string]bool{}
	for i, e := range entries {
		assert.Equal(t, live[i], e.Response.Status, "%s as answered", e.ID)
		v, ok := verdictOf(e, "EVT-MSGID-UNIQUE")
		require.True(t, ok)
		assert.Equal(t, want[i].msgID, v.Outcome, "%s EVT-MSGID-UNIQUE: %s", e.ID, v.Reason)
		assert.NotEmpty(t, e.Content)
		runIDs[e.Run] = true
	}
	assert.Len(t, runIDs, 4, "four runs named")

	// The last server holds the whole file: its admin API, the file, and
	// judging again in order agree on every entry.
	rj := newRejudger(s)
	for _, e := range s.Journal().List(0) {
		checkRejudgedAlike(t, rj, e, true)
	}

	// As assess --rejudge judges the file: one judge, told no mode, with a
	// history; and, to show what the runs and modes recorded are for,
	// without them.
	again := func(forget bool) (status []int, verdicts [][]mockspine.Verdict) {
		judge := &mockspine.Judge{Profile: mockspine.Profile2019, World: w, History: content.NewMemory()}
		for _, e := range entries {
			if forget {
				e.Run, e.Content = "", ""
			}
			ok, err := assessment.Rejudge(t.Context(), judge, &e)
			require.NoError(t, err)
			require.True(t, ok)
			status = append(status, e.Response.Status)
			verdicts = append(verdicts, e.Verdicts)
		}
		return status, verdicts
	}
	status, verdicts := again(false)
	assert.Equal(t, live, status)
	for i, e := range entries {
		assert.Equal(t, e.Verdicts, verdicts[i], "%s judged again", e.ID)
	}
	status, verdicts = again(true)
	assert.NotEqual(t, live, status, "without the modes, the reject run is answered as in report mode")
	differ := 0
	for i, e := range entries {
		if !assert.ObjectsAreEqual(e.Verdicts, verdicts[i]) {
			differ++
		}
	}
	assert.Positive(t, differ, "without the runs, the history runs on across them")

	// assess --rejudge reports what the journal recorded.
	recorded, err := assessment.AssessJournalFile(t.Context(), path, assessment.JournalOptions{})
	require.NoError(t, err)
	rejudged, err := assessment.AssessJournalFile(t.Context(), path, assessment.JournalOptions{Rejudge: true, World: w})
	require.NoError(t, err)
	assert.Equal(t, len(entries), rejudged.Rejudged)
	assert.Equal(t, rowVerdicts(recorded.Rows), rowVerdicts(rejudged.Rows))
}

// rowVerdicts are a report's rows without what differs from one answer
// to the next (the OperationOutcome's random id): each rule's verdict and
// reason, and each breach's request, diagnostics and status.
func rowVerdicts(rows []reports.RuleRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.ID+" "+string(r.Verdict)+": "+r.Reason)
		for _, e := range r.Evidence {
			out = append(out, "  "+e.Scenario+": "+e.Message+" ("+e.Response.StartLine+")")
		}
	}
	return out
}

func verdictOf(e mockspine.Entry, rule string) (mockspine.Verdict, bool) {
	for _, v := range e.Verdicts {
		if v.Rule == rule {
			return v, true
		}
	}
	return mockspine.Verdict{}, false
}

// TestEveryEntryNamesItsRun: whatever the request (a publish, one refused
// before judging, a wrong path), its entry names the run and the content
// mode; clearing the journal begins another run.
func TestEveryEntryNamesItsRun(t *testing.T) {
	w := defaultWorld(t)
	s, err := mockspine.NewServer(mockspine.Config{World: w, Content: mockspine.ContentReject})
	require.NoError(t, err)
	huge := publishHeader(t, w, "xml")
	for i := range 1500 {
		huge.Set(fmt.Sprintf("X-Filler-%d", i), "x")
	}
	send := func() {
		for _, h := range []http.Header{publishHeader(t, w, "xml"), huge} {
			r := httptest.NewRequest(http.MethodPost, mockspine.PublishPath, bytes.NewReader(fixtureMessage(t, "xml")))
			r.Header = h
			s.ServeHTTP(httptest.NewRecorder(), r)
		}
		s.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/nowhere", nil))
	}
	send()
	first := s.Journal().List(0)
	require.Len(t, first, 3)
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, first[1].Response.Status)
	run := s.Judge().History.Run()
	for _, e := range first {
		assert.Equal(t, run, e.Run, "%s %s %d", e.Method, e.Path, e.Response.Status)
		assert.Equal(t, mockspine.ContentReject, e.Content)
	}
	s.Journal().Clear()
	send()
	again := s.Journal().List(0)
	require.Len(t, again, 3)
	for _, e := range again {
		assert.NotEqual(t, run, e.Run, "a cleared journal begins a new run")
		assert.Equal(t, s.Judge().History.Run(), e.Run)
	}
}
