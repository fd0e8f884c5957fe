// Package nemspub is a small reference publisher for the NEMS Publication
// API: what a conforming publishing system sends, in one place.
//
// A [Publisher] publishes an [Event] (an event type such as vaccinations-1, a
// message type new, update or delete, and the patient's NHS number) as one
// HTTP request:
//
//   - POST to the NEMS publish URL (…/STU3/Events/1/$process-message);
//   - Authorization: Bearer and an unsigned JWT (alg none, empty signature)
//     whose claims name the system (requesting_system, sub), its organisation
//     (requesting_organization), the write scope, a reason and a five-minute
//     lifetime;
//   - the Spine headers fromASID (the system's ASID), toASID (NEMS's ASID)
//     and InteractionID (urn:nhs:names:services:events:<Event>.Write);
//   - Content-Type and Accept naming a FHIR media type;
//   - a FHIR message Bundle about the patient, with the demographics PDS
//     holds.
//
// Before sending anything it traces the patient in its own copy of PDS, and
// refuses (a [*RefusalError]) to publish for a patient PDS does not know or
// whose record carries an S (sensitive) or I (invalid) flag, as the
// publication IG requires.
//
// For testing the harness, [Publisher.Misbehave] names one thing to get
// wrong on purpose; [Misbehaviours] lists them with the rule each breaks.
package nemspub

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/nems-harness/nems-harness/internal/breaks"
	"github.com/nems-harness/nems-harness/internal/nhsnumber"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
	"github.com/nems-harness/nems-harness/publish"
)

// Identifier systems used in the JWT claims.
const (
	systemASID = "https://fhir.nhs.uk/Id/accredited-system"
	systemODS  = "https://fhir.nhs.uk/Id/ods-organization-code"
	systemUser = "https://fhir.nhs.uk/Id/sds-role-profile-id"
)

// Media types the publisher sends. The guidance lists eight; these are the
// ones today's page keeps (XML) and its JSON twin.
const (
	TypeXML  = "application/fhir+xml;charset=utf-8"
	TypeJSON = "application/fhir+json;charset=utf-8"
)

// TokenLifetime is how long the JWT is valid: exp = iat + 300 seconds.
const TokenLifetime = 300 * time.Second

// Event is one event to publish.
type Event struct {
	// Type is the event type code, e.g. "vaccinations-1".
	Type string
	// MessageType is "new", "update" or "delete".
	MessageType string
	// NHSNumber identifies the patient.
	NHSNumber string
	// Variant is the kind of event beyond its type, or empty. This
	// publisher knows "reported": a vaccinations-1 new event for a
	// vaccination reported by someone else (primarySource false, with
	// reportOrigin).
	Variant string
}

// VariantReported is the variant of a vaccination reported by another
// source.
const VariantReported = "reported"

// Publisher publishes events to NEMS as one accredited system.
type Publisher struct {
	// URL is the NEMS publish URL.
	URL string
	// ASID and ODS identify the publishing system and its organisation, as
	// registered in the Spine directory.
	ASID, ODS string
	// NEMSASID is the ASID of NEMS (sent as toASID).
	NEMSASID string
	// PDS is the publisher's own copy of the patients it may publish for.
	PDS *world.PDS
	// Format is "xml" (the default) or "json".
	Format string
	// Client sends the request; nil means a client with a 30 s timeout.
	Client *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Misbehave names one thing to get wrong on purpose (see
	// Misbehaviours); empty means none.
	Misbehave string
	// OtherODS is the ODS code misbehaviour org-unlinked claims: one Spine
	// knows but has not linked to ASID.
	OtherODS string
}

// RefusalError is returned when the publisher will not publish for a
// patient: a conforming system refuses before anything is sent.
type RefusalError struct {
	NHSNumber string
	Reason    string
}

func (e *RefusalError) Error() string {
	return fmt.Sprintf("not published for NHS number %s: %s", e.NHSNumber, e.Reason)
}

// RejectedError is returned when NEMS answered with anything but 202.
type RejectedError struct {
	Status int
	// Body is the OperationOutcome NEMS sent.
	Body string
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("NEMS rejected the event: HTTP %d %s\n%s", e.Status, http.StatusText(e.Status), e.Body)
}

// Result is a publish NEMS accepted.
type Result struct {
	Status int
	// Body is empty, or an informational OperationOutcome (for example a
	// deprecation warning).
	Body string
}

// Publish traces the patient, builds the request and sends it. It returns a
// *RefusalError without sending anything when the patient may not be
// published for, and a *RejectedError when NEMS refuses the event.
func (p *Publisher) Publish(ctx context.Context, ev Event) (*Result, error) {
	req, err := p.NewRequest(ctx, ev)
	if err != nil {
		return nil, err
	}
	client := p.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("publishing to NEMS: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("reading NEMS's answer: %w", err)
	}
	if resp.StatusCode != http.StatusAccepted {
		return nil, &RejectedError{Status: resp.StatusCode, Body: string(body)}
	}
	return &Result{Status: resp.StatusCode, Body: string(body)}, nil
}

// NewRequest traces the patient and builds the publish request without
// sending it.
func (p *Publisher) NewRequest(ctx context.Context, ev Event) (*http.Request, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	et, ok := mockspine.LookupEventType(ev.Type)
	if !ok || !et.Publishable() {
		return nil, fmt.Errorf("%q is not an event type NEMS lets publishers send", ev.Type)
	}
	if !validMessageType(ev.MessageType) {
		return nil, fmt.Errorf("message type %q must be new, update or delete", ev.MessageType)
	}
	patient, err := p.trace(ev.NHSNumber)
	if err != nil {
		return nil, err
	}
	if err := checkVariant(ev); err != nil {
		return nil, err
	}
	body, contentType, err := p.message(et, ev.MessageType, ev.Variant, patient)
	if err != nil {
		return nil, err
	}
	jwt, err := p.token()
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("NEMS URL: %w", err)
	}
	p.setHeaders(req.Header, et, jwt, contentType)
	return req, nil
}

