package content

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const fixtures = "../../fixtures/bundles/"

// healthcareService is a conforming HealthcareService entry for the
// Vaccinations fixture (which has none), referring to its Organization.
const healthcareService = `<entry>
		<fullUrl value="urn:uuid:6d1e0a4c-2a55-4bf3-9b39-7f0f3c7b2d11"/>
		<resource>
			<HealthcareService>
				<id value="6d1e0a4c-2a55-4bf3-9b39-7f0f3c7b2d11"/>
				<providedBy><reference value="urn:uuid:4152623c-07c4-5e9e-a484-27cefb1e9e4c"/></providedBy>
				<type><coding><system value="http://snomed.info/sct"/><code value="1060971000000108"/><display value="General practice service"/></coding></type>
				<specialty><coding><system value="https://fhir.nhs.uk/STU3/CodeSystem/Specialty-1"/><code value="420"/><display value="Paediatrics"/></coding></specialty>
			</HealthcareService>
		</resource>
	</entry>
	<!-- Responsible organisation -->`

// mutation is a text replacement on a fixture (the first occurrence).
type mutation struct{ old, new string }

func mutate(t testing.TB, file string, ms ...mutation) []byte {
	t.Helper()
	b, err := os.ReadFile(fixtures + file)
	require.NoError(t, err)
	s := string(b)
	for _, m := range ms {
		require.Contains(t, s, m.old, "mutation target in %s", file)
		s = strings.Replace(s, m.old, m.new, 1)
	}
	return []byte(s)
}

func judgeOne(t testing.TB, id string, body []byte, c Context) Result {
	t.Helper()
	cat, err := NewCatalogue(Generic())
	require.NoError(t, err)
	r, ok := cat.Rule(id)
	require.True(t, ok, id)
	m := load(t, body, "xml")
	c.Body = string(body)
	m.Context = c
	m.cat = cat
	return r.Judge(m)
}

const vac = "vaccinations-1-new.xml"

