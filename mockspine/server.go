package mockspine

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/gorilla/mux"

	"github.com/nems-harness/nems-harness/internal/content"
	"github.com/nems-harness/nems-harness/internal/mediatype"
	"github.com/nems-harness/nems-harness/internal/token"
	"github.com/nems-harness/nems-harness/mockspine/world"
)

// Publish paths: today's, and the 2019 example's.
const (
	PublishPath     = "/STU3/Events/1/$process-message"
	PublishPath2019 = "/$process-message"
	// AdminPrefix is where the harness's own API lives, on the same listener.
	AdminPrefix = "/_harness"
)

// Config configures a mock server.
type Config struct {
	Profile Profile
	World   *world.World
	// Journal records requests; nil means a fresh memory-only journal.
	Journal *Journal
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives one line per request; nil discards.
	Logger *slog.Logger
	// DisabledRules are rule IDs the mock does not enforce (see
	// Judge.Disabled).
	DisabledRules []string
	// Content is the content mode (Judge.Content); "" is ContentReport.
	Content ContentMode
}

// Server is the mock Spine/NEMS endpoint as an http.Handler.
type Server struct {
	judge   *Judge
	journal *Journal
	log     *slog.Logger
	router  *mux.Router
	started time.Time
	// refused holds the connections whose TLS handshake the mock refused
	// (see ConfigureTLS).
	refused sync.Map
}

// NewServer builds the mock.
func NewServer(cfg Config) (*Server, error) {
	if cfg.World == nil {
		return nil, errors.New("mock server: no world (fixtures) given")
	}
	if cfg.Profile == "" {
		cfg.Profile = Profile2019
	}
	if cfg.Journal == nil {
		cfg.Journal = NewJournal()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	disabled := map[string]bool{}
	for _, id := range cfg.DisabledRules {
		if _, ok := RuleByID(id); !ok {
			return nil, fmt.Errorf("cannot disable rule %s: no such rule", id)
		}
		disabled[id] = true
	}
	s := &Server{judge: &Judge{Profile: cfg.Profile, World: cfg.World, Now: cfg.Now, Disabled: disabled,
		Content: cfg.Content, History: content.NewMemory()},
		journal: cfg.Journal, log: cfg.Logger, started: time.Now()}
	// The content rules that remember know only the run's requests: a
	// cleared journal starts a new run, however it is cleared.
	cfg.Journal.whenCleared(s.judge.History.Reset)

	// Route first, then judge: every request to a publish path reaches the
	// rules, and everything else gets an explained OperationOutcome.
	r := mux.NewRouter()
	// Paths are matched as sent: an unclean one ("//$process-message",
	// "/a/../$process-message") is answered 404 with an OperationOutcome,
	// not redirected with an empty 301.
	r.SkipClean(true)
	admin := r.PathPrefix(AdminPrefix).Subrouter()
	s.adminRoutes(admin)
	for _, p := range []string{PublishPath, PublishPath2019} {
		r.Handle(p, http.HandlerFunc(s.publish)).Methods(http.MethodPost)
		r.Handle(p, http.HandlerFunc(s.wrongMethod))
	}
	r.NotFoundHandler = http.HandlerFunc(s.notFound)
	s.router = r
	return s, nil
}

// Journal is the server's request journal.
func (s *Server) Journal() *Journal { return s.journal }

// Judge is the server's rule engine.
func (s *Server) Judge() *Judge { return s.judge }

// ServeHTTP answers a request; an unexpected failure becomes a 500
// OperationOutcome rather than a dropped connection.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.Error("panic serving request", "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
			writeResponse(w, simpleAnswer(Answer{http.StatusInternalServerError, codeInternalServerError, IssueProcessing},
				fmt.Sprintf("unexpected failure: %v", p), defaultType()))
		}
	}()
	// A publish goes straight to the rules, without the router: it is the
	// route the router would pick (the path as sent, POST), and matching
	// it there costs a regular expression and a copy of the request each
	// time. A publish beyond the header limits is judged (and refused) by
	// Evaluate, like any other publish.
	if isPublish(r) {
		s.publish(w, r)
		return
	}
	if why, tooLarge := headerTooLarge(r.Header); tooLarge {
		s.recordPlain(w, r, simpleAnswer(Answer{http.StatusRequestHeaderFieldsTooLarge, codeBadRequest, IssueTooCostly},
			why, s.negotiated(r)))
		return
	}
	s.router.ServeHTTP(w, r)
}

