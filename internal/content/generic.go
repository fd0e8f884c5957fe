package content

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nems-harness/nems-harness/internal/codes"
	"github.com/nems-harness/nems-harness/internal/fhir"
)

// Sources of the generic rules (RULES-CONTENT.md "Sources").
const (
	srcGEN  = "NEMS Generic Event Requirements (explore_generic_event_requirements)"
	srcEMH  = "Event-MessageHeader-1 1.2.0 (STU3-FHIR-Assets develop 4543c05)"
	srcXSD  = "FHIR STU3 schema fhir-single.xsd (v3.0.1)"
	srcSCH  = "FHIR STU3 schematron invariants (<resource>.sch)"
	srcFEED = "NEMS message architecture: feedback (Requirements)"
	srcSEQ  = "NEMS message architecture: sequencing"
	srcCC   = "CareConnect STU3 profiles (FHIR-STU3-CARECONNECT-STAGING d40e3e2)"
	srcPG   = "the event pages (Vaccinations, Professional Contacts, Blood Spot Test Outcome, Newborn Hearing, NIPE Outcome)"
)

// Systems and urls the generic rules name.
const (
	sysEventType     = "https://fhir.nhs.uk/STU3/CodeSystem/EventType-1"
	sysMET           = "https://fhir.nhs.uk/STU3/CodeSystem/MessageEventType-1"
	sysMET2019       = "https://fhir.nhs.uk/STU3/CodeSystem/EMS-MessageEventType-1"
	sysODS           = "https://fhir.nhs.uk/Id/ods-organization-code"
	sysODSSite       = "https://fhir.nhs.uk/Id/ods-site-code"
	sysSDSUser       = "https://fhir.nhs.uk/Id/sds-user-id"
	sysSDSRole       = "https://fhir.nhs.uk/Id/sds-role-profile-id"
	sysSpecialty     = "https://fhir.nhs.uk/STU3/CodeSystem/Specialty-1"
	sysDCHSpecialty  = "https://fhir.nhs.uk/STU3/CodeSystem/DCH-Specialty-1"
	sysVerification  = "https://fhir.hl7.org.uk/STU3/CodeSystem/CareConnect-NHSNumberVerificationStatus-1"
	urlVerification  = "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-NHSNumberVerificationStatus-1"
	urlVaccinationPr = "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-VaccinationProcedure-1"
)

var (
	uuidPattern  = `[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`
	emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	screening    = []string{BloodSpot, Hearing, NIPE}
)

