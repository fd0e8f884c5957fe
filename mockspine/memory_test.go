package mockspine_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/mockspine"
)

// peakHeapGOGC is the GOGC the peak is measured under: garbage is collected
// soon after it is made, so the peak is close to what the request keeps
// alive at once, not to how lazily the collector runs.
const peakHeapGOGC = 10

// peakHeap runs fn and returns the highest heap (bytes in live and
// not-yet-swept objects) seen while it ran, above the heap before it, and
// the bytes fn allocated in all.
func peakHeap(fn func()) (peak, total uint64) {
	old := debug.SetGCPercent(peakHeapGOGC)
	defer debug.SetGCPercent(old)
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	base := read()
	var high atomic.Uint64
	high.Store(base)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if v := read(); v > high.Load() {
				high.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Microsecond):
			}
		}
	}()
	fn()
	if v := read(); v > high.Load() {
		high.Store(v)
	}
	close(stop)
	<-done
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	return high.Load() - base, after.TotalAlloc - before.TotalAlloc
}

// heapCase is one way of judging a 3 MB body whose peak heap is measured.
type heapCase struct {
	name string
	run  func(tb testing.TB, body []byte, format string) func()
}

var heapCases = []heapCase{
	{"evaluate", func(tb testing.TB, body []byte, format string) func() {
		w := defaultWorld(tb)
		jd := &mockspine.Judge{Profile: mockspine.Profile2019, World: w}
		req := mockspine.Request{Method: http.MethodPost, Path: mockspine.PublishPath, Header: publishHeader(tb, w, format), Body: string(body)}
		return func() {
			j, err := jd.Evaluate(context.Background(), req)
			if err != nil || j.Response.Status != http.StatusAccepted {
				tb.Fatalf("not accepted: %v", err)
			}
		}
	}},
	{"handler", func(tb testing.TB, body []byte, format string) func() {
		return handlerRun(tb, newTestServer(tb, nil), body, format)
	}},
	{"handler-file-journal", func(tb testing.TB, body []byte, format string) func() {
		j, err := mockspine.OpenJournal(filepath.Join(tb.TempDir(), "journal.jsonl"))
		require.NoError(tb, err)
		tb.Cleanup(func() { _ = j.Close() })
		return handlerRun(tb, newTestServer(tb, j), body, format)
	}},
}

// handlerRun returns a function sending one conforming publish of body
// through the handler. The request body is a reader over body, as a
// connection would be: the handler's own copy is what is measured.
func handlerRun(tb testing.TB, s *mockspine.Server, body []byte, format string) func() {
	h := publishHeader(tb, defaultWorld(tb), format)
	return func() {
		r := httptest.NewRequest(http.MethodPost, mockspine.PublishPath, bytes.NewReader(body))
		r.Header = h.Clone()
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		if rec.Code != http.StatusAccepted {
			tb.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
		}
		// The in-memory journal keeps the entry (the body among it): forget
		// it so the next round starts from the same heap.
		s.Journal().Clear()
	}
}

// TestPeakHeapFor3MBBundle: judging a 3 MB message must not need more than
// four and a half times its size in memory at once, the journal's copy of
// the body included. (Three times before the event-content rules, which
// read the whole element tree the reader builds; four while the content
// index read the tree node by node. Listing its elements in one pass, with
// parent, end and value, costs 24 bytes more an element: a dense JSON
// message now peaks at 3.8 to 4.2 times its size.)
func TestPeakHeapFor3MBBundle(t *testing.T) {
	for _, format := range []string{"xml", "json"} {
		body := bigXMLBundle(t, mockspine.MaxBody)
		if format == "json" {
			body = bigJSONBundle(t, mockspine.MaxBody)
		}
		for _, hc := range heapCases {
			t.Run(format+"/"+hc.name, func(t *testing.T) {
				fn := hc.run(t, body, format)
				fn() // warm up: pools, lazily built tables
				peak, total := peakHeap(fn)
				ratio := float64(peak) / float64(len(body))
				t.Logf("%d-byte body: peak heap %.1f MB (%.2fx), allocated %.1f MB (%.2fx)",
					len(body), float64(peak)/1e6, ratio, float64(total)/1e6, float64(total)/float64(len(body)))
				assert.LessOrEqual(t, ratio, 4.5, "peak heap is %.2f times the body", ratio)
			})
		}
	}
}

