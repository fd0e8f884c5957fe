package content_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/content"
	"github.com/nems-harness/nems-harness/internal/fhir"
)

// catalogue is every content rule: the generic ones and the per-event ones.
func catalogue(t testing.TB) *content.Catalogue {
	t.Helper()
	c, err := content.NewCatalogue(content.All())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// judge reads a message and judges it against every content rule, with no
// history (the journal rules are not assessed).
func judge(t *testing.T, body []byte, format string) []content.Result {
	t.Helper()
	b, doc, err := fhir.ReadDoc(body, format)
	if err != nil {
		t.Fatal(err)
	}
	if b.Header == nil {
		t.Fatal("no MessageHeader")
	}
	profile := content.ProfileCurrent
	if format == "json" {
		profile = content.Profile2019
	}
	return catalogue(t).Judge(content.NewMessage(doc, b, content.Context{Profile: profile}))
}

func diagnostics(r content.Result) string { return "[" + r.Rule.ID + "] " + r.Summary() }

func failed(rs []content.Result) []string {
	var out []string
	for _, r := range rs {
		if r.Outcome == content.Fail {
			out = append(out, diagnostics(r))
		}
	}
	return out
}

var fixtureNames = func() []string {
	var out []string
	for _, ev := range []string{"vaccinations-1", "professional-contacts-1", "blood-spot-test-outcome-1", "newborn-hearing-1", "nipe-outcome-1"} {
		for _, mt := range []string{"new", "update", "delete"} {
			out = append(out, ev+"-"+mt)
		}
	}
	// A vaccination not given (VAC-NOTGIVEN's first case) and one reported
	// by someone else (VAC-REPORTORIGIN).
	return append(out, "vaccinations-1-notgiven-new", "vaccinations-1-reported-new")
}()

// eventOf is the event code a fixture name begins with.
func eventOf(name string) string {
	for _, ev := range []string{"vaccinations-1", "professional-contacts-1", "blood-spot-test-outcome-1", "newborn-hearing-1", "nipe-outcome-1"} {
		if strings.HasPrefix(name, ev+"-") {
			return ev
		}
	}
	return ""
}

// Every fixture keeps every rule of its event (error and warning alike);
// the other events' rules are not assessed.
func TestFixturesKeepEveryRule(t *testing.T) {
	passed := map[string]bool{}
	for _, name := range fixtureNames {
		for _, format := range []string{"xml", "json"} {
			t.Run(name+"."+format, func(t *testing.T) {
				body, err := fixtures.Bundle(name + "." + format)
				if err != nil {
					t.Fatal(err)
				}
				event := eventOf(name)
				for _, r := range judge(t, body, format) {
					other := len(r.Rule.Events) > 0 && !contains(r.Rule.Events, event)
					switch {
					case other && r.Outcome != content.NotAssessed:
						t.Errorf("%s of %v judged %s on a %s message", r.Rule.ID, r.Rule.Events, r.Outcome, event)
					case r.Outcome == content.Fail:
						t.Errorf("%s", diagnostics(r))
					case r.Outcome == content.Pass:
						passed[r.Rule.ID] = true
					}
				}
			})
		}
	}
	for _, id := range eventRuleIDs() {
		if !passed[id] {
			t.Errorf("no fixture shows %s kept", id)
		}
	}
}

// mutation changes one resource of a fixture (the first of its type, or
// the entry at index when typ is "").
type mutation struct {
	rule, fixture, typ string
	index              int
	change             func(r map[string]any, b map[string]any)
}

func codingOf(sys, code, display string) map[string]any {
	return map[string]any{"system": sys, "code": code, "display": display}
}

func cc(codings ...map[string]any) map[string]any {
	l := make([]any, len(codings))
	for i, c := range codings {
		l[i] = c
	}
	return map[string]any{"coding": l}
}

func first(b map[string]any, typ string) map[string]any {
	for _, e := range b["entry"].([]any) {
		r := e.(map[string]any)["resource"].(map[string]any)
		if r["resourceType"] == typ {
			return r
		}
	}
	return nil
}

func setMessageType(b map[string]any, code string) {
	mh := first(b, "MessageHeader")
	for _, x := range mh["extension"].([]any) {
		ext := x.(map[string]any)
		if strings.HasSuffix(ext["url"].(string), "Extension-MessageEventType-1") {
			c := ext["valueCodeableConcept"].(map[string]any)["coding"].([]any)[0].(map[string]any)
			c["code"] = code
			c["display"] = strings.ToUpper(code[:1]) + code[1:] + " event message"
		}
	}
}

func removeEntries(b map[string]any, typ string, keep int) {
	var out []any
	n := 0
	for _, e := range b["entry"].([]any) {
		if e.(map[string]any)["resource"].(map[string]any)["resourceType"] == typ {
			n++
			if n > keep {
				continue
			}
		}
		out = append(out, e)
	}
	b["entry"] = out
}

func dupEntry(b map[string]any, typ, newID string) map[string]any {
	src := first(b, typ)
	raw, _ := json.Marshal(src)
	var cp map[string]any
	_ = json.Unmarshal(raw, &cp)
	cp["id"] = newID
	b["entry"] = append(b["entry"].([]any), map[string]any{"fullUrl": "urn:uuid:" + newID, "resource": cp})
	return cp
}

const (
	snomed  = "http://snomed.info/sct"
	otherID = "0f3e1c2a-5b6d-4e7f-8a9b-0c1d2e3f4a5b"
)

var mutations = []mutation{
	// Vaccinations
	{"VAC-RESOURCES", "vaccinations-1-new", "", 0, func(_, b map[string]any) { dupEntry(b, "Immunization", otherID) }},
	{"VAC-IMMUNIZATION", "vaccinations-1-new", "Immunization", 0, func(r, _ map[string]any) { delete(r, "date") }},
	{"VAC-IMMUNIZATION", "vaccinations-1-update", "Immunization", 0, func(r, _ map[string]any) { delete(r, "extension") }},
	{"VAC-IMMUNIZATION", "vaccinations-1-delete", "Immunization", 0, func(r, _ map[string]any) {
		r["vaccinationProtocol"].([]any)[0].(map[string]any)["doseSequence"] = nil
		delete(r["vaccinationProtocol"].([]any)[0].(map[string]any), "doseSequence")
	}},
	{"VAC-NOTGIVEN", "vaccinations-1-new", "Immunization", 0, func(r, _ map[string]any) {
		r["explanation"] = map[string]any{"reasonNotGiven": []any{cc(codingOf(snomed, "591000119102", "Vaccine refused by patient"))}}
	}},
	{"VAC-REPORTORIGIN", "vaccinations-1-new", "Immunization", 0, func(r, _ map[string]any) { r["primarySource"] = false }},
	{"VAC-VACCINECODE", "vaccinations-1-new", "Immunization", 0, func(r, _ map[string]any) {
		r["vaccineCode"] = cc(codingOf(snomed, "34925411000001108", "Priorix"))
	}},
	{"VAC-PRACTROLE", "vaccinations-1-new", "PractitionerRole", 0, func(r, _ map[string]any) {
		r["specialty"] = []any{cc(codingOf("https://fhir.nhs.uk/STU3/CodeSystem/DCH-Specialty-1", "290", "COMMUNITY PAEDIATRICS"))}
	}},
	{"VAC-ENCOUNTER", "vaccinations-1-new", "Encounter", 0, func(r, _ map[string]any) { delete(r, "subject") }},
	{"VAC-ENCOUNTER-TYPE", "vaccinations-1-new", "Encounter", 0, func(r, _ map[string]any) {
		r["type"] = []any{map[string]any{"text": "Pre-school booster immunisations"}}
	}},
	// Professional Contacts
	{"PC-RESOURCES", "professional-contacts-1-new", "", 0, func(_, b map[string]any) {
		dupEntry(b, "EpisodeOfCare", otherID)
	}},
	{"PC-EPISODE", "professional-contacts-1-update", "EpisodeOfCare", 0, func(r, _ map[string]any) {
		r["type"] = []any{cc(codingOf(snomed, "89213001", "care setting"))}
	}},
	{"PC-ORG-CONTACT", "professional-contacts-1-new", "Organization", 0, func(r, _ map[string]any) { delete(r, "telecom") }},
	{"PC-CARETEAM", "professional-contacts-1-new", "CareTeam", 0, func(r, _ map[string]any) { delete(r, "name") }},
	// Blood Spot Test Outcome
	{"BST-NOUPDATE", "blood-spot-test-outcome-1-update", "", 0, func(_, b map[string]any) { setMessageType(b, "update") }},
	{"BST-RESOURCES", "blood-spot-test-outcome-1-new", "", 0, func(_, b map[string]any) { removeEntries(b, "DiagnosticReport", 0) }},
	{"BST-ENCOUNTER", "blood-spot-test-outcome-1-new", "Encounter", 0, func(r, _ map[string]any) {
		r["type"] = []any{cc(codingOf("https://fhir.nhs.uk/STU3/CodeSystem/DCH-ChildHealthEncounterType-1", "8", "Newborn Blood Spot Screening"))}
	}},
	{"BST-DIAGNOSTICREPORT", "blood-spot-test-outcome-1-new", "DiagnosticReport", 0, func(r, _ map[string]any) { delete(r, "issued") }},
	{"BST-PROCEDURE", "blood-spot-test-outcome-1-new", "Procedure", 0, func(r, _ map[string]any) {
		r["outcome"] = cc(codingOf("https://fhir.nhs.uk/STU3/ValueSet/DCH-BloodSpotOutcome-1", "946431000000102", "unsuitable sample"))
	}},
	{"BST-PROCEDURE", "blood-spot-test-outcome-1-update", "Procedure", 0, func(r, _ map[string]any) {
		r["code"] = cc(codingOf(snomed, "314080004", "Cystic fibrosis screening test"))
	}},
	{"BST-COMMUNICATION", "blood-spot-test-outcome-1-update", "Communication", 0, func(r, _ map[string]any) { r["status"] = "in-progress" }},
	// Newborn Hearing
	{"NBH-NOUPDATE", "newborn-hearing-1-update", "", 0, func(_, b map[string]any) { setMessageType(b, "update") }},
	{"NBH-RESOURCES", "newborn-hearing-1-new", "", 0, func(_, b map[string]any) { removeEntries(b, "Observation", 0) }},
	{"NBH-ENCOUNTER", "newborn-hearing-1-new", "Encounter", 0, func(r, _ map[string]any) { delete(r, "period") }},
	{"NBH-PROCEDURE", "newborn-hearing-1-new", "", 0, func(_, b map[string]any) {
		// three AOAE tests of the right ear
		dupEntry(b, "Procedure", otherID)
		dupEntry(b, "Procedure", "1f3e1c2a-5b6d-4e7f-8a9b-0c1d2e3f4a5b")
	}},
	{"NBH-PROCEDURE", "newborn-hearing-1-update", "Procedure", 0, func(r, _ map[string]any) {
		delete(r, "performedDateTime")
		r["performedPeriod"] = map[string]any{"start": "2024-05-04T10:20:00+01:00"}
	}},
	{"NBH-OBSERVATION", "newborn-hearing-1-new", "Observation", 0, func(r, _ map[string]any) {
		r["valueCodeableConcept"] = cc(codingOf(snomed, "276781000000108", "Newborn hearing screening programme completed"))
	}},
	{"NBH-PRACTROLE", "newborn-hearing-1-new", "PractitionerRole", 0, func(r, _ map[string]any) {
		r["code"] = []any{cc(codingOf("https://fhir.nhs.uk/STU3/CodeSystem/ProfessionalType-1", "160", "General Medical Practitioner"))}
	}},
	{"NBH-COMMUNICATION", "newborn-hearing-1-new", "", 0, func(_, b map[string]any) {
		b["entry"] = append(b["entry"].([]any), map[string]any{"fullUrl": "urn:uuid:" + otherID, "resource": map[string]any{
			"resourceType": "Communication", "id": otherID, "status": "completed",
			"category": []any{cc(codingOf("https://fhir.nhs.uk/STU3/CodeSystem/DCH-ProfessionalCommentType-1", "007", "Newborn Blood Spot Screening"))},
			"subject":  map[string]any{"reference": first(b, "Encounter")["subject"].(map[string]any)["reference"]},
			"sender":   map[string]any{"reference": first(b, "Encounter")["serviceProvider"].(map[string]any)["reference"]},
		}})
	}},
	// NIPE Outcome
	{"NIPE-NOUPDATE", "nipe-outcome-1-update", "", 0, func(_, b map[string]any) { setMessageType(b, "update") }},
	{"NIPE-RESOURCES", "nipe-outcome-1-new", "", 0, func(_, b map[string]any) { removeEntries(b, "Procedure", 2) }},
	{"NIPE-ENCOUNTER", "nipe-outcome-1-new", "Encounter", 0, func(r, _ map[string]any) { delete(r, "serviceProvider") }},
	{"NIPE-PROCEDURE", "nipe-outcome-1-new", "Procedure", 2, func(r, _ map[string]any) {
		r["code"] = cc(codingOf(snomed, "988351000000107", "Newborn and Infant Physical Examination Screening Programme, heart examination "))
	}},
	{"NIPE-PRACTROLE", "nipe-outcome-1-new", "PractitionerRole", 0, func(r, _ map[string]any) { delete(r, "specialty") }},
	{"NIPE-OBSERVATION", "nipe-outcome-1-new", "Observation", 0, func(r, _ map[string]any) {
		r["valueCodeableConcept"] = cc(map[string]any{"code": "eligible-for-bcg", "display": "Eligible For BCG"})
	}},
	{"NIPE-COMMUNICATION", "nipe-outcome-1-update", "Communication", 0, func(r, _ map[string]any) {
		r["category"] = []any{cc(codingOf("https://fhir.nhs.uk/STU3/CodeSystem/DCH-ProfessionalCommentType-1", "009", "Newborn and Infant Physical Examination (6-8 Weeks)"))}
	}},
}

func nth(b map[string]any, typ string, n int) map[string]any {
	i := 0
	for _, e := range b["entry"].([]any) {
		r := e.(map[string]any)["resource"].(map[string]any)
		if r["resourceType"] == typ {
			if i == n {
				return r
			}
			i++
		}
	}
	return nil
}

// For every rule, a message that breaks that rule and no other per-event
// rule.
func TestEachRuleBrokenAlone(t *testing.T) {
	broken := map[string]bool{}
	for i, mu := range mutations {
		t.Run(fmt.Sprintf("%s/%d", mu.rule, i), func(t *testing.T) {
			body, err := fixtures.Bundle(mu.fixture + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var b map[string]any
			if err := json.Unmarshal(body, &b); err != nil {
				t.Fatal(err)
			}
			var r map[string]any
			if mu.typ != "" {
				if r = nth(b, mu.typ, mu.index); r == nil {
					t.Fatalf("no %s in %s", mu.typ, mu.fixture)
				}
			}
			mu.change(r, b)
			out := marshal(b)
			got := failed(judge(t, out, "json"))
			if len(got) != 1 || !strings.HasPrefix(got[0], "["+mu.rule+"] ") {
				t.Fatalf("want only %s to fail, got %q", mu.rule, got)
			}
			broken[mu.rule] = true
		})
	}
	for _, id := range eventRuleIDs() {
		if !broken[id] {
			t.Errorf("no test breaks %s", id)
		}
	}
}

// Kept where no fixture can show it: the rules the fixtures leave not
// assessed.
func TestKeptBeyondFixtures(t *testing.T) {
	cases := []mutation{
		{"VAC-NOTGIVEN", "vaccinations-1-new", "Immunization", 0, func(r, _ map[string]any) {
			r["notGiven"] = true
			r["explanation"] = map[string]any{"reasonNotGiven": []any{cc(codingOf(snomed, "591000119102", "Vaccine refused by patient"))}}
		}},
		// The professional type coding need not be its code's first.
		{"NBH-PRACTROLE", "newborn-hearing-1-new", "PractitionerRole", 0, func(r, _ map[string]any) {
			r["code"] = []any{cc(codingOf("https://fhir.riverside-childhealth.example/CodeSystem/staff-grade", "SCR2", "Screener grade 2"),
				codingOf("https://fhir.nhs.uk/STU3/CodeSystem/DCH-ProfessionalType-1", "160", "General Medical Practitioner"))}
		}},
		{"VAC-REPORTORIGIN", "vaccinations-1-new", "Immunization", 0, func(r, _ map[string]any) {
			r["primarySource"] = false
			r["reportOrigin"] = cc(codingOf("http://hl7.org/fhir/immunization-origin", "record", "Written Record"))
		}},
		{"NBH-COMMUNICATION", "newborn-hearing-1-new", "", 0, func(_, b map[string]any) {
			b["entry"] = append(b["entry"].([]any), map[string]any{"fullUrl": "urn:uuid:" + otherID, "resource": map[string]any{
				"resourceType": "Communication", "id": otherID, "status": "completed",
				"category": []any{cc(codingOf("https://fhir.nhs.uk/STU3/CodeSystem/DCH-ProfessionalCommentType-1", "008", "Newborn Hearing Screening"))},
				"subject":  map[string]any{"reference": first(b, "Encounter")["subject"].(map[string]any)["reference"]},
				"sender":   map[string]any{"reference": first(b, "Encounter")["serviceProvider"].(map[string]any)["reference"]},
			}})
		}},
	}
	for _, mu := range cases {
		t.Run(mu.rule, func(t *testing.T) {
			body, _ := fixtures.Bundle(mu.fixture + ".json")
			var b map[string]any
			if err := json.Unmarshal(body, &b); err != nil {
				t.Fatal(err)
			}
			var r map[string]any
			if mu.typ != "" {
				r = nth(b, mu.typ, mu.index)
			}
			mu.change(r, b)
			out := marshal(b)
			for _, res := range judge(t, out, "json") {
				if res.Rule.ID == mu.rule && res.Outcome != content.Pass {
					t.Fatalf("%s: %s %s", mu.rule, res.Outcome, res.Reason)
				}
				if res.Outcome == content.Fail {
					t.Errorf("%s", diagnostics(res))
				}
			}
		})
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func eventRuleIDs() []string {
	var out []string
	for _, r := range content.Events() {
		out = append(out, r.ID)
	}
	return out
}

// marshal writes JSON with each object's keys sorted, except that a
// primitive's "_name" member follows its "name" member, as FHIR JSON
// writers put it.
func marshal(v any) []byte {
	var b strings.Builder
	writeJSON(&b, v)
	return []byte(b.String())
}

func writeJSON(b *strings.Builder, v any) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			a, c := strings.TrimPrefix(keys[i], "_"), strings.TrimPrefix(keys[j], "_")
			if a != c {
				return a < c
			}
			return !strings.HasPrefix(keys[i], "_")
		})
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			kb, _ := json.Marshal(k)
			b.Write(kb)
			b.WriteByte(':')
			writeJSON(b, x[k])
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	default:
		raw, _ := json.Marshal(x)
		b.Write(raw)
	}
}