// Generic returns the generic rules (IDs EVT-*), in RULES-CONTENT.md order.
// Each call builds them afresh.
func Generic() []*Rule {
	return []*Rule{
		{ID: "EVT-ORDER", Summary: "valid against fhir-single.xsd: element order, allowed elements, repetition, value forms (XML)", Severity: Error, IssueType: "structure", XMLOnly: true, Source: srcGEN + " \"Element order in Resources\"; " + srcXSD,
			Text:  "The whole Bundle is valid against fhir-single.xsd: elements in the xs:sequence order of their type, no undeclared element, repetitions within minOccurs..maxOccurs, one element per choice, primitive values in the schema's lexical forms and enumerations, namespace http://hl7.org/fhir. Not assessed for a JSON body.",
			Check: checkOrder},
		{ID: "EVT-INVARIANTS", Summary: "the FHIR invariants hold (global-1, ext-1, bdl-*, ref-1, dom-*, per-1, …)", Severity: Error, Source: srcSCH + "; " + srcGEN + " Bundle",
			Text:  "The FHIR invariants hold wherever their context occurs: global-1, ext-1, bdl-1 to bdl-5, bdl-7, bdl-8, ref-1, dom-1 to dom-4, per-1, cpt-2, qty-3, rng-2, rat-1, att-1, txt-2, org-1, org-2, org-3, pat-1, obs-3, obs-6, obs-7, pro-1, com-1, ctm-1. The diagnostics name every failed key.",
			Check: checkInvariants},
		{ID: "EVT-DATETIME", Summary: "every dateTime and instant has a time zone with its time", Severity: Error, Source: srcGEN + " \"'dateTime' Elements\", \"'dateTime' regex\"; " + srcXSD,
			Text:  "Every dateTime or instant element has a value matching the dateTime pattern: a time always carries a zone (Z, or +hh:mm/-hh:mm with hh 00-13, or exactly +14:00/-14:00); an instant also has the time.",
			Check: checkDateTime},
		{ID: "EVT-REFS", Summary: "every Reference.reference resolves inside the Bundle", Severity: Error, Source: srcGEN + " \"Event Message Structure\"; " + srcPG,
			Text:  "Every Reference.reference resolves: urn:uuid: and absolute URLs to the entry with that fullUrl (an http(s) URL matching none is external), Type/id to the one matching entry; #id references are ref-1's; any other form fails.",
			Check: checkRefs},
		{ID: "EVT-HEADER", Summary: "MessageHeader id UUID, event, one responsible Organization, one focus", Severity: Error, Source: srcGEN + " Event-MessageHeader-1 table; " + srcEMH + "; " + srcPG,
			Text: "The MessageHeader: id a UUID; event.system EventType-1, event.display the event's display, no event.userSelected; exactly one responsible resolving to an Organization; exactly one focus resolving to the event's focus resource; no receiver, author, reason or response, at most one destination; sender resolves to an Organization, enterer to a Practitioner.",
			Elems: []Elem{
				{Of: "MessageHeader", The: true, Path: "id", Card: "1..1", Pattern: uuidPattern, Why: "not a UUID"},
				{Of: "MessageHeader", The: true, Path: "event.system", Card: "1..1", Fixed: sysEventType},
				{Of: "MessageHeader", The: true, Path: "event.userSelected", Card: "0..0"},
				{Of: "MessageHeader", The: true, Path: "responsible", Card: "1..1", Ref: "Organization"},
				{Of: "MessageHeader", The: true, Path: "focus", Card: "1..1"},
				{Of: "MessageHeader", The: true, Path: "receiver", Card: "0..0"},
				{Of: "MessageHeader", The: true, Path: "author", Card: "0..0"},
				{Of: "MessageHeader", The: true, Path: "reason", Card: "0..0"},
				{Of: "MessageHeader", The: true, Path: "response", Card: "0..0"},
				{Of: "MessageHeader", The: true, Path: "destination", Card: "0..1"},
				{Of: "MessageHeader", The: true, Path: "sender", Ref: "Organization"},
				{Of: "MessageHeader", The: true, Path: "enterer", Ref: "Practitioner"},
			},
			Check: checkHeader},
		{ID: "EVT-MSGEVENTTYPE", Summary: "one message event type extension with one complete coding", Severity: Error, Source: srcGEN + " extension(messageEventType); " + srcEMH + "; Extension-MessageEventType-1",
			Text:  "Exactly one MessageHeader extension Extension-MessageEventType-1 with valueCodeableConcept holding exactly one coding: system MessageEventType-1, a code of it, display present; no coding.version, coding.userSelected or text. Profile nems-2019-01 also accepts instead the 2019 form Extension-EMS-MessageEventType-1 (system EMS-MessageEventType-1).",
			Check: checkMessageEventType},
		{ID: "EVT-SEQUENCE", Summary: "MessageHeader meta.lastUpdated present; meta.versionId an integer", Severity: Error, Source: srcPG + " \"Message Sequencing\"; " + srcGEN + " meta.versionId",
			Text: "MessageHeader.meta.lastUpdated is present; meta.versionId, when present, is an integer (1 to 18 digits).",
			Elems: []Elem{
				{Of: "MessageHeader", The: true, Path: "meta.lastUpdated", Card: "1..1"},
				{Of: "MessageHeader", The: true, Path: "meta.versionId", Pattern: `[0-9]{1,18}`, Why: "meta.versionId is not an integer"},
			}},
		{ID: "EVT-SOURCE", Summary: "MessageHeader source.contact phone or email, of that shape", Severity: Error, Source: srcGEN + " source.contact; " + srcFEED,
			Text:  "MessageHeader.source.contact is present with system phone or email and a value of that shape (email: x@y.z; phone: digits, spaces and + ( ) - . with at least 6 digits).",
			Check: checkSource},
		{ID: "EVT-SOURCE-NAME", Summary: "MessageHeader source.name present", Severity: Warning, Source: srcGEN + " source.name 1..1",
			Text:  "MessageHeader.source.name is present. (Warning: many of the specification's own examples omit it.)",
			Elems: []Elem{{Of: "MessageHeader", The: true, Path: "source.name", Card: "1..1"}}},
		{ID: "EVT-ROUTING", Summary: "routing demographics: NHS number, official name, birth date", Severity: Error, Source: srcGEN + " extension(routingDemographics); Extension-RoutingDemographics-1 1.1.0",
			Text:  "Exactly one MessageHeader extension Extension-RoutingDemographics-1, without value[x], holding nhsNumber once (valueIdentifier with system https://fhir.nhs.uk/Id/nhs-number and a value), name once (valueHumanName with family and a given, use official if given) and birthDateTime once (valueDateTime); name and birthDateTime at most once on BST, NBH and NIPE delete messages.",
			Check: checkRouting},
		{ID: "EVT-ROUTING-PATIENT", Summary: "routing NHS number is the Patient's", Severity: Error, Source: srcGEN + " extension(routingDemographics)",
			Text:  "When the message holds a Patient, the routing nhsNumber equals the value of the Patient's NHS number identifier.",
			Check: checkRoutingPatient},
		{ID: "EVT-ROUTING-MATCH", Summary: "routing name and birth date agree with the Patient", Severity: Warning, Source: srcGEN + " routingDemographics name and birthDateTime; Patient name (official)",
			Text:  "When the message holds a Patient, the routing family and first given name equal the Patient's official ones (case-insensitive, trimmed), and the routing birth date equals Patient.birthDate when both are full dates.",
			Check: checkRoutingMatch},
		{ID: "EVT-PATIENT", Summary: "Patient: one verified NHS number, official name, birth date", Severity: Error, Source: srcGEN + " CareConnect-Patient-1 table; " + srcCC + " Patient; Publication API Guidance \"NHS Numbers\"",
			Text: "Every Patient: exactly one identifier, the NHS number (system https://fhir.nhs.uk/Id/nhs-number, with a value), carrying exactly one NHS number verification status extension with code 01 of CareConnect-NHSNumberVerificationStatus-1; exactly one official name, with family; birthDate; every telecom has system and value.",
			Elems: []Elem{
				{Of: "Patient", Path: "identifier", Card: "1..1"},
				{Of: "Patient", Path: "identifier.system", Card: "1..1", Fixed: fhir.NHSNumberSystem},
				{Of: "Patient", Path: "identifier.value", Card: "1..1"},
				{Of: "Patient", Path: "identifier.extension(" + urlVerification + ")", Card: "1..1"},
				{Of: "Patient", Path: "identifier.extension(" + urlVerification + ").valueCodeableConcept.coding[code=01]", Card: "1..*",
					Coding: codes.CareConnectNHSNumberVerificationStatus1, Why: "no coding 01 (Number present and verified) of " + sysVerification},
				{Of: "Patient", Path: "name[use=official]", Card: "1..1"},
				{Of: "Patient", Path: "name[use=official].family", Card: "1..1"},
				{Of: "Patient", Path: "birthDate", Card: "1..1"},
				{Of: "Patient", Each: "telecom", Path: "system", Card: "1..1"},
				{Of: "Patient", Each: "telecom", Path: "value", Card: "1..1"},
			}},
		{ID: "EVT-PATIENT-ADDRESS", Summary: "Patient addresses have lines and a postcode", Severity: Warning, Source: srcGEN + " Patient address",
			Text: "Every Patient.address has at least one line and a postalCode.",
			Elems: []Elem{
				{Of: "Patient", Each: "address", Path: "line", Card: "1..*"},
				{Of: "Patient", Each: "address", Path: "postalCode", Card: "1..1"},
			}},
		{ID: "EVT-ORGANIZATION", Summary: "Organization: one ODS code, a name", Severity: Error, Source: srcPG + " Organization tables; " + srcCC + " Organization",
			Text: "Every Organization: exactly one identifier with system https://fhir.nhs.uk/Id/ods-organization-code, with a value; in BST, NBH and NIPE no identifier of another system; name present.",
			Elems: []Elem{
				{Of: "Organization", Path: "identifier[system=" + sysODS + "]", Card: "1..1"},
				{Of: "Organization", Path: "identifier[system=" + sysODS + "].value", Card: "1..1"},
				{Of: "Organization", Path: "identifier.system", OneOf: []string{sysODS}, Events: screening},
				{Of: "Organization", Path: "name", Card: "1..1"},
			}},
		{ID: "EVT-HEALTHCARESERVICE", Summary: "HealthcareService: provider, care setting, specialty", Severity: Error, Events: []string{Vaccinations, BloodSpot, Hearing, NIPE}, Source: srcPG + " HealthcareService tables; ValueSet CareConnect-CareSettingType-1",
			Text: "Every HealthcareService: providedBy resolves to an Organization; exactly one type, with a SNOMED CT coding, every SNOMED coding a valid SCTID; exactly one specialty, with a coding from Specialty-1 (Vaccinations) or DCH-Specialty-1 (screening events).",
			Elems: []Elem{
				{Of: "HealthcareService", Path: "providedBy", Card: "1..1", Ref: "Organization"},
				{Of: "HealthcareService", Path: "type", Card: "1..1"},
				{Of: "HealthcareService", Path: "type.coding[system=" + SNOMED + "]", Card: "1..*", SCTID: true},
				{Of: "HealthcareService", Path: "specialty", Card: "1..1"},
				{Of: "HealthcareService", Path: "specialty.coding[system=" + sysSpecialty + "]", Card: "1..*", Coding: codes.Specialty1, Events: []string{Vaccinations},
					Why: "no coding from Specialty-1"},
				{Of: "HealthcareService", Path: "specialty.coding[system=" + sysDCHSpecialty + "]", Card: "1..*", Coding: codes.DCHSpecialty1, Events: screening,
					Why: "no coding from DCH-Specialty-1"},
			}},
		{ID: "EVT-IDENTIFIER", Summary: "identifiers have system and value", Severity: Error, Source: srcCC + " (Immunization, Encounter, Procedure, Observation, DiagnosticReport, PractitionerRole, Organization, Location, Practitioner)",
			Text:  "Every identifier of an Immunization, Encounter, Procedure, Observation, DiagnosticReport or PractitionerRole has system and value; in Organization and Location an ods-site-code identifier has a value, at most one a resource; in Practitioner an sds-user-id identifier has a value, at most one a resource, and an sds-role-profile-id identifier has a value.",
			Elems: identifierRows()},
		{ID: "EVT-SCTID", Summary: "SNOMED CT codes are valid concept ids", Severity: Warning, Source: srcCC + " (coding:snomedCT slices); the SCTID check is this catalogue's",
			Text:  "Every Coding of system http://snomed.info/sct has a valid SCTID as its code (6-18 digits, partition 00 or 10, Verhoeff check digit), except where another rule judges the SNOMED codes.",
			Check: checkSCTID},
		{ID: "EVT-DISPLAY", Summary: "codings of known code lists carry the list's display", Severity: Warning, Source: "the NEMS code lists (code systems' and value sets' displays)",
			Text:  "Every Coding whose system and code a known code list holds, and which carries a display, carries that list's display (compared after trimming and collapsing white space), except displays another rule fixes.",
			Check: checkDisplay},
		{ID: "EVT-UNLISTED", Summary: "every resource is one the event page lists", Severity: Warning, Source: srcPG + " \"Resource Population Requirements and Guidance\"",
			Text:  "Every entry's resource is of a type the event page lists.",
			Check: checkUnlisted},
		{ID: "EVT-MSGID-UNIQUE", Remembers: true, Summary: "MessageHeader.id never used before in the run", Severity: Error, Source: srcGEN + " \"Message ID\"",
			Text:  "MessageHeader.id (case-insensitive) differs from that of every earlier accepted message of this run. Journal rule: history of this run only.",
			Check: checkMsgIDUnique},
		{ID: "EVT-VERSIONID-ORDER", Remembers: true, Summary: "meta.versionId grows for sender, patient and event", Severity: Error, Source: srcGEN + " meta.versionId; " + srcSEQ,
			Text:  "When this message and the latest earlier accepted message with the same sender ASID, routing NHS number and event both carry meta.versionId, this one's is greater. Journal rule: history of this run only.",
			Check: checkVersionOrder},
		{ID: "EVT-LASTUPDATED-ORDER", Remembers: true, Summary: "meta.lastUpdated does not go back for a record", Severity: Warning, Source: srcPG + " \"Message Sequencing\", \"Identifying Information\"; " + srcSEQ,
			Text:  "meta.lastUpdated is not earlier than that of the latest earlier accepted message about the same focus record (event, focus identifier). Journal rule: history of this run only.",
			Check: checkLastUpdatedOrder},
		{ID: "EVT-LIFECYCLE", Remembers: true, Summary: "new, update and delete follow the record's life cycle", Severity: Warning, Source: srcGEN + " \"Use of New, Update and Delete\"; " + srcPG + " \"Event Life Cycle\"",
			Text:  "For the same focus record: Vaccinations and Professional Contacts send no new after a new or update, and no update or delete without an earlier new/update; the screening events send no delete without an earlier new. Journal rule: history of this run only.",
			Check: checkLifecycle},
	}
}

