package mockspine_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/mockspine"
)

// hangLimit bounds every wait on the mock in these tests: a mock that has
// not answered or closed by then has hung.
const hangLimit = 30 * time.Second

// listen serves a mock over loopback through mockspine.NewHTTPServer, the
// configuration serve uses; tune may shorten its timeouts.
func listen(t *testing.T, tune func(*http.Server)) (string, *mockspine.Server) {
	t.Helper()
	s := newTestServer(t, nil)
	hs := mockspine.NewHTTPServer(s)
	if tune != nil {
		tune(hs)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })
	return ln.Addr().String(), s
}

// rawRequest writes an HTTP/1.1 request byte for byte as given: header
// values may hold anything, invalid UTF-8 included.
func rawRequest(method, path string, h http.Header, body []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: nems.example\r\nConnection: close\r\n", method, path)
	for k, vs := range h {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	if h.Get("Transfer-Encoding") == "" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

// exchange sends a raw request and reads the answer. The request is written
// while the answer is read, as the mock may answer before reading it all.
func exchange(t *testing.T, addr string, req []byte) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, hangLimit)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(hangLimit)))
	go func() { _, _ = conn.Write(req) }()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err, "no answer")
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, body
}

// wantOutcome checks a refusal: the status, an OperationOutcome in the
// negotiated format whose first issue names the rule (when there is one)
// with the Spine code, valid UTF-8 throughout.
func wantOutcome(t *testing.T, resp *http.Response, body []byte, status int, rule, code string) *mockspine.OperationOutcome {
	t.Helper()
	require.NotEqual(t, http.StatusInternalServerError, resp.StatusCode, "%s", body)
	require.Equal(t, status, resp.StatusCode, "%.2000s", body)
	ct := resp.Header.Get("Content-Type")
	o, err := mockspine.ParseOperationOutcome(body, outcomeFormat(ct))
	require.NoError(t, err, "%.2000s", body)
	assert.True(t, utf8.Valid(body), "the answer is not UTF-8")
	first := o.Issues[0]
	assert.Equal(t, code, first.Details.Code)
	if rule != "" {
		assert.True(t, strings.HasPrefix(first.Diagnostics, "["+rule+"]"), "first issue does not name %s: %s", rule, first.Diagnostics)
	}
	return o
}

func deepXML(levels int) []byte {
	var b bytes.Buffer
	b.WriteString(`<Bundle xmlns="http://hl7.org/fhir"><type value="message"/>`)
	b.WriteString(strings.Repeat("<entry>", levels))
	b.WriteString(strings.Repeat("</entry>", levels))
	b.WriteString(`</Bundle>`)
	return b.Bytes()
}

func deepJSON(open, close string, levels int) []byte {
	return []byte(`{"resourceType":"Bundle","type":"message","entry":` + strings.Repeat(open, levels) + strings.Repeat(close, levels) + `}`)
}

// gzipBomb is a gzip stream that inflates to size zero bytes: one member
// holding 1 MB of zeros, repeated (a gzip stream may hold many members, and
// readers inflate them all).
func gzipBomb(t *testing.T, size int) []byte {
	t.Helper()
	var member bytes.Buffer
	zw, err := gzip.NewWriterLevel(&member, gzip.BestCompression)
	require.NoError(t, err)
	_, err = zw.Write(make([]byte, 1<<20))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return bytes.Repeat(member.Bytes(), size>>20)
}

