// Package loadtest drives a NEMS publish endpoint with concurrent conforming
// publishes and measures what it sustains: requests, failures, throughput
// and latency percentiles. The load command runs it against a running mock,
// or against in-process servers to compare the mock with a bare handler.
package loadtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/fhir"
	"github.com/nems-harness/nems-harness/publish"
)

// Config is one load run.
type Config struct {
	// URL is the full publish URL.
	URL string
	// Concurrency is the number of workers, each with one request in
	// flight at a time.
	Concurrency int
	// Duration is how long requests are started for (after Warmup).
	Duration time.Duration
	// Warmup runs the same load first, unmeasured, to open connections.
	Warmup time.Duration
	// Rate limits the requests started per second, over all workers; 0 sends
	// as fast as the target answers.
	Rate float64

	// Body is the message sent; Message builds the default.
	Body []byte
	// FreshIDs gives every request its own MessageHeader id (see Fresh),
	// as a publisher's messages have; otherwise Body is sent as it is.
	FreshIDs bool
	// ContentType is sent as Content-Type and Accept.
	ContentType string
	// EventCode names the interaction (InteractionID).
	EventCode string
	Sender    publish.Sender
	// NEMSASID is sent as toASID.
	NEMSASID string
	// Audience is the JWT's aud claim.
	Audience string

	// Client sends the requests; nil means a client sized for Concurrency.
	Client *http.Client
	// Prepare, when set, may change each request's headers (i counts the
	// requests of the run, from 0).
	Prepare func(i int64, h http.Header)
	// Observe, when set, is told each request's outcome: the status
	// answered, or the error when there was no answer. It is called from
	// the workers, concurrently.
	Observe func(i int64, status int, err error)
}

// Result is what a run measured.
type Result struct {
	Requests int64 // answered requests
	Errors   int64 // requests without an answer (connection failures)
	Non202   int64 // answers other than 202 Accepted
	Status   map[int]int64
	// FirstError describes the first failure or unexpected answer.
	FirstError string
	Elapsed    time.Duration
	// Throughput is answered requests per second.
	Throughput         float64
	P50, P90, P99, Max time.Duration
}

// Message returns the default load: the vaccinations-1 "new" example
// message as the fixtures hold it (the same bytes every time, so a journal
// can be checked against it), its content type and event code.
func Message() (body []byte, contentType, eventCode string, err error) {
	b, err := fixtures.Bundle("vaccinations-1-new.xml")
	return b, "application/fhir+xml", "vaccinations-1", err
}

// Describe reads a message to send: its format (from its first character)
// and the event code of its MessageHeader, for InteractionID.
func Describe(body []byte) (contentType, eventCode string, err error) {
	format, contentType := "xml", "application/fhir+xml"
	if t := bytes.TrimLeft(body, " \t\r\n\xef\xbb\xbf"); len(t) > 0 && t[0] == '{' {
		format, contentType = "json", "application/fhir+json"
	}
	b, err := fhir.Read(body, format)
	if err != nil {
		return contentType, "", fmt.Errorf("the message is not well-formed FHIR %s: %w", format, err)
	}
	if b.Header == nil || b.Header.EventCode == "" {
		return contentType, "", errors.New("the message has no MessageHeader event code")
	}
	return contentType, b.Header.EventCode, nil
}

// NewClient returns an HTTP client keeping one connection per worker.
func NewClient(concurrency int) *http.Client {
	return &http.Client{
		Timeout: time.Minute,
		Transport: &http.Transport{
			MaxIdleConns:        concurrency,
			MaxIdleConnsPerHost: concurrency,
			MaxConnsPerHost:     concurrency,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true, // a publish is sent as is
		},
	}
}

// tokens hands out a conforming JWT, minting a new one every minute (a
// token is valid for five).
type tokens struct {
	sender   publish.Sender
	audience string

	mu     sync.Mutex
	minted time.Time
	header http.Header
	build  func(jwt string) http.Header
}

func (t *tokens) headers() (http.Header, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if now := time.Now(); t.header == nil || now.Sub(t.minted) > time.Minute {
		jwt, err := publish.Token(t.sender, t.audience, now)
		if err != nil {
			return nil, err
		}
		t.header, t.minted = t.build(jwt), now
	}
	return t.header, nil
}

// worker results, merged at the end.
type tally struct {
	latencies []time.Duration
	status    map[int]int64
	errors    int64
	first     string
}

