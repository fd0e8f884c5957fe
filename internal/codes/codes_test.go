package codes_test

import (
	"fmt"
	"testing"

	"github.com/nems-harness/nems-harness/internal/codes"
)

func TestLists(t *testing.T) {
	cases := []struct {
		name, kind, url string
		n               int
	}{
		{codes.EventType1, "CodeSystem", "https://fhir.nhs.uk/STU3/CodeSystem/EventType-1", 54},
		{codes.MessageEventType1, "CodeSystem", "https://fhir.nhs.uk/STU3/CodeSystem/MessageEventType-1", 3},
		{codes.EMSMessageEventType1, "CodeSystem", "https://fhir.nhs.uk/STU3/CodeSystem/EMS-MessageEventType-1", 3},
		{codes.CareConnectNHSNumberVerificationStatus1, "CodeSystem", "https://fhir.hl7.org.uk/STU3/CodeSystem/CareConnect-NHSNumberVerificationStatus-1", 8},
		{codes.DCHChildHealthEncounterType1, "CodeSystem", "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ChildHealthEncounterType-1", 28},
		{codes.ProfessionalType1, "CodeSystem", "https://fhir.nhs.uk/STU3/CodeSystem/ProfessionalType-1", 40},
		{codes.DCHProfessionalType1, "CodeSystem", "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ProfessionalType-1", 40},
		{codes.Specialty1, "CodeSystem", "https://fhir.nhs.uk/STU3/CodeSystem/Specialty-1", 173},
		{codes.DCHSpecialty1, "CodeSystem", "https://fhir.nhs.uk/STU3/CodeSystem/DCH-Specialty-1", 173},
		{codes.DCHProfessionalCommentType1, "CodeSystem", "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ProfessionalCommentType-1", 17},
		{codes.DCHKeyWorkerStatus1, "CodeSystem", "https://fhir.nhs.uk/STU3/CodeSystem/DCH-KeyWorkerStatus-1", 1},
		{codes.DCHAABRHearingTestOutcome1, "ValueSet", "https://fhir.nhs.uk/STU3/ValueSet/DCH-AABRHearingTest-Outcome-1", 4},
		{codes.DCHAOAEHearingTestOutcome1, "ValueSet", "https://fhir.nhs.uk/STU3/ValueSet/DCH-AOAEHearingTest-Outcome-1", 4},
		{codes.CareConnectVaccineCode1, "ValueSet", "https://fhir.hl7.org.uk/STU3/ValueSet/CareConnect-VaccineCode-1", 4},
	}
	if got := len(codes.Names()); got != len(cases) {
		t.Errorf("%d lists, want %d", got, len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, ok := codes.Get(tc.name)
			if !ok {
				t.Fatal("missing")
			}
			if l.Kind() != tc.kind || l.URL() != tc.url || l.Len() != tc.n {
				t.Errorf("got %s %s %d, want %s %s %d", l.Kind(), l.URL(), l.Len(), tc.kind, tc.url, tc.n)
			}
			if s := l.Source(); s.Repository == "" || s.Commit == "" || s.Path == "" {
				t.Errorf("source not named: %+v", s)
			}
			if byURL, ok := codes.ByURL(tc.url); !ok || byURL.Name() != tc.name {
				t.Errorf("ByURL(%s) = %s, %v", tc.url, byURL.Name(), ok)
			}
			if tc.kind == "CodeSystem" {
				if s := l.Systems(); len(s) != 1 || s[0] != tc.url {
					t.Errorf("systems %v, want only the url", s)
				}
			}
		})
	}
}

func TestLookup(t *testing.T) {
	const (
		ct  = "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ProfessionalCommentType-1"
		sp  = "https://fhir.nhs.uk/STU3/CodeSystem/Specialty-1"
		dsp = "https://fhir.nhs.uk/STU3/CodeSystem/DCH-Specialty-1"
		nf  = "http://hl7.org/fhir/v3/NullFlavor"
	)
	cases := []struct {
		list, system, code string
		found              bool
		display            string
		hasDisplay         bool
	}{
		{codes.DCHProfessionalCommentType1, ct, "008", true, "Newborn Hearing Screening", true},
		{codes.DCHProfessionalCommentType1, ct, "8", false, "", false},
		{codes.DCHProfessionalCommentType1, ct + " ", "008", false, "", false},
		{codes.Specialty1, sp, "510", true, "Retired ", true},
		{codes.Specialty1, dsp, "510", false, "", false},
		{codes.DCHSpecialty1, dsp, "510", true, "Retired ", true},
		{codes.CareConnectVaccineCode1, nf, "UNK", true, "", false},
		{codes.CareConnectVaccineCode1, nf, "unk", false, "", false},
		{codes.DCHAABRHearingTestOutcome1, "http://snomed.info/sct", "1085431000000105", true, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.list+"/"+tc.code, func(t *testing.T) {
			l := codes.MustGet(tc.list)
			c, ok := l.Lookup(tc.system, tc.code)
			if ok != tc.found || ok != l.Contains(tc.system, tc.code) {
				t.Fatalf("found %v, want %v", ok, tc.found)
			}
			if !ok {
				return
			}
			if c.HasDisplay != tc.hasDisplay || (tc.display != "" && c.Display != tc.display) {
				t.Errorf("display %q (%v), want %q (%v)", c.Display, c.HasDisplay, tc.display, tc.hasDisplay)
			}
		})
	}
}

func TestListsCannotBeChanged(t *testing.T) {
	l := codes.MustGet(codes.MessageEventType1)
	c := l.Concepts()
	c[0].Code = "changed"
	u := l.UsedBy()
	u[0] = "changed"
	again := codes.MustGet(codes.MessageEventType1)
	if again.Concepts()[0].Code == "changed" || again.UsedBy()[0] == "changed" {
		t.Fatal("a caller changed the table")
	}
}

func TestRefsetDefinedPart(t *testing.T) {
	r := codes.MustGet(codes.CareConnectVaccineCode1).Refsets()
	if len(r) != 1 || r[0].System != "http://snomed.info/sct" || len(r[0].Refsets) != 5 {
		t.Fatalf("refsets %+v", r)
	}
	if len(codes.MustGet(codes.Specialty1).Refsets()) != 0 {
		t.Fatal("Specialty-1 is enumerated")
	}
}

func TestFindAcrossLists(t *testing.T) {
	m := codes.Find("https://fhir.nhs.uk/STU3/CodeSystem/MessageEventType-1", "new")
	if len(m) != 1 || m[0].List != codes.MessageEventType1 || m[0].Concept.Display == "" {
		t.Fatalf("%+v", m)
	}
	if m := codes.Find("http://snomed.info/sct", "0"); len(m) != 0 {
		t.Fatalf("%+v", m)
	}
}

func TestGetUnknown(t *testing.T) {
	if _, ok := codes.Get("No-Such-1"); ok {
		t.Fatal("found")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("MustGet of an unknown list did not panic")
		}
	}()
	codes.MustGet("No-Such-1")
}

func ExampleList_Lookup() {
	l := codes.MustGet(codes.DCHProfessionalCommentType1)
	c, ok := l.Lookup("https://fhir.nhs.uk/STU3/CodeSystem/DCH-ProfessionalCommentType-1", "007")
	fmt.Println(ok, c.Display)
	_, ok = l.Lookup("https://fhir.nhs.uk/STU3/CodeSystem/DCH-ProfessionalCommentType-1", "7")
	fmt.Println(ok)
	// Output:
	// true Newborn Blood Spot Screening
	// false
}
