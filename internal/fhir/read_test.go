package fhir

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	bundleOpen  = `<Bundle xmlns="http://hl7.org/fhir">`
	bundleClose = `</Bundle>`
)

// A minimal message in today's form, used as a base by several cases.
const minimalXML = `<?xml version="1.0" encoding="UTF-8"?>
<Bundle xmlns="http://hl7.org/fhir">
	<!-- a comment before the type -->
	<type value="message"/>
	<entry>
		<resource>
			<MessageHeader>
				<id value="h1"/>
				<extension url="https://fhir.nhs.uk/STU3/StructureDefinition/Extension-RoutingDemographics-1">
					<extension url="nhsNumber">
						<valueIdentifier>
							<system value="https://fhir.nhs.uk/Id/nhs-number"/>
							<value value="9990000018"/>
						</valueIdentifier>
					</extension>
					<extension url="name">
						<valueHumanName>
							<use value="official"/>
							<family value="ASHWORTH"/>
							<given value="Amelia"/>
						</valueHumanName>
					</extension>
					<extension url="birthDateTime">
						<valueDateTime value="2024-03-11T06:25:00+00:00"/>
					</extension>
				</extension>
				<extension url="https://fhir.nhs.uk/STU3/StructureDefinition/Extension-MessageEventType-1">
					<valueCodeableConcept>
						<coding>
							<system value="https://fhir.nhs.uk/STU3/CodeSystem/MessageEventType-1"/>
							<code value="new"/>
						</coding>
					</valueCodeableConcept>
				</extension>
				<event>
					<system value="https://fhir.nhs.uk/STU3/CodeSystem/EventType-1"/>
					<code value="vaccinations-1"/>
					<display value="Vaccinations"/>
				</event>
				<source>
					<endpoint value="urn:nhs:addressing:asid:200000000115"/>
				</source>
			</MessageHeader>
		</resource>
	</entry>
	<entry>
		<resource>
			<Patient>
				<id value="p1"/>
				<identifier>
					<system value="https://fhir.nhs.uk/Id/nhs-number"/>
					<value value="9990000018"/>
				</identifier>
				<name>
					<use value="official"/>
					<family value="ASHWORTH"/>
				</name>
				<birthDate value="2024-03-11"/>
			</Patient>
		</resource>
	</entry>
</Bundle>
`

// The same message in JSON, with members in an unusual order: the reader
// must not depend on resourceType or url coming first.
const minimalJSON = `{
	"type": "message",
	"entry": [
		{"resource": {
			"id": "h1",
			"extension": [
				{
					"extension": [
						{"valueIdentifier": {"value": "9990000018", "system": "https://fhir.nhs.uk/Id/nhs-number"}, "url": "nhsNumber"},
						{"url": "name", "valueHumanName": {"use": "official", "family": "ASHWORTH", "given": ["Amelia"]}},
						{"url": "birthDateTime", "valueDateTime": "2024-03-11T06:25:00+00:00"}
					],
					"url": "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-RoutingDemographics-1"
				},
				{
					"valueCodeableConcept": {"coding": [{"system": "https://fhir.nhs.uk/STU3/CodeSystem/MessageEventType-1", "code": "new"}]},
					"url": "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-MessageEventType-1"
				}
			],
			"event": {"system": "https://fhir.nhs.uk/STU3/CodeSystem/EventType-1", "code": "vaccinations-1", "display": "Vaccinations"},
			"source": {"endpoint": "urn:nhs:addressing:asid:200000000115"},
			"resourceType": "MessageHeader"
		}},
		{"resource": {
			"resourceType": "Patient",
			"id": "p1",
			"identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000018"}],
			"name": [{"use": "official", "family": "ASHWORTH"}],
			"birthDate": "2024-03-11"
		}}
	],
	"resourceType": "Bundle"
}`

func minimalFacts(format string) *Bundle {
	return &Bundle{
		Format:        format,
		ResourceType:  "Bundle",
		Type:          "message",
		Entries:       2,
		FirstResource: "MessageHeader",
		Header: &MessageHeader{
			EventSystem:            "https://fhir.nhs.uk/STU3/CodeSystem/EventType-1",
			EventCode:              "vaccinations-1",
			EventDisplay:           "Vaccinations",
			MessageEventType:       "new",
			MessageEventTypeURL:    MessageEventTypeURL,
			MessageEventTypeSystem: "https://fhir.nhs.uk/STU3/CodeSystem/MessageEventType-1",
			SourceEndpoint:         "urn:nhs:addressing:asid:200000000115",
		},
		NHSNumbers: []NHSNumber{
			{Value: "9990000018", System: NHSNumberSystem, Where: "MessageHeader routing demographics", Family: "ASHWORTH", BirthDate: "2024-03-11"},
			{Value: "9990000018", System: NHSNumberSystem, Where: "Patient p1 identifier", Family: "ASHWORTH", BirthDate: "2024-03-11"},
		},
	}
}

