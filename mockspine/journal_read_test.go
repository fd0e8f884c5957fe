package mockspine_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/mockspine"
)

func TestJournalPage(t *testing.T) {
	j := mockspine.NewJournal()
	for range 5 {
		require.NoError(t, j.Append(&mockspine.Entry{Method: "POST", Path: "/p"}))
	}
	tests := []struct {
		since uint64
		limit int
		want  []uint64
		more  bool
	}{
		{0, 2, []uint64{1, 2}, true},
		{2, 2, []uint64{3, 4}, true},
		{3, 2, []uint64{4, 5}, false},
		{4, 10, []uint64{5}, false},
		{5, 10, nil, false},
		{0, 0, nil, true},
	}
	for _, tt := range tests {
		page, more := j.Page(tt.since, tt.limit)
		var got []uint64
		for _, e := range page {
			got = append(got, e.Seq)
		}
		assert.Equal(t, tt.want, got, "since %d limit %d", tt.since, tt.limit)
		assert.Equal(t, tt.more, more, "since %d limit %d", tt.since, tt.limit)
	}
}

// TestAdminListingMemoryFollowsThePage: listing one entry of a journal
// holding thousands unpacks that one, not all of them.
func TestAdminListingMemoryFollowsThePage(t *testing.T) {
	srv := newTestServer(t, nil)
	const held = 5000
	header := http.Header{}
	for i := range 20 {
		header.Set("X-Header-"+strings.Repeat("h", i), strings.Repeat("v", 100))
	}
	verdicts := make([]mockspine.Verdict, 24)
	for i := range verdicts {
		verdicts[i] = mockspine.Verdict{Rule: "JWT-SCOPE", Outcome: mockspine.Pass, Reason: strings.Repeat("r", 80)}
	}
	for range held {
		require.NoError(t, srv.Journal().Append(&mockspine.Entry{Method: "POST", Path: mockspine.PublishPath, Header: header,
			Body: "<Bundle/>", Verdicts: verdicts, Response: mockspine.Reply{Status: 202}}))
	}
	list := func(limit string) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_harness/requests?limit="+limit, nil))
		runtime.ReadMemStats(&after)
		require.Equal(t, http.StatusOK, rec.Code)
		var page []mockspine.Entry
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &page))
		return after.TotalAlloc - before.TotalAlloc
	}
	one, hundred := list("1"), list("100")
	t.Logf("listing 1 of %d entries allocates %d bytes, 100 of them %d", held, one, hundred)
	// Unpacking every held entry would allocate several megabytes.
	assert.Less(t, one, uint64(256<<10))
	assert.Less(t, hundred, uint64(16<<20))
	assert.Less(t, one*10, hundred, "memory grows with the page")
}

func TestJournalScanner(t *testing.T) {
	good := `{"id":"r1","seq":1,"method":"POST","path":"/a","header":{},"body":"","response":{"status":202}}` + "\n"
	tests := []struct {
		name    string
		text    string
		want    []string
		wantErr string
	}{
		{"empty", "", nil, ""},
		{"two lines", good + strings.Replace(good, "r1", "r2", 1), []string{"r1", "r2"}, ""},
		{"blank lines", "\n" + good + "\n", []string{"r1"}, ""},
		{"a torn last line", good + `{"id":"r2","se`, []string{"r1"}, ""},
		{"a last line without newline", good + strings.TrimSuffix(strings.Replace(good, "r1", "r2", 1), "\n"), []string{"r1"}, ""},
		{"a damaged last line", good + "{nope}\n", []string{"r1"}, ""},
		{"damage in the middle", good + "{nope}\n" + good, []string{"r1"}, "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mockspine.NewJournalScanner(strings.NewReader(tt.text))
			var got []string
			for s.Scan() {
				got = append(got, s.Entry().ID)
			}
			assert.Equal(t, tt.want, got)
			if tt.wantErr == "" {
				assert.NoError(t, s.Err())
			} else {
				assert.ErrorContains(t, s.Err(), tt.wantErr)
			}
		})
	}
}
