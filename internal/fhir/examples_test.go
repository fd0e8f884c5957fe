package fhir

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/internal/nhsnumber"
)

// The specification's example messages live beside the project, not in it.
const specExamplesDir = "../../../shared/nems/examples"

// The project's own example bundles and PDS.
const (
	fixtureBundlesDir = "../../fixtures/bundles"
	fixturePDSFile    = "../../fixtures/pds.json"
)

const (
	asidSpec = "urn:nhs:addressing:asid:300000000161"
	asidPDS  = "urn:nhs:addressing:asid:477121000323"
)

func routing(value, family, birth string) NHSNumber {
	return NHSNumber{Value: value, System: NHSNumberSystem, Where: "MessageHeader routing demographics", Family: family, BirthDate: birth}
}

func patientID(value, id, family, birth string) NHSNumber {
	return NHSNumber{Value: value, System: NHSNumberSystem, Where: "Patient " + id + " identifier", Family: family, BirthDate: birth}
}

// Jack Dawkins, the patient of most specification examples.
var (
	jackRouting = routing("9912003888", "DAWKINS", "2017-10-02")
	jackPatient = patientID("9912003888", "5d5845f3-398f-474b-af59-14882fc7b0ca", "DAWKINS", "2017-10-02")
)

type specExample struct {
	file     string
	event    string
	msgType  string
	entries  int
	endpoint string
	nhs      []NHSNumber
}

