package mockspine_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/mockspine"
)

// mixedRequest is one kind of request of the concurrent load and the
// answer it must get.
type mixedRequest struct {
	name   string
	method string
	path   string
	format string
	alter  func(h http.Header, body []byte) []byte
	status int
	rule   string // the rule the first issue names, for a refusal
}

var mixedRequests = []mixedRequest{
	{name: "conforming XML", format: "xml", status: 202},
	{name: "conforming JSON", format: "json", status: 202},
	{name: "2019 path", path: mockspine.PublishPath2019, format: "xml", status: 202},
	{name: "other toASID", format: "xml", status: 403, rule: "HDR-TOASID",
		alter: func(h http.Header, b []byte) []byte { h.Set("toASID", "200000000205"); return b }},
	{name: "no JWT", format: "json", status: 400, rule: "JWT-BEARER",
		alter: func(h http.Header, b []byte) []byte { h.Del("Authorization"); return b }},
	{name: "Accept text/html", format: "xml", status: 406, rule: "MIME-ACCEPT",
		alter: func(h http.Header, b []byte) []byte { h.Set("Accept", "text/html"); return b }},
	{name: "truncated XML", format: "xml", status: 400, rule: "MSG-WELLFORMED",
		alter: func(_ http.Header, b []byte) []byte { return b[:len(b)/2] }},
	{name: "NHS number fails Modulus 11", format: "xml", status: 400, rule: "NHS-FORMAT",
		alter: func(_ http.Header, b []byte) []byte {
			return bytes.ReplaceAll(b, []byte(`"9990000166"`), []byte(`"9990000167"`))
		}},
	{name: "wrong method", method: http.MethodGet, format: "xml", status: 405},
	{name: "unknown path", path: "/STU3/Events/1/$subscribe", format: "xml", status: 404},
}

// TestConcurrentLoad sends 8 × 200 mixed requests at once through one
// Server: every answer is right, and the journal holds every request once,
// with unique, gap-free sequence numbers; with a file, the file does too.
func TestConcurrentLoad(t *testing.T) {
	const workers = 8
	perWorker := 200
	if testing.Short() {
		perWorker = 50
	}
	for _, withFile := range []bool{false, true} {
		t.Run(fmt.Sprintf("file=%v", withFile), func(t *testing.T) {
			var j *mockspine.Journal
			path := filepath.Join(t.TempDir(), "journal.jsonl")
			if withFile {
				var err error
				j, err = mockspine.OpenJournal(path)
				require.NoError(t, err)
			}
			s := newTestServer(t, j)
			w := defaultWorld(t)
			bodies := map[string][]byte{"xml": fixtureMessage(t, "xml"), "json": fixtureMessage(t, "json")}
			headers := map[string]http.Header{"xml": publishHeader(t, w, "xml"), "json": publishHeader(t, w, "json")}

			statusOf := sync.Map{} // nonce → status answered
			var wg sync.WaitGroup
			for g := 0; g < workers; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < perWorker; i++ {
						mr := mixedRequests[(g+i)%len(mixedRequests)]
						h := headers[mr.format].Clone()
						body := bytes.Clone(bodies[mr.format])
						if mr.alter != nil {
							body = mr.alter(h, body)
						}
						nonce := fmt.Sprintf("g%d-%d", g, i)
						h.Set("X-Request-Nonce", nonce)
						method, p := http.MethodPost, mockspine.PublishPath
						if mr.method != "" {
							method = mr.method
						}
						if mr.path != "" {
							p = mr.path
						}
						r := httptest.NewRequest(method, p, bytes.NewReader(body))
						r.Header = h
						rec := httptest.NewRecorder()
						s.ServeHTTP(rec, r)
						statusOf.Store(nonce, rec.Code)
						if !assert.Equal(t, mr.status, rec.Code, "%s: %s", mr.name, rec.Body.String()) {
							continue
						}
						if rec.Code == http.StatusAccepted {
							assertAcceptedBody(t, rec.Body.Bytes(), rec.Header().Get("Content-Type"), mr.name)
							continue
						}
						o, err := mockspine.ParseOperationOutcome(rec.Body.Bytes(), outcomeFormat(rec.Header().Get("Content-Type")))
						if assert.NoError(t, err, mr.name) && mr.rule != "" {
							assert.Contains(t, o.Issues[0].Diagnostics, "["+mr.rule+"]", mr.name)
						}
					}
				}()
			}
			wg.Wait()

			check := func(entries []mockspine.Entry) {
				require.Len(t, entries, workers*perWorker)
				ids := map[string]bool{}
				nonces := map[string]bool{}
				seqs := map[uint64]bool{}
				for _, e := range entries {
					assert.False(t, ids[e.ID], "ID %s twice", e.ID)
					ids[e.ID] = true
					seqs[e.Seq] = true
					n := e.Header.Get("X-Request-Nonce")
					assert.False(t, nonces[n], "request %s journalled twice", n)
					nonces[n] = true
					st, ok := statusOf.Load(n)
					if assert.True(t, ok, "journalled request %s was never sent", n) {
						assert.Equal(t, st, e.Response.Status, n)
					}
				}
				for q := uint64(1); q <= uint64(workers*perWorker); q++ {
					assert.True(t, seqs[q], "sequence number %d missing", q)
				}
			}
			check(s.Journal().List(0))
			if withFile {
				require.NoError(t, j.Close())
				entries, err := mockspine.ReadJournal(path)
				require.NoError(t, err)
				check(entries)
			}
		})
	}
}