func TestReadMinimal(t *testing.T) {
	b, err := ReadXML([]byte(minimalXML))
	require.NoError(t, err)
	assert.Equal(t, minimalFacts(FormatXML), b)

	b, err = ReadJSON([]byte(minimalJSON))
	require.NoError(t, err)
	assert.Equal(t, minimalFacts(FormatJSON), b)
}

func TestRead(t *testing.T) {
	tests := []struct {
		format string
		body   string
		want   string // expected Format, "" for an error
	}{
		{"xml", minimalXML, FormatXML},
		{"XML", minimalXML, FormatXML},
		{" json ", minimalJSON, FormatJSON},
		{"JSON", minimalJSON, FormatJSON},
		{"yaml", minimalJSON, ""},
		{"", minimalXML, ""},
		{"json", minimalXML, ""}, // an XML body declared as JSON is malformed JSON
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			b, err := Read([]byte(tt.body), tt.format)
			if tt.want == "" {
				assert.Error(t, err)
				assert.Nil(t, b)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, b.Format)
		})
	}
}

// Errors mean "not well-formed in this format".
func TestReadXMLErrors(t *testing.T) {
	deep := strings.Repeat("<a>", 100_000) + strings.Repeat("</a>", 100_000)
	tests := []struct {
		name string
		body string
		want []string // substrings of the error message
	}{
		{"empty", "", []string{"XML", "no root element"}},
		{"white space only", " \n\t ", []string{"no root element"}},
		{"unclosed root", bundleOpen + `<type value="message"/>`, []string{"XML", "unexpected EOF"}},
		{"mismatched end tag", bundleOpen + "\n<type value=\"message\">\n" + bundleClose, []string{"XML, line 3", "type"}},
		{"bad attribute syntax", bundleOpen + `<type value=message/>` + bundleClose, []string{"XML, line 1", "unquoted"}},
		{"undefined entity", bundleOpen + `<type value="&nbsp;"/>` + bundleClose, []string{"entity"}},
		{"no namespace", `<Bundle><type value="message"/></Bundle>`, []string{"root element <Bundle> has no namespace", Namespace}},
		{"wrong namespace", `<Bundle xmlns="http://hl7.org/fhir/STU3"/>`, []string{`namespace "http://hl7.org/fhir/STU3"`}},
		{"undeclared prefix", `<f:Bundle/>`, []string{`namespace "f"`}},
		{"DOCTYPE", `<?xml version="1.0"?>` + "\n" + `<!DOCTYPE Bundle>` + bundleOpen + bundleClose, []string{"XML, line 2", "DOCTYPE"}},
		{"entity declaration", `<!DOCTYPE Bundle [<!ENTITY nhs "9990000018">]>` + bundleOpen + `<type value="&nhs;"/>` + bundleClose, []string{"DOCTYPE"}},
		{"entity expansion bomb", `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>` + bundleOpen + `&lol2;` + bundleClose, []string{"DOCTYPE"}},
		{"ISO-8859-1", `<?xml version="1.0" encoding="ISO-8859-1"?>` + bundleOpen + bundleClose, []string{`encoding "ISO-8859-1" is not supported`, "UTF-8"}},
		{"UTF-16 declared", `<?xml version="1.0" encoding="UTF-16"?>` + bundleOpen + bundleClose, []string{`encoding "UTF-16"`}},
		{"invalid UTF-8", bundleOpen + "\n<type value=\"mess\xe9ge\"/>" + bundleClose, []string{"XML, line 2", "invalid UTF-8", "0xE9"}},
		{"UTF-16 bytes", "\xff\xfe<\x00B\x00", []string{"invalid UTF-8"}},
		{"deep nesting", bundleOpen + deep + bundleClose, []string{"nested deeper than 256"}},
		{"trailing text", bundleOpen + bundleClose + "\ngarbage", []string{"text after the end of the root element"}},
		{"second root", bundleOpen + bundleClose + bundleOpen + bundleClose, []string{"element <Bundle> after the end of the root element"}},
		{"text before root", "junk" + bundleOpen + bundleClose, []string{"text before the root element"}},
		{"late XML declaration", bundleOpen + `<?xml version="1.0"?>` + bundleClose, []string{"XML declaration must come first"}},
		{"XML 1.1", `<?xml version="1.1"?>` + bundleOpen + bundleClose, []string{"version"}},
		{"duplicate attribute", bundleOpen + `<type value="message" value="collection"/>` + bundleClose, []string{`element <type> repeats attribute "value"`}},
		{"JSON body", minimalJSON, []string{"XML"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			b, err := ReadXML([]byte(tt.body))
			require.Error(t, err)
			assert.Nil(t, b)
			assert.Less(t, time.Since(start), 2*time.Second)
			var pe *ParseError
			require.True(t, errors.As(err, &pe), "error %T", err)
			assert.Equal(t, FormatXML, pe.Format)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Less(t, len(err.Error()), 200, "error messages stay short")
		})
	}
}

