package mockspine

import (
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/nems-harness/nems-harness/mockspine/mediatype"
	"github.com/nems-harness/nems-harness/mockspine/token"
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
}

// Server is the mock Spine/NEMS endpoint as an http.Handler.
type Server struct {
	judge   *Judge
	journal *Journal
	log     *slog.Logger
	router  *mux.Router
	started time.Time
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
	s := &Server{judge: &Judge{Profile: cfg.Profile, World: cfg.World, Now: cfg.Now},
		journal: cfg.Journal, log: cfg.Logger, started: time.Now()}

	// Route first, then judge: every request to a publish path reaches the
	// rules, and everything else gets an explained OperationOutcome.
	r := mux.NewRouter()
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
			writeResponse(w, simpleAnswer(Answer{http.StatusInternalServerError, CodeInternalServerError, IssueProcessing},
				fmt.Sprintf("unexpected failure: %v", p), defaultType()))
		}
	}()
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
	ctx := r.Context()
	body, truncated, readErr := readBody(r)
	req := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header, Body: body, BodyTruncated: truncated,
		TLS: r.TLS != nil}
	if r.TLS != nil {
		req.PeerCertificates = r.TLS.PeerCertificates
	}
	var resp Response
	var j *Judgement
	if readErr != nil {
		resp = simpleAnswer(Answer{http.StatusBadRequest, CodeBadRequest, IssueInvalid},
			fmt.Sprintf("[MSG-WELLFORMED] the request body could not be read: %v", readErr), s.negotiated(r))
	} else {
		var err error
		j, err = s.judge.Evaluate(ctx, req)
		if err != nil {
			resp = simpleAnswer(Answer{http.StatusInternalServerError, CodeInternalServerError, IssueProcessing},
				fmt.Sprintf("judging the request: %v", err), s.negotiated(r))
		} else {
			resp = j.Response
		}
	}
	s.record(w, r, req, j, resp)
}

// readBody reads at most MaxBody+1 bytes: enough to know a body is too big
// without reading the rest.
func readBody(r *http.Request) ([]byte, bool, error) {
	if r.Body == nil {
		return nil, false, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		return b, false, err
	}
	if len(b) > MaxBody {
		return b, true, nil
	}
	return b, false, nil
}

// record journals the exchange, then answers. If the journal cannot keep the
// request, the publisher is told so rather than given a 202 for evidence
// that was lost.
func (s *Server) record(w http.ResponseWriter, r *http.Request, req Request, j *Judgement, resp Response) {
	e := &Entry{Received: time.Now().UTC(), Remote: r.RemoteAddr, Method: r.Method, Path: r.URL.Path,
		Query: r.URL.RawQuery, Header: r.Header.Clone(), BodyTruncated: req.BodyTruncated, TLS: req.TLS,
		Profile: s.judge.Profile}
	body := req.Body
	if req.BodyTruncated {
		body = body[:MaxBody]
	}
	e.setBody(body)
	for _, c := range req.PeerCertificates {
		e.ClientCertificates = append(e.ClientCertificates, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})))
	}
	if j != nil {
		e.Verdicts = j.Verdicts
		e.JWT = jwtInfo(req)
	}
	e.Response = Reply{Status: resp.Status, Header: resp.Header, Body: string(resp.Body)}
	if err := s.journal.Append(e); err != nil {
		s.log.Error("journal", "err", err)
		resp = simpleAnswer(Answer{http.StatusInternalServerError, CodeInternalServerError, IssueProcessing},
			fmt.Sprintf("the request could not be recorded in the journal: %v", err), s.negotiated(r))
	}
	s.log.Info("request", "id", e.ID, "method", r.Method, "path", r.URL.Path, "status", resp.Status, "failed", failedIDs(j))
	writeResponse(w, resp)
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

// jwtInfo decodes the token for the journal, when it can be decoded.
func jwtInfo(req Request) *JWTInfo {
	raw, err := token.Bearer(req.Header.Get("Authorization"))
	if err != nil {
		return nil
	}
	t, err := token.Parse(raw)
	if err != nil {
		return nil
	}
	h, err := json.Marshal(t.Header)
	if err != nil {
		return nil
	}
	return &JWTInfo{Header: h, Claims: t.ClaimsJSON}
}

func writeResponse(w http.ResponseWriter, resp Response) {
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(resp.Status)
	if len(resp.Body) > 0 {
		_, _ = w.Write(resp.Body) // the client may have gone; nothing to do
	}
}

func (s *Server) wrongMethod(w http.ResponseWriter, r *http.Request) {
	resp := simpleAnswer(Answer{http.StatusMethodNotAllowed, CodeBadRequest, IssueNotSupported},
		fmt.Sprintf("%s is not supported on %s; publish with POST", r.Method, r.URL.Path), s.negotiated(r))
	resp.Header.Set("Allow", http.MethodPost)
	s.recordPlain(w, r, resp)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	resp := simpleAnswer(Answer{http.StatusNotFound, CodeNoRecordFound, IssueNotFound},
		fmt.Sprintf("no such endpoint: %s %s; NEMS publishes at POST %s", r.Method, r.URL.Path, PublishPath), s.negotiated(r))
	s.recordPlain(w, r, resp)
}

// recordPlain journals a request no rule judged.
func (s *Server) recordPlain(w http.ResponseWriter, r *http.Request, resp Response) {
	body, truncated, _ := readBody(r)
	req := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header, Body: body, BodyTruncated: truncated, TLS: r.TLS != nil}
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