func defaultType() mediatype.Type {
	return mediatype.Type{Name: mediatype.Default, Format: mediatype.XML}
}

// negotiated picks the answer's media type for requests no rule judged.
func (s *Server) negotiated(r *http.Request) mediatype.Type {
	t, err := mediatype.Negotiate(strings.Join(r.Header.Values("Accept"), ","), s.judge.Profile.allowsJSON())
	if err != nil {
		return defaultType()
	}
	return t
}

func (s *Server) publish(w http.ResponseWriter, r *http.Request) {
	body, truncated, readErr := readBody(r)
	req := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header, Body: body, BodyTruncated: truncated,
		TLS: r.TLS != nil, Received: s.judge.now().UTC()}
	if readErr != nil {
		req.BodyError = readErr.Error()
	}
	if r.TLS != nil {
		req.PeerCertificates = r.TLS.PeerCertificates
	}
	// Every publish is judged, whatever it carries (a compressed body, one
	// cut short): the answer, the journal and a later re-judging then
	// agree. A request read is judged and recorded in full, even if the
	// client has gone meanwhile: the journal is the evidence. So the rules
	// are judged under a context that is never cancelled.
	var resp Response
	j := judgements.Get().(*Judgement)
	j, err := s.judge.evaluate(context.Background(), req, j)
	if err != nil {
		resp = simpleAnswer(Answer{http.StatusInternalServerError, codeInternalServerError, IssueProcessing},
			fmt.Sprintf("judging the request: %v", err), s.negotiated(r))
	} else {
		resp = j.Response
	}
	s.record(w, r, req, j, resp)
	// The journal has packed the verdicts, and nothing else holds the
	// judgement: it is cleared, so that it keeps nothing alive, and serves
	// the next request with its room for the verdicts.
	if j != nil && cap(j.Verdicts) == len(catalogue) {
		clear(j.Verdicts)
		*j = Judgement{Verdicts: j.Verdicts[:0]}
		judgements.Put(j)
	}
}

// judgements hold a judgement with room for a verdict per rule: a
// publish's verdicts are packed by the journal as the answer is sent, so
// the judgement is taken again by the next request rather than collected.
var judgements = sync.Pool{New: func() any {
	return &Judgement{Verdicts: make([]Verdict, 0, len(catalogue))}
}}

// isPublish reports whether a request goes to the publish operation: every
// such request is judged by the rules.
func isPublish(r *http.Request) bool {
	return r.Method == http.MethodPost && (r.URL.Path == PublishPath || r.URL.Path == PublishPath2019)
}

// readBody reads at most MaxBody+1 bytes: enough to know a body is too big
// without reading the rest. The bytes arrive in pooled chunks, taken as
// they are filled, so a client that announces 3 MB but sends little (a slow
// or stalled upload) costs only what it sent. The body is then built into
// a string once, at its exact size, and the chunks go back to the pool:
// from there on nothing can change the body, however the chunks are
// reused. Only the first keptChunks go back: the rest of a large body's
// are left to the collector at once, rather than held in the pool while
// the body is judged (the element tree of a 3 MB message is as big again).
func readBody(r *http.Request) (string, bool, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return "", false, nil
	}
	if n := r.ContentLength; n > 0 && n <= int64(len(bodyChunk{})) {
		return readAnnounced(r.Body, int(n))
	}
	return readFrom(r.Body)
}

// readFrom is readBody for a body of unknown length.
func readFrom(body io.Reader) (string, bool, error) {
	lr := io.LimitReader(body, MaxBody+1)
	var chunks []*bodyChunk
	total, last := 0, 0
	var err error
	for err == nil {
		c := bodyChunks.Get().(*bodyChunk)
		n := 0
		for n < len(c) && err == nil {
			var k int
			k, err = lr.Read(c[n:])
			n += k
		}
		if n == 0 {
			bodyChunks.Put(c)
			break
		}
		chunks = append(chunks, c)
		total, last = total+n, n
	}
	if err == io.EOF {
		err = nil
	}
	var b strings.Builder
	b.Grow(total)
	for i, c := range chunks {
		if i == len(chunks)-1 {
			b.Write(c[:last])
		} else {
			b.Write(c[:])
		}
		chunks[i] = nil
		if i < keptChunks {
			bodyChunks.Put(c)
		}
	}
	return b.String(), total > MaxBody, err
}

