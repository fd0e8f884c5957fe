package fhirschema

import (
	"fmt"
	"strings"
	"testing"
)

const fhirNS = `xmlns="http://hl7.org/fhir"`

// bundle wraps entries' resources in a message Bundle.
func bundle(resources ...string) string {
	var b strings.Builder
	b.WriteString(`<Bundle ` + fhirNS + `><type value="message"/>`)
	for _, r := range resources {
		b.WriteString("<entry><fullUrl value=\"urn:uuid:1\"/><resource>" + r + "</resource></entry>\n")
	}
	b.WriteString("</Bundle>")
	return b.String()
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		name, doc string
		kind      ErrorKind // 0: valid
		path      string
		line      int
		msg       string
	}{
		{name: "valid patient", doc: `<Patient ` + fhirNS + `><id value="a-1"/><gender value="male"/><birthDate value="2013-10-12"/></Patient>`},
		{name: "valid bundle", doc: bundle(`<Patient><id value="p"/><name><use value="official"/><family value="X"/><given value="A"/><given value="B"/></name></Patient>`,
			`<Observation><status value="final"/><code><text value="t"/></code><effectiveDateTime value="2017-10-02T12:00:00+00:00"/><valueQuantity><value value="1.5"/></valueQuantity></Observation>`)},
		{name: "order", doc: `<Patient ` + fhirNS + `><birthDate value="2013-10-12"/><gender value="male"/></Patient>`,
			kind: ErrOrder, path: "Patient.gender", msg: "gender is out of order in Patient: it must come before birthDate"},
		{name: "unknown element", doc: bundle(`<Patient><colour value="x"/></Patient>`),
			kind: ErrUnknown, path: "Bundle.entry[0].resource.Patient.colour", line: 1, msg: "Patient has no element colour"},
		{name: "duplicate max-1", doc: `<Patient ` + fhirNS + `><gender value="male"/><gender value="female"/></Patient>`,
			kind: ErrTooMany, path: "Patient.gender", msg: "gender may occur only once in Patient"},
		{name: "two choice forms", doc: `<Patient ` + fhirNS + `><deceasedBoolean value="true"/><deceasedDateTime value="2017"/></Patient>`,
			kind: ErrChoice, path: "Patient.deceasedDateTime", msg: "only one form of deceased[x] is allowed in Patient; deceasedBoolean came first"},
		{name: "bad enumeration", doc: `<Patient ` + fhirNS + `><gender value="boy"/></Patient>`,
			kind: ErrValue, path: "Patient.gender", msg: "attribute value 'boy' is not one of the codes AdministrativeGender-list allows (male, female, other, unknown)"},
		{name: "bad instant zone", doc: `<MessageHeader ` + fhirNS + `><event><code value="x"/></event><timestamp value="2017-11-01T16:02:04+58:00"/><source><endpoint value="a"/></source></MessageHeader>`,
			kind: ErrValue, path: "MessageHeader.timestamp"},
		{name: "instant without time", doc: `<MessageHeader ` + fhirNS + `><event><code value="x"/></event><timestamp value="2017-11-01"/><source><endpoint value="a"/></source></MessageHeader>`,
			kind: ErrValue, path: "MessageHeader.timestamp"},
		{name: "impossible date", doc: `<Patient ` + fhirNS + `><birthDate value="2017-02-29"/></Patient>`, kind: ErrValue, path: "Patient.birthDate"},
		{name: "leap day", doc: `<Patient ` + fhirNS + `><birthDate value="2016-02-29"/></Patient>`},
		{name: "dateTime without zone is the XSD's business", doc: `<Patient ` + fhirNS + `><deceasedDateTime value="2017-10-02T12:00:00"/></Patient>`},
		{name: "empty string", doc: `<Patient ` + fhirNS + `><name><family value=""/></name></Patient>`, kind: ErrValue, path: "Patient.name[0].family"},
		{name: "bad id", doc: `<Patient ` + fhirNS + `><id value="a_b"/></Patient>`, kind: ErrValue, path: "Patient.id"},
		{name: "missing required", doc: `<Bundle ` + fhirNS + `><id value="b"/></Bundle>`,
			kind: ErrMissing, path: "Bundle", msg: "Bundle requires type"},
		{name: "missing required before", doc: `<Bundle ` + fhirNS + `><entry><resource><Patient/></resource></entry></Bundle>`,
			kind: ErrMissing, path: "Bundle.entry[0]", msg: "Bundle requires type before entry"},
		{name: "empty container", doc: `<Bundle ` + fhirNS + `><type value="message"/><entry><resource/></entry></Bundle>`,
			kind: ErrMissing, path: "Bundle.entry[0].resource", msg: "resource holds no resource"},
		{name: "two resources in a container", doc: bundle(`<Patient/><Patient/>`), kind: ErrTooMany, path: "Bundle.entry[0].resource.Patient"},
		{name: "not a resource", doc: bundle(`<HumanName/>`), kind: ErrUnknown, msg: "HumanName is not a FHIR resource type"},
		{name: "contained", doc: `<Patient ` + fhirNS + `><contained><Organization><name value="O"/></Organization></contained></Patient>`},
		{name: "contained invalid", doc: `<Patient ` + fhirNS + `><contained><Organization><nom value="O"/></Organization></contained></Patient>`,
			kind: ErrUnknown, path: "Patient.contained[0].Organization.nom"},
		{name: "wrong root namespace", doc: `<Patient xmlns="urn:x"/>`, kind: ErrNamespace, path: "Patient"},
		{name: "no namespace child", doc: `<Patient ` + fhirNS + `><gender xmlns="" value="male"/></Patient>`, kind: ErrNamespace, path: "Patient.gender"},
		{name: "prefixed namespace", doc: `<f:Patient xmlns:f="http://hl7.org/fhir"><f:gender value="male"/></f:Patient>`},
		{name: "text in element-only content", doc: `<Patient ` + fhirNS + `><gender value="male">boy</gender></Patient>`, kind: ErrText, path: "Patient.gender"},
		{name: "extension without url", doc: `<Patient ` + fhirNS + `><extension><valueString value="x"/></extension></Patient>`,
			kind: ErrAttribute, path: "Patient.extension[0]", msg: "Extension requires the attribute url"},
		{name: "extension", doc: `<Patient ` + fhirNS + `><extension url="http://x"><valueCodeableConcept><coding><code value="a"/></coding></valueCodeableConcept></extension><modifierExtension url="u"><valueBoolean value="1"/></modifierExtension></Patient>`},
		{name: "extension with two values", doc: `<Patient ` + fhirNS + `><extension url="http://x"><valueString value="x"/><valueCode value="y"/></extension></Patient>`,
			kind: ErrChoice, path: "Patient.extension[0].valueCode"},
		{name: "undeclared attribute", doc: `<Patient ` + fhirNS + `><gender value="male" code="m"/></Patient>`, kind: ErrAttribute, path: "Patient.gender"},
		{name: "attribute on a resource", doc: `<Patient ` + fhirNS + ` id="x"/>`, kind: ErrAttribute, path: "Patient"},
		{name: "schemaLocation", doc: `<Patient ` + fhirNS + ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://hl7.org/fhir x.xsd"/>`},
		{name: "narrative", doc: `<Patient ` + fhirNS + `><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p class="x">A <b>b</b><br/></p><table><tr><td colspan="2">x</td></tr></table><ul><li>i</li></ul></div></text></Patient>`},
		{name: "narrative script", doc: `<Patient ` + fhirNS + `><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><script>x</script></div></text></Patient>`,
			kind: ErrUnknown, path: "Patient.text.div.script"},
		{name: "narrative event handler", doc: `<Patient ` + fhirNS + `><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p onclick="x()">a</p></div></text></Patient>`,
			kind: ErrAttribute, path: "Patient.text.div.p[0]"},
		{name: "narrative div not xhtml", doc: `<Patient ` + fhirNS + `><text><status value="generated"/><div>x</div></text></Patient>`,
			kind: ErrNamespace, path: "Patient.text.div"},
		{name: "narrative table order", doc: `<Patient ` + fhirNS + `><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><table><tr><td>x</td></tr><caption>c</caption></table></div></text></Patient>`,
			kind: ErrOrder, path: "Patient.text.div.table[0].caption"},
		{name: "narrative text in ul", doc: `<Patient ` + fhirNS + `><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><ul>x<li>i</li></ul></div></text></Patient>`,
			kind: ErrText, path: "Patient.text.div.ul[0]"},
		{name: "narrative duplicate id", doc: `<Patient ` + fhirNS + `><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p id="a">x</p><p id="a">y</p></div></text></Patient>`,
			kind: ErrValue, path: "Patient.text.div.p[1]"},
		{name: "doctype", doc: `<!DOCTYPE Patient [<!ENTITY a "b">]><Patient ` + fhirNS + `/>`, kind: ErrSyntax},
		{name: "unknown entity", doc: `<Patient ` + fhirNS + `><name><family value="&a;"/></name></Patient>`, kind: ErrSyntax},
		{name: "character references", doc: `<Patient ` + fhirNS + `><name><family value="&#x41;&amp;&#66;"/></name>&#32;</Patient>`},
		{name: "mismatched tags", doc: `<Patient ` + fhirNS + `><name></Patient>`, kind: ErrSyntax},
		{name: "unclosed", doc: `<Patient ` + fhirNS + `><name>`, kind: ErrSyntax},
		{name: "empty body", doc: ``, kind: ErrSyntax},
		{name: "line of the error", doc: "<Patient " + fhirNS + ">\n<id value=\"a\"/>\n\n  <active value=\"yes\"/>\n</Patient>", kind: ErrValue, line: 4, path: "Patient.active"},
	} {
		t.Run(c.name, func(t *testing.T) {
			errs := Validate([]byte(c.doc))
			if c.kind == 0 {
				if len(errs) != 0 {
					t.Fatalf("want valid, got %v", errs)
				}
				return
			}
			if len(errs) == 0 {
				t.Fatalf("want a %s error, got none", c.kind)
			}
			e := errs[0]
			if e.Kind != c.kind {
				t.Fatalf("first error %v has kind %s, want %s", e, e.Kind, c.kind)
			}
			if c.path != "" && e.Path != c.path {
				t.Errorf("path %q, want %q", e.Path, c.path)
			}
			if c.line != 0 && e.Line != c.line {
				t.Errorf("line %d, want %d", e.Line, c.line)
			}
			if c.msg != "" && e.Message != c.msg {
				t.Errorf("message %q, want %q", e.Message, c.msg)
			}
		})
	}
}