// TestHostileInput sends hostile requests through the real HTTP server.
// Every one gets a clear OperationOutcome naming the broken rule, promptly;
// none gets a 500.
func TestHostileInput(t *testing.T) {
	addr, s := listen(t, nil)
	w := defaultWorld(t)
	good := fixtureMessage(t, "xml")
	goodJSON := fixtureMessage(t, "json")
	xmlHeader := func() http.Header { return publishHeader(t, w, "xml") }
	jsonHeader := func() http.Header { return publishHeader(t, w, "json") }
	with := func(h http.Header, k, v string) http.Header { h.Set(k, v); return h }
	hugeValue := strings.Repeat("A", 2<<20)
	bomb := gzipBomb(t, 1<<30) // 1 GB inflated, about 1 MB sent

	tests := []struct {
		name   string
		header http.Header
		body   []byte
		status int
		rule   string
		code   string
		// check looks further at the answer and at the journal entry.
		check func(t *testing.T, resp *http.Response, o *mockspine.OperationOutcome, e mockspine.Entry)
	}{
		{name: "XML nested 100,000 levels", header: xmlHeader(), body: deepXML(100_000),
			status: 400, rule: "MSG-WELLFORMED", code: "BAD_REQUEST"},
		{name: "JSON arrays nested 100,000 levels", header: jsonHeader(), body: deepJSON("[", "]", 100_000),
			status: 400, rule: "MSG-WELLFORMED", code: "BAD_REQUEST"},
		{name: "JSON objects nested 100,000 levels", header: jsonHeader(), body: deepJSON(`{"a":`, "}", 100_000),
			status: 400, rule: "MSG-WELLFORMED", code: "BAD_REQUEST"},
		{name: "2 MB attribute in an element no rule reads", header: xmlHeader(),
			body:   bytes.Replace(good, []byte(`<lotNumber value="MR2417K"/>`), []byte(`<lotNumber value="`+hugeValue+`"/>`), 1),
			status: 202},
		{name: "2 MB attribute as the event code", header: xmlHeader(),
			body:   bytes.Replace(good, []byte(`<code value="vaccinations-1"/>`), []byte(`<code value="`+hugeValue+`"/>`), 1),
			status: 400, rule: "MSG-BUNDLE", code: "INVALID_CODE_VALUE",
			check: func(t *testing.T, _ *http.Response, o *mockspine.OperationOutcome, _ mockspine.Entry) {
				// The rules quote what they refuse in full (see the report).
				t.Logf("diagnostics of %d bytes", len(o.Issues[0].Diagnostics))
			}},
		{name: "2 MB attribute value in JSON", header: jsonHeader(),
			body:   bytes.Replace(goodJSON, []byte(`"MR2417K"`), []byte(`"`+hugeValue+`"`), 1),
			status: 202},
		{name: "DTD with billion laughs entities", header: xmlHeader(), body: []byte(`<?xml version="1.0"?>
<!DOCTYPE Bundle [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Bundle xmlns="http://hl7.org/fhir"><type value="&lol9;"/></Bundle>`),
			status: 400, rule: "MSG-WELLFORMED", code: "BAD_REQUEST",
			check: func(t *testing.T, _ *http.Response, o *mockspine.OperationOutcome, _ mockspine.Entry) {
				assert.Contains(t, o.Issues[0].Diagnostics, "DOCTYPE")
			}},
		{name: "external entity", header: xmlHeader(),
			body:   []byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Bundle xmlns="http://hl7.org/fhir"><type value="&xxe;"/></Bundle>`),
			status: 400, rule: "MSG-WELLFORMED", code: "BAD_REQUEST",
			check: func(t *testing.T, _ *http.Response, o *mockspine.OperationOutcome, _ mockspine.Entry) {
				assert.NotContains(t, o.Issues[0].Diagnostics, "root:")
			}},
		{name: "undeclared entity", header: xmlHeader(),
			body:   []byte(`<Bundle xmlns="http://hl7.org/fhir"><type value="&lol;"/></Bundle>`),
			status: 400, rule: "MSG-WELLFORMED", code: "BAD_REQUEST"},
		{name: "invalid UTF-8 in the body", header: xmlHeader(),
			body:   bytes.Replace(good, []byte("Priorix"), []byte("Prio\xffrix"), 1),
			status: 400, rule: "MSG-WELLFORMED", code: "BAD_REQUEST",
			check: func(t *testing.T, _ *http.Response, _ *mockspine.OperationOutcome, e mockspine.Entry) {
				assert.True(t, e.BodyBase64, "the journal keeps the body losslessly")
			}},
		{name: "invalid UTF-8 in fromASID", header: with(xmlHeader(), "fromASID", "20000\xff0115"), body: good,
			status: 400, rule: "HDR-FROMASID", code: "MISSING_OR_INVALID_HEADER"},
		{name: "invalid UTF-8 in InteractionID", header: with(xmlHeader(), "InteractionID", "urn:nhs:names:services:events:Vacc\xc3\x28inations.Write"), body: good,
			status: 400, rule: "HDR-INTERACTION", code: "MISSING_OR_INVALID_HEADER"},
		{name: "invalid UTF-8 in the JWT", header: with(xmlHeader(), "Authorization", "Bearer \xff\xfe.e30."), body: good,
			status: 400, rule: "JWT-FORMAT", code: "MISSING_OR_INVALID_HEADER"},
		{name: "invalid UTF-8 in Content-Type", header: with(xmlHeader(), "Content-Type", "application/fhir+xml;charset=\xff"), body: good,
			status: 415, rule: "MIME-CONTENT-TYPE", code: "BAD_REQUEST"},
		{name: "invalid UTF-8 in Accept", header: with(xmlHeader(), "Accept", "application/\xff"), body: good,
			status: 406, rule: "MIME-ACCEPT", code: "BAD_REQUEST"},
		{name: "duplicate JSON keys", header: jsonHeader(),
			body:   bytes.Replace(goodJSON, []byte(`"type": "message"`), []byte(`"type": "message", "type": "collection"`), 1),
			status: 400, rule: "MSG-WELLFORMED", code: "BAD_REQUEST",
			check: func(t *testing.T, _ *http.Response, o *mockspine.OperationOutcome, _ mockspine.Entry) {
				assert.Contains(t, o.Issues[0].Diagnostics, "duplicate key")
			}},
		{name: "gzip bomb", header: with(xmlHeader(), "Content-Encoding", "gzip"), body: bomb,
			status: 400, rule: "MSG-WELLFORMED", code: "BAD_REQUEST",
			check: func(t *testing.T, resp *http.Response, o *mockspine.OperationOutcome, e mockspine.Entry) {
				assert.Contains(t, o.Issues[0].Diagnostics, `Content-Encoding "gzip"`)
				assert.Equal(t, "identity", resp.Header.Get("Accept-Encoding"))
				assert.True(t, e.BodyBase64)
				assert.Less(t, len(e.Body), 2*len(bomb), "the body was kept as sent, not inflated")
			}},
		{name: "gzip-compressed conforming message", header: with(xmlHeader(), "Content-Encoding", "gzip"), body: gzipped(t, good),
			status: 400, rule: "MSG-WELLFORMED", code: "BAD_REQUEST"},
		{name: "3,000 header fields (170 KB)", header: fillerHeaders(xmlHeader(), 3000, 40), body: good,
			status: 431, code: "BAD_REQUEST",
			check: func(t *testing.T, _ *http.Response, o *mockspine.OperationOutcome, e mockspine.Entry) {
				assert.Contains(t, o.Issues[0].Diagnostics, "header fields")
				assert.Equal(t, "too-costly", o.Issues[0].Code)
				assert.Equal(t, 431, e.Response.Status, "the request is journalled")
			}},
		{name: "1,500 tiny header fields", header: fillerHeaders(xmlHeader(), 1500, 1), body: good,
			status: 431, code: "BAD_REQUEST"},
	}
	rj := newRejudger(s)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nonce := fmt.Sprintf("hostile-%d", i)
			h := tt.header.Clone()
			h.Set("X-Request-Nonce", nonce)
			resp, body := exchange(t, addr, rawRequest(http.MethodPost, mockspine.PublishPath, h, tt.body))
			var o *mockspine.OperationOutcome
			if tt.status == http.StatusAccepted {
				require.Equal(t, tt.status, resp.StatusCode, "%.2000s", body)
				assertAcceptedBody(t, body, resp.Header.Get("Content-Type"))
			} else {
				o = wantOutcome(t, resp, body, tt.status, tt.rule, tt.code)
			}
			e := journalEntry(t, s, nonce)
			assert.Equal(t, resp.StatusCode, e.Response.Status)
			if tt.check != nil {
				tt.check(t, resp, o, e)
			}
			checkRejudgedAlike(t, rj, e, true)
		})
	}
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return out.Bytes()
}

// fillerHeaders adds n header fields with values of size bytes.
func fillerHeaders(h http.Header, n, size int) http.Header {
	for i := 0; i < n; i++ {
		h.Set(fmt.Sprintf("X-Filler-%05d", i), strings.Repeat("v", size))
	}
	return h
}

// journalEntry finds the entry of the request carrying a nonce.
func journalEntry(t *testing.T, s *mockspine.Server, nonce string) mockspine.Entry {
	t.Helper()
	for _, e := range s.Journal().List(0) {
		if e.Header.Get("X-Request-Nonce") == nonce {
			return e
		}
	}
	t.Fatalf("request %s is not in the journal", nonce)
	return mockspine.Entry{}
}

// TestHeaderBlockBeyondGoLimit: past MaxHeaderBytes net/http answers 431
// itself, before the mock sees the request; the connection is not held.
func TestHeaderBlockBeyondGoLimit(t *testing.T) {
	addr, s := listen(t, nil)
	h := fillerHeaders(http.Header{}, 20_000, 40) // about 1 MB
	resp, _ := exchange(t, addr, rawRequest(http.MethodPost, mockspine.PublishPath, h, nil))
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
	assert.Empty(t, s.Journal().List(0), "net/http refused it before the handler")
}

// closedWithin reports whether the peer closes conn within limit, reading
// (and discarding) whatever it sends meanwhile.
func closedWithin(conn net.Conn, limit time.Duration) bool {
	_ = conn.SetReadDeadline(time.Now().Add(limit))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return true // EOF or reset: closed
}

// TestSlowClients: a client trickling its headers is cut off by
// ReadHeaderTimeout, a client trickling its body by ReadTimeout (with an
// OperationOutcome, as far as it still listens), and an idle keep-alive
// connection is closed after IdleTimeout.
func TestSlowClients(t *testing.T) {
	const (
		headerTimeout = 300 * time.Millisecond
		readTimeout   = 600 * time.Millisecond
		idleTimeout   = 300 * time.Millisecond
	)
	addr, s := listen(t, func(hs *http.Server) {
		hs.ReadHeaderTimeout, hs.ReadTimeout, hs.IdleTimeout = headerTimeout, readTimeout, idleTimeout
	})
	w := defaultWorld(t)

	t.Run("slowloris headers", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer conn.Close()
		_, err = conn.Write([]byte("POST " + mockspine.PublishPath + " HTTP/1.1\r\nHost: nems.example\r\n"))
		require.NoError(t, err)
		cut := make(chan struct{})
		go func() {
			defer close(cut)
			for i := 0; i < int(hangLimit/(50*time.Millisecond)); i++ {
				time.Sleep(50 * time.Millisecond)
				if _, err := conn.Write([]byte(fmt.Sprintf("X-Slow-%d: x\r\n", i))); err != nil {
					return // the mock hung up
				}
			}
		}()
		assert.True(t, closedWithin(conn, hangLimit), "the connection was not closed")
		<-cut
	})

	t.Run("slow body", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer conn.Close()
		require.NoError(t, conn.SetDeadline(time.Now().Add(hangLimit)))
		h := publishHeader(t, w, "xml")
		h.Set("X-Request-Nonce", "slow-body")
		body := fixtureMessage(t, "xml")
		req := rawRequest(http.MethodPost, mockspine.PublishPath, h, body)
		// Everything but the last 1000 bytes of the body, then silence.
		_, err = conn.Write(req[:len(req)-1000])
		require.NoError(t, err)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		require.NoError(t, err)
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		o := wantOutcome(t, resp, b, 400, "MSG-WELLFORMED", "BAD_REQUEST")
		assert.Contains(t, o.Issues[0].Diagnostics, "could not be read")
		assert.True(t, closedWithin(conn, hangLimit))
		e := journalEntry(t, s, "slow-body")
		assert.Equal(t, len(body)-1000, len(e.Body), "the part received is journalled")
		assert.NotEmpty(t, e.BodyError)
		checkRejudgedAlike(t, newRejudger(s), e, true)
	})

	t.Run("idle keep-alive", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer conn.Close()
		require.NoError(t, conn.SetDeadline(time.Now().Add(hangLimit)))
		h := publishHeader(t, w, "xml")
		req := bytes.Replace(rawRequest(http.MethodPost, mockspine.PublishPath, h, fixtureMessage(t, "xml")),
			[]byte("Connection: close\r\n"), nil, 1)
		_, err = conn.Write(req)
		require.NoError(t, err)
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		require.Equal(t, http.StatusAccepted, resp.StatusCode)
		assert.False(t, resp.Close, "the connection is kept alive after the answer")
		start := time.Now()
		_, err = br.ReadByte()
		assert.Error(t, err, "the idle connection was closed")
		assert.GreaterOrEqual(t, time.Since(start), idleTimeout/2, "closed for idleness, not at once")
	})
}