// readAnnounced reads a body whose announced length n is at most a chunk
// straight into one buffer of that size: a publisher's body then costs one
// copy, not two. The buffer is no bigger than the chunk readBody would
// take, so a client that announces a body and stalls costs no more.
// The answer is readBody's: a body that turns out longer than announced
// (net/http ends it there; another reader may not) is read on by
// readFrom.
//
// The string is made from the buffer without a copy: the buffer is this
// body's alone, nothing writes it once read, and no reference to it as
// bytes is kept, so the string never changes.
func readAnnounced(body io.Reader, n int) (string, bool, error) {
	buf := make([]byte, n+1) // a byte more, to see whether the body ends
	k := 0
	var err error
	for k < n && err == nil {
		var m int
		m, err = body.Read(buf[k:n])
		k += m
	}
	if k == n && err == nil {
		var m int
		m, err = body.Read(buf[n:])
		if m > 0 || err == nil {
			rest := body
			if err != nil {
				rest = errReader{err}
			}
			return readFrom(io.MultiReader(bytes.NewReader(buf[:n+m]), rest))
		}
	}
	if err == io.EOF {
		err = nil
	}
	if k == 0 {
		return "", false, err
	}
	return unsafe.String(&buf[0], k), false, err
}

// errReader fails every read with its error.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// bodyChunk is a piece of a body being read.
type bodyChunk [32 << 10]byte

// keptChunks is how many of a body's chunks go back to the pool: enough
// for the messages a publisher sends (256 KB).
const keptChunks = 8

var bodyChunks = sync.Pool{New: func() any { return new(bodyChunk) }}

// record journals the exchange, then answers. If the journal cannot keep the
// request, the publisher is told so rather than given a 202 for evidence
// that was lost.
func (s *Server) record(w http.ResponseWriter, r *http.Request, req Request, j *Judgement, resp Response) {
	// The journal copies the header as it records the entry (packed in
	// memory, encoded in the file), so the entry may share the request's.
	// The body was read for this request alone and is handed over.
	received := req.Received
	if received.IsZero() {
		received = s.judge.now().UTC()
	}
	// The journal keeps the entry packed, so the entry itself serves the
	// next request.
	rec := recordings.Get().(*recording)
	defer rec.release()
	e := &rec.entry
	*e = Entry{Received: received, Remote: r.RemoteAddr, Method: r.Method, Path: r.URL.Path,
		Query: r.URL.RawQuery, Header: r.Header, BodyTruncated: req.BodyTruncated, BodyError: req.BodyError, TLS: req.TLS,
		Profile: s.judge.Profile}
	body := req.Body
	if req.BodyTruncated {
		body = body[:MaxBody]
	}
	if j != nil && j.bodyUTF8 && !req.BodyTruncated {
		e.Body = body // text, as setBody would find it
	} else {
		e.setBody(body)
	}
	e.noteRawHeader()
	for _, c := range req.PeerCertificates {
		e.ClientCertificates = append(e.ClientCertificates, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})))
	}
	s.stamp(e)
	if j != nil {
		e.Verdicts = j.Verdicts
		if info, ok := jwtInfo(req, j); ok {
			rec.jwt = info
			e.JWT = &rec.jwt
		}
		e.Run = j.run // the run it was judged in, should the journal have been cleared since
	}
	e.Response = Reply{Status: resp.Status, Header: resp.Header, Body: string(resp.Body)}
	if j != nil {
		defer j.endTurn() // should the journal panic
	}
	err := s.journal.Append(e)
	if j != nil {
		// Journalled: the next request may look at the history. The
		// answer is written after, so a slow reader holds up no other.
		j.endTurn()
	}
	if err != nil {
		s.log.Error("journal", "err", err)
		resp = simpleAnswer(Answer{http.StatusInternalServerError, codeInternalServerError, IssueProcessing},
			fmt.Sprintf("the request could not be recorded in the journal: %v", err), s.negotiated(r))
	}
	if s.log.Enabled(r.Context(), slog.LevelInfo) {
		s.log.Info("request", "id", e.ID, "method", r.Method, "path", r.URL.Path, "status", resp.Status, "failed", failedIDs(j))
	}
	writeResponse(w, resp)
}