func (p *Publisher) check() error {
	switch {
	case p.URL == "":
		return errors.New("no NEMS URL: set NEMS_URL or pass --url")
	case p.ASID == "" || p.ODS == "":
		return errors.New("the publisher needs its ASID and ODS code")
	case p.NEMSASID == "":
		return errors.New("no NEMS ASID: set NEMS_ASID or pass --to-asid")
	case p.PDS == nil:
		return errors.New("the publisher has no PDS data to trace patients with")
	}
	if p.Misbehave != "" {
		if _, ok := LookupMisbehaviour(p.Misbehave); !ok {
			return fmt.Errorf("unknown misbehaviour %q (see --list-misbehaviours)", p.Misbehave)
		}
	}
	return nil
}

// checkVariant refuses a variant this publisher cannot send.
func checkVariant(ev Event) error {
	switch {
	case ev.Variant == "":
		return nil
	case ev.Variant != VariantReported:
		return fmt.Errorf("unknown variant %q (this publisher knows %q)", ev.Variant, VariantReported)
	case ev.Type != "vaccinations-1" || ev.MessageType != "new":
		return fmt.Errorf("variant %q is a vaccinations-1 new event, not %s %s", ev.Variant, ev.Type, ev.MessageType)
	}
	return nil
}

func validMessageType(t string) bool {
	for _, m := range mockspine.MessageEventTypes() {
		if t == m {
			return true
		}
	}
	return false
}

// trace looks the patient up in the publisher's PDS data and applies the
// publication IG: no event for an untraced patient, nor for one with an S or
// I flag.
func (p *Publisher) trace(nhs string) (world.Patient, error) {
	if err := nhsnumber.Check(nhs); err != nil {
		return world.Patient{}, &RefusalError{NHSNumber: nhs, Reason: err.Error()}
	}
	for _, pt := range p.PDS.Patients {
		if pt.NHSNumber != nhs {
			continue
		}
		switch {
		case pt.HasFlag("S") && p.Misbehave != "publish-sensitive":
			return pt, &RefusalError{NHSNumber: nhs, Reason: "the PDS record carries an S (sensitive) flag"}
		case pt.HasFlag("I") && p.Misbehave != "publish-invalid":
			return pt, &RefusalError{NHSNumber: nhs, Reason: "the PDS record carries an I (invalid) flag"}
		}
		return pt, nil
	}
	if p.Misbehave == "publish-untraced" {
		// A system that skips tracing sends whatever it holds locally.
		return world.Patient{NHSNumber: nhs, Family: "UNTRACED", Given: []string{"Unknown"}, BirthDate: "2000-01-01"}, nil
	}
	return world.Patient{}, &RefusalError{NHSNumber: nhs, Reason: "the patient could not be traced on PDS"}
}

// claims is the JWT payload Spine expects of a publisher.
func (p *Publisher) claims() jwt.MapClaims {
	now := time.Now()
	if p.Now != nil {
		now = p.Now()
	}
	system := systemASID + "|" + p.ASID
	c := jwt.MapClaims{
		"iss":                     "https://publisher.example/" + p.ASID,
		"sub":                     system,
		"aud":                     p.URL,
		"iat":                     now.Unix(),
		"exp":                     now.Add(TokenLifetime).Unix(),
		"reason_for_request":      "directcare",
		"scope":                   "patient/Bundle.write",
		"requesting_system":       system,
		"requesting_organization": systemODS + "|" + p.ODS,
	}
	switch p.Misbehave {
	case "missing-iss":
		delete(c, "iss")
	case "exp":
		c["exp"] = now.Add(time.Hour).Unix()
	case "reason":
		c["reason_for_request"] = "care"
	case "scope":
		c["scope"] = "patient/*.read"
	case "sub":
		c["sub"] = "publisher-service-account"
	case "system":
		c["requesting_system"], c["sub"] = p.ASID, p.ASID
	case "org":
		c["requesting_organization"] = p.ODS
	case "org-unlinked":
		c["requesting_organization"] = systemODS + "|" + p.OtherODS
	case "user":
		c["requesting_user"] = "clerk-0042"
	}
	return c
}

