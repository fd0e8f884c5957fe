// Package steps is the godog step library of the conformance scenarios in
// package features. The steps build NEMS publish requests from the fixtures
// in use (senders and patients are described by what they are, and found in
// the fixtures), break them one rule at a time, send them over HTTP to any
// endpoint, and judge the answers. They talk HTTP only, so the same
// scenarios run against the embedded mock, a mock started elsewhere, or
// another implementation of the Publication API.
//
// Every send attaches the request and the response, as text in HTTP/1.1 wire
// form, to the scenario (godog attachments "request" and "response"), so the
// cucumber JSON carries the evidence.
package steps

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
	"github.com/nems-harness/nems-harness/publish"
)

// Config is what the steps need to know about the run.
type Config struct {
	Target  string       // base URL, e.g. http://127.0.0.1:4854 (no trailing slash)
	World   *world.World // fixtures used to build requests (senders, patients)
	Profile mockspine.Profile
	// Client sends requests; nil means a default client with a 10 s timeout. For mutual TLS,
	// ClientFor returns a client presenting the endpoint certificate of an ASID (nil func or
	// nil result: no client certificate).
	Client    *http.Client
	ClientFor func(asid string) *http.Client
}

// DefaultTimeout is the timeout of the default client.
const DefaultTimeout = 10 * time.Second

var defaultClient = &http.Client{Timeout: DefaultTimeout}

// Defaults of a conforming publish request.
const (
	DefaultEvent       = "vaccinations-1"
	DefaultMessageType = "new"
	DefaultFormat      = formatXML
)

// ContentTypeFor is the media type a conforming request declares (and
// accepts) for a message format.
func ContentTypeFor(format string) string {
	if format == formatJSON {
		return "application/fhir+json;charset=utf-8"
	}
	return "application/fhir+xml;charset=utf-8"
}

// state is one scenario's request and answer. Requests are described first
// and built when sent, so that the description may come in any order (the
// sender depends on the event type, a header on the sender, and so on).
type state struct {
	cfg Config

	// The request.
	event, messageType, format string
	senderKind                 string
	patient                    *world.Patient
	rawBody                    []byte
	hasRawBody                 bool
	bodyChanges                []namedChange
	claimChanges               []func(b *build) error
	jwt                        jwtShape
	headerChanges              []func(b *build) error
	method, path               string
	requireCerts               bool

	// The last answer.
	sent   bool
	answer *answer
	// transportErr is the error from the client when no answer came.
	transportErr error
	lastTarget   string
	// presentedCert is true when the last request went over TLS presenting
	// an endpoint certificate.
	presentedCert bool
}

// namedChange is a change to the message and the words that asked for it.
type namedChange struct {
	what   string
	change bodyChange
}

// jwtShape describes how the JWT is written, when a scenario breaks its form.
type jwtShape struct {
	header        []byte // nil: {"alg":"none","typ":"JWT"}
	payload       []byte // nil: the claims
	signature     string
	noTrailingDot bool
	padded        bool // standard base64 with padding instead of base64url
}

// build is a request being built from the description.
type build struct {
	w      *world.World
	now    time.Time
	sender sender
	claims map[string]any
	header http.Header
	body   []byte
	method string
	target string
}

// answer is what came back.
type answer struct {
	status      int
	header      http.Header
	body        []byte
	contentType string
}

// Register adds the steps to a scenario. godog calls the scenario
// initializer once per scenario, so each scenario gets fresh state.
func Register(sc *godog.ScenarioContext, cfg Config) {
	st := &state{cfg: cfg}
	st.reset()
	registerRequestSteps(sc, st)
	registerAnswerSteps(sc, st)
	registerContentSteps(sc, st)
	registerContentBreakSteps(sc, st)
}

func (st *state) reset() {
	st.event, st.messageType, st.format = DefaultEvent, DefaultMessageType, DefaultFormat
	if _, ok := publishable(st.event); !ok {
		if evs := mockspine.PublishableEventTypes(); len(evs) > 0 {
			st.event = evs[0].Code
		}
	}
	st.method, st.path = http.MethodPost, mockspine.PublishPath
}