func identifierRows() []Elem {
	var rows []Elem
	for _, t := range []string{"Immunization", "Encounter", "Procedure", "Observation", "DiagnosticReport", "PractitionerRole"} {
		rows = append(rows,
			Elem{Of: t, Each: "identifier", Path: "system", Card: "1..1"},
			Elem{Of: t, Each: "identifier", Path: "value", Card: "1..1"})
	}
	for _, t := range []string{"Organization", "Location"} {
		rows = append(rows,
			Elem{Of: t, Path: "identifier[system=" + sysODSSite + "]", Card: "0..1"},
			Elem{Of: t, Each: "identifier[system=" + sysODSSite + "]", Path: "value", Card: "1..1"})
	}
	return append(rows,
		Elem{Of: "Practitioner", Path: "identifier[system=" + sysSDSUser + "]", Card: "0..1"},
		Elem{Of: "Practitioner", Each: "identifier[system=" + sysSDSUser + "]", Path: "value", Card: "1..1"},
		Elem{Of: "Practitioner", Each: "identifier[system=" + sysSDSRole + "]", Path: "value", Card: "1..1"})
}

// header returns the MessageHeader, or skips the rule.
func header(m *Message, rp *Report) fhir.Node {
	if !m.Header.Ok() {
		rp.Skip("no MessageHeader in the message")
		return fhir.Node{}
	}
	rp.Judged()
	return m.Header
}