// token mints the JWT: unsigned (alg none) with an empty signature, so the
// token ends with a dot.
func (p *Publisher) token() (string, error) {
	if p.Misbehave == "signed-jwt" {
		t, err := jwt.NewWithClaims(jwt.SigningMethodHS256, p.claims()).SignedString([]byte("not-how-spine-works"))
		if err != nil {
			return "", fmt.Errorf("signing the JWT: %w", err)
		}
		return t, nil
	}
	t, err := jwt.NewWithClaims(jwt.SigningMethodNone, p.claims()).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		return "", fmt.Errorf("minting the JWT: %w", err)
	}
	return t, nil
}

func (p *Publisher) setHeaders(h http.Header, et mockspine.EventType, token, contentType string) {
	if p.Misbehave != "no-bearer" {
		h.Set("Authorization", "Bearer "+token)
	}
	// Header names are case-insensitive; these keep the spelling of the
	// guidance on the wire (Header.Set would send Fromasid).
	if p.Misbehave != "fromasid" {
		h["fromASID"] = []string{p.ASID}
	}
	to := p.NEMSASID
	if p.Misbehave == "toasid" {
		to = p.ASID
	}
	h["toASID"] = []string{to}
	interaction := et.Interaction()
	if p.Misbehave == "interaction" {
		interaction = otherEvent(et).Interaction()
	}
	h["InteractionID"] = []string{interaction}
	switch p.Misbehave {
	case "content-type":
		h.Set("Content-Type", "application/json")
	case "json-no-content-type":
		// no Content-Type: NEMS reads the body as XML
	default:
		h.Set("Content-Type", contentType)
	}
	accept := contentType
	if p.Misbehave == "accept" {
		accept = "text/html"
	}
	h.Set("Accept", accept)
}

// otherEvent is a publishable event type other than et.
func otherEvent(et mockspine.EventType) mockspine.EventType {
	for _, e := range mockspine.PublishableEventTypes() {
		if e.Code != et.Code {
			return e
		}
	}
	return et
}

// message builds the event message for the patient from the example
// bundles, in the publisher's format.
func (p *Publisher) message(et mockspine.EventType, messageType, variant string, pt world.Patient) ([]byte, string, error) {
	format, contentType := "xml", TypeXML
	if p.Format == "json" || p.Misbehave == "json-no-content-type" {
		format, contentType = "json", TypeJSON
	}
	if p.Misbehave == "wrong-family" {
		pt.Family += "-SMYTHE"
	}
	example := et.Code + "-" + messageType
	if variant != "" {
		example = et.Code + "-" + variant + "-" + messageType
	}
	msg, err := publish.Example(example, format, &pt)
	if err != nil {
		return nil, "", fmt.Errorf("building the %s %s message: %w", et.Code, messageType, err)
	}
	// It stamps the message when it sends it, as a publisher does.
	msg = publish.Stamp(msg, time.Now())
	// The examples name their sender; this publisher names itself.
	msg = bytes.ReplaceAll(msg, []byte("urn:nhs:addressing:asid:200000000115"), []byte("urn:nhs:addressing:asid:"+p.ASID))
	if br, ok := breaks.Lookup(p.Misbehave); ok && br.Event == et.Code && br.MessageType == messageType {
		if msg, err = br.Apply(msg, format); err != nil {
			return nil, "", err
		}
	}
	switch p.Misbehave {
	case "bad-nhs-number":
		msg = bytes.ReplaceAll(msg, []byte(pt.NHSNumber), []byte(wrongCheckDigit(pt.NHSNumber)))
	case "malformed":
		msg = msg[:len(msg)*9/10]
	case "not-message-bundle":
		msg = notMessage(msg, format)
	case "oversize":
		msg = oversize(msg, format)
	}
	return msg, contentType, nil
}

// wrongCheckDigit returns the NHS number with another last digit: as a
// valid number has exactly one check digit, the result fails Modulus 11.
func wrongCheckDigit(nhs string) string {
	last := nhs[len(nhs)-1]
	return nhs[:len(nhs)-1] + string(rune('0'+(last-'0'+1)%10))
}

func notMessage(msg []byte, format string) []byte {
	if format == "json" {
		return bytes.Replace(msg, []byte(`"type": "message"`), []byte(`"type": "collection"`), 1)
	}
	return bytes.Replace(msg, []byte(`<type value="message"/>`), []byte(`<type value="collection"/>`), 1)
}

// oversize pads the message with whitespace (still well formed) beyond the
// 3 MB NEMS accepts.
func oversize(msg []byte, format string) []byte {
	end := []byte("</Bundle>")
	if format == "json" {
		end = []byte("}")
	}
	i := bytes.LastIndex(msg, end)
	if i < 0 {
		i = len(msg)
	}
	pad := bytes.Repeat([]byte(strings.Repeat(" ", 127)+"\n"), mockspine.MaxBody/128+8)
	out := make([]byte, 0, len(msg)+len(pad))
	out = append(out, msg[:i]...)
	out = append(out, pad...)
	return append(out, msg[i:]...)
}