func TestReadJSONErrors(t *testing.T) {
	deepArrays := `{"resourceType":"Bundle","x":` + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + `}`
	deepObjects := `{"resourceType":"Bundle","x":` + strings.Repeat(`{"a":`, 100_000) + `1` + strings.Repeat("}", 100_000) + `}`
	var manyKeys strings.Builder
	manyKeys.WriteString(`{"resourceType":"Bundle"`)
	for i := 0; i < 40; i++ {
		manyKeys.WriteString(`,"k` + strings.Repeat("x", i) + `":1`)
	}
	manyKeys.WriteString(`,"kxxx":2}`)

	tests := []struct {
		name string
		body string
		want []string
	}{
		{"empty", "", []string{"JSON", "empty body"}},
		{"white space only", "  \n ", []string{"empty body"}},
		{"array", `[{"resourceType":"Bundle"}]`, []string{"the top-level value is an array; FHIR JSON must be an object"}},
		{"string", `"Bundle"`, []string{"the top-level value is a string"}},
		{"null", `null`, []string{"the top-level value is null"}},
		{"no resourceType", `{"type":"message"}`, []string{"the top-level object has no resourceType"}},
		{"resourceType not a string", `{"resourceType":["Bundle"]}`, []string{"resourceType is an array; it must be a string"}},
		{"empty resourceType", `{"resourceType":""}`, []string{"resourceType is empty"}},
		{"entry resource without resourceType", `{"resourceType":"Bundle","entry":[{"resource":{"id":"x"}}]}`, []string{`the "resource" object has no resourceType`}},
		{"trailing comma", `{"resourceType":"Bundle",}`, []string{"JSON, line 1", "invalid character"}},
		{"syntax error on line 3", "{\n\"resourceType\": \"Bundle\",\n\"type\" \"message\"}", []string{"JSON, line 3", "after object key"}},
		{"truncated", `{"resourceType":"Bundle","entry":[`, []string{"unexpected end of input"}},
		{"duplicate key", `{"resourceType":"Bundle","type":"message","type":"collection"}`, []string{`duplicate key "type"`, "byte 42"}},
		{"duplicate key in nested object", `{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"a","id":"b"}}]}`, []string{`duplicate key "id"`}},
		{"duplicate resourceType", `{"resourceType":"Bundle","resourceType":"Patient"}`, []string{`duplicate key "resourceType"`}},
		{"duplicate key among many", manyKeys.String(), []string{`duplicate key "kxxx"`}},
		{"duplicate key by escape", `{"resourceType":"Bundle","type":"a","typ\u0065":"b"}`, []string{`duplicate key "type"`}},
		{"invalid UTF-8", "{\"resourceType\":\"Bundle\",\n\"type\":\"mess\xe9ge\"}", []string{"JSON, line 2", "invalid UTF-8"}},
		{"deep arrays", deepArrays, []string{"nested deeper than 256"}},
		{"deep objects", deepObjects, []string{"nested deeper than 256"}},
		{"trailing garbage", `{"resourceType":"Bundle"} garbage`, []string{"data after the top-level object", "byte 26"}},
		{"second object", `{"resourceType":"Bundle"}{"resourceType":"Bundle"}`, []string{"an object after the top-level object"}},
		{"XML body", minimalXML, []string{"JSON, line 1", "invalid character '<'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			b, err := ReadJSON([]byte(tt.body))
			require.Error(t, err)
			assert.Nil(t, b)
			assert.Less(t, time.Since(start), 2*time.Second)
			var pe *ParseError
			require.True(t, errors.As(err, &pe), "error %T", err)
			assert.Equal(t, FormatJSON, pe.Format)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Less(t, len(err.Error()), 200, "error messages stay short")
		})
	}
}

func TestParseErrorText(t *testing.T) {
	assert.Equal(t, "XML, line 3 (byte 40): boom", (&ParseError{Format: "xml", Line: 3, Offset: 40, Msg: "boom"}).Error())
	assert.Equal(t, "XML, line 3: boom", (&ParseError{Format: "xml", Line: 3, Offset: -1, Msg: "boom"}).Error())
	assert.Equal(t, "JSON, byte 7: boom", (&ParseError{Format: "json", Offset: 7, Msg: "boom"}).Error())
	assert.Equal(t, "JSON: boom", (&ParseError{Format: "json", Offset: -1, Msg: "boom"}).Error())
}