func checkHeader(m *Message, rp *Report) {
	h := header(m, rp)
	if !h.Ok() {
		return
	}
	ev, _ := LookupEvent(m.Event)
	x := m.index()
	hp := x.at(h)
	if d := x.get(hp, []sym{symEvent, symDisplay}); !x.present(d) {
		rp.FailAt(h, "event.display", "missing, want %q", ev.Display)
	} else if v := x.value(d); v != ev.Display {
		rp.failAt(x.node(d), "", fmt.Sprintf("want %q", ev.Display)+foundText(v))
	}
	for c := hp + 1; c < x.e[hp].end; c = x.e[c].end {
		if x.e[c].sym != symFocus || !x.present(c) {
			continue
		}
		f := x.node(c)
		t, ok := m.Target(f)
		switch {
		case !ok:
			rp.Fail(f, "does not resolve to %s in the Bundle", article(ev.Focus))
		case t.Type() != ev.Focus:
			rp.Fail(f, "resolves to %s, want the %s (%s)", article(t.Type()), ev.Focus, m.Event)
		}
	}
}

func checkMessageEventType(m *Message, rp *Report) {
	h := header(m, rp)
	if !h.Ok() {
		return
	}
	x := m.index()
	var nowBuf, oldBuf [2]int32
	hp := x.at(h)
	now, old := x.extsOf(hp, fhir.MessageEventTypeURL, nowBuf[:0]), x.extsOf(hp, fhir.MessageEventTypeURL2019, oldBuf[:0])
	switch {
	case len(now) > 0 && len(old) > 0:
		rp.Fail(x.node(old[0]), "both forms of the message event type extension; send only Extension-MessageEventType-1")
		return
	case len(old) > 0 && m.Profile != Profile2019:
		rp.Fail(x.node(old[0]), "the 2019 form Extension-EMS-MessageEventType-1 is not accepted in profile %s; use Extension-MessageEventType-1", m.Profile)
		return
	case len(now) == 0 && len(old) == 0:
		rp.FailAt(h, "extension(Extension-MessageEventType-1)", "missing (1..1)")
		return
	}
	exts, sys, list := now, sysMET, codes.MessageEventType1
	if len(old) > 0 {
		exts, sys, list = old, sysMET2019, codes.EMSMessageEventType1
	}
	if len(exts) > 1 {
		rp.Fail(x.node(exts[1]), "%d message event type extensions (1..1)", len(exts))
	}
	cp := x.kid(exts[0], symValueCodeableConcept)
	if !x.present(cp) {
		rp.FailAt(x.node(exts[0]), "valueCodeableConcept", "missing (1..1)")
		return
	}
	cc := x.node(cp)
	var csBuf [2]int32
	cs := x.all(cp, symCoding, csBuf[:0])
	if len(cs) != 1 {
		rp.FailAt(cc, "coding", "%d codings (1..1)", len(cs))
	}
	if t := x.kid(cp, symText); x.present(t) && len(old) == 0 {
		rp.Fail(x.node(t), "not allowed (0..0)")
	}
	l := codes.MustGet(list)
	for _, ci := range cs {
		c := x.node(ci)
		s, _, code, _ := x.kidVals(ci, symSystem, symCode)
		switch {
		case s != sys:
			rp.failAt(c, "system", "want "+sys+foundText(s))
		case !l.Contains(s, code):
			rp.failAt(c, "code", "not a code of "+list+foundText(code))
		}
		if !x.kidPresent(ci, symDisplay) {
			rp.FailAt(c, "display", "missing (1..1)")
		}
		if len(old) == 0 {
			for _, no := range [...]sym{symVersion, symUserSelected} {
				if k := x.kid(ci, no); x.present(k) {
					rp.Fail(x.node(k), "not allowed (0..0)")
				}
			}
		}
	}
}

