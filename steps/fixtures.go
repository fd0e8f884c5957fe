package steps

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cucumber/godog"

	"github.com/nems-harness/nems-harness/internal/nhsnumber"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
	"github.com/nems-harness/nems-harness/publish"
)

// Scenarios describe patients, senders, ASIDs and ODS codes by what they are
// ("a traced patient", "a system not assured for the event"); the functions
// here find such things in the fixtures in use, so that the same features run
// against a user's own spine.json and pds.json.

// skipf is the error for a scenario the fixtures in use cannot support: the
// scenario is skipped (its rules reported not assessed), not failed.
func skipf(format string, a ...any) error {
	return fmt.Errorf("%w: %s", godog.ErrSkip, fmt.Sprintf(format, a...))
}

// Patient kinds a scenario may name: the kinds of world.PatientKinds, by
// their phrases ("a traced patient", "an S-flagged patient"), and patients
// made up from a traced one to break one thing.
const (
	kindBadCheckDigit = "a patient whose NHS number fails the Modulus 11 check"
	kindNineDigits    = "a patient whose NHS number has 9 digits"
	kindOtherFamily   = "a traced patient whose family name differs from PDS"
	kindOtherBirth    = "a traced patient whose birth date differs from PDS"
	kindLowerFamily   = "a traced patient whose family name is written in lower case"
)

// PatientKinds lists the patient descriptions the steps understand.
func PatientKinds() []string {
	var out []string
	for _, k := range world.PatientKinds() {
		out = append(out, k.Phrase())
	}
	return append(out, kindBadCheckDigit, kindNineDigits, kindOtherFamily, kindOtherBirth, kindLowerFamily)
}

// findPatient returns the patient a scenario describes: a PDS record from the
// fixtures (world.Patients, the look-up the supplier steps use too), or one
// made up from such a record (a changed name, an NHS number that is not on
// PDS). The result is a copy the caller may keep. Fixtures without such a
// patient skip the scenario.
func findPatient(w *world.World, kind string) (*world.Patient, error) {
	kind = strings.TrimSpace(kind)
	if k, ok := world.ParsePatientKind(kind); ok {
		p, err := w.FirstPatient(k)
		if err != nil {
			return nil, skipf("%v", err)
		}
		return &p, nil
	}
	switch kind {
	case kindBadCheckDigit:
		p, err := tracedPatient(w)
		if err != nil {
			return nil, err
		}
		last := p.NHSNumber[nhsnumber.Length-1] - '0'
		p.NHSNumber = p.NHSNumber[:nhsnumber.Length-1] + strconv.Itoa(int(last+1)%10)
		return p, nil
	case kindNineDigits:
		p, err := tracedPatient(w)
		if err != nil {
			return nil, err
		}
		p.NHSNumber = p.NHSNumber[:nhsnumber.Length-1]
		return p, nil
	case kindOtherFamily:
		p, err := tracedPatient(w)
		if err != nil {
			return nil, err
		}
		p.Family += "-SMITH"
		return p, nil
	case kindOtherBirth:
		p, err := tracedPatient(w)
		if err != nil {
			return nil, err
		}
		p.BirthDate = otherDate(p.BirthDate)
		return p, nil
	case kindLowerFamily:
		p, err := tracedPatient(w)
		if err != nil {
			return nil, err
		}
		if strings.ToLower(p.Family) == p.Family {
			p.Family = strings.ToUpper(p.Family)
		} else {
			p.Family = strings.ToLower(p.Family)
		}
		return p, nil
	}
	return nil, fmt.Errorf("unknown kind of patient %q; the steps know: %s", kind, strings.Join(PatientKinds(), "; "))
}

// tracedPatient is the first traced patient of the fixtures.
func tracedPatient(w *world.World) (*world.Patient, error) {
	p, err := w.FirstPatient(world.Traced)
	if err != nil {
		return nil, skipf("%v", err)
	}
	return &p, nil
}

// otherDate returns a date a year before d (YYYY-MM-DD), or a fixed date when
// d cannot be read.
func otherDate(d string) string {
	if len(d) >= 4 {
		if y, err := strconv.Atoi(d[:4]); err == nil {
			return fmt.Sprintf("%04d%s", y-1, d[4:])
		}
	}
	return "1900-01-01"
}

// Sender kinds a scenario may name; "the event" is the message's event type.
const (
	senderAssured    = "a system assured for the event"
	senderNotAssured = "a system not assured for the event"
	senderUnknown    = "a system not registered with Spine"
)

// SenderKinds lists the sender descriptions the steps understand; an event
// code may stand in for "the event".
var SenderKinds = []string{senderAssured, senderNotAssured, senderUnknown, "the system with ASID <ASID>"}

// sender is a resolved sending system.
type sender struct {
	publish.Sender
	// Endpoint is the directory entry; nil for an unregistered ASID.
	Endpoint *world.Endpoint
	// CertASID is the ASID whose endpoint certificate the sender presents
	// over mutual TLS: its own, or, for a system claiming an ASID Spine
	// does not know, that of the registered system it really is.
	CertASID string
}