// Semantic problems are not errors: the facts are reported for the rules to
// judge.
func TestReadSemanticProblemsAreNotErrors(t *testing.T) {
	tests := []struct {
		name  string
		xml   string
		json  string
		check func(t *testing.T, b *Bundle)
	}{
		{
			name: "collection bundle",
			xml:  bundleOpen + `<type value="collection"/>` + bundleClose,
			json: `{"resourceType":"Bundle","type":"collection"}`,
			check: func(t *testing.T, b *Bundle) {
				assert.Equal(t, "collection", b.Type)
				assert.Zero(t, b.Entries)
				assert.Empty(t, b.FirstResource)
				assert.Nil(t, b.Header)
			},
		},
		{
			name: "zero entries",
			xml:  bundleOpen + `<type value="message"/>` + bundleClose,
			json: `{"resourceType":"Bundle","type":"message","entry":[]}`,
			check: func(t *testing.T, b *Bundle) {
				assert.Equal(t, "message", b.Type)
				assert.Zero(t, b.Entries)
				assert.Empty(t, b.FirstResource)
				assert.Nil(t, b.Header)
				assert.Empty(t, b.NHSNumbers)
			},
		},
		{
			name: "first entry not a MessageHeader",
			xml: bundleOpen + `<type value="message"/>` +
				`<entry><resource><Patient><id value="p"/></Patient></resource></entry>` +
				`<entry><resource><MessageHeader><event><code value="vaccinations-1"/></event></MessageHeader></resource></entry>` + bundleClose,
			json: `{"resourceType":"Bundle","type":"message","entry":[
				{"resource":{"resourceType":"Patient","id":"p"}},
				{"resource":{"resourceType":"MessageHeader","event":{"code":"vaccinations-1"}}}]}`,
			check: func(t *testing.T, b *Bundle) {
				assert.Equal(t, 2, b.Entries)
				assert.Equal(t, "Patient", b.FirstResource)
				assert.Nil(t, b.Header, "the header is read only from the first entry")
			},
		},
		{
			name: "MessageHeader without event or extension",
			xml:  bundleOpen + `<type value="message"/><entry><resource><MessageHeader><id value="h"/></MessageHeader></resource></entry>` + bundleClose,
			json: `{"resourceType":"Bundle","type":"message","entry":[{"resource":{"resourceType":"MessageHeader","id":"h"}}]}`,
			check: func(t *testing.T, b *Bundle) {
				require.NotNil(t, b.Header)
				assert.Equal(t, MessageHeader{}, *b.Header)
			},
		},
		{
			name: "entry without resource, and an unknown resource",
			xml: bundleOpen + `<entry><fullUrl value="urn:uuid:1"/></entry>` +
				`<entry><resource><Frobnicator><flavour value="mint"/></Frobnicator></resource></entry>` + bundleClose,
			json: `{"resourceType":"Bundle","entry":[{"fullUrl":"urn:uuid:1"},{"resource":{"resourceType":"Frobnicator","flavour":"mint"}}]}`,
			check: func(t *testing.T, b *Bundle) {
				assert.Equal(t, 2, b.Entries)
				assert.Empty(t, b.FirstResource)
			},
		},
		{
			name: "a root other than Bundle",
			xml:  `<Patient xmlns="http://hl7.org/fhir"><id value="p"/><identifier><system value="https://fhir.nhs.uk/Id/nhs-number"/><value value="9990000018"/></identifier></Patient>`,
			json: `{"resourceType":"Patient","id":"p","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990000018"}]}`,
			check: func(t *testing.T, b *Bundle) {
				assert.Equal(t, "Patient", b.ResourceType)
				assert.Empty(t, b.Type)
				assert.Equal(t, []NHSNumber{{Value: "9990000018", System: NHSNumberSystem, Where: "Patient p identifier"}}, b.NHSNumbers)
			},
		},
		{
			name: "2019 message event type and legacy NHS number system",
			xml: bundleOpen + `<type value="message"/><entry><resource><MessageHeader>` +
				`<extension url="https://fhir.nhs.uk/STU3/StructureDefinition/Extension-EMS-MessageEventType-1"><valueCodeableConcept><coding>` +
				`<system value="https://fhir.nhs.uk/STU3/CodeSystem/EMS-MessageEventType-1"/><code value="update"/></coding></valueCodeableConcept></extension>` +
				`<event><system value="https://fhir.nhs.uk/STU3/CodeSystem/EMS-EventType-1"/><code value="PDS002"/></event>` +
				`<source><endpoint value="urn:nhs-uk:addressing:ods:RX3EP"/></source>` +
				`</MessageHeader></resource></entry><entry><resource><Patient><identifier><system value="http://fhir.nhs.net/Id/nhs-number"/><value value="9990000050"/></identifier></Patient></resource></entry>` + bundleClose,
			json: `{"resourceType":"Bundle","type":"message","entry":[{"resource":{"resourceType":"MessageHeader",
				"extension":[{"url":"https://fhir.nhs.uk/STU3/StructureDefinition/Extension-EMS-MessageEventType-1","valueCodeableConcept":{"coding":[
					{"system":"https://fhir.nhs.uk/STU3/CodeSystem/EMS-MessageEventType-1","code":"update"}]}}],
				"event":{"system":"https://fhir.nhs.uk/STU3/CodeSystem/EMS-EventType-1","code":"PDS002"},
				"source":{"endpoint":"urn:nhs-uk:addressing:ods:RX3EP"}}},
				{"resource":{"resourceType":"Patient","identifier":[{"system":"http://fhir.nhs.net/Id/nhs-number","value":"9990000050"}]}}]}`,
			check: func(t *testing.T, b *Bundle) {
				assert.Equal(t, &MessageHeader{
					EventSystem:            "https://fhir.nhs.uk/STU3/CodeSystem/EMS-EventType-1",
					EventCode:              "PDS002",
					MessageEventType:       "update",
					MessageEventTypeURL:    MessageEventTypeURL2019,
					MessageEventTypeSystem: "https://fhir.nhs.uk/STU3/CodeSystem/EMS-MessageEventType-1",
					SourceEndpoint:         "urn:nhs-uk:addressing:ods:RX3EP",
				}, b.Header)
				assert.Equal(t, []NHSNumber{{Value: "9990000050", System: LegacyNHSNumberSystem, Where: "Patient identifier"}}, b.NHSNumbers)
			},
		},
		{
			name: "NHS numbers outside Patient and routing demographics have no demographics",
			xml: bundleOpen +
				`<entry><resource><RelatedPerson><id value="r"/><identifier><system value="https://fhir.nhs.uk/Id/nhs-number"/><value value="9990000093"/></identifier>` +
				`<name><family value="CHOWDHURY"/></name><birthDate value="1990-01-01"/></RelatedPerson></resource></entry>` +
				`<entry><resource><Encounter><id value="e"/><subject><identifier><system value="https://fhir.nhs.uk/Id/nhs-number"/><value value="9990000123"/></identifier></subject></Encounter></resource></entry>` +
				`<entry><resource><Patient><id value="p"/><link><other><identifier><system value="https://fhir.nhs.uk/Id/nhs-number"/><value value="9990000166"/></identifier></other></link>` +
				`<extension url="urn:x"><valueIdentifier><system value="https://fhir.nhs.uk/Id/nhs-number"/><value value="9990000204"/></valueIdentifier></extension>` +
				`<name><family value="EVANS"/></name><birthDate value="2021-01-08"/></Patient></resource></entry>` + bundleClose,
			json: `{"resourceType":"Bundle","entry":[
				{"resource":{"resourceType":"RelatedPerson","id":"r","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990000093"}],
					"name":[{"family":"CHOWDHURY"}],"birthDate":"1990-01-01"}},
				{"resource":{"resourceType":"Encounter","id":"e","subject":{"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990000123"}}}},
				{"resource":{"resourceType":"Patient","id":"p","link":[{"other":{"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990000166"}}}],
					"extension":[{"url":"urn:x","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990000204"}}],
					"name":[{"family":"EVANS"}],"birthDate":"2021-01-08"}}]}`,
			check: func(t *testing.T, b *Bundle) {
				assert.Equal(t, []NHSNumber{
					{Value: "9990000093", System: NHSNumberSystem, Where: "RelatedPerson r identifier"},
					{Value: "9990000123", System: NHSNumberSystem, Where: "Encounter e subject.identifier"},
					{Value: "9990000166", System: NHSNumberSystem, Where: "Patient p link.other.identifier"},
					{Value: "9990000204", System: NHSNumberSystem, Where: "Patient p extension.valueIdentifier"},
				}, b.NHSNumbers)
			},
		},
		{
			name: "official name preferred, birthTime refines birthDate",
			xml: bundleOpen + `<entry><resource><Patient><id value="p"/>` +
				`<identifier><system value="https://fhir.nhs.uk/Id/nhs-number"/><value value="9990000018"/></identifier>` +
				`<name><use value="usual"/><family value="SMITH"/></name><name><use value="official"/><family value="ASHWORTH"/></name>` +
				`<birthDate value="2024-03-10"><extension url="http://hl7.org/fhir/StructureDefinition/patient-birthTime"><valueDateTime value="2024-03-11T00:10:00+00:00"/></extension></birthDate>` +
				`</Patient></resource></entry>` + bundleClose,
			json: `{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"p",
				"_birthDate":{"extension":[{"valueDateTime":"2024-03-11T00:10:00+00:00","url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime"}]},
				"identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990000018"}],
				"name":[{"use":"usual","family":"SMITH"},{"use":"official","family":"ASHWORTH"}],
				"birthDate":"2024-03-10"}}]}`,
			check: func(t *testing.T, b *Bundle) {
				assert.Equal(t, []NHSNumber{{Value: "9990000018", System: NHSNumberSystem, Where: "Patient p identifier", Family: "ASHWORTH", BirthDate: "2024-03-11"}}, b.NHSNumbers)
			},
		},
		{
			name: "first name when none is official; identifier without value",
			xml: bundleOpen + `<entry><resource><Patient>` +
				`<identifier><system value="https://fhir.nhs.uk/Id/nhs-number"/></identifier>` +
				`<name><family value="FIRST"/></name><name><use value="usual"/><family value="SECOND"/></name><birthDate value="2020-02-29"/>` +
				`</Patient></resource></entry>` + bundleClose,
			json: `{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient",
				"identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number"}],
				"name":[{"family":"FIRST"},{"use":"usual","family":"SECOND"}],"birthDate":"2020-02-29"}}]}`,
			check: func(t *testing.T, b *Bundle) {
				assert.Equal(t, []NHSNumber{{System: NHSNumberSystem, Where: "Patient identifier", Family: "FIRST", BirthDate: "2020-02-29"}}, b.NHSNumbers)
			},
		},
		{
			name: "routing demographics without name or birth date; other systems ignored",
			xml: bundleOpen + `<entry><resource><MessageHeader>` +
				`<extension url="https://fhir.nhs.uk/STU3/StructureDefinition/Extension-RoutingDemographics-1"><extension url="nhsNumber"><valueIdentifier>` +
				`<system value="https://fhir.nhs.uk/Id/nhs-number"/><value value="9990000018"/></valueIdentifier></extension></extension>` +
				`<extension url="urn:other"><extension url="nhsNumber"><valueIdentifier><system value="https://fhir.nhs.uk/Id/ods-organization-code"/><value value="RX3EP"/></valueIdentifier></extension></extension>` +
				`</MessageHeader></resource></entry>` + bundleClose,
			json: `{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"MessageHeader","extension":[
				{"url":"https://fhir.nhs.uk/STU3/StructureDefinition/Extension-RoutingDemographics-1","extension":[{"url":"nhsNumber","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990000018"}}]},
				{"url":"urn:other","extension":[{"url":"nhsNumber","valueIdentifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"RX3EP"}}]}]}}]}`,
			check: func(t *testing.T, b *Bundle) {
				assert.Equal(t, []NHSNumber{{Value: "9990000018", System: NHSNumberSystem, Where: "MessageHeader routing demographics"}}, b.NHSNumbers)
			},
		},
		{
			name: "contained Patient",
			xml: bundleOpen + `<entry><resource><Encounter><id value="e"/><contained><Patient><id value="cp"/>` +
				`<identifier><system value="https://fhir.nhs.uk/Id/nhs-number"/><value value="9990000050"/></identifier>` +
				`<name><family value="BRENNAN"/></name><birthDate value="2024-05-02"/></Patient></contained></Encounter></resource></entry>` + bundleClose,
			json: `{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Encounter","id":"e","contained":[{"resourceType":"Patient","id":"cp",
				"identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990000050"}],"name":[{"family":"BRENNAN"}],"birthDate":"2024-05-02"}]}}]}`,
			check: func(t *testing.T, b *Bundle) {
				assert.Equal(t, "Encounter", b.FirstResource)
				assert.Equal(t, []NHSNumber{{Value: "9990000050", System: NHSNumberSystem, Where: "Patient cp identifier", Family: "BRENNAN", BirthDate: "2024-05-02"}}, b.NHSNumbers)
			},
		},
		{
			name: "ITK3 wrapper header",
			xml: bundleOpen + `<meta><profile value="https://fhir.nhs.uk/STU3/StructureDefinition/ITK-Message-Bundle-1"/></meta><type value="message"/>` +
				`<entry><resource><MessageHeader><extension url="https://fhir.nhs.uk/STU3/StructureDefinition/Extension-ITK-MessageHandling-2"/>` +
				`<event><code value="ITK011M"/></event></MessageHeader></resource></entry>` + bundleClose,
			json: `{"resourceType":"Bundle","meta":{"profile":["https://fhir.nhs.uk/STU3/StructureDefinition/ITK-Message-Bundle-1"]},"type":"message",
				"entry":[{"resource":{"resourceType":"MessageHeader","extension":[{"url":"https://fhir.nhs.uk/STU3/StructureDefinition/Extension-ITK-MessageHandling-2"}],
				"event":{"code":"ITK011M"}}}]}`,
			check: func(t *testing.T, b *Bundle) {
				assert.True(t, b.ITKWrapper)
				assert.Equal(t, "ITK011M", b.Header.EventCode)
			},
		},
		{
			name: "ITK3 event code alone",
			xml:  bundleOpen + `<entry><resource><MessageHeader><event><code value="ITK011M"/></event></MessageHeader></resource></entry>` + bundleClose,
			json: `{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"MessageHeader","event":{"code":"ITK011M"}}}]}`,
			check: func(t *testing.T, b *Bundle) {
				assert.True(t, b.ITKWrapper)
			},
		},
		{
			name: "booleans, numbers and null where FHIR has them",
			xml:  bundleOpen + `<entry><resource><Patient><identifier><system value="https://fhir.nhs.uk/Id/nhs-number"/><value value="9990000018"/></identifier><active value="true"/></Patient></resource></entry>` + bundleClose,
			json: `{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990000018"}],"active":true,"deceasedBoolean":null,"multipleBirthInteger":2}}]}`,
			check: func(t *testing.T, b *Bundle) {
				require.Len(t, b.NHSNumbers, 1)
				assert.Equal(t, "9990000018", b.NHSNumbers[0].Value)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := ReadXML([]byte(tt.xml))
			require.NoError(t, err, "XML")
			require.NotNil(t, x)
			assert.Equal(t, FormatXML, x.Format)
			tt.check(t, x)

			j, err := ReadJSON([]byte(tt.json))
			require.NoError(t, err, "JSON")
			require.NotNil(t, j)
			assert.Equal(t, FormatJSON, j.Format)
			tt.check(t, j)

			j.Format = x.Format
			assert.Equal(t, x, j, "XML and JSON give the same facts")
		})
	}
}