func checkSource(m *Message, rp *Report) {
	h := header(m, rp)
	if !h.Ok() {
		return
	}
	x := m.index()
	ci := x.get(x.at(h), []sym{symSource, symContact})
	if !x.present(ci) {
		rp.FailAt(h, "source.contact", "missing: the publisher must give a phone number or email address")
		return
	}
	c := x.node(ci)
	sys, _ := x.kidVal(ci, symSystem)
	val, hasVal := x.kidVal(ci, symValue)
	switch {
	case sys != "phone" && sys != "email":
		rp.failAt(c, "system", "want phone or email"+foundText(sys))
	case !hasVal:
		rp.FailAt(c, "value", "missing (1..1)")
	case sys == "email" && !emailPattern.MatchString(val):
		rp.failAt(c, "value", "not an email address"+foundText(val))
	case sys == "phone" && !phoneShape(val):
		rp.failAt(c, "value", "not a phone number (digits, spaces and + ( ) - . with at least 6 digits)"+foundText(val))
	}
}

func phoneShape(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +()-.", r):
		default:
			return false
		}
	}
	return digits >= 6
}

// routing appends the routing demographics extensions to buf.
func routing(m *Message, x *index, buf []int32) []int32 {
	return x.extsOf(x.at(m.Header), fhir.RoutingDemographicsURL, buf)
}

func checkRouting(m *Message, rp *Report) {
	h := header(m, rp)
	if !h.Ok() {
		return
	}
	x := m.index()
	var rdsBuf [2]int32
	rds := routing(m, x, rdsBuf[:0])
	if len(rds) != 1 {
		if len(rds) == 0 {
			rp.FailAt(h, "extension(Extension-RoutingDemographics-1)", "missing (1..1)")
			return
		}
		rp.Fail(x.node(rds[1]), "%d routing demographics extensions (1..1)", len(rds))
	}
	rdp := rds[0]
	rd := x.node(rdp)
	for c := rdp + 1; c < x.e[rdp].end; c = x.e[c].end {
		if x.e[c].flags&pValueX != 0 {
			rp.Fail(x.node(c), "the routing demographics extension has no value[x] (0..0)")
		}
	}
	relaxed := m.Type == "delete" && slices.Contains(screening, m.Event)
	sub := func(name string, min int, buf []int32) []int32 {
		xs := x.extsOf(rdp, name, buf)
		switch {
		case len(xs) < min:
			rp.FailAt(rd, "extension("+name+")", "missing (1..1)")
		case len(xs) > 1:
			rp.Fail(x.node(xs[1]), "%d %s sub-extensions (at most 1)", len(xs), name)
		}
		return xs
	}
	minName := 1
	if relaxed {
		minName = 0
	}
	var subBuf [2]int32
	for _, np := range sub("nhsNumber", 1, subBuf[:0]) {
		ip := x.kid(np, symValueIdentifier)
		if !x.present(ip) {
			rp.FailAt(x.node(np), "valueIdentifier", "missing (1..1)")
			continue
		}
		id := x.node(ip)
		if s, _ := x.kidVal(ip, symSystem); s != fhir.NHSNumberSystem {
			rp.failAt(id, "system", "want "+fhir.NHSNumberSystem+foundText(s))
		}
		if _, ok := x.kidVal(ip, symValue); !ok {
			rp.FailAt(id, "value", "missing (1..1)")
		}
	}
	for _, np := range sub("name", minName, subBuf[:0]) {
		hp := x.kid(np, symValueHumanName)
		if !x.present(hp) {
			rp.FailAt(x.node(np), "valueHumanName", "missing (1..1)")
			continue
		}
		hn := x.node(hp)
		if _, ok := x.kidVal(hp, symFamily); !ok {
			rp.FailAt(hn, "family", "missing (1..1)")
		}
		if _, ok := x.kidVal(hp, symGiven); !ok {
			rp.FailAt(hn, "given", "missing (1..*)")
		}
		if u, ok := x.kidVal(hp, symUse); ok && u != "official" {
			rp.failAt(hn, "use", "want official"+foundText(u))
		}
	}
	for _, np := range sub("birthDateTime", minName, subBuf[:0]) {
		if _, ok := x.kidVal(np, symValueDateTime); !ok {
			rp.FailAt(x.node(np), "valueDateTime", "missing (1..1)")
		}
	}
}

// patientNHS returns the Patient's NHS number identifier value.
func patientNHS(x *index, p fhir.Node) (string, fhir.Node) {
	pp := x.at(p)
	if pp < 0 {
		return "", fhir.Node{}
	}
	for id := pp + 1; id < x.e[pp].end; id = x.e[id].end {
		if x.e[id].sym != symIdentifier {
			continue
		}
		if s, _ := x.kidVal(id, symSystem); s == fhir.NHSNumberSystem {
			v, ok := x.kidVal(id, symValue)
			if ok {
				return v, x.node(id)
			}
		}
	}
	return "", fhir.Node{}
}

// routingSub finds the first routing sub-extension of a name with a value
// at the end of a path: its position (-1 for none) and the value.
func routingSub(m *Message, x *index, name string, valuePath ...sym) (int32, string, bool) {
	var rdsBuf, subBuf [2]int32
	for _, rd := range routing(m, x, rdsBuf[:0]) {
		for _, n := range x.extsOf(rd, name, subBuf[:0]) {
			if v, ok := x.val(x.get(n, valuePath)); ok {
				return n, v, true
			}
		}
	}
	return -1, "", false
}

func checkRoutingPatient(m *Message, rp *Report) {
	if !m.Patient.Ok() {
		rp.Skip("no Patient in the message")
		return
	}
	x := m.index()
	rn, rv, ok := routingSub(m, x, "nhsNumber", symValueIdentifier, symValue)
	pv, pid := patientNHS(x, m.Patient)
	if !ok || !pid.Ok() {
		rp.Skip("the routing or the Patient NHS number is absent (EVT-ROUTING and EVT-PATIENT judge that)")
		return
	}
	rp.Judged()
	if rv != pv {
		rp.Fail(x.node(rn), "routing NHS number %s is not the Patient's (%s)", rv, pv)
	}
}