func TestEntryIndex(t *testing.T) {
	doc := bundle(`<Patient/>`, `<Patient/>`, `<Immunization><status value="completed"/><notGiven value="false"/><patient><reference value="x"/></patient><primarySource value="true"/></Immunization>`)
	errs := Validate([]byte(doc))
	if len(errs) != 1 {
		t.Fatalf("want one error, got %v", errs)
	}
	e := errs[0]
	if e.Entry != 2 || e.Path != "Bundle.entry[2].resource.Immunization.patient" || e.Kind != ErrMissing || e.Line != 3 {
		t.Fatalf("got %+v", e)
	}
	if !strings.Contains(e.Message, "vaccineCode") {
		t.Errorf("message %q does not name vaccineCode", e.Message)
	}
}

func TestLimits(t *testing.T) {
	deep := strings.Repeat("<extension url=\"u\">", 300)
	errs := Validate([]byte(`<Patient ` + fhirNS + `>` + deep))
	if len(errs) == 0 || errs[len(errs)-1].Kind != ErrLimit {
		t.Fatalf("want a depth limit error, got %v", errs)
	}
	var attrs, decls strings.Builder
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&attrs, ` a%d="x"`, i)
		fmt.Fprintf(&decls, ` xmlns:p%d="urn:x"`, i)
	}
	for _, doc := range []string{`<Patient ` + fhirNS + attrs.String() + `/>`, `<Patient ` + fhirNS + decls.String() + `/>`} {
		errs = Validate([]byte(doc))
		if len(errs) != 1 || errs[0].Kind != ErrLimit {
			t.Errorf("want one limit error, got %v", errs)
		}
	}
	many := `<Patient ` + fhirNS + `>` + strings.Repeat(`<x/>`, 500) + `</Patient>`
	errs = ValidateOptions([]byte(many), Options{MaxErrors: 10})
	if len(errs) != 11 || errs[10].Kind != ErrLimit {
		t.Fatalf("want 10 errors and a limit, got %d: %v", len(errs), errs[len(errs)-1])
	}
}