func publishable(code string) (mockspine.EventType, bool) {
	ev, ok := mockspine.LookupEventType(code)
	return ev, ok && ev.Publishable()
}

// world is the fixtures in use.
func (st *state) world() (*world.World, error) {
	if st.cfg.World == nil {
		return nil, fmt.Errorf("the steps were given no fixtures (Config.World is nil)")
	}
	return st.cfg.World, nil
}

// patientOrDefault is the message's patient: the one described, else a
// traced patient.
func (st *state) patientOrDefault(w *world.World) (*world.Patient, error) {
	if st.patient != nil {
		return st.patient, nil
	}
	return tracedPatient(w)
}

// build makes the request from its description.
func (st *state) build() (*build, error) {
	w, err := st.world()
	if err != nil {
		return nil, err
	}
	ev, ok := publishable(st.event)
	if !ok {
		return nil, fmt.Errorf("%s is not a publishable event type", st.event)
	}
	b := &build{w: w, now: time.Now(), method: st.method, target: st.cfg.Target + st.path}
	if b.sender, err = findSender(w, st.senderKind, ev); err != nil {
		return nil, err
	}

	if st.hasRawBody {
		b.body = append([]byte{}, st.rawBody...)
	} else {
		p, err := st.patientOrDefault(w)
		if err != nil {
			return nil, err
		}
		if b.body, err = publish.Message(ev.Code, st.messageType, st.format, p); err != nil {
			return nil, fmt.Errorf("building the %s %s message in %s: %w", ev.Code, st.messageType, st.format, err)
		}
	}
	for _, c := range st.bodyChanges {
		nb, err := c.change(b.body, st.format)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.what, err)
		}
		b.body = nb
	}

	b.claims = publish.Claims(b.sender.Sender, st.cfg.Target+mockspine.PublishPath, b.now)
	for _, c := range st.claimChanges {
		if err := c(b); err != nil {
			return nil, err
		}
	}
	tok, err := st.jwt.encode(b.claims)
	if err != nil {
		return nil, err
	}
	b.header = publish.Headers(b.sender.Sender, w.NEMSASID(), ev.Code, tok, ContentTypeFor(st.format))
	for _, c := range st.headerChanges {
		if err := c(b); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// encode writes the JWT: an unsigned token unless the scenario changed its
// form.
func (j jwtShape) encode(claims map[string]any) (string, error) {
	header := j.header
	if header == nil {
		header = []byte(`{"alg":"none","typ":"JWT"}`)
	}
	payload := j.payload
	if payload == nil {
		var err error
		if payload, err = json.Marshal(claims); err != nil {
			return "", fmt.Errorf("writing the JWT claims: %w", err)
		}
	}
	enc := base64.RawURLEncoding
	if j.padded {
		enc = base64.StdEncoding
	}
	tok := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	if j.signature != "" || !j.noTrailingDot {
		tok += "." + j.signature
	}
	return tok, nil
}

// plainClient is the client presenting no certificate.
func (st *state) plainClient() *http.Client {
	if st.cfg.Client != nil {
		return st.cfg.Client
	}
	return defaultClient
}

// patterns caches compiled step expressions: godog would compile every
// expression again for every scenario.
var patterns sync.Map // string → *regexp.Regexp

// step registers a step whose expression must be anchored (^…$).
func step(sc *godog.ScenarioContext, pattern string, fn any) {
	if r, ok := patterns.Load(pattern); ok {
		sc.Step(r.(*regexp.Regexp), fn)
		return
	}
	if !strings.HasPrefix(pattern, "^") || !strings.HasSuffix(pattern, "$") {
		panic("steps: step expression not anchored with ^…$: " + pattern)
	}
	r := regexp.MustCompile(pattern)
	patterns.Store(pattern, r)
	sc.Step(r, fn)
}

// Expressions lists the step expressions registered so far, sorted (all of
// them once Register has run).
func Expressions() []string {
	var out []string
	patterns.Range(func(k, _ any) bool {
		out = append(out, k.(string))
		return true
	})
	sort.Strings(out)
	return out
}