// TestGenericRulesKeptAndBroken shows every generic rule kept by a fixture
// and broken by one change to it.
func TestGenericRulesKeptAndBroken(t *testing.T) {
	addHS := mutation{"\t<!-- Responsible organisation -->", healthcareService}
	cases := []struct {
		rule, file string
		ms         []mutation
		want       Outcome
		reason     string // a part of the first finding's text
	}{
		{"EVT-ORDER", vac, nil, Pass, ""},
		{"EVT-ORDER", vac, []mutation{{`<status value="completed"/>`, ``}, {`<notGiven value="false"/>`, `<notGiven value="false"/><status value="completed"/>`}}, Fail, "entry[1] Immunization.notGiven: missing: Immunization requires status before notGiven"},
		{"EVT-ORDER", vac, []mutation{{`<gender value="female"/>`, `<gender value="girl"/>`}}, Fail, "value"},
		{"EVT-INVARIANTS", vac, nil, Pass, ""},
		{"EVT-INVARIANTS", vac, []mutation{{`<type value="message"/>`, `<type value="message"/><total value="1"/>`}}, Fail, "bdl-1"},
		{"EVT-INVARIANTS", vac, []mutation{{`<lotNumber value="MR2417K"/>`, `<lotNumber/>`}}, Fail, "global-1"},
		{"EVT-DATETIME", vac, nil, Pass, ""},
		{"EVT-DATETIME", vac, []mutation{{`<timestamp value="2024-05-14T11:00:00+01:00"/>`, `<timestamp value="2024-05-14T11:00:00"/>`}}, Fail, "without a time zone"},
		{"EVT-DATETIME", vac, []mutation{{`<lastUpdated value="2024-05-14T11:00:00.000+01:00"/>`, `<lastUpdated value="2024-05-14"/>`}}, Fail, "instant without a time"},
		{"EVT-REFS", vac, nil, Pass, ""},
		{"EVT-REFS", vac, []mutation{{`<reference value="urn:uuid:d22f6405-d172-59f3-9c8c-8df96583018c"/>`, `<reference value="urn:uuid:00000000-0000-0000-0000-000000000000"/>`}}, Fail, "does not resolve"},
		{"EVT-HEADER", vac, nil, Pass, ""},
		{"EVT-HEADER", vac, []mutation{{`<display value="Vaccinations"/>`, `<display value="Vaccination"/>`}}, Fail, `want "Vaccinations"`},
		{"EVT-HEADER", vac, []mutation{{`<id value="4a61985a-5eb3-5f05-bdf6-1324ac887701"/>`, `<id value="4a61985a"/>`}}, Fail, "UUID"},
		{"EVT-HEADER", vac, []mutation{{`<reference value="urn:uuid:0728804a-4108-5dbd-8982-1c6fd97b3a5a"/>`, `<reference value="urn:uuid:d3650d07-5d63-595d-9999-6e951002c1bd"/>`}}, Fail, "resolves to a Patient"},
		{"EVT-MSGEVENTTYPE", vac, nil, Pass, ""},
		{"EVT-MSGEVENTTYPE", vac, []mutation{{`<display value="New event message"/>`, ``}}, Fail, "display"},
		{"EVT-SEQUENCE", vac, nil, Pass, ""},
		{"EVT-SEQUENCE", vac, []mutation{{`<lastUpdated value="2024-05-14T11:00:00.000+01:00"/>`, `<versionId value="v2"/><lastUpdated value="2024-05-14T11:00:00.000+01:00"/>`}}, Fail, "not an integer"},
		{"EVT-SEQUENCE", vac, []mutation{{`<lastUpdated value="2024-05-14T11:00:00.000+01:00"/>`, ``}}, Fail, "missing"},
		{"EVT-SOURCE", vac, nil, Pass, ""},
		{"EVT-SOURCE", vac, []mutation{{`<system value="phone"/>`, `<system value="email"/>`}}, Fail, "not an email address"},
		{"EVT-SOURCE-NAME", vac, nil, Pass, ""},
		{"EVT-SOURCE-NAME", vac, []mutation{{`<name value="RIVERSIDE CHILD HEALTH SYSTEM"/>`, ``}}, Fail, "missing"},
		{"EVT-ROUTING", vac, nil, Pass, ""},
		{"EVT-ROUTING", vac, []mutation{{`<valueDateTime value="2021-01-08"/>`, ``}}, Fail, "valueDateTime"},
		{"EVT-ROUTING-PATIENT", vac, nil, Pass, ""},
		{"EVT-ROUTING-PATIENT", vac, []mutation{{`<value value="9990000166"/>`, `<value value="9990000174"/>`}}, Fail, "is not the Patient's"},
		{"EVT-ROUTING-MATCH", vac, nil, Pass, ""},
		{"EVT-ROUTING-MATCH", vac, []mutation{{`<valueDateTime value="2021-01-08"/>`, `<valueDateTime value="2021-01-09"/>`}}, Fail, "Patient birthDate 2021-01-08"},
		{"EVT-PATIENT", vac, nil, Pass, ""},
		{"EVT-PATIENT", vac, []mutation{{`<code value="01"/>`, `<code value="02"/>`}}, Fail, "no coding 01"},
		{"EVT-PATIENT", vac, []mutation{{`<birthDate value="2021-01-08"/>`, ``}}, Fail, "Patient.birthDate"},
		{"EVT-PATIENT-ADDRESS", vac, nil, Pass, ""},
		{"EVT-PATIENT-ADDRESS", vac, []mutation{{`<postalCode value="LS18 5NX"/>`, ``}}, Fail, "postalCode"},
		{"EVT-ORGANIZATION", vac, nil, Pass, ""},
		{"EVT-ORGANIZATION", vac, []mutation{{`<name value="RIVERSIDE COMMUNITY TRUST"/>`, ``}}, Fail, "Organization.name"},
		{"EVT-HEALTHCARESERVICE", vac, nil, NotAssessed, "no HealthcareService"},
		{"EVT-HEALTHCARESERVICE", vac, []mutation{addHS}, Pass, ""},
		{"EVT-HEALTHCARESERVICE", vac, []mutation{addHS, {`<code value="420"/>`, `<code value="9999"/>`}}, Fail, "Specialty-1"},
		{"EVT-IDENTIFIER", vac, nil, Pass, ""},
		{"EVT-IDENTIFIER", vac, []mutation{{`<system value="https://fhir.riverside-childhealth.example/Id/event-record"/>`, ``}}, Fail, "Immunization.identifier.system"},
		{"EVT-SCTID", vac, nil, Pass, ""},
		{"EVT-SCTID", vac, []mutation{{`<code value="91775009"/>`, `<code value="91775008"/>`}}, Fail, "Verhoeff"},
		{"EVT-DISPLAY", vac, nil, Pass, ""},
		{"EVT-DISPLAY", vac, []mutation{{`<display value="Number present and verified"/>`, `<display value="Verified"/>`}}, Fail, "Number present and verified"},
	}
	for _, c := range cases {
		name := c.rule + "/" + string(c.want)
		t.Run(name, func(t *testing.T) {
			res := judgeOne(t, c.rule, mutate(t, c.file, c.ms...), Context{Profile: Profile2019})
			require.Equal(t, c.want, res.Outcome, "%s: %s", res.Reason, res.Summary())
			if c.reason != "" {
				assert.Contains(t, res.Summary(), c.reason)
			}
			for _, f := range res.Findings {
				assert.Positive(t, f.Line, "finding %s has a line", f)
			}
		})
	}
}

