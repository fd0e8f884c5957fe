package fhirschema

import (
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	for _, c := range []struct {
		path     []string
		fhir     string
		typeName string
		min, max int
		choice   string
	}{
		{[]string{"Observation", "effectiveDateTime"}, "dateTime", "dateTime", 0, 1, "effective[x]"},
		{[]string{"Observation", "effectivePeriod", "start"}, "dateTime", "dateTime", 0, 1, ""},
		{[]string{"MessageHeader", "timestamp"}, "instant", "instant", 1, 1, ""},
		{[]string{"MessageHeader", "meta", "lastUpdated"}, "instant", "instant", 0, 1, ""},
		{[]string{"Patient", "name", "given"}, "string", "string", 0, Unbounded, ""},
		{[]string{"Patient", "gender"}, "code", "AdministrativeGender", 0, 1, ""},
		{[]string{"Patient", "multipleBirthInteger"}, "integer", "integer", 0, 1, "multipleBirth[x]"},
		{[]string{"Patient", "contact", "name"}, "HumanName", "HumanName", 0, 1, ""},
		{[]string{"Bundle", "entry", "resource", "Patient", "birthDate"}, "date", "date", 0, 1, ""},
		{[]string{"Bundle", "entry", "resource"}, "ResourceContainer", "ResourceContainer", 0, 1, ""},
		{[]string{"Procedure", "performedDateTime"}, "dateTime", "dateTime", 0, 1, "performed[x]"},
		{[]string{"Immunization", "vaccinationProtocol", "targetDisease"}, "CodeableConcept", "CodeableConcept", 1, Unbounded, ""},
		{[]string{"Encounter", "status"}, "code", "EncounterStatus", 1, 1, ""},
		{[]string{"Patient", "extension", "valueDateTime"}, "dateTime", "dateTime", 0, 1, "value[x]"},
		{[]string{"Patient", "text", "div"}, "xhtml", "div", 1, 1, ""},
		{[]string{"Patient", "contained", "Organization", "name"}, "string", "string", 0, 1, ""},
	} {
		e, err := Lookup(c.path...)
		if err != nil {
			t.Errorf("Lookup(%v): %v", c.path, err)
			continue
		}
		if e.Type.FHIRType() != c.fhir || e.Type.Name() != c.typeName || e.Min != c.min || e.Max != c.max || e.Choice != c.choice {
			t.Errorf("Lookup(%v) = %s (%s) %d..%d choice %q; want %s (%s) %d..%d choice %q", c.path,
				e.Type.FHIRType(), e.Type.Name(), e.Min, e.Max, e.Choice, c.fhir, c.typeName, c.min, c.max, c.choice)
		}
	}
	for _, bad := range [][]string{{}, {"HumanName"}, {"Patient", "colour"}, {"Bundle", "entry", "resource", "HumanName"}} {
		if _, err := Lookup(bad...); err == nil {
			t.Errorf("Lookup(%v) should fail", bad)
		}
	}
}

func TestTypes(t *testing.T) {
	p, ok := Resource("Patient")
	if !ok || !p.IsResource() || p.IsPrimitive() {
		t.Fatal("Patient is a resource")
	}
	if _, ok := Resource("HumanName"); ok {
		t.Error("HumanName is not a resource")
	}
	h, ok := TypeNamed("HumanName")
	if !ok || h.IsResource() || h.IsPrimitive() || h.FHIRType() != "HumanName" {
		t.Error("HumanName is a data type")
	}
	var names []string
	for _, e := range p.Elements()[:10] {
		names = append(names, e.Name)
	}
	if got := strings.Join(names, " "); got != "id meta implicitRules language text contained extension modifierExtension identifier active" {
		t.Errorf("Patient's first elements: %s", got)
	}
	e, ok := p.Child("_birthDate")
	if !ok || e.Name != "birthDate" || !e.Type.IsPrimitive() || e.Repeats() {
		t.Errorf("Child(_birthDate) = %+v, %t", e, ok)
	}
	c, _ := TypeNamed("ResourceContainer")
	if !c.IsContainer() {
		t.Error("ResourceContainer is the container")
	}
	if r, ok := c.Child("Immunization"); !ok || !r.Type.IsResource() || r.Choice != "" {
		t.Errorf("ResourceContainer.Child(Immunization) = %+v, %t", r, ok)
	}
	if (Type{}).Elements() != nil || !(Type{}).IsZero() {
		t.Error("the zero Type has no elements")
	}
	div, _ := Lookup("Patient", "text", "div")
	if !div.XHTML || !div.Type.IsXHTML() {
		t.Error("Narrative.div is XHTML")
	}
	if Version != "3.0.1" {
		t.Errorf("Version %q", Version)
	}
}

// TestChoiceNames checks every FHIR choice of the tables: each form is
// the choice's base followed by its type's name.
func TestChoiceNames(t *testing.T) {
	n := 0
	for name := range typeByName {
		typ, _ := TypeNamed(name)
		for _, e := range typ.Elements() {
			if e.Choice == "" {
				continue
			}
			n++
			base := strings.TrimSuffix(e.Choice, "[x]")
			f := e.Type.FHIRType()
			if e.Name != base+strings.ToUpper(f[:1])+f[1:] {
				t.Errorf("%s.%s: choice %s, type %s", name, e.Name, e.Choice, f)
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d choice forms found", n)
	}
}

func TestVisit(t *testing.T) {
	doc := bundle(`<Observation><status value="final"/><code><text value="t"/></code><effectiveDateTime value="2017-10-02T12:00:00"/><issued value="2017-10-02T12:00:00Z"/><valueString value="x"/></Observation>`,
		`<Patient><extension url="u"><valueDateTime value="2017"/></extension><birthDate value="2013-10-12"/></Patient>`)
	var got []string
	errs := ValidateOptions([]byte(doc), Options{Visit: func(n *Node) {
		if n.Type.Is("dateTime", "instant") {
			got = append(got, n.Path()+"="+n.Value+" ("+n.Type.FHIRType()+")")
		}
	}})
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	want := []string{
		"Bundle.entry[0].resource.Observation.effectiveDateTime=2017-10-02T12:00:00 (dateTime)",
		"Bundle.entry[0].resource.Observation.issued=2017-10-02T12:00:00Z (instant)",
		"Bundle.entry[1].resource.Patient.extension[0].valueDateTime=2017 (dateTime)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("visited:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func BenchmarkChild(b *testing.B) {
	p, _ := Resource("Patient")
	names := []string{"identifier", "name", "birthDate", "_birthDate", "link", "nope"}
	for b.Loop() {
		for _, n := range names {
			p.Child(n)
		}
	}
}