func checkRoutingMatch(m *Message, rp *Report) {
	p := m.Patient
	if !p.Ok() {
		rp.Skip("no Patient in the message")
		return
	}
	rp.Judged()
	x := m.index()
	pp := x.at(p)
	official := int32(-1)
	for n := pp + 1; n < x.e[pp].end; n = x.e[n].end {
		if x.e[n].sym != symName {
			continue
		}
		if u, _ := x.kidVal(n, symUse); u == "official" {
			official = n
			break
		}
	}
	rn, _, hasName := routingSub(m, x, "name", symValueHumanName, symFamily)
	if hasName && official >= 0 {
		hn := x.kid(rn, symValueHumanName)
		if rf, ok := x.kidVal(hn, symFamily); ok {
			if pf, ok := x.kidVal(official, symFamily); ok && !sameLower(rf, pf) {
				rp.Fail(x.node(x.kid(hn, symFamily)), "routing family %q, Patient official family %q", rf, pf)
			}
		}
		if rg, ok := x.kidVal(hn, symGiven); ok {
			if pg, ok := x.kidVal(official, symGiven); ok && !sameLower(rg, pg) {
				rp.Fail(x.node(x.kid(hn, symGiven)), "routing given %q, Patient official given %q", rg, pg)
			}
		}
	}
	bn, bv, hasBirth := routingSub(m, x, "birthDateTime", symValueDateTime)
	pb, hasPB := x.kidVal(pp, symBirthDate)
	if hasBirth && hasPB && len(bv) >= 10 && isFullDate(bv[:10]) && isFullDate(pb) && bv[:10] != pb {
		rp.Fail(x.node(x.kid(bn, symValueDateTime)), "routing birthDateTime %s, Patient birthDate %s", bv, pb)
	}
}

// isFullDate reports whether s is a date YYYY-MM-DD, as time.Parse with
// time.DateOnly accepts it: the day within its month.
func isFullDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' || !allDigits(s[:4]) || !allDigits(s[5:7]) || !allDigits(s[8:]) {
		return false
	}
	y := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	mo := int(s[5]-'0')*10 + int(s[6]-'0')
	d := int(s[8]-'0')*10 + int(s[9]-'0')
	if mo < 1 || mo > 12 || d < 1 {
		return false
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[mo-1]
	if mo == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

// checkRefs judges every Reference.reference (EVT-REFS).
func checkRefs(m *Message, rp *Report) {
	if !m.Doc.Root.Ok() {
		return
	}
	rp.Judged()
	x := m.index()
	for _, i := range x.refs {
		e := &x.e[i]
		p := x.flat[i].Parent
		if e.flags&fValue == 0 || p < 0 || x.e[p].flags&fResource != 0 {
			continue
		}
		// m.Resolve(parent): the parent's first reference.
		v, ok := x.kidVal(p, symReference)
		if !ok {
			continue
		}
		if _, how := m.resolveValue(v); how == Unresolved {
			rp.Fail(x.node(i), "%q does not resolve to an entry of the Bundle", x.value(i))
		}
	}
}

func checkDateTime(m *Message, rp *Report) {
	if !m.Doc.Root.Ok() {
		return
	}
	rp.Judged()
	if m.Doc.Format == fhir.FormatXML && (m.Doc.SchemaChecked || len(m.Body) > 0) {
		// The schema pass has typed every element already.
		for _, tv := range m.schema().times {
			if why := dateTimeBreach(tv.value, tv.fhirType); why != "" {
				rp.FailLine(tv.entry, tv.line, tv.path, why)
			}
		}
		return
	}
	x := m.index()
	x.typeTimes(func(i int32, fhirType string) {
		if x.e[i].flags&fValue == 0 {
			return
		}
		if why := dateTimeBreach(x.value(i), fhirType); why != "" {
			rp.failAt(x.node(i), "", why)
		}
	})
}

// dateTimeBreach says why a dateTime or instant value breaks EVT-DATETIME,
// or "".
func dateTimeBreach(v, fhirType string) string {
	switch {
	case !isDateTime(v):
		if strings.Contains(v, "T") && !hasZone(v) {
			return fmt.Sprintf("%q has a time without a time zone", v)
		}
		return fmt.Sprintf("%q is not a FHIR %s (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss[.f] with a zone Z or ±hh:mm, offset at most 14:00)", v, fhirType)
	case fhirType == "instant" && !strings.Contains(v, "T"):
		return fmt.Sprintf("%q is an instant without a time", v)
	}
	return ""
}

func hasZone(s string) bool {
	i := strings.IndexByte(s, 'T')
	t := s[i+1:]
	return strings.HasSuffix(t, "Z") || strings.ContainsAny(t, "+-")
}

// sctidExempt says whether the SNOMED coding at c is another rule's to
// judge.
func sctidExempt(m *Message, x *index, c int32) bool {
	p := x.flat[c].Parent
	if p < 0 {
		return false
	}
	r := x.resourceOf(c)
	if r < 0 {
		return false
	}
	pp, rt, pn := x.flat[p].Parent, x.e[r].sym, x.e[p].sym
	switch {
	case pp == r && rt == symImmunization && pn == symVaccineCode,
		pn == symValueCodeableConcept && pp >= 0 && x.url(pp) == urlVaccinationPr,
		pp == r && rt == symHealthcareService && pn == symType,
		pp == r && rt == symEpisodeOfCare && pn == symType,
		pp == r && rt == symProcedure && (pn == symCode || pn == symOutcome) && slices.Contains(screening, m.Event),
		pp == r && rt == symObservation && pn == symValueCodeableConcept && m.Event == Hearing:
		return true
	}
	return false
}

func checkSCTID(m *Message, rp *Report) {
	if !m.Doc.Root.Ok() {
		return
	}
	x := m.index()
	after := int32(0) // a coding's own codings are not looked at
	for _, i := range x.codings {
		if i < after {
			continue
		}
		e := &x.e[i]
		after = e.end
		if s, _ := x.kidVal(i, symSystem); s == SNOMED && !sctidExempt(m, x, i) {
			rp.Judged()
			code, _ := x.kidVal(i, symCode)
			if err := codes.CheckSCTID(code); err != nil {
				rp.failAt(x.node(i), "code", err.Error())
			}
		}
	}
	if rp.judged == 0 {
		rp.Skip("no SNOMED CT coding for this rule in the message")
	}
}

// displays maps a code to, for each system, the first list concept with a
// display, in list-name order, as codes.Find would give it. (By code
// first: one short string to hash.)
var displays = sync.OnceValue(func() map[string][]codes.Match {
	out := map[string][]codes.Match{}
	for _, name := range codes.Names() {
		l := codes.MustGet(name)
		for _, c := range l.Concepts() {
			if _, dup := findDisplay(out, c.System, c.Code); !dup && c.HasDisplay {
				out[c.Code] = append(out[c.Code], codes.Match{List: name, Concept: c})
			}
		}
	}
	return out
})

// findDisplay looks (system, code) up in displays.
func findDisplay(known map[string][]codes.Match, system, code string) (codes.Match, bool) {
	for _, m := range known[code] {
		if m.Concept.System == system {
			return m, true
		}
	}
	return codes.Match{}, false
}

// sameWords reports whether two strings are the same after trimming and
// collapsing white space (strings.Fields joined by one space).
func sameWords(a, b string) bool {
	if a == b {
		return true
	}
	for {
		var wa, wb string
		wa, a = nextWord(a)
		wb, b = nextWord(b)
		if wa != wb {
			return false
		}
		if wa == "" {
			return true
		}
	}
}

// nextWord splits off the first word of s, as strings.Fields finds them.
func nextWord(s string) (word, rest string) {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += n
	}
	j := i
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		if unicode.IsSpace(r) {
			break
		}
		j += n
	}
	return s[i:j], s[j:]
}