func TestReadXMLSpecifics(t *testing.T) {
	t.Run("ITK wrapper root", func(t *testing.T) {
		b, err := ReadXML([]byte(`<?xml version="1.0"?><DistributionEnvelope xmlns="urn:nhs-itk:ns:201005"><header/>` +
			`<payloads><payload>` + bundleOpen + `<type value="message"/>` + bundleClose + `</payload></payloads></DistributionEnvelope>`))
		require.NoError(t, err)
		assert.Equal(t, &Bundle{Format: FormatXML, ResourceType: "DistributionEnvelope", ITKWrapper: true}, b)
	})
	t.Run("ITK wrapper root must still be well-formed", func(t *testing.T) {
		_, err := ReadXML([]byte(`<DistributionEnvelope xmlns="urn:nhs-itk:ns:201005"><header></DistributionEnvelope>`))
		assert.Error(t, err)
	})
	t.Run("namespace prefix, byte order mark, CDATA, comments, processing instructions", func(t *testing.T) {
		body := "\xEF\xBB\xBF<?xml version='1.0' encoding='utf-8'?>\n<!-- leading comment -->\n<?xml-stylesheet href='x'?>\n" +
			`<f:Bundle xmlns:f="http://hl7.org/fhir"><f:type value="message"/><![CDATA[ ignored ]]>` +
			`<f:entry><f:resource><f:Patient><f:id value="p"/><f:identifier><f:system value="https://fhir.nhs.uk/Id/nhs-number"/><f:value value="9990000018"/></f:identifier></f:Patient></f:resource></f:entry>` +
			"</f:Bundle>\n<!-- trailing comment -->\n"
		b, err := ReadXML([]byte(body))
		require.NoError(t, err)
		assert.Equal(t, "message", b.Type)
		assert.Equal(t, "Patient", b.FirstResource)
		assert.Equal(t, []NHSNumber{{Value: "9990000018", System: NHSNumberSystem, Where: "Patient p identifier"}}, b.NHSNumbers)
	})
	t.Run("narrative and foreign elements carry no facts", func(t *testing.T) {
		body := bundleOpen + `<entry><resource><Patient><id value="p"/><text><status value="generated"/>` +
			`<div xmlns="http://www.w3.org/1999/xhtml"><p><b>NHS number</b></p><identifier><system value="https://fhir.nhs.uk/Id/nhs-number"/><value value="1"/></identifier></div></text>` +
			`<x:identifier xmlns:x="urn:elsewhere"><x:system value="https://fhir.nhs.uk/Id/nhs-number"/><x:value value="2"/></x:identifier>` +
			`</Patient></resource></entry>` + bundleClose
		b, err := ReadXML([]byte(body))
		require.NoError(t, err)
		assert.Empty(t, b.NHSNumbers)
	})
	t.Run("error position counts the byte order mark", func(t *testing.T) {
		_, err := ReadXML([]byte("\xEF\xBB\xBF" + bundleOpen + "\xff" + bundleClose))
		var pe *ParseError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, int64(3+len(bundleOpen)), pe.Offset)
	})
}

