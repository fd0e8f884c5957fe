package mockspine

import (
	"crypto/x509"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/nems-harness/nems-harness/internal/content"
	"github.com/nems-harness/nems-harness/internal/fhir"
	"github.com/nems-harness/nems-harness/internal/mediatype"
	"github.com/nems-harness/nems-harness/internal/token"
	"github.com/nems-harness/nems-harness/mockspine/world"
)

// MaxBody is the largest body NEMS accepts: 3 MB.
const MaxBody = 3 << 20

// Request is one publish request as it arrived: everything a rule may judge.
// It is built by the HTTP handler from live traffic, or from a journal entry
// when old traffic is judged again.
type Request struct {
	Method string
	Path   string
	Header http.Header
	// Body holds at most MaxBody+1 bytes; BodyTruncated is set when the
	// client sent more than MaxBody. It is a string, built once when the
	// body is read, so nothing can change it afterwards: the journal entry
	// and the FHIR readers' slices of it share it safely.
	Body          string
	BodyTruncated bool
	// BodyError says why the body could not be read in full (the client
	// stalled or hung up); Body then holds what arrived.
	BodyError string
	// PeerCertificates is the verified client certificate chain (leaf
	// first) when the request came over mutual TLS; TLS says whether the
	// request came over TLS at all.
	TLS              bool
	PeerCertificates []*x509.Certificate
	// Received is when the request arrived: the rules judge it as at that
	// time (a token's expiry, a withdrawn event). Zero means the judge's
	// clock.
	Received time.Time
}

// Exchange is a request being judged: the request, the world and profile it
// is judged against, and everything parsed from it once for the checks.
type Exchange struct {
	Request
	Profile Profile
	World   *world.World
	Now     time.Time

	// verdicts are the verdicts reached so far (the Judgement's, in
	// catalogue order); place[i] is where the catalogue's i-th rule's
	// verdict is in verdicts, plus one (0: not reached).
	verdicts *[]Verdict
	place    []int16

	bearer    string
	bearerErr error
	tok       *token.Token
	tokErr    error

	contentType    mediatype.Type
	contentTypeErr error
	accept         mediatype.Type
	acceptErr      error

	// coding is the content coding the body is sent with, other than
	// identity; such a body is not read.
	coding     string
	bodyFormat mediatype.Format
	bundle     *fhir.Bundle
	doc        *fhir.Doc
	bundleErr  error

	// Content rules: the mode answers are built in, the run's history, and
	// the verdicts, reached once for all of them (checks_content.go).
	contentMode ContentMode
	history     *content.Memory
	// turn is the history whose turn the exchange holds (takeTurn), nil
	// before.
	turn    *content.Memory
	msg     *content.Message
	results []content.Result
}

// newExchange parses the request's parts once; checks read the results.
// Its Exchange comes from a pool: give it back with release once the
// request is judged.
func newExchange(req Request, p Profile, w *world.World, now time.Time) *Exchange {
	x := exchanges.Get().(*Exchange)
	*x = Exchange{Request: req, Profile: p, World: w, Now: now, place: x.place}
	if x.Header == nil {
		x.Header = http.Header{}
	}

	// The header is read by its canonical name, as Header.Values would
	// find it, without building the name again.
	switch auth := x.Header["Authorization"]; {
	case len(auth) > 1:
		// One Bearer token, in one header: a second could carry another
		// token, and judging either alone would ignore the other.
		x.bearerErr = fmt.Errorf("the request carries %d Authorization headers; send exactly one, holding one Bearer token", len(auth))
	case len(auth) == 1:
		x.bearer, x.bearerErr = token.Bearer(auth[0])
	default:
		x.bearer, x.bearerErr = token.Bearer("")
	}
	if x.bearerErr == nil {
		x.tok, x.tokErr = token.Parse(x.bearer)
	}

	if ct, ok := x.headerValue("Content-Type"); ok {
		x.contentType, x.contentTypeErr = mediatype.ParseContentType(ct, p.allowsJSON())
	} else {
		x.contentType = mediatype.Type{Name: mediatype.Default, Format: mediatype.XML}
	}
	x.accept, x.acceptErr = mediatype.Negotiate(strings.Join(x.Header["Accept"], ","), p.allowsJSON())

	x.coding, _ = contentCoding(x.Header)
	if x.bodyReadable() && x.contentTypeErr == nil {
		x.bodyFormat = x.contentType.Format
		x.bundle, x.doc, x.bundleErr = fhir.ReadDoc(x.Body, string(x.bodyFormat))
	}
	return x
}

