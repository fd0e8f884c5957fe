package mockspine

import (
	"fmt"
	"net/http"
	"time"
)

// Limits of every listener of the mock, so that slow or greedy clients
// cannot hold it.
const (
	// ReadHeaderTimeout cuts off a client that trickles its request line
	// and headers (slowloris).
	ReadHeaderTimeout = 10 * time.Second
	// ReadTimeout bounds reading a whole request, body included: 3 MB in a
	// minute is 50 KB/s.
	ReadTimeout = 60 * time.Second
	// WriteTimeout bounds answering.
	WriteTimeout = 60 * time.Second
	// IdleTimeout closes keep-alive connections left unused.
	IdleTimeout = 120 * time.Second

	// MaxHeaderBytes is what net/http reads of a request's header block
	// before answering 431 itself, in plain text, without calling the
	// handler. It is set well above MaxHeaderFieldBytes so that nearly every
	// oversized header block reaches the handler and gets an
	// OperationOutcome instead.
	MaxHeaderBytes = 256 << 10
	// MaxHeaderFieldBytes and MaxHeaderFields are what the mock accepts of
	// header fields (names and values); more is answered 431 with an
	// OperationOutcome. A real publish sends about ten fields and 2 KB.
	MaxHeaderFieldBytes = 64 << 10
	MaxHeaderFields     = 1000
)

// NewHTTPServer applies the mock's timeouts and limits to a handler: serve,
// the conformance runner and the load command all listen through it.
func NewHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
}

// headerTooLarge says, when a request carries more header fields than the
// mock accepts, why.
func headerTooLarge(h http.Header) (string, bool) {
	fields, size := 0, 0
	for k, vs := range h {
		for _, v := range vs {
			fields++
			size += len(k) + len(v) + 4 // "k: v\r\n"
		}
	}
	if fields <= MaxHeaderFields && size <= MaxHeaderFieldBytes {
		return "", false
	}
	return fmt.Sprintf("the request carries %d header fields (%d bytes); the mock accepts at most %d fields and %d bytes of them",
		fields, size, MaxHeaderFields, MaxHeaderFieldBytes), true
}