func TestReadJSONSpecifics(t *testing.T) {
	t.Run("byte order mark", func(t *testing.T) {
		b, err := ReadJSON([]byte("\xEF\xBB\xBF" + `{"resourceType":"Bundle","type":"message"}`))
		require.NoError(t, err)
		assert.Equal(t, "message", b.Type)
	})
	t.Run("resourceType elsewhere is ignored", func(t *testing.T) {
		b, err := ReadJSON([]byte(`{"resourceType":"Bundle","meta":{"resourceType":7},"entry":[{"resource":{"resourceType":"Patient"}}]}`))
		require.NoError(t, err)
		assert.Equal(t, "Patient", b.FirstResource)
	})
	t.Run("an element called resource need not be a resource", func(t *testing.T) {
		b, err := ReadJSON([]byte(`{"resourceType":"CapabilityStatement","rest":[{"resource":[{"type":"Patient"}]}]}`))
		require.NoError(t, err)
		assert.Equal(t, "CapabilityStatement", b.ResourceType)
		_, err = ReadJSON([]byte(`{"resourceType":"Observation","contained":[{"id":"x"}]}`))
		assert.ErrorContains(t, err, `the "contained" object has no resourceType`)
	})
	t.Run("same key in different objects is fine", func(t *testing.T) {
		_, err := ReadJSON([]byte(`{"resourceType":"Bundle","a":{"id":"1","b":{"id":"2"}},"id":"3"}`))
		assert.NoError(t, err)
	})
	t.Run("nesting at the limit is accepted", func(t *testing.T) {
		body := `{"resourceType":"Bundle","x":` + strings.Repeat("[", MaxDepth-1) + strings.Repeat("]", MaxDepth-1) + `}`
		_, err := ReadJSON([]byte(body))
		assert.NoError(t, err)
		body = `{"resourceType":"Bundle","x":` + strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth) + `}`
		_, err = ReadJSON([]byte(body))
		assert.ErrorContains(t, err, "nested deeper")
	})
	t.Run("XML nesting at the limit is accepted", func(t *testing.T) {
		body := bundleOpen + strings.Repeat("<a>", MaxDepth-1) + strings.Repeat("</a>", MaxDepth-1) + bundleClose
		_, err := ReadXML([]byte(body))
		assert.NoError(t, err)
		body = bundleOpen + strings.Repeat("<a>", MaxDepth) + strings.Repeat("</a>", MaxDepth) + bundleClose
		_, err = ReadXML([]byte(body))
		assert.ErrorContains(t, err, "nested deeper")
	})
}