// findSender resolves a sender description for a message of an event type.
func findSender(w *world.World, kind string, ev mockspine.EventType) (sender, error) {
	kind = strings.TrimSpace(kind)
	if kind == "" {
		kind = senderAssured
	}
	if asid, ok := strings.CutPrefix(kind, "the system with ASID "); ok {
		e, registered := w.Endpoint(asid)
		if !registered {
			return sender{}, fmt.Errorf("ASID %s is not in the directory of the fixtures in use", asid)
		}
		return senderOf(e), nil
	}
	for _, prefix := range []string{"a system assured for ", "a system not assured for "} {
		if rest, ok := strings.CutPrefix(kind, prefix); ok && rest != "the event" {
			if rest != ev.Code {
				return sender{}, fmt.Errorf("the sender is described as %q, but the message is a %s event: name the event of the message", kind, ev.Code)
			}
			kind = prefix + "the event"
		}
	}
	switch kind {
	case senderAssured:
		for i := range w.Spine.Endpoints {
			e := &w.Spine.Endpoints[i]
			if len(e.ODSCodes) > 0 && w.Assured(e.ASID, ev.Interaction()) {
				return senderOf(e), nil
			}
		}
		return sender{}, skipf("the fixtures in use have no system with an ODS code that is assured for %s", ev.Interaction())
	case senderNotAssured:
		for i := range w.Spine.Endpoints {
			e := &w.Spine.Endpoints[i]
			if len(e.ODSCodes) > 0 && !w.Assured(e.ASID, ev.Interaction()) {
				return senderOf(e), nil
			}
		}
		return sender{}, skipf("every system in the fixtures in use is assured for %s", ev.Interaction())
	case senderUnknown:
		assured, err := findSender(w, senderAssured, ev)
		if err != nil {
			return sender{}, err
		}
		return sender{Sender: publish.Sender{ASID: unregisteredASID(w), ODS: assured.ODS}, CertASID: assured.ASID}, nil
	}
	return sender{}, fmt.Errorf("unknown kind of sender %q; the steps know: %s", kind, strings.Join(SenderKinds, "; "))
}

func senderOf(e *world.Endpoint) sender {
	return sender{Sender: publish.Sender{ASID: e.ASID, ODS: e.ODSCodes[0]}, Endpoint: e, CertASID: e.ASID}
}

// unregisteredASID is a twelve-digit ASID the directory does not hold.
func unregisteredASID(w *world.World) string {
	for n := int64(123456789012); ; n++ {
		a := strconv.FormatInt(n, 10)
		if _, ok := w.Endpoint(a); !ok && a != w.NEMSASID() {
			return a
		}
	}
}

// otherSystem is the first registered system other than the sender, or nil.
func otherSystem(w *world.World, s sender) *world.Endpoint {
	for i := range w.Spine.Endpoints {
		e := &w.Spine.Endpoints[i]
		if e.ASID != s.ASID && e.ASID != w.NEMSASID() {
			return e
		}
	}
	return nil
}

// ODS code descriptions.
const (
	odsUnknown     = "an ODS code unknown to Spine"
	odsNotLinked   = "an ODS code known to Spine but not linked to the sender"
	odsOtherSystem = "the ODS code of another registered system"
	odsSender      = "the sender's ODS code"
	odsSenderOther = "another ODS code linked to the sender"
)

// findODS resolves an ODS code description relative to the sender.
func findODS(w *world.World, kind string, s sender) (string, error) {
	switch kind {
	case odsSender:
		return s.ODS, nil
	case odsSenderOther:
		if s.Endpoint != nil {
			for _, c := range s.Endpoint.ODSCodes {
				if !strings.EqualFold(c, s.ODS) {
					return c, nil
				}
			}
		}
		return "", skipf("the sender %s is linked to only one ODS code in the fixtures in use", s.ASID)
	case odsUnknown:
		for _, c := range []string{"ZZZ99", "ZZZ98", "Q9Z9Z", "ZZ0000"} {
			if !w.KnownODS(c) {
				return c, nil
			}
		}
		return "", fmt.Errorf("no unknown ODS code found")
	case odsNotLinked:
		// Prefer an organisation linked to no system at all.
		linked := func(code string) bool {
			for _, e := range w.Spine.Endpoints {
				if w.ODSLinked(e.ASID, code) {
					return true
				}
			}
			return false
		}
		for _, o := range w.Spine.Organisations {
			if !linked(o.ODSCode) {
				return o.ODSCode, nil
			}
		}
		for _, o := range w.Spine.Organisations {
			if !w.ODSLinked(s.ASID, o.ODSCode) {
				return o.ODSCode, nil
			}
		}
		return otherODS(w, s)
	case odsOtherSystem:
		return otherODS(w, s)
	}
	return "", fmt.Errorf("unknown ODS code description %q", kind)
}

// otherODS is an ODS code of another registered system not linked to the
// sender.
func otherODS(w *world.World, s sender) (string, error) {
	for _, e := range w.Spine.Endpoints {
		if e.ASID == s.ASID {
			continue
		}
		for _, c := range e.ODSCodes {
			if !w.ODSLinked(s.ASID, c) {
				return c, nil
			}
		}
	}
	return "", skipf("the fixtures in use have no ODS code of another system that is not linked to the sender %s", s.ASID)
}

// ASID descriptions.
const (
	asidOther        = "the ASID of another registered system"
	asidUnregistered = "an ASID not registered with Spine"
	asidNEMS         = "the NEMS ASID"
	asidSender       = "the sender's ASID"
)

// findASID resolves an ASID description relative to the sender.
func findASID(w *world.World, kind string, s sender) (string, error) {
	switch kind {
	case asidSender:
		return s.ASID, nil
	case asidNEMS:
		return w.NEMSASID(), nil
	case asidUnregistered:
		return unregisteredASID(w), nil
	case asidOther:
		if e := otherSystem(w, s); e != nil {
			return e.ASID, nil
		}
		return "", skipf("the fixtures in use register no system other than the sender %s", s.ASID)
	}
	return "", fmt.Errorf("unknown ASID description %q", kind)
}
