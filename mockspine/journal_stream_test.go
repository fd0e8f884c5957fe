package mockspine_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/mockspine"
)

// TestJournalStreamsLargeBodiesExactly: a large body is escaped into the
// file by the journal itself; the line must be byte for byte what
// encoding/json writes, for every character JSON escapes.
func TestJournalStreamsLargeBodiesExactly(t *testing.T) {
	var special strings.Builder
	for c := 0; c < 0x80; c++ {
		special.WriteByte(byte(c))
	}
	special.WriteString("é€😀\u2028\u2029<>&\"\\")
	bodies := map[string]string{
		"small":           special.String(),
		"large":           strings.Repeat(special.String(), 40_000/special.Len()+1),
		"large-xml":       strings.Repeat(`<given value="Zoë &amp; &quot;Jo&quot;"/>`+"\n", 2000),
		"large-invalid":   strings.Repeat("ab\xffcd", 10_000),
		"large-body-mark": strings.Repeat(`"body":"body-`, 5000),
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "j.jsonl")
			j, err := mockspine.OpenJournal(path)
			require.NoError(t, err)
			e := &mockspine.Entry{Method: "POST", Path: "/p", Header: http.Header{"X-Body": {`"body":""`}},
				Response: mockspine.Reply{Status: 202, Body: "after"}}
			mockspine.SetEntryBody(e, []byte(body))
			require.NoError(t, j.Append(e))
			require.NoError(t, j.Close())

			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			require.NoError(t, enc.Encode(e))
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, want.String(), string(got))

			entries, err := mockspine.ReadJournal(path)
			require.NoError(t, err)
			require.Len(t, entries, 1)
			r, err := entries[0].Request()
			require.NoError(t, err)
			assert.Equal(t, string(body), r.Body)
		})
	}
}

// TestJournalMemoryIsBounded: the in-memory journal forgets the oldest
// entries once they hold too many bytes, however few they are.
func TestJournalMemoryIsBounded(t *testing.T) {
	j := mockspine.NewJournal()
	mockspine.SetJournalLimits(j, 1000, 8<<20)
	body := bytes.Repeat([]byte("x"), 1<<20)
	for i := 0; i < 40; i++ {
		e := &mockspine.Entry{Method: "POST"}
		mockspine.SetEntryBody(e, body)
		require.NoError(t, j.Append(e))
	}
	entries := j.List(0)
	require.NotEmpty(t, entries)
	assert.LessOrEqual(t, len(entries), 8)
	assert.Equal(t, "r40", entries[len(entries)-1].ID, "the newest entry is kept")
	for i := 1; i < len(entries); i++ {
		assert.Equal(t, entries[i-1].Seq+1, entries[i].Seq, "the newest entries are kept, in order")
	}
	assert.Equal(t, uint64(40), j.Last())
}
