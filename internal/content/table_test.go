package content

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/internal/fhir"
)

// load reads a message for the tests.
func load(t testing.TB, body []byte, format string) *Message {
	t.Helper()
	b, d, err := fhir.ReadDoc(body, format)
	require.NoError(t, err)
	return NewMessage(d, b, Context{Profile: Profile2019, Body: string(body)})
}

const tiny = `<Bundle xmlns="http://hl7.org/fhir">
  <type value="message"/>
  <entry>
    <fullUrl value="urn:uuid:h"/>
    <resource><MessageHeader>
      <extension url="https://fhir.nhs.uk/STU3/StructureDefinition/Extension-MessageEventType-1">
        <valueCodeableConcept><coding><system value="https://fhir.nhs.uk/STU3/CodeSystem/MessageEventType-1"/><code value="new"/></coding></valueCodeableConcept>
      </extension>
      <event><system value="https://fhir.nhs.uk/STU3/CodeSystem/EventType-1"/><code value="nipe-outcome-1"/></event>
      <focus><reference value="urn:uuid:e"/></focus>
    </MessageHeader></resource>
  </entry>
  <entry>
    <fullUrl value="urn:uuid:e"/>
    <resource><Encounter>
      <type><coding><system value="https://fhir.nhs.uk/STU3/CodeSystem/DCH-ChildHealthEncounterType-1"/><code value="x"/></coding><coding><system value="s"/><code value="y"/></coding></type>
      <subject><reference value="urn:uuid:p"/></subject>
    </Encounter></resource>
  </entry>
  <entry>
    <fullUrl value="urn:uuid:p"/>
    <resource><Patient><id value="p"/></Patient></resource>
  </entry>
  <entry>
    <fullUrl value="urn:uuid:q"/>
    <resource><Procedure><subject><reference value="urn:uuid:e"/></subject></Procedure></resource>
  </entry>
</Bundle>`

func TestTableRows(t *testing.T) {
	m := load(t, []byte(tiny), "xml")
	require.Equal(t, NIPE, m.Event)
	require.Equal(t, "new", m.Type)
	require.True(t, m.Focus.Ok())
	assert.Equal(t, "Encounter", m.Focus.Type())
	require.True(t, m.Patient.Ok())

	const encType = "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ChildHealthEncounterType-1"
	cases := []struct {
		name    string
		rule    Rule
		outcome Outcome
		where   string // first finding's location
	}{
		{"count kept", Rule{Counts: []Count{{Of: "Encounter", Card: "1..1"}}}, Pass, ""},
		{"count broken", Rule{Counts: []Count{{Of: "Procedure", Card: "3..4", On: []string{"new"}}}}, Fail, ""},
		{"count for another type", Rule{Counts: []Count{{Of: "Procedure", Card: "3..4", On: []string{"delete"}}}}, NotAssessed, ""},
		{"card kept", Rule{Elems: []Elem{{Of: "Encounter", Path: "type.coding[system=" + encType + "]", Card: "1..1"}}}, Pass, ""},
		{"each broken", Rule{Elems: []Elem{{Of: "Encounter", Each: "type", Path: "coding", Card: "0..1"}}}, Fail, "entry[1] Encounter.type.coding"},
		{"coding from list broken", Rule{Elems: []Elem{{Of: "Encounter", Path: "type.coding[system=" + encType + "]", Coding: "DCH-ChildHealthEncounterType-1"}}}, Fail, "entry[1] Encounter.type.coding"},
		{"ref kept", Rule{Elems: []Elem{{Of: "Encounter", Path: "subject", Card: "1..1", Ref: "Patient"}}}, Pass, ""},
		{"ref wrong type", Rule{Elems: []Elem{{Of: "Procedure", Path: "subject", Ref: "Patient"}}}, Fail, "entry[3] Procedure.subject"},
		{"missing element", Rule{Elems: []Elem{{Of: "Encounter", Path: "period.start", Card: "1..1"}}}, Fail, "entry[1] Encounter.period.start"},
		{"absent resource", Rule{Elems: []Elem{{Of: "Observation", Path: "subject", Card: "1..1"}}}, NotAssessed, ""},
		{"other event", Rule{Events: []string{BloodSpot}, Counts: []Count{{Of: "Encounter", Card: "1..1"}}}, NotAssessed, ""},
		{"fixed broken", Rule{Elems: []Elem{{Of: "MessageHeader", Path: "event.code", Fixed: "vaccinations-1"}}}, Fail, "entry[0] MessageHeader.event.code"},
		{"the patient", Rule{Elems: []Elem{{Of: "Patient", The: true, Path: "id", Card: "1..1", Pattern: "[a-z]+"}}}, Pass, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.rule
			r.ID, r.Severity = "T-"+c.name, Error
			require.NoError(t, r.Compile())
			res := r.Judge(m)
			assert.Equal(t, c.outcome, res.Outcome, res.Reason)
			if c.where != "" {
				require.NotEmpty(t, res.Findings)
				assert.Equal(t, c.where, res.Findings[0].Where())
				assert.Positive(t, res.Findings[0].Line)
			}
		})
	}
}

func TestCompileRefusesBadRows(t *testing.T) {
	for _, r := range []Rule{
		{ID: "A", Counts: []Count{{Of: "X", Card: "1"}}},
		{ID: "B", Elems: []Elem{{Of: "X", Path: "a", Card: "2..1"}}},
		{ID: "C", Elems: []Elem{{Path: "a"}}},
		{ID: "D", Elems: []Elem{{Of: "X", Path: "a(b"}}},
	} {
		assert.Error(t, r.Compile(), r.ID)
	}
}

func TestSummary(t *testing.T) {
	res := Result{Outcome: Fail, Findings: []Finding{
		{Entry: 5, Path: "Procedure.outcome.coding", Reason: "no coding"},
		{Entry: 6, Path: "Procedure.outcome.coding", Reason: "no coding"},
	}}
	assert.Equal(t, "entry[5] Procedure.outcome.coding: no coding; and 1 more", res.Summary())
}