func TestLineAt(t *testing.T) {
	b := []byte("a\nb\nc")
	assert.Equal(t, 1, lineAt(b, 0))
	assert.Equal(t, 2, lineAt(b, 2))
	assert.Equal(t, 3, lineAt(b, 4))
	assert.Equal(t, 3, lineAt(b, 100))
	assert.Equal(t, 1, lineAt(b, -1))
}

func TestDatePart(t *testing.T) {
	assert.Equal(t, "2017-10-02", datePart("2017-10-02T12:00:00+00:00"))
	assert.Equal(t, "2017-10-02", datePart("2017-10-02"))
	assert.Equal(t, "2017", datePart("2017"))
	assert.Equal(t, "", datePart(""))
}

func TestShortText(t *testing.T) {
	assert.Equal(t, "abc", shortText("abc"))
	long := strings.Repeat("é", 100)
	s := shortText(long)
	assert.True(t, strings.HasSuffix(s, "…"))
	assert.LessOrEqual(t, len(s), 64)
	assert.True(t, bytes.Equal([]byte(s[:len(s)-len("…")]), []byte(strings.Repeat("é", 30))))
}

// TestJSONPrimitiveTypes: FHIR JSON writes string, code, uri, id, date and
// dateTime values as JSON strings. Where the readers take such a value as a
// fact, a JSON number or boolean is not well-formed FHIR JSON, and the
// error names the element's path; numbers and booleans where FHIR has them
// (Quantity.value, Patient.active) are read as before.
func TestJSONPrimitiveTypes(t *testing.T) {
	patient := func(members string) string {
		return `{"resourceType":"Bundle","type":"message","entry":[{"resource":{"resourceType":"MessageHeader","event":{"system":"https://fhir.nhs.uk/STU3/CodeSystem/EventType-1","code":"vaccinations-1"}}},` +
			`{"resource":{"resourceType":"Patient",` + members + `}}]}`
	}
	nhs := `"identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990000018"}]`
	tests := []struct {
		name string
		body string
		err  string // "" when the body is well-formed
	}{
		{"identifier value as a number", patient(`"identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":9990000018}]`),
			"Bundle.entry[1].resource.identifier.value is a number (9990000018); FHIR requires a string there"},
		{"identifier system as a boolean", patient(`"identifier":[{"system":true,"value":"9990000018"}]`),
			"Bundle.entry[1].resource.identifier.system is a boolean (true)"},
		{"birth date as a number", patient(nhs + `,"birthDate":20210108`),
			"Bundle.entry[1].resource.birthDate is a number (20210108)"},
		{"family name as a number", patient(nhs + `,"name":[{"family":7}]`),
			"Bundle.entry[1].resource.name.family is a number (7)"},
		{"event code as a number", `{"resourceType":"Bundle","type":"message","entry":[{"resource":{"resourceType":"MessageHeader","event":{"system":"https://fhir.nhs.uk/STU3/CodeSystem/EventType-1","code":1}}}]}`,
			"Bundle.entry[0].resource.event.code is a number (1)"},
		{"Bundle.type as a boolean", `{"resourceType":"Bundle","type":false}`,
			"Bundle.type is a boolean (false)"},
		{"routing birthDateTime as a number", `{"resourceType":"Bundle","type":"message","entry":[{"resource":{"resourceType":"MessageHeader","extension":[{"url":"https://fhir.nhs.uk/STU3/StructureDefinition/Extension-RoutingDemographics-1","extension":[{"url":"birthDateTime","valueDateTime":2021}]}]}}]}`,
			"Bundle.entry[0].resource.extension.extension.valueDateTime is a number (2021)"},
		{"extension url as a number", patient(nhs + `,"extension":[{"url":5}]`),
			"Bundle.entry[1].resource.extension.url is a number (5)"},
		{"an identifier value of another system may be a number", patient(`"identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990000018"},{"system":"https://example.org/id","value":12}]`), ""},
		{"Quantity.value is a number", patient(nhs + `,"extension":[{"url":"https://example.org/x","valueQuantity":{"value":0.5,"unit":"ml"}}]`), ""},
		{"booleans and integers where FHIR has them", patient(nhs + `,"active":true,"multipleBirthInteger":2`), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ReadJSON(tt.body)
			_, _, docErr := ReadDoc(tt.body, FormatJSON)
			if tt.err == "" {
				require.NoError(t, err)
				require.NotNil(t, b)
				require.NoError(t, docErr)
				return
			}
			require.Error(t, docErr, "ReadDoc checks the same")
			assert.Contains(t, docErr.Error(), tt.err)
			require.Error(t, err)
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Contains(t, err.Error(), tt.err)
			require.Positive(t, pe.Offset)
			assert.Contains(t, "-0123456789tf", tt.body[pe.Offset:pe.Offset+1], "the offset is the value's")
		})
	}
}