// recording is the entry a request is recorded in, and its token.
type recording struct {
	entry Entry
	jwt   JWTInfo
}

var recordings = sync.Pool{New: func() any { return new(recording) }}

// release clears the recording, so that it keeps nothing alive, and gives
// it back to the pool.
func (rec *recording) release() {
	*rec = recording{}
	recordings.Put(rec)
}

// stamp records in an entry the run and the content mode of the answer.
func (s *Server) stamp(e *Entry) {
	e.Content = s.judge.mode()
	if s.judge.History != nil {
		e.Run = s.judge.History.Run()
	}
}

func failedIDs(j *Judgement) string {
	if j == nil {
		return ""
	}
	var ids []string
	for _, v := range j.Failed() {
		ids = append(ids, v.Rule)
	}
	return strings.Join(ids, ",")
}

// jwtInfo decodes the token for the journal, when it can be decoded: the
// header and claims as sent. The token the rules read is used when there is
// one. When JWT-FORMAT has passed, the token is known to be two base64url
// JSON objects and an empty signature, so its sections are decoded as sent
// rather than parsed a second time.
func jwtInfo(req Request, j *Judgement) (JWTInfo, bool) {
	if t := j.token; t != nil {
		return JWTInfo{Header: t.HeaderJSON, Claims: t.ClaimsJSON}, true
	}
	raw, err := token.Bearer(req.Header.Get("Authorization"))
	if err != nil {
		return JWTInfo{}, false
	}
	if v, ok := j.Verdict("JWT-FORMAT"); ok && v.Outcome == Pass {
		h, rest, _ := strings.Cut(raw, ".")
		p, _, _ := strings.Cut(rest, ".")
		hb, herr := base64.RawURLEncoding.DecodeString(h)
		pb, perr := base64.RawURLEncoding.DecodeString(p)
		if herr == nil && perr == nil && json.Valid(hb) && json.Valid(pb) {
			return JWTInfo{Header: hb, Claims: pb}, true
		}
	}
	t, err := token.Parse(raw)
	if err != nil {
		return JWTInfo{}, false
	}
	h, err := json.Marshal(t.Header)
	if err != nil {
		return JWTInfo{}, false
	}
	return JWTInfo{Header: h, Claims: t.ClaimsJSON}, true
}

func writeResponse(w http.ResponseWriter, resp Response) {
	// The answer's field names are canonical (Header.Set made them); each
	// field's values are handed over whole, not added one by one, capped
	// so that an Add to the writer's header copies them first.
	h := w.Header()
	for k, vs := range resp.Header {
		if old := h[k]; len(old) > 0 {
			h[k] = append(old[:len(old):len(old)], vs...)
		} else {
			h[k] = vs[:len(vs):len(vs)]
		}
	}
	w.WriteHeader(resp.Status)
	if len(resp.Body) > 0 {
		_, _ = w.Write(resp.Body) // the client may have gone; nothing to do
	}
}

func (s *Server) wrongMethod(w http.ResponseWriter, r *http.Request) {
	resp := simpleAnswer(Answer{http.StatusMethodNotAllowed, codeBadRequest, IssueNotSupported},
		fmt.Sprintf("%s is not supported on %s; publish with POST", r.Method, r.URL.Path), s.negotiated(r))
	resp.Header.Set("Allow", http.MethodPost)
	s.recordPlain(w, r, resp)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	resp := simpleAnswer(Answer{http.StatusNotFound, codeNoRecordFound, IssueNotFound},
		fmt.Sprintf("no such endpoint: %s %s; NEMS publishes at POST %s", r.Method, r.URL.Path, PublishPath), s.negotiated(r))
	s.recordPlain(w, r, resp)
}

// recordPlain journals a request no rule judged.
func (s *Server) recordPlain(w http.ResponseWriter, r *http.Request, resp Response) {
	body, truncated, err := readBody(r)
	req := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header, Body: body, BodyTruncated: truncated, TLS: r.TLS != nil}
	if err != nil {
		req.BodyError = err.Error()
	}
	s.record(w, r, req, nil, resp)
}

// writeJSON answers the admin API.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client may have gone; nothing to do
}