// What each specification example holds, read independently of this
// package. Surprises are kept as they are: the blood spot, newborn hearing
// and NIPE "update" examples carry message event type "new" (their event
// pages forbid "update"); two NHS numbers fail Modulus 11 (6101231234,
// 1112223330); the change-of-address Patient's birth time (2019-10-02)
// disagrees with its routing demographics (2017-10-02); the birth
// notification without mother has no routing NHS number and names the baby
// BETA where PDS (and the fixtures) hold AZERA.
var specExamples = []specExample{
	{"BirthNotificationWithMother.xml", "pds-birth-notification-1", "new", 20, "urn:nhs:addressing:asid:477121000323", []NHSNumber{
		routing("1112223330", "DAWKINS", "1987-10-02"),
		patientID("1112223330", "70e10b4b-9296-4cc7-816f-97b6fa676a04", "DAWKINS", "1987-10-02"),
		patientID("9912003888", "dffd3330-dc21-11e7-9296-cec278b6b50a", "DAWKINS", "2017-10-02"),
	}},
	{"BirthNotificationWithoutMother.xml", "pds-birth-notification-1", "new", 16, "urn:nhs:addressing:asid:618729461037", []NHSNumber{
		patientID("5900005879", "086b6725-4b83-45db-9466-de5ed92e546e", "BETA", "2020-01-13"),
	}},
	{"PDS-Change-Of-Address-ems-example.xml", "pds-change-of-address-1", "new", 4, asidPDS, []NHSNumber{
		jackRouting, patientID("9912003888", "dffd3330-dc21-11e7-9296-cec278b6b50a", "DAWKINS", "2019-10-02"),
	}},
	{"PDS-Change-Of-GP-ems-example.xml", "pds-change-of-gp-1", "new", 7, asidPDS, []NHSNumber{
		jackRouting, patientID("9912003888", "dffd2ca0-dc21-11e7-9296-cec278b6b50a", "DAWKINS", "2017-10-02"),
	}},
	{"PDS-Death-Notification-formal-ems-example.xml", "pds-death-notification-1", "new", 5, asidPDS, []NHSNumber{
		jackRouting, patientID("6101231234", "4399b37e-d1ee-11e8-a8d5-f2801f1b9fd1", "JONES", ""),
	}},
	{"PDS-Death-Notification-informal-ems-example.xml", "pds-death-notification-1", "new", 5, asidPDS, []NHSNumber{
		jackRouting, patientID("6101231234", "7b0c7720-d1ed-11e8-a8d5-f2801f1b9fd1", "JONES", ""),
	}},
	{"PDS-Death-Notification-removed-ems-example.xml", "pds-death-notification-1", "new", 5, asidPDS, []NHSNumber{
		jackRouting, patientID("6101231234", "4399b37e-d1ee-11e8-a8d5-f2801f1b9fd1", "JONES", ""),
	}},
	{"PDS-Record-Change-Citizen.xml", "pds-record-change-1", "new", 3, asidPDS, []NHSNumber{
		jackRouting, patientID("9912003888", "7b0c7720-d1ed-11e8-a8d5-f2801f1b9fd1", "DAWKINS", "2017-10-02"),
	}},
	{"PDS-Record-Change.xml", "pds-record-change-1", "new", 3, asidPDS, []NHSNumber{
		jackRouting, patientID("9912003888", "7b0c7720-d1ed-11e8-a8d5-f2801f1b9fd1", "DAWKINS", "2017-10-02"),
	}},
	{"Professional-Contacts-1-delete.xml", "professional-contacts-1", "delete", 6, asidSpec, []NHSNumber{
		jackRouting, patientID("9912003888", "6e82624a-9b0a-11e8-9eb6-529269fb1459", "DAWKINS", "2017-10-02"),
	}},
	{"Professional-Contacts-1-new.xml", "professional-contacts-1", "new", 6, asidSpec, []NHSNumber{
		jackRouting, patientID("9912003888", "6e82624a-9b0a-11e8-9eb6-529269fb1459", "DAWKINS", "2017-10-02"),
	}},
	{"Professional-Contacts-1-update.xml", "professional-contacts-1", "update", 6, asidSpec, []NHSNumber{
		jackRouting, patientID("9912003888", "6e82624a-9b0a-11e8-9eb6-529269fb1459", "DAWKINS", "2017-10-02"),
	}},
	{"blood-spot-test-outcome-1-delete.xml", "blood-spot-test-outcome-1", "delete", 3, asidSpec, []NHSNumber{
		routing("9912003888", "", ""),
	}},
	{"blood-spot-test-outcome-1-new.xml", "blood-spot-test-outcome-1", "new", 18, asidSpec, []NHSNumber{jackRouting, jackPatient}},
	{"blood-spot-test-outcome-1-update.xml", "blood-spot-test-outcome-1", "new", 18, asidSpec, []NHSNumber{jackRouting, jackPatient}},
	{"newborn-hearing-1-delete.xml", "newborn-hearing-1", "delete", 3, asidSpec, []NHSNumber{jackRouting}},
	{"newborn-hearing-1-new.xml", "newborn-hearing-1", "new", 13, asidSpec, []NHSNumber{jackRouting, jackPatient}},
	{"newborn-hearing-1-update.xml", "newborn-hearing-1", "new", 13, asidSpec, []NHSNumber{jackRouting, jackPatient}},
	{"nipe-outcome-1-delete.xml", "nipe-outcome-1", "delete", 3, asidSpec, []NHSNumber{jackRouting}},
	{"nipe-outcome-1-new.xml", "nipe-outcome-1", "new", 13, asidSpec, []NHSNumber{jackRouting, jackPatient}},
	{"nipe-outcome-1-update.xml", "nipe-outcome-1", "new", 13, asidSpec, []NHSNumber{jackRouting, jackPatient}},
	{"vaccinations-1-delete.xml", "vaccinations-1", "delete", 9, asidSpec, []NHSNumber{jackRouting, jackPatient}},
	{"vaccinations-1-new.xml", "vaccinations-1", "new", 9, asidSpec, []NHSNumber{jackRouting, jackPatient}},
	{"vaccinations-1-notgiven-new.xml", "vaccinations-1", "new", 9, asidSpec, []NHSNumber{
		routing("9912003888", "DAWKINS", "2019-10-12"),
		patientID("9912003888", "5d5845f3-398f-474b-af59-14882fc7b0ca", "DAWKINS", "2019-10-12"),
	}},
	{"vaccinations-1-update.xml", "vaccinations-1", "update", 9, asidSpec, []NHSNumber{jackRouting, jackPatient}},
}