// TestJournalRules judges the rules that remember over a run of messages.
func TestJournalRules(t *testing.T) {
	newMsg := mutate(t, vac)
	update := mutate(t, "vaccinations-1-update.xml")
	del := mutate(t, "vaccinations-1-delete.xml")
	sameID := func(b []byte) []byte { // a message reusing the new message's id
		return []byte(strings.Replace(string(b), "<id value=\""+headerID(t, b)+"\"/>", "<id value=\"4A61985A-5EB3-5F05-BDF6-1324AC887701\"/>", 1))
	}
	type step struct {
		body []byte
		want map[string]Outcome
	}
	run := func(t *testing.T, steps []step) {
		h := NewMemory()
		cat, err := NewCatalogue(Generic())
		require.NoError(t, err)
		for i, s := range steps {
			m := load(t, s.body, "xml")
			m.Context = Context{Profile: Profile2019, SenderASID: "200000000115", History: h, Body: string(s.body)}
			res := cat.Judge(m)
			for id, want := range s.want {
				for _, r := range res {
					if r.Rule.ID == id {
						assert.Equal(t, want, r.Outcome, "step %d %s: %s", i, id, r.Summary())
					}
				}
			}
			f := m.Facts()
			f.Ref = "request " + string(rune('1'+i))
			h.Record(f)
		}
	}
	t.Run("life cycle kept", func(t *testing.T) {
		run(t, []step{
			{newMsg, map[string]Outcome{"EVT-MSGID-UNIQUE": NotAssessed, "EVT-LIFECYCLE": NotAssessed, "EVT-LASTUPDATED-ORDER": NotAssessed}},
			{update, map[string]Outcome{"EVT-MSGID-UNIQUE": Pass, "EVT-LIFECYCLE": Pass, "EVT-LASTUPDATED-ORDER": Pass}},
			{del, map[string]Outcome{"EVT-LIFECYCLE": Pass, "EVT-LASTUPDATED-ORDER": Pass}},
		})
	})
	t.Run("update first", func(t *testing.T) {
		run(t, []step{{update, map[string]Outcome{"EVT-LIFECYCLE": Fail}}})
	})
	t.Run("new twice, id reused, lastUpdated backwards", func(t *testing.T) {
		run(t, []step{
			{update, nil},
			{sameID(newMsg), map[string]Outcome{"EVT-LIFECYCLE": Fail, "EVT-MSGID-UNIQUE": Pass, "EVT-LASTUPDATED-ORDER": Fail}},
			{newMsg, map[string]Outcome{"EVT-MSGID-UNIQUE": Fail}},
		})
	})
	t.Run("versionId order", func(t *testing.T) {
		v := func(b []byte, n string) []byte {
			return []byte(strings.Replace(string(b), "<lastUpdated ", "<versionId value=\""+n+"\"/><lastUpdated ", 1))
		}
		run(t, []step{
			{v(newMsg, "5"), map[string]Outcome{"EVT-VERSIONID-ORDER": NotAssessed}},
			{v(update, "6"), map[string]Outcome{"EVT-VERSIONID-ORDER": Pass}},
			{v(del, "6"), map[string]Outcome{"EVT-VERSIONID-ORDER": Fail}},
		})
	})
}

func headerID(t testing.TB, b []byte) string {
	m := load(t, b, "xml")
	id, _ := m.Header.Val("id")
	return id
}
