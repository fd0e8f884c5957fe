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
	"github.com/nems-harness/nems-harness/mockspine/world"
)

// isPublishEntry reports whether an entry is a request to the publish
// operation, which the mock always judges.
func isPublishEntry(e mockspine.Entry) bool {
	return e.Method == http.MethodPost && (e.Path == mockspine.PublishPath || e.Path == mockspine.PublishPath2019)
}

// checkRejudgedAlike holds one journal entry to the standard "same request,
// same verdicts everywhere": a publish has verdicts; the entry as the admin
// API serves it, and as a journal file gives it back, is the same; and
// judging the recorded request again (as assess --rejudge does) gives the
// same verdicts, status and response header fields.
func checkRejudgedAlike(t *testing.T, s *mockspine.Server, w *world.World, e mockspine.Entry, viaFile bool) {
	t.Helper()
	if !isPublishEntry(e) {
		assert.Nil(t, e.Verdicts, "%s %s %s is not a publish but was judged", e.ID, e.Method, e.Path)
		return
	}
	require.NotNil(t, e.Verdicts, "publish %s was answered %d without being judged", e.ID, e.Response.Status)

	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, mockspine.AdminPrefix+"/requests/"+e.ID, nil))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var admin mockspine.Entry
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &admin))
	assert.Equal(t, e.Verdicts, admin.Verdicts, "the admin API's verdicts")
	assert.Equal(t, e.Response.Status, admin.Response.Status)

	stored := roundTrip(t, e, viaFile)
	assert.Equal(t, e.Verdicts, stored.Verdicts, "the journal file's verdicts")

	// Judged again as assess --rejudge does: the journal replayed in order,
	// so the content rules that remember see the same earlier messages.
	jd := &mockspine.Judge{Profile: stored.Profile, World: w, History: content.NewMemory()}
	for _, earlier := range s.Journal().List(0) {
		if earlier.Seq >= e.Seq {
			break
		}
		if isPublishEntry(earlier) {
			r, err := earlier.Request()
			require.NoError(t, err)
			_, err = jd.Evaluate(t.Context(), r)
			require.NoError(t, err)
		}
	}
	req, err := stored.Request()
	require.NoError(t, err)
	j, err := jd.Evaluate(t.Context(), req)
	require.NoError(t, err)
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