func specExamplesOrSkip(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(specExamplesDir); err != nil {
		t.Skipf("specification examples not available beside the project (%s): %v", specExamplesDir, err)
	}
}

func TestSpecificationExamples(t *testing.T) {
	specExamplesOrSkip(t)
	files, err := filepath.Glob(filepath.Join(specExamplesDir, "*.xml"))
	require.NoError(t, err)
	listed := map[string]bool{}
	for _, ex := range specExamples {
		listed[ex.file] = true
	}
	for _, f := range files {
		assert.True(t, listed[filepath.Base(f)], "example %s has no expectations in the table", filepath.Base(f))
	}

	for _, ex := range specExamples {
		t.Run(ex.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(specExamplesDir, ex.file))
			require.NoError(t, err)
			b, err := ReadXML(body)
			require.NoError(t, err)

			assert.Equal(t, FormatXML, b.Format)
			assert.Equal(t, "Bundle", b.ResourceType)
			assert.Equal(t, "message", b.Type)
			assert.Equal(t, ex.entries, b.Entries)
			assert.Equal(t, "MessageHeader", b.FirstResource)
			assert.False(t, b.ITKWrapper)
			require.NotNil(t, b.Header)
			assert.Equal(t, "https://fhir.nhs.uk/STU3/CodeSystem/EventType-1", b.Header.EventSystem)
			assert.Equal(t, ex.event, b.Header.EventCode)
			assert.NotEmpty(t, b.Header.EventDisplay)
			assert.Equal(t, ex.msgType, b.Header.MessageEventType)
			assert.Equal(t, MessageEventTypeURL, b.Header.MessageEventTypeURL)
			assert.Equal(t, "https://fhir.nhs.uk/STU3/CodeSystem/MessageEventType-1", b.Header.MessageEventTypeSystem)
			assert.Equal(t, ex.endpoint, b.Header.SourceEndpoint)
			assert.Equal(t, ex.nhs, b.NHSNumbers)
		})
	}
}

// The specification's examples, turned into FHIR JSON, give the facts their
// XML gives.
func TestSpecificationExamplesAsJSON(t *testing.T) {
	specExamplesOrSkip(t)
	for _, ex := range specExamples {
		t.Run(ex.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(specExamplesDir, ex.file))
			require.NoError(t, err)
			x, err := ReadXML(body)
			require.NoError(t, err)
			j, err := ReadJSON(xmlToJSON(t, body))
			require.NoError(t, err)
			assert.Equal(t, FormatJSON, j.Format)
			j.Format = x.Format
			assert.Equal(t, x, j)
		})
	}
}

type pdsPatient struct {
	NHSNumber string   `json:"nhsNumber"`
	Family    string   `json:"family"`
	Given     []string `json:"given"`
	BirthDate string   `json:"birthDate"`
	Flags     []string `json:"flags"`
}