// BenchmarkPeakHeap reports, as peak-heap-x, the peak heap of judging a
// 3 MB message divided by its size (target: at most 4).
func BenchmarkPeakHeap(b *testing.B) {
	for _, format := range []string{"xml", "json"} {
		body := bigXMLBundle(b, mockspine.MaxBody)
		if format == "json" {
			body = bigJSONBundle(b, mockspine.MaxBody)
		}
		for _, hc := range heapCases {
			b.Run(format+"-3MB/"+hc.name, func(b *testing.B) {
				fn := hc.run(b, body, format)
				fn()
				var worst uint64
				b.ReportAllocs()
				for b.Loop() {
					peak, _ := peakHeap(fn)
					worst = max(worst, peak)
				}
				b.ReportMetric(float64(worst)/float64(len(body)), "peak-heap-x")
			})
		}
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// TestOversizedBodyIsNotReadBeyondTheLimit: a 10 MB body is refused (413,
// MSG-SIZE) after reading at most 3 MB and one byte.
func TestOversizedBodyIsNotReadBeyondTheLimit(t *testing.T) {
	w := defaultWorld(t)
	s := newTestServer(t, nil)
	for _, withLength := range []bool{true, false} {
		cr := &countingReader{r: bytes.NewReader(bytes.Repeat([]byte("<a/>"), 10<<20/4))}
		r := httptest.NewRequest(http.MethodPost, mockspine.PublishPath, cr)
		r.Header = publishHeader(t, w, "xml")
		r.ContentLength = -1 // chunked
		if withLength {
			r.ContentLength = 10 << 20
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		require.Equal(t, http.StatusRequestEntityTooLarge, rec.Code, rec.Body.String())
		o, err := mockspine.ParseOperationOutcome(rec.Body.Bytes(), outcomeFormat(rec.Header().Get("Content-Type")))
		require.NoError(t, err)
		require.NotNil(t, findIssue(o, "MSG-SIZE"))
		assert.Equal(t, "INVALID_REQUEST_MESSAGE", findIssue(o, "MSG-SIZE").Details.Code)
		assert.LessOrEqual(t, cr.n.Load(), int64(mockspine.MaxBody+1), "Content-Length given: %v", withLength)
	}
	entries := s.Journal().List(0)
	require.Len(t, entries, 2)
	rj := newRejudger(s)
	for _, e := range entries {
		assert.True(t, e.BodyTruncated)
		assert.Len(t, e.Body, mockspine.MaxBody, "the journal keeps the first 3 MB")
		checkRejudgedAlike(t, rj, e, false)
	}
}

// stalledBody yields some bytes, then fails as a dropped or timed-out
// upload does.
type stalledBody struct{ left int }

func (s *stalledBody) Read(p []byte) (int, error) {
	if s.left == 0 {
		return 0, io.ErrUnexpectedEOF
	}
	n := min(len(p), s.left)
	for i := range p[:n] {
		p[i] = '<'
	}
	s.left -= n
	return n, nil
}

// TestAnnouncedBodyIsNotAllocatedUpFront: a client announcing 3 MB and
// sending 10 KB costs about what it sent, not 3 MB: many stalled uploads
// must not exhaust memory.
func TestAnnouncedBodyIsNotAllocatedUpFront(t *testing.T) {
	s := newTestServer(t, nil)
	h := publishHeader(t, defaultWorld(t), "xml")
	fn := func() {
		r := httptest.NewRequest(http.MethodPost, mockspine.PublishPath, &stalledBody{left: 10 << 10})
		r.Header = h.Clone()
		r.ContentLength = mockspine.MaxBody
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		require.Equal(t, http.StatusBadRequest, rec.Code)
		s.Journal().Clear()
	}
	fn()
	_, total := peakHeap(fn)
	t.Logf("allocated %d bytes for a stalled 3 MB upload", total)
	assert.Less(t, total, uint64(256<<10))
}
