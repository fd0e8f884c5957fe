// Package publish builds NEMS publish requests the way a conforming
// publisher does: the JWT, the Spine headers and an event message for a
// patient. Scenarios, the jwt command and tests build on it, then break one
// thing at a time.
package publish

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/fhir"
	"github.com/nems-harness/nems-harness/internal/token"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
)

// Sender is the publishing system: its ASID and ODS code.
type Sender struct {
	ASID string
	ODS  string
}

// Claims returns a conforming JWT payload for a sender at a moment.
func Claims(s Sender, audience string, now time.Time) map[string]any {
	system := "https://fhir.nhs.uk/Id/accredited-system|" + s.ASID
	return map[string]any{
		"iss":                     "https://publisher.example/" + s.ASID,
		"sub":                     system,
		"aud":                     audience,
		"exp":                     now.Unix() + 300,
		"iat":                     now.Unix(),
		"reason_for_request":      "directcare",
		"scope":                   "patient/Bundle.write",
		"requesting_system":       system,
		"requesting_organization": "https://fhir.nhs.uk/Id/ods-organization-code|" + s.ODS,
	}
}

// Token mints a conforming unsigned JWT.
func Token(s Sender, audience string, now time.Time) (string, error) {
	return token.Mint(Claims(s, audience, now))
}

// Headers returns the Spine headers of a conforming publish of an event type.
// An empty jwt leaves Authorization out; an empty contentType leaves
// Content-Type and Accept out (the defaults then apply).
func Headers(s Sender, nemsASID, eventCode, jwt, contentType string) http.Header {
	h := http.Header{}
	if jwt != "" {
		h.Set("Authorization", "Bearer "+jwt)
	}
	h.Set("fromASID", s.ASID)
	h.Set("toASID", nemsASID)
	if ev, ok := mockspine.LookupEventType(eventCode); ok && ev.Publishable() {
		h.Set("InteractionID", ev.Interaction())
	}
	if contentType != "" {
		h.Set("Content-Type", contentType)
		h.Set("Accept", contentType)
	}
	return h
}

// Message returns an embedded example message of an event type and message
// type ("new", "update", "delete") in a format ("xml" or "json"), rewritten
// for a patient when one is given.
func Message(eventCode, messageType, format string, patient *world.Patient) ([]byte, error) {
	return Example(eventCode+"-"+messageType, format, patient)
}

// Example returns an embedded example message by name (a file of
// fixtures/bundles without its extension, such as
// "vaccinations-1-reported-new") in a format ("xml" or "json"), with a
// fresh MessageHeader id, rewritten for a patient when one is given.
func Example(name, format string, patient *world.Patient) ([]byte, error) {
	b, err := fixtures.Bundle(name + "." + format)
	if err != nil {
		return nil, err
	}
	b = FreshID(b)
	if patient == nil {
		return b, nil
	}
	return ForPatient(b, patient)
}

// Stamp sets the MessageHeader's meta.lastUpdated to a moment, as a
// publisher does when it sends a message: the sequence of a record's
// messages is then the order they were sent in (EVT-LASTUPDATED-ORDER). A
// body without a MessageHeader meta.lastUpdated is returned as it is.
func Stamp(msg []byte, at time.Time) []byte {
	format := fhir.FormatXML
	if t := bytes.TrimSpace(msg); len(t) > 0 && t[0] == '{' {
		format = fhir.FormatJSON
	}
	_, doc, err := fhir.ReadDoc(msg, format)
	if err != nil || len(doc.Entries) == 0 || doc.Entries[0].Resource.Type() != "MessageHeader" {
		return msg
	}
	old, ok := doc.Entries[0].Resource.Val("meta.lastUpdated")
	if !ok || old == "" {
		return msg
	}
	stamp := at.UTC().Format("2006-01-02T15:04:05.000Z07:00")
	return bytes.Replace(msg, []byte(`"`+old+`"`), []byte(`"`+stamp+`"`), 1)
}

// FreshID gives a message a new MessageHeader.id (a version 4 UUID),
// wherever the old one appears (the id and the entry's fullUrl), as a
// publisher does for every message it sends: NEMS refuses a MessageHeader
// id used before (EVT-MSGID-UNIQUE). A body that cannot be read, or has no
// MessageHeader id, is returned as it is.
func FreshID(msg []byte) []byte {
	format := fhir.FormatXML
	if t := bytes.TrimSpace(msg); len(t) > 0 && t[0] == '{' {
		format = fhir.FormatJSON
	}
	_, doc, err := fhir.ReadDoc(msg, format)
	if err != nil || len(doc.Entries) == 0 {
		return msg
	}
	id, ok := doc.Entries[0].Resource.Val("id")
	if !ok || len(id) < 8 || doc.Entries[0].Resource.Type() != "MessageHeader" {
		return msg
	}
	var u [16]byte
	_, _ = rand.Read(u[:]) // crypto/rand.Read never fails on supported platforms
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	fresh := fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
	return bytes.ReplaceAll(msg, []byte(id), []byte(fresh))
}

// ForPatient rewrites a fixture message so that it is about another patient:
// the fixture patient's NHS number, family name and birth date are replaced
// wherever they appear as values.
func ForPatient(msg []byte, p *world.Patient) ([]byte, error) {
	def, err := fixtures.Default()
	if err != nil {
		return nil, err
	}
	from := fixturePatient(msg, def)
	if from == nil {
		return nil, fmt.Errorf("the message's patient is not in the embedded PDS, so it cannot be rewritten")
	}
	pairs := []string{from.NHSNumber, p.NHSNumber, from.Family, p.Family, from.BirthDate, p.BirthDate}
	if len(from.Given) > 0 && len(p.Given) > 0 {
		pairs = append(pairs, from.Given[0], p.Given[0])
	}
	var r []string
	for i := 0; i < len(pairs); i += 2 {
		for _, q := range []string{`"%s"`, `"%sT`} {
			r = append(r, fmt.Sprintf(q, pairs[i]), fmt.Sprintf(q, pairs[i+1]))
		}
	}
	return []byte(strings.NewReplacer(r...).Replace(string(msg))), nil
}

// fixturePatient finds which embedded PDS patient a fixture message is about.
func fixturePatient(msg []byte, w *world.World) *world.Patient {
	for i := range w.PDS.Patients {
		p := &w.PDS.Patients[i]
		if bytes.Contains(msg, []byte(`"`+p.NHSNumber+`"`)) {
			return p
		}
	}
	return nil
}
