package nemspub

import "github.com/nems-harness/nems-harness/internal/breaks"

// Misbehaviour is one thing the publisher can get wrong on purpose, and the
// rules of the guidance that breaking it breaks.
type Misbehaviour struct {
	Name string
	// Rules are the rule IDs a publish with this misbehaviour fails.
	Rules []string
	// Scenario says which kind of scenario shows it, when it is not an
	// ordinary publish for a traced patient.
	Scenario    string
	Description string
	// Event and MessageType, for a content misbehaviour, name the publish
	// it shows in (an event of another type, or another message type, is
	// published conforming); empty for the others.
	Event, MessageType string
	// Warning is true when the rule broken is a warning rule: the answer
	// reports it and the overall result still passes.
	Warning bool
}

// contentMisbehaviours are the content breaks (package breaks), one per
// content rule the reference publisher can get wrong: each publishes the
// conforming message of its event and message type with that one change.
func contentMisbehaviours() []Misbehaviour {
	var out []Misbehaviour
	for _, b := range breaks.All() {
		out = append(out, Misbehaviour{Name: b.Name, Rules: []string{b.Rule},
			Scenario:    "a " + b.Event + " " + b.MessageType + " publish",
			Description: b.Description, Event: b.Event, MessageType: b.MessageType,
			Warning: breaks.IsWarning(b.Rule)})
	}
	return out
}

// misbehaviours lists every misbehaviour, in rule catalogue order.
var misbehaviours = []Misbehaviour{
	{Name: "no-client-cert", Rules: []string{"EP-CERT"}, Scenario: "mutual TLS",
		Description: "presents no endpoint certificate, so the TLS handshake is refused"},
	{Name: "fromasid", Rules: []string{"HDR-FROMASID"}, Description: "leaves out the fromASID header"},
	{Name: "toasid", Rules: []string{"HDR-TOASID"}, Description: "sends its own ASID as toASID instead of NEMS's"},
	{Name: "interaction", Rules: []string{"HDR-INTERACTION"}, Description: "sends the InteractionID of another event type"},
	{Name: "no-bearer", Rules: []string{"JWT-BEARER"}, Description: "sends no Authorization header"},
	{Name: "signed-jwt", Rules: []string{"JWT-FORMAT"}, Description: "signs the JWT (HS256) instead of sending it unsigned"},
	{Name: "missing-iss", Rules: []string{"JWT-CLAIMS"}, Description: "leaves the iss claim out"},
	{Name: "exp", Rules: []string{"JWT-TIME"}, Description: "sets exp an hour after iat instead of five minutes"},
	{Name: "reason", Rules: []string{"JWT-REASON"}, Description: `sends reason_for_request "care"`},
	{Name: "scope", Rules: []string{"JWT-SCOPE"}, Description: "asks for scope patient/*.read"},
	{Name: "sub", Rules: []string{"JWT-SUB"}, Description: "sets sub to a service account name instead of requesting_system"},
	{Name: "system", Rules: []string{"JWT-SYSTEM"}, Description: "sends requesting_system (and sub) as a bare ASID, without the accredited-system prefix"},
	{Name: "org", Rules: []string{"JWT-ORG"}, Description: "sends requesting_organization as a bare ODS code"},
	{Name: "org-unlinked", Rules: []string{"JWT-ORG-ASID"}, Description: "claims an ODS code Spine knows but has not linked to the system's ASID (--other-ods)"},
	{Name: "user", Rules: []string{"JWT-USER"}, Description: "sends requesting_user without the SDS role profile system"},
	{Name: "content-type", Rules: []string{"MIME-CONTENT-TYPE"}, Description: "sends Content-Type application/json"},
	{Name: "accept", Rules: []string{"MIME-ACCEPT"}, Description: "sends Accept: text/html"},
	{Name: "json-no-content-type", Rules: []string{"MIME-DEFAULT", "MSG-WELLFORMED"},
		Description: "sends a FHIR JSON body without Content-Type, so NEMS reads it as XML"},
	{Name: "malformed", Rules: []string{"MSG-WELLFORMED"}, Description: "cuts the end off the message"},
	{Name: "oversize", Rules: []string{"MSG-SIZE"}, Description: "pads the message beyond 3 MB"},
	{Name: "not-message-bundle", Rules: []string{"MSG-BUNDLE"}, Description: "sends a Bundle of type collection"},
	{Name: "bad-nhs-number", Rules: []string{"NHS-FORMAT"}, Description: "sends the NHS number with a wrong check digit"},
	{Name: "wrong-family", Rules: []string{"NHS-TRACED"}, Description: "sends a family name other than the one PDS holds"},
	{Name: "publish-untraced", Rules: []string{"NHS-TRACED"}, Scenario: "a patient not on PDS",
		Description: "publishes for patients it cannot trace on PDS"},
	{Name: "publish-sensitive", Rules: []string{"NHS-FLAGS"}, Scenario: "an S-flagged patient",
		Description: "publishes even for patients whose PDS record carries an S flag"},
	{Name: "publish-invalid", Rules: []string{"NHS-FLAGS"}, Scenario: "an I-flagged patient",
		Description: "publishes even for patients whose PDS record carries an I flag"},
}

// Misbehaviours lists every misbehaviour, in rule catalogue order: the
// envelope ones, then the content ones.
func Misbehaviours() []Misbehaviour {
	return append(append([]Misbehaviour(nil), misbehaviours...), contentMisbehaviours()...)
}

// LookupMisbehaviour finds a misbehaviour by name.
func LookupMisbehaviour(name string) (Misbehaviour, bool) {
	for _, m := range Misbehaviours() {
		if m.Name == name {
			return m, true
		}
	}
	return Misbehaviour{}, false
}