// Run sends the load and measures it. Cancelling ctx stops the run early;
// requests in flight when Duration ends are waited for and counted.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Concurrency < 1 {
		return nil, errors.New("concurrency must be at least 1")
	}
	if cfg.Duration <= 0 {
		return nil, errors.New("duration must be positive")
	}
	if cfg.Body == nil {
		b, ct, ev, err := Message()
		if err != nil {
			return nil, err
		}
		cfg.Body, cfg.ContentType, cfg.EventCode = b, ct, ev
	}
	if cfg.Client == nil {
		cfg.Client = NewClient(cfg.Concurrency)
	}
	if cfg.Audience == "" {
		cfg.Audience = "https://clinicals.spineservices.nhs.uk"
	}
	tok := &tokens{sender: cfg.Sender, audience: cfg.Audience, build: func(jwt string) http.Header {
		return publish.Headers(cfg.Sender, cfg.NEMSASID, cfg.EventCode, jwt, cfg.ContentType)
	}}
	if _, err := tok.headers(); err != nil {
		return nil, err
	}
	var fresh *Fresh
	if cfg.FreshIDs {
		f, err := NewFresh(cfg.Body)
		if err != nil {
			return nil, fmt.Errorf("fresh MessageHeader ids: %w", err)
		}
		fresh = f
	}
	if cfg.Warmup > 0 {
		warm := cfg
		warm.Duration, warm.Warmup, warm.Prepare, warm.Observe = cfg.Warmup, 0, nil, nil
		if _, err := run(ctx, warm, tok, newBodies(fresh)); err != nil {
			return nil, err
		}
	}
	return run(ctx, cfg, tok, newBodies(fresh))
}

// newBodies counts a run's ids from the microsecond it starts: no load
// sends a million requests a second, so no two runs (the warm-up, the
// runs of a comparison, a load started again against the same mock)
// send the same id.
func newBodies(f *Fresh) bodies { return bodies{f, time.Now().UnixMicro()} }

// bodies gives request i its body: the same one, or one with a fresh id
// counted from base.
type bodies struct {
	fresh *Fresh
	base  int64
}

func (b bodies) body(cfg *Config, i int64) []byte {
	if b.fresh == nil {
		return cfg.Body
	}
	return b.fresh.Body(b.base + i)
}

func run(ctx context.Context, cfg Config, tok *tokens, bs bodies) (*Result, error) {
	start := time.Now()
	deadline := start.Add(cfg.Duration)
	var interval time.Duration
	if cfg.Rate > 0 {
		interval = time.Duration(float64(time.Second) / cfg.Rate)
	}
	var next atomic.Int64 // requests started
	tallies := make([]tally, cfg.Concurrency)
	var wg sync.WaitGroup
	for w := range tallies {
		t := &tallies[w]
		t.status = map[int]int64{}
		if cfg.Rate > 0 {
			t.latencies = make([]time.Duration, 0, int(cfg.Rate*cfg.Duration.Seconds())/cfg.Concurrency+16)
		} else {
			t.latencies = make([]time.Duration, 0, 4096)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if interval > 0 {
					at := start.Add(time.Duration(i) * interval)
					if !at.Before(deadline) {
						return
					}
					if d := time.Until(at); d > 0 {
						select {
						case <-time.After(d):
						case <-ctx.Done():
							return
						}
					}
				} else if !time.Now().Before(deadline) {
					return
				}
				t.send(ctx, cfg, tok, i, bs.body(&cfg, i))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return merge(tallies, elapsed), nil
}

// send makes one request and records its outcome.
func (t *tally) send(ctx context.Context, cfg Config, tok *tokens, i int64, body []byte) {
	status := 0
	var failure error // no answer
	note := func(msg string) {
		if t.first == "" {
			t.first = msg
		}
	}
	fail := func(err error) {
		t.errors++
		failure = err
		note(err.Error())
	}
	if cfg.Observe != nil {
		defer func() { cfg.Observe(i, status, failure) }()
	}
	base, err := tok.headers()
	if err != nil {
		fail(fmt.Errorf("minting the JWT: %w", err))
		return
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.URL, bytes.NewReader(body))
	if err != nil {
		fail(err)
		return
	}
	req.Header = base.Clone()
	if cfg.Prepare != nil {
		cfg.Prepare(i, req.Header)
	}
	began := time.Now()
	resp, err := cfg.Client.Do(req)
	if err != nil {
		fail(err)
		return
	}
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(began)
	if err != nil {
		fail(fmt.Errorf("reading the answer: %w", err))
		return
	}
	t.latencies = append(t.latencies, took)
	t.status[resp.StatusCode]++
	status = resp.StatusCode
	if resp.StatusCode != http.StatusAccepted {
		note(fmt.Sprintf("status %d: %.300s", resp.StatusCode, answer))
	}
}

func merge(tallies []tally, elapsed time.Duration) *Result {
	r := &Result{Status: map[int]int64{}, Elapsed: elapsed}
	var all []time.Duration
	for _, t := range tallies {
		all = append(all, t.latencies...)
		r.Errors += t.errors
		for code, n := range t.status {
			r.Status[code] += n
			if code != http.StatusAccepted {
				r.Non202 += n
			}
		}
		if r.FirstError == "" {
			r.FirstError = t.first
		}
	}
	r.Requests = int64(len(all))
	if elapsed > 0 {
		r.Throughput = float64(r.Requests) / elapsed.Seconds()
	}
	slices.Sort(all)
	r.P50, r.P90, r.P99 = Percentile(all, 50), Percentile(all, 90), Percentile(all, 99)
	if len(all) > 0 {
		r.Max = all[len(all)-1]
	}
	return r
}

// Percentile returns the nearest-rank percentile p (0–100] of sorted
// durations, 0 for none.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted))+0.999999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// BareHandler reads the request body and answers 202 Accepted: the
// fastest a publish endpoint could be on this machine, the yardstick the
// mock is compared with.
func BareHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
	})
}
