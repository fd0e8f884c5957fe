package mockspine_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/nems-harness/nems-harness/internal/loadtest"
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
	// A new message about a new record per request, as a publisher's
	// traffic (and a load run) is: the answer is an empty 202, and the
	// message is remembered. The tokens are rewritten in place in one
	// body, so the benchmark costs little of its own.
	b.Run("xml-10KB-fresh", func(b *testing.B) {
		s := newTestServer(b, nil)
		msg := fixtureMessage(b, "xml")
		fresh, err := loadtest.NewFresh(msg)
		if err != nil {
			b.Fatal(err)
		}
		body := fresh.Body(0)
		var at [][2]int // offset, token
		for k, t := range fresh.Tokens {
			v := fresh.TokenFor(k, 0)
			for off := 0; ; {
				i := bytes.Index(body[off:], []byte(v))
				if i < 0 {
					break
				}
				at = append(at, [2]int{off + i, k})
				off += i + len(t)
			}
		}
		h := publishHeader(b, w, "xml")
		base := time.Now().UnixMicro()
		var n int64
		serve := func() int {
			n++
			for _, a := range at {
				copy(body[a[0]:], fresh.TokenFor(a[1], base+n))
			}
			r := httptest.NewRequest(http.MethodPost, mockspine.PublishPath, bytes.NewReader(body))
			r.Header = h.Clone()
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, r)
			if rec.Code != http.StatusAccepted || rec.Body.Len() != 0 {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			return rec.Code
		}
		serve()
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			serve()
		}
	})
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

// BenchmarkServeConn publishes over a keep-alive loopback connection to
// the mock behind NewHTTPServer, as a load generator does: net/http's
// connection handling and the answer written are measured with the
// handler. Each request is a new message about a new record
// (loadtest.Fresh). The client writes prepared bytes and reads the answer
// without parsing it into a Response, so little of the cost is its own.
func BenchmarkServeConn(b *testing.B) {
	w := defaultWorld(b)
	s := newTestServer(b, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := mockspine.NewHTTPServer(s)
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	msg := fixtureMessage(b, "xml")
	fresh, err := loadtest.NewFresh(msg)
	if err != nil {
		b.Fatal(err)
	}
	var head bytes.Buffer
	fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: %s\r\n", mockspine.PublishPath, ln.Addr())
	if err := publishHeader(b, w, "xml").Write(&head); err != nil {
		b.Fatal(err)
	}
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	var req []byte
	base := time.Now().UnixMicro()
	send := func(i int64) (int, error) {
		body := fresh.Body(base + i)
		req = append(req[:0], head.Bytes()...)
		req = append(req, "Content-Length: "...)
		req = strconv.AppendInt(req, int64(len(body)), 10)
		req = append(req, "\r\n\r\n"...)
		req = append(req, body...)
		if _, err := conn.Write(req); err != nil {
			return 0, err
		}
		return readAnswer(br)
	}
	if code, err := send(0); err != nil || code != http.StatusAccepted {
		b.Fatalf("status %d: %v", code, err)
	}
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	var i int64
	for b.Loop() {
		i++
		if code, err := send(i); err != nil || code != http.StatusAccepted {
			b.Fatalf("status %d: %v", code, err)
		}
	}
}

// readAnswer reads one HTTP/1.1 answer that has a Content-Length and
// returns its status.
func readAnswer(br *bufio.Reader) (int, error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	if len(line) < 12 {
		return 0, fmt.Errorf("status line %q", line)
	}
	code, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fmt.Errorf("status line %q", line)
	}
	length := 0
	for {
		line, err = br.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		if len(bytes.TrimSpace(line)) == 0 {
			break
		}
		if k, v, ok := bytes.Cut(line, []byte(":")); ok && bytes.EqualFold(k, []byte("Content-Length")) {
			if length, err = strconv.Atoi(string(bytes.TrimSpace(v))); err != nil {
				return 0, fmt.Errorf("Content-Length %q", v)
			}
		}
	}
	_, err = br.Discard(length)
	return code, err
}

// BenchmarkJournalAppendMemory records a typical entry (a 10 KB body, a
// verdict per rule, the request's header and token) in a memory-only
// journal, as serve without --journal does for every request.
func BenchmarkJournalAppendMemory(b *testing.B) {
	w := defaultWorld(b)
	jd := &mockspine.Judge{Profile: mockspine.Profile2019, World: w}
	body := fixtureMessage(b, "xml")
	h := publishHeader(b, w, "xml")
	jm, err := jd.Evaluate(context.Background(), mockspine.Request{Method: http.MethodPost, Path: mockspine.PublishPath, Header: h, Body: string(body)})
	if err != nil {
		b.Fatal(err)
	}
	j := mockspine.NewJournal()
	b.ReportAllocs()
	for b.Loop() {
		e := &mockspine.Entry{Received: time.Now(), Remote: "127.0.0.1:50000", Method: http.MethodPost, Path: mockspine.PublishPath,
			Header: h, Verdicts: jm.Verdicts, Response: mockspine.Reply{Status: jm.Response.Status, Header: jm.Response.Header},
			JWT: &mockspine.JWTInfo{Header: []byte(`{"alg":"none","typ":"JWT"}`), Claims: []byte(`{"iss":"x"}`)}}
		mockspine.SetEntryBody(e, body)
		if err := j.Append(e); err != nil {
			b.Fatal(err)
		}
	}
}