// displayExempt says whether the display of the coding at c is fixed by
// another rule.
func displayExempt(m *Message, x *index, c int32) bool {
	r := x.resourceOf(c)
	if r < 0 {
		return false
	}
	p, rt := x.flat[c].Parent, x.e[r].sym
	switch {
	case x.e[c].sym == symEvent && p == r && rt == symMessageHeader:
		return true
	case p >= 0 && x.flat[p].Parent == r && slices.Contains(screening, m.Event) &&
		(rt == symProcedure && x.e[p].sym == symCode || rt == symCommunication && x.e[p].sym == symCategory):
		return true
	}
	return false
}

func checkDisplay(m *Message, rp *Report) {
	if !m.Doc.Root.Ok() {
		return
	}
	x := m.index()
	known := displays()
	for _, i := range x.displayHolders() {
		d := x.kid(i, symDisplay)
		if x.e[d].flags&fValue == 0 {
			continue
		}
		sys, ok1, code, ok2 := x.kidVals(i, symSystem, symCode)
		if !ok1 || !ok2 || displayExempt(m, x, i) {
			continue
		}
		if match, ok := findDisplay(known, sys, code); ok {
			rp.Judged()
			if v := x.value(d); !sameWords(v, match.Concept.Display) {
				rp.failAt(x.node(d), "", fmt.Sprintf("%s gives code %s the display %q", match.List, code, match.Concept.Display)+foundText(v))
			}
		}
	}
	if rp.judged == 0 {
		rp.Skip("no coding of a known code list with a display in the message")
	}
}

func checkUnlisted(m *Message, rp *Report) {
	ev, _ := LookupEvent(m.Event)
	types := ev.Resources
	for _, e := range m.Doc.Entries {
		if !e.Resource.Ok() {
			continue
		}
		rp.Judged()
		if !slices.Contains(types, e.Resource.Type()) {
			rp.failAt(e.Resource, "", "not a resource the "+m.Event+" page lists ("+strings.Join(types, ", ")+")"+foundText(e.Resource.Type()))
		}
	}
}

const noHistory = "history of this run only: "

// remembering is the start of every rule that remembers: the MessageHeader,
// and a journal of the run to compare with.
func remembering(m *Message, rp *Report) (fhir.Node, bool) {
	h := header(m, rp)
	if !h.Ok() {
		return h, false
	}
	if m.History == nil {
		rp.Skip("no journal of the run to compare with")
		return h, false
	}
	return h, true
}

// focusFacts are the message's facts when its focus has a key to look up.
func focusFacts(m *Message, rp *Report) (Facts, bool) {
	f := m.journalFacts()
	if f.Focus == (FocusKey{}) {
		rp.Skip("the focus resource has no identifier: no focus key")
		return f, false
	}
	return f, true
}

func checkMsgIDUnique(m *Message, rp *Report) {
	h, ok := remembering(m, rp)
	if !ok {
		return
	}
	id, ok := h.Val("id")
	if !ok {
		rp.Skip("no MessageHeader.id (EVT-HEADER judges that)")
		return
	}
	if m.History.Len() == 0 {
		rp.Skip(noHistory + "no earlier message to compare with")
		return
	}
	if f, seen := m.History.SeenMessageID(id); seen {
		rp.Fail(h.Kid("id"), "MessageHeader.id %s was already used by %s (%s %s)", id, refName(f), f.Event, f.Type)
	} else if m.History.Forgotten() > 0 {
		// Unique among the messages held, not known for the ones forgotten.
		rp.Note("; " + strings.TrimSuffix(known(m.History), ": "))
	}
}

func refName(f Facts) string {
	if f.Ref == "" {
		return "an earlier message of this run"
	}
	return f.Ref
}

