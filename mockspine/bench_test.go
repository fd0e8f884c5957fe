package mockspine_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/nems-harness/nems-harness/mockspine"
)

// bundleCase is one body the benchmarks judge.
type bundleCase struct {
	name   string
	format string
	body   func(testing.TB) []byte
}

var bundleCases = []bundleCase{
	{"xml-10KB", "xml", func(tb testing.TB) []byte { return fixtureMessage(tb, "xml") }},
	{"json-11KB", "json", func(tb testing.TB) []byte { return fixtureMessage(tb, "json") }},
	{"xml-3MB", "xml", func(tb testing.TB) []byte { return bigXMLBundle(tb, mockspine.MaxBody) }},
	{"json-3MB", "json", func(tb testing.TB) []byte { return bigJSONBundle(tb, mockspine.MaxBody) }},
}

// BenchmarkEvaluate judges a conforming publish with every rule, without
// HTTP: the rule engine's own cost.
func BenchmarkEvaluate(b *testing.B) {
	w := defaultWorld(b)
	jd := &mockspine.Judge{Profile: mockspine.Profile2019, World: w}
	for _, bc := range bundleCases {
		b.Run(bc.name, func(b *testing.B) {
			body := bc.body(b)
			req := mockspine.Request{Method: http.MethodPost, Path: mockspine.PublishPath,
				Header: publishHeader(b, w, bc.format), Body: string(body)}
			j, err := jd.Evaluate(context.Background(), req)
			if err != nil || j.Response.Status != http.StatusAccepted {
				b.Fatalf("not accepted: %v %+v", err, j.Failed())
			}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := jd.Evaluate(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHandler sends a conforming publish through the whole
// http.Handler: routing, body reading, judging, the in-memory journal and
// writing the answer.
func BenchmarkHandler(b *testing.B) {
	w := defaultWorld(b)
	for _, bc := range bundleCases {
		b.Run(bc.name, func(b *testing.B) {
			s := newTestServer(b, nil)
			body := bc.body(b)
			h := publishHeader(b, w, bc.format)
			serve := func() int {
				r := httptest.NewRequest(http.MethodPost, mockspine.PublishPath, bytes.NewReader(body))
				r.Header = h.Clone()
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, r)
				return rec.Code
			}
			if code := serve(); code != http.StatusAccepted {
				b.Fatalf("status %d", code)
			}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				serve()
			}
		})
	}
}

// BenchmarkHandlerRejected measures a publish that fails a header rule, the
// commonest answer in a conformance run: the OperationOutcome is built too.
func BenchmarkHandlerRejected(b *testing.B) {
	w := defaultWorld(b)
	s := newTestServer(b, nil)
	body := fixtureMessage(b, "xml")
	h := publishHeader(b, w, "xml")
	h.Set("toASID", "200000000205")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, mockspine.PublishPath, bytes.NewReader(body))
		r.Header = h.Clone()
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		if rec.Code != http.StatusForbidden {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkJournalAppend records a typical entry (a 10 KB body, a verdict
// per rule) in a journal file from many goroutines at once, as concurrent
// requests do: each Append returns once its line is synced.
func BenchmarkJournalAppend(b *testing.B) {
	w := defaultWorld(b)
	jd := &mockspine.Judge{Profile: mockspine.Profile2019, World: w}
	body := fixtureMessage(b, "xml")
	h := publishHeader(b, w, "xml")
	jm, err := jd.Evaluate(context.Background(), mockspine.Request{Method: http.MethodPost, Path: mockspine.PublishPath, Header: h, Body: string(body)})
	if err != nil {
		b.Fatal(err)
	}
	for _, parallel := range []int{1, 8} {
		b.Run(fmt.Sprintf("goroutines=%d", parallel*runtime.GOMAXPROCS(0)), func(b *testing.B) {
			j, err := mockspine.OpenJournal(filepath.Join(b.TempDir(), "journal.jsonl"))
			if err != nil {
				b.Fatal(err)
			}
			defer j.Close()
			b.ReportAllocs()
			b.SetParallelism(parallel)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					e := &mockspine.Entry{Method: http.MethodPost, Path: mockspine.PublishPath, Header: h,
						Verdicts: jm.Verdicts, Response: mockspine.Reply{Status: http.StatusAccepted}}
					mockspine.SetEntryBody(e, body)
					if err := j.Append(e); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