// TestFreshStack validates with a validator whose stack starts empty (the
// pool usually hands out grown ones): the content model state must survive
// the stack growing while a child is checked.
func TestFreshStack(t *testing.T) {
	for _, s := range probes() {
		v := new(validator)
		v.reset(Options{MaxErrors: DefaultMaxErrors, MaxDepth: DefaultMaxDepth})
		v.src = string(s.body)
		v.run()
		if got, want := fmt.Sprint(v.errs), fmt.Sprint(Validate(s.body)); got != want {
			t.Errorf("%s:\nfresh:  %s\npooled: %s", s.name, got, want)
		}
	}
}

// TestBoundedMessages: names and values from the body are cut short in
// errors, whatever their size.
func TestBoundedMessages(t *testing.T) {
	long := strings.Repeat("x", 100000)
	doc := `<Patient ` + fhirNS + `><` + long + `/><gender value="` + long + `"/><meta><tag><code value="a"/></tag></meta>` +
		`<text><status value="` + long + `"/><div xmlns="http://www.w3.org/1999/xhtml">x</div></text></Patient>`
	errs := Validate([]byte(doc))
	if len(errs) < 3 {
		t.Fatalf("want at least 3 errors, got %v", errs)
	}
	for _, e := range errs {
		if len(e.Message) > 400 || len(e.Path) > 200 {
			t.Errorf("unbounded error (%d, %d bytes): %.200s", len(e.Message), len(e.Path), e.Error())
		}
	}
}