func checkVersionOrder(m *Message, rp *Report) {
	h, ok := remembering(m, rp)
	if !ok {
		return
	}
	f := m.journalFacts()
	if f.Sequence == (SequenceKey{}) {
		rp.Skip("no sender ASID or no routing NHS number: no sequence key")
		return
	}
	last, ok := m.History.LastBySequence(f.Sequence)
	if !ok {
		rp.Skip("%sno earlier message from this sender for this patient and event", known(m.History))
		return
	}
	if f.VersionID == "" || last.VersionID == "" {
		rp.Skip("meta.versionId absent here or in %s", refName(last))
		return
	}
	a, err1 := strconv.ParseUint(f.VersionID, 10, 64)
	b, err2 := strconv.ParseUint(last.VersionID, 10, 64)
	if err1 != nil || err2 != nil {
		rp.Skip("meta.versionId is not an integer (EVT-SEQUENCE judges that)")
		return
	}
	if a <= b {
		rp.Fail(h.Get("meta.versionId"), "meta.versionId %d is not greater than %d of %s", a, b, refName(last))
	}
}

// instant reads a FHIR dateTime as a point in time (a date as its first
// instant, in UTC).
func instant(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func checkLastUpdatedOrder(m *Message, rp *Report) {
	h, ok := remembering(m, rp)
	if !ok {
		return
	}
	f, ok := focusFacts(m, rp)
	if !ok {
		return
	}
	last, ok := m.History.LastByFocus(f.Focus)
	if !ok {
		rp.Skip("%sno earlier message about this record", known(m.History))
		return
	}
	a, ok1 := instant(f.LastUpdated)
	b, ok2 := instant(last.LastUpdated)
	if !ok1 || !ok2 {
		rp.Skip("meta.lastUpdated absent or unreadable here or in %s", refName(last))
		return
	}
	if a.Before(b) {
		rp.Fail(h.Get("meta.lastUpdated"), "meta.lastUpdated %s is earlier than %s of %s", f.LastUpdated, last.LastUpdated, refName(last))
	}
}

func checkLifecycle(m *Message, rp *Report) {
	h, ok := remembering(m, rp)
	if !ok {
		return
	}
	f, ok := focusFacts(m, rp)
	if !ok {
		return
	}
	last, hasLast := m.History.LastByFocus(f.Focus)
	at := h.Get("extension(" + fhir.MessageEventTypeURL + ")")
	if !at.Ok() {
		at = h
	}
	earlier := func() string {
		if !hasLast {
			return "no earlier message of this run about " + f.Focus.Value
		}
		return fmt.Sprintf("%s was a %s", refName(last), last.Type)
	}
	full := m.Event == Vaccinations || m.Event == ProfContacts
	if !hasLast && (f.Type == "delete" || full && f.Type == "update") && m.History.Forgotten() > 0 {
		// The earlier new may be among the messages forgotten: no verdict
		// on knowledge no longer held.
		rp.Skip("%sno earlier message about this record", known(m.History))
		return
	}
	switch f.Type {
	case "new":
		if !hasLast {
			rp.Skip("%sno earlier message about this record", known(m.History))
			return
		}
		if full && hasLast && (last.Type == "new" || last.Type == "update") {
			rp.Fail(at, "a new message for a record already sent (%s): send an update", earlier())
		}
	case "update":
		if full && (!hasLast || last.Type == "delete") {
			rp.Fail(at, "an update without an earlier new (%s)", earlier())
		}
	case "delete":
		if !hasLast || last.Type == "delete" {
			rp.Fail(at, "a delete without an earlier new (%s)", earlier())
		}
	}
}

// journalFacts are the message's facts, worked out once for the rules
// that remember.
func (m *Message) journalFacts() Facts {
	return m.Facts()
}

// isDateTime reports whether v is a FHIR dateTime: YYYY, YYYY-MM,
// YYYY-MM-DD or YYYY-MM-DDThh:mm:ss[.f+] with a zone Z or ±hh:mm (hours
// 00-13, or 14:00), the year not 0000. It is the dateTime regex of the
// FHIR specification, written out.
func isDateTime(v string) bool {
	digits := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
		return true
	}
	two := func(s string, lo, hi int) bool {
		if !digits(s) {
			return false
		}
		n := int(s[0]-'0')*10 + int(s[1]-'0')
		return n >= lo && n <= hi
	}
	if len(v) < 4 || !digits(v[:4]) || v[:4] == "0000" {
		return false
	}
	switch {
	case len(v) == 4:
		return true
	case len(v) < 7 || v[4] != '-' || !two(v[5:7], 1, 12):
		return false
	case len(v) == 7:
		return true
	case len(v) < 10 || v[7] != '-' || !two(v[8:10], 1, 31):
		return false
	case len(v) == 10:
		return true
	}
	// THH:MM:SS
	t := v[10:]
	if len(t) < 9 || t[0] != 'T' || !two(t[1:3], 0, 23) || t[3] != ':' || !two(t[4:6], 0, 59) || t[6] != ':' || !two(t[7:9], 0, 60) {
		return false
	}
	z := t[9:]
	if len(z) > 0 && z[0] == '.' {
		n := 1
		for n < len(z) && z[n] >= '0' && z[n] <= '9' {
			n++
		}
		if n == 1 {
			return false
		}
		z = z[n:]
	}
	switch {
	case z == "Z":
		return true
	case len(z) != 6 || z[0] != '+' && z[0] != '-' || z[3] != ':':
		return false
	case z[1:] == "14:00":
		return true
	}
	return two(z[1:3], 0, 13) && two(z[4:6], 0, 59)
}

// sameLower reports whether strings.ToLower(strings.TrimSpace(a)) equals
// the same of b, copying nothing when both are ASCII.
func sameLower(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	ascii := true
	for i := 0; i < len(a) && ascii; i++ {
		ascii = a[i] < 0x80
	}
	for i := 0; i < len(b) && ascii; i++ {
		ascii = b[i] < 0x80
	}
	if ascii {
		return strings.EqualFold(a, b) // for ASCII, lower-casing both
	}
	la, lb := strings.ToLower(a), strings.ToLower(b)
	return la == lb
}
