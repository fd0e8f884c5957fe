package mockspine_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/internal/content"
	"github.com/nems-harness/nems-harness/mockspine"
)

// isPublishEntry reports whether an entry is a request to the publish
// operation, which the mock always judges.
func isPublishEntry(e mockspine.Entry) bool {
	return e.Method == http.MethodPost && (e.Path == mockspine.PublishPath || e.Path == mockspine.PublishPath2019)
}

// rejudger judges a server's journal again as assess --rejudge does: every
// publish of the run in arrival order, through one judge with the server's
// settings and a history of its own, so the content rules that remember
// see the same earlier messages as when the entries were recorded.
type rejudger struct {
	s     *mockspine.Server
	judge *mockspine.Judge
	done  uint64 // the last sequence number judged again
}

// newRejudger starts re-judging the run the server's journal now holds
// (a cleared journal starts a new run: make a new rejudger then).
func newRejudger(s *mockspine.Server) *rejudger {
	jd := *s.Judge()
	jd.Now, jd.History = nil, content.NewMemory()
	return &rejudger{s: s, judge: &jd}
}

// again judges the publishes held before e that are not judged again yet,
// in order, then req, e's recorded request.
func (r *rejudger) again(t *testing.T, e mockspine.Entry, req mockspine.Request) *mockspine.Judgement {
	t.Helper()
	for _, earlier := range r.s.Journal().List(r.done) {
		if earlier.Seq >= e.Seq {
			break
		}
		r.done = earlier.Seq
		if !isPublishEntry(earlier) {
			continue
		}
		er, err := earlier.Request()
		require.NoError(t, err)
		_, err = r.judge.Evaluate(t.Context(), er)
		require.NoError(t, err)
	}
	r.done = e.Seq
	j, err := r.judge.Evaluate(t.Context(), req)
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

	req, err := stored.Request()
	require.NoError(t, err)
	require.Equal(t, e.Profile, stored.Profile)
	j := r.again(t, e, req)
	assert.Equal(t, e.Verdicts, j.Verdicts, "verdicts judged again")
	assert.Equal(t, e.Response.Status, j.Response.Status, "status judged again")
	assert.Equal(t, e.Response.Header, j.Response.Header, "response header judged again")
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