// exchanges hold the Exchanges of requests judged: nothing an Exchange
// holds outlives its judging but what the Judgement took from it.
var exchanges = sync.Pool{New: func() any { return &Exchange{place: make([]int16, len(catalogue))} }}

// release clears the exchange, so that it keeps nothing alive, and gives
// it back to the pool.
func (x *Exchange) release() {
	clear(x.place)
	*x = Exchange{place: x.place}
	exchanges.Put(x)
}

// bodyReadable reports whether the body arrived whole, uncompressed and
// within the size limit, so that it can be read as FHIR.
func (x *Exchange) bodyReadable() bool {
	return !x.BodyTruncated && x.BodyError == "" && x.coding == ""
}

// contentCoding returns the first content coding other than identity that
// the request declares: the mock, like NEMS, takes bodies uncompressed and
// does not inflate them (a gzip bomb stays 3 MB at most).
func contentCoding(h http.Header) (string, bool) {
	for _, v := range h["Content-Encoding"] {
		for c := range strings.SplitSeq(v, ",") {
			c = strings.TrimSpace(c)
			if c != "" && !strings.EqualFold(c, "identity") {
				if len(c) > 60 { // it is quoted in the answer
					c = strings.ToValidUTF8(c[:60], "") + "…"
				}
				return c, true
			}
		}
	}
	return "", false
}

// headerValue returns a header's value and whether it was sent at all.
func (x *Exchange) headerValue(name string) (string, bool) {
	v, ok := x.Header[canonicalKey(name)]
	if !ok || len(v) == 0 {
		return "", false
	}
	return strings.Join(v, ","), true
}

// canonicalKey is http.CanonicalHeaderKey(name). The names the checks
// spell are answered by a switch: CanonicalHeaderKey scans each name, and
// builds a new string for those not canonical already, on every request.
func canonicalKey(name string) string {
	switch name {
	case "Authorization", "Content-Type", "Accept", "Content-Encoding":
		return name
	case "fromASID":
		return "Fromasid"
	case "toASID":
		return "Toasid"
	case "InteractionID":
		return "Interactionid"
	}
	return http.CanonicalHeaderKey(name)
}

// Verdict returns the verdict already reached for a rule earlier in the
// catalogue.
func (x *Exchange) Verdict(id string) (Verdict, bool) {
	i, ok := cataloguePlace[id]
	if !ok || x.place[i] == 0 || x.verdicts == nil {
		return Verdict{}, false
	}
	return (*x.verdicts)[x.place[i]-1], true
}

// cataloguePlace maps a rule ID to its position in the catalogue. (It is
// filled by init: the checks in the catalogue refer to Exchange.Verdict.)
var cataloguePlace map[string]int

func init() {
	cataloguePlace = make(map[string]int, len(catalogue))
	for i, r := range catalogue {
		cataloguePlace[r.ID] = i
	}
}

// ResponseType is the media type the answer is written in: the negotiated
// one, or the default when negotiation failed.
func (x *Exchange) ResponseType() mediatype.Type {
	if x.acceptErr != nil {
		return mediatype.Type{Name: mediatype.Default, Format: mediatype.XML}
	}
	return x.accept
}

// Token is the decoded JWT, nil when it was missing or malformed.
func (x *Exchange) Token() *token.Token { return x.tok }

// Bundle is the parsed message, nil when it could not be read.
func (x *Exchange) Bundle() *fhir.Bundle { return x.bundle }