func loadPDS(t *testing.T) map[string]pdsPatient {
	t.Helper()
	raw, err := os.ReadFile(fixturePDSFile)
	require.NoError(t, err)
	var doc struct {
		Patients []pdsPatient `json:"patients"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	byNumber := map[string]pdsPatient{}
	for _, p := range doc.Patients {
		byNumber[p.NHSNumber] = p
	}
	return byNumber
}

var (
	fixtureEvents  = []string{"blood-spot-test-outcome-1", "newborn-hearing-1", "nipe-outcome-1", "professional-contacts-1", "vaccinations-1"}
	fixtureActions = []string{"new", "update", "delete"}
)

// fixtureMessage is one fixture: its event, message action and file name
// (without the extension).
type fixtureMessage struct{ event, action, name string }

// fixtureMessages lists the fixtures: one per event and action, and the
// vaccination variants (not given; reported by someone else).
func fixtureMessages() []fixtureMessage {
	var out []fixtureMessage
	for _, ev := range fixtureEvents {
		for _, act := range fixtureActions {
			out = append(out, fixtureMessage{ev, act, ev + "-" + act})
		}
	}
	for _, v := range []string{"notgiven", "reported"} {
		out = append(out, fixtureMessage{"vaccinations-1", "new", "vaccinations-1-" + v + "-new"})
	}
	return out
}

// expectedMessageType is the message event type a fixture named for action
// carries. The blood spot, newborn hearing and NIPE pages forbid "update":
// their changed outcomes are published again as "new".
func expectedMessageType(event, action string) string {
	if action == "update" {
		switch event {
		case "blood-spot-test-outcome-1", "newborn-hearing-1", "nipe-outcome-1":
			return "new"
		}
	}
	return action
}

func TestFixtureBundles(t *testing.T) {
	pds := loadPDS(t)
	names, err := filepath.Glob(filepath.Join(fixtureBundlesDir, "*.*"))
	require.NoError(t, err)
	var messages []string
	for _, n := range names {
		if ext := filepath.Ext(n); ext == ".xml" || ext == ".json" {
			messages = append(messages, filepath.Base(n))
		}
	}
	var want []string
	for _, f := range fixtureMessages() {
		want = append(want, f.name+".json", f.name+".xml")
	}
	sort.Strings(want)
	sort.Strings(messages)
	assert.Equal(t, want, messages, "one XML and one JSON file per event type and message type, and the vaccination variants")

	patientOf := map[string]string{} // event -> NHS number: one patient per event type
	for _, f := range fixtureMessages() {
		ev, act, name := f.event, f.action, f.name
		t.Run(name, func(t *testing.T) {
			facts := map[string]*Bundle{}
			for _, format := range []string{FormatXML, FormatJSON} {
				body, err := os.ReadFile(filepath.Join(fixtureBundlesDir, name+"."+format))
				require.NoError(t, err)
				b, err := Read(body, format)
				require.NoError(t, err, format)
				facts[format] = b

				assert.Equal(t, format, b.Format)
				assert.Equal(t, "Bundle", b.ResourceType)
				assert.Equal(t, "message", b.Type)
				assert.Equal(t, "MessageHeader", b.FirstResource)
				assert.False(t, b.ITKWrapper)
				assert.GreaterOrEqual(t, b.Entries, 5)
				assert.LessOrEqual(t, b.Entries, 16)
				require.NotNil(t, b.Header)
				assert.Equal(t, "https://fhir.nhs.uk/STU3/CodeSystem/EventType-1", b.Header.EventSystem)
				assert.Equal(t, ev, b.Header.EventCode)
				assert.NotEmpty(t, b.Header.EventDisplay)
				assert.Equal(t, expectedMessageType(ev, act), b.Header.MessageEventType)
				assert.Equal(t, MessageEventTypeURL, b.Header.MessageEventTypeURL)
				assert.Equal(t, "https://fhir.nhs.uk/STU3/CodeSystem/MessageEventType-1", b.Header.MessageEventTypeSystem)
				assert.Equal(t, "urn:nhs:addressing:asid:200000000115", b.Header.SourceEndpoint)

				require.Len(t, b.NHSNumbers, 2, "routing demographics and the Patient")
				assert.Equal(t, "MessageHeader routing demographics", b.NHSNumbers[0].Where)
				assert.True(t, strings.HasPrefix(b.NHSNumbers[1].Where, "Patient "), b.NHSNumbers[1].Where)
				for _, n := range b.NHSNumbers {
					assert.NoError(t, nhsnumber.Check(n.Value))
					assert.Equal(t, NHSNumberSystem, n.System)
					p, ok := pds[n.Value]
					require.True(t, ok, "NHS number %s is on the fixture PDS", n.Value)
					assert.Empty(t, p.Flags, "fixture patients carry no flags")
					assert.Equal(t, p.Family, n.Family, "%s family name (%s)", n.Value, n.Where)
					assert.Equal(t, p.BirthDate, n.BirthDate, "%s birth date (%s)", n.Value, n.Where)
				}
				if prev, ok := patientOf[ev]; ok {
					assert.Equal(t, prev, b.NHSNumbers[0].Value, "one patient per event type")
				} else {
					patientOf[ev] = b.NHSNumbers[0].Value
				}
			}
			x, j := facts[FormatXML], facts[FormatJSON]
			if x != nil && j != nil {
				jc := *j
				jc.Format = x.Format
				assert.Equal(t, x, &jc, "the XML and JSON forms give the same facts")
			}
		})
	}
	seen := map[string]string{}
	for ev, n := range patientOf {
		assert.Empty(t, seen[n], "events %s and %s share a patient", ev, seen[n])
		seen[n] = ev
	}
}

// xmlToJSON turns FHIR XML into FHIR JSON well enough to compare facts:
// repeated elements become arrays (single ones stay single, which the
// reader accepts alike), a primitive's extensions go to its "_name" member,
// resources gain resourceType, and foreign-namespace content is dropped.
func xmlToJSON(t *testing.T, body []byte) []byte {
	t.Helper()
	type elem struct {
		name     string
		value    *string
		url      *string
		children []*elem
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	var stack []*elem
	var root *elem
	skip := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		switch tt := tok.(type) {
		case xml.StartElement:
			if skip > 0 || tt.Name.Space != Namespace {
				skip++
				continue
			}
			e := &elem{name: tt.Name.Local}
			for _, a := range tt.Attr {
				v := a.Value
				switch {
				case a.Name.Space == "" && a.Name.Local == "value":
					e.value = &v
				case a.Name.Space == "" && a.Name.Local == "url":
					e.url = &v
				}
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, e)
			} else {
				root = e
			}
			stack = append(stack, e)
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			stack = stack[:len(stack)-1]
		}
	}
	require.NotNil(t, root)

	var object func(e *elem, resource bool) map[string]any
	convert := func(e *elem, parent string) (val any, ext any) {
		if parent == "resource" || parent == "contained" {
			return object(e, true), nil
		}
		if e.value != nil {
			if len(e.children) > 0 {
				return *e.value, object(e, false)
			}
			return *e.value, nil
		}
		return object(e, false), nil
	}
	object = func(e *elem, resource bool) map[string]any {
		o := map[string]any{}
		if resource {
			o["resourceType"] = e.name
		}
		if e.url != nil {
			o["url"] = *e.url
		}
		groups := map[string][]*elem{}
		var order []string
		for _, c := range e.children {
			if _, ok := groups[c.name]; !ok {
				order = append(order, c.name)
			}
			groups[c.name] = append(groups[c.name], c)
		}
		for _, name := range order {
			items := groups[name]
			if name == "resource" || name == "contained" {
				var rs []any
				for _, it := range items {
					for _, r := range it.children {
						rs = append(rs, object(r, true))
					}
				}
				if len(rs) == 1 && name == "resource" {
					o[name] = rs[0]
				} else {
					o[name] = rs
				}
				continue
			}
			var vals, exts []any
			hasExt := false
			for _, it := range items {
				v, x := convert(it, e.name)
				vals = append(vals, v)
				exts = append(exts, x)
				if x != nil {
					hasExt = true
				}
			}
			if len(vals) == 1 {
				o[name] = vals[0]
				if hasExt {
					o["_"+name] = exts[0]
				}
			} else {
				o[name] = vals
				if hasExt {
					o["_"+name] = exts
				}
			}
		}
		return o
	}
	out, err := json.Marshal(object(root, true))
	require.NoError(t, err)
	return out
}
