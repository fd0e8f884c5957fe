package fhirschema

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The cross-check compares Validate with the reference validator,
// `xmllint --noout --schema fhir-single.xsd`, on the project's fixtures,
// the specification's examples, mutations of both, and probes of each
// primitive type's lexical space. It skips when xmllint or the schemas
// (../shared, outside the module) are absent.

const (
	sharedDir   = "../../../shared/nems"
	fixturesDir = "../../fixtures/bundles"
)

type sample struct {
	name string
	body []byte
}

type verdict struct {
	valid bool
	line  int
	msg   string
}

func xmllint(t *testing.T) (string, string) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (apt-get install libxml2-utils)")
	}
	xsd := filepath.Join(sharedDir, "fhir-stu3-xsd", "fhir-single.xsd")
	if _, err := os.Stat(xsd); err != nil {
		t.Skip("schemas not present (../shared/nems/fhir-stu3-xsd)")
	}
	return bin, xsd
}

// runXmllint validates the samples with xmllint, a batch of files per
// run (the schema is read once per run), and returns each sample's
// verdict and first error.
func runXmllint(t *testing.T, bin, xsd string, samples []sample) []verdict {
	t.Helper()
	dir := t.TempDir()
	files := make([]string, len(samples))
	index := map[string]int{}
	for i, s := range samples {
		files[i] = filepath.Join(dir, fmt.Sprintf("%06d.xml", i))
		index[files[i]] = i
		if err := os.WriteFile(files[i], s.body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	vs := make([]verdict, len(files))
	const batch = 500
	for from := 0; from < len(files); from += batch {
		to := min(from+batch, len(files))
		cmd := exec.Command(bin, append([]string{"--noout", "--schema", xsd}, files[from:to]...)...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if _, exit := err.(*exec.ExitError); err != nil && !exit {
			t.Fatalf("running xmllint: %v", err)
		}
		for _, line := range strings.Split(out.String(), "\n") {
			end := strings.Index(line, ".xml")
			if end < 0 {
				continue
			}
			i, ok := index[line[:end+4]]
			if !ok {
				continue
			}
			rest := line[end+4:]
			switch {
			case rest == " validates":
				vs[i].valid = true
			case strings.HasPrefix(rest, ":") && vs[i].line == 0:
				num, msg, _ := strings.Cut(rest[1:], ":")
				vs[i].line, _ = strconv.Atoi(num)
				vs[i].msg = strings.TrimSpace(msg)
			}
		}
	}
	return vs
}

func originals(t *testing.T) []sample {
	t.Helper()
	var out []sample
	for _, pattern := range []string{filepath.Join(fixturesDir, "*.xml"), filepath.Join(sharedDir, "examples", "*.xml")} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, sample{name: filepath.Base(filepath.Dir(f)) + "/" + filepath.Base(f), body: b})
		}
	}
	if len(out) == 0 {
		t.Skip("no fixtures or examples found")
	}
	return out
}

// elemSpan is one element of a document: its bytes [start, end), the end
// of its start tag, its parent (-1 for the root) and depth.
type elemSpan struct {
	start, tagEnd, end int
	parent, depth      int
	name               string
	hasValue           bool
}

func spansOf(b []byte) []elemSpan {
	d := xml.NewDecoder(bytes.NewReader(b))
	var out []elemSpan
	var stack []int
	for {
		off := int(d.InputOffset())
		tok, err := d.RawToken()
		if err != nil {
			return out
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			parent := -1
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			s := elemSpan{start: off, tagEnd: int(d.InputOffset()), parent: parent, depth: len(stack), name: tk.Name.Local}
			for _, a := range tk.Attr {
				if a.Name.Local == "value" {
					s.hasValue = true
				}
			}
			out = append(out, s)
			stack = append(stack, len(out)-1)
		case xml.EndElement:
			if len(stack) > 0 {
				out[stack[len(stack)-1]].end = int(d.InputOffset())
				stack = stack[:len(stack)-1]
			}
		}
	}
}

// splice concatenates parts of a document into a new one.
func splice(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// setValue replaces the value attribute in the start tag of s.
func setValue(b []byte, s elemSpan, value string) []byte {
	tag := string(b[s.start:s.tagEnd])
	i := strings.Index(tag, ` value="`)
	if i < 0 {
		return nil
	}
	j := strings.IndexByte(tag[i+8:], '"')
	newTag := tag[:i+8] + value + tag[i+8+j:]
	return splice(b[:s.start], []byte(newTag), b[s.tagEnd:])
}

var badDateTimes = []string{"2017-11-01T16:02:04+58:00", "2017-13-01", "2017-11-01T16:02Z", "2017-02-30T10:00:00Z",
	"2017-11-01T25:00:00Z", "2017-11-01 16:02:04Z", "17-11-01", "2017-11-01T16:02:04.Z"}

var dateElems = map[string]bool{"timestamp": true, "lastUpdated": true, "birthDate": true, "effectiveDateTime": true,
	"start": true, "end": true, "date": true, "issued": true, "sent": true, "valueDateTime": true, "performedDateTime": true}

// mutate derives broken (or, by chance, still valid) variants of a document.
func mutate(s sample, seed uint64) []sample {
	b := s.body
	sp := spansOf(b)
	r := rand.New(rand.NewPCG(seed, 7))
	var out []sample
	add := func(kind string, body []byte) {
		if body != nil {
			out = append(out, sample{name: fmt.Sprintf("%s~%s%d", s.name, kind, len(out)), body: body})
		}
	}
	pick := func(ok func(i int) bool) int {
		var c []int
		for i := range sp {
			if ok(i) {
				c = append(c, i)
			}
		}
		if len(c) == 0 {
			return -1
		}
		return c[r.IntN(len(c))]
	}
	for n := 0; n < 4; n++ {
		// swap two adjacent siblings with different names
		if i := pick(func(i int) bool {
			j := nextSibling(sp, i)
			return sp[i].depth > 0 && j > 0 && sp[j].name != sp[i].name
		}); i >= 0 {
			j := nextSibling(sp, i)
			x, y := sp[i], sp[j]
			add("swap", splice(b[:x.start], b[y.start:y.end], b[x.end:y.start], b[x.start:x.end], b[y.end:]))
		}
		// drop an element
		if i := pick(func(i int) bool { return sp[i].depth > 1 }); i >= 0 {
			add("drop", splice(b[:sp[i].start], b[sp[i].end:]))
		}
		// duplicate an element
		if i := pick(func(i int) bool { return sp[i].depth > 1 }); i >= 0 {
			add("dup", splice(b[:sp[i].end], b[sp[i].start:sp[i].end], b[sp[i].end:]))
		}
	}
	for n := 0; n < 2; n++ {
		if i := pick(func(i int) bool { return sp[i].depth > 1 }); i >= 0 {
			add("unknown", splice(b[:sp[i].start], []byte(`<unexpectedElement value="x"/>`), b[sp[i].start:]))
		}
	}
	for _, name := range []string{"status", "gender", "use", "mode", "type"} {
		if i := pick(func(i int) bool { return sp[i].name == name && sp[i].hasValue }); i >= 0 {
			add("enum", setValue(b, sp[i], "bogus-code"))
		}
	}
	k := 0
	for i := range sp {
		if dateElems[sp[i].name] && sp[i].hasValue && k < len(badDateTimes) {
			add("datetime", setValue(b, sp[i], badDateTimes[(int(seed)+k)%len(badDateTimes)]))
			k++
		}
	}
	if i := pick(func(i int) bool {
		n := sp[i].name
		return strings.HasPrefix(n, "value") && len(n) > 5 && n[5] >= 'A' && n[5] <= 'Z'
	}); i >= 0 {
		other := `<valueBoolean value="true"/>`
		if sp[i].name == "valueBoolean" {
			other = `<valueString value="x"/>`
		}
		add("choice", splice(b[:sp[i].end], []byte(other), b[sp[i].end:]))
	}
	if i := bytes.Index(b, []byte(`xmlns="http://hl7.org/fhir"`)); i >= 0 {
		add("namespace", splice(b[:i], []byte(`xmlns="http://hl7.org/fhir/x"`), b[i+len(`xmlns="http://hl7.org/fhir"`):]))
	}
	return out
}

func nextSibling(sp []elemSpan, i int) int {
	for j := i + 1; j < len(sp); j++ {
		if sp[j].depth < sp[i].depth {
			return -1
		}
		if sp[j].parent == sp[i].parent {
			return j
		}
	}
	return -1
}

// probes are small documents exercising one lexical form each.
func probes() []sample {
	var out []sample
	ext := func(elem, value string) {
		out = append(out, sample{name: "probe " + elem + " " + strconv.Quote(value),
			body: []byte(`<Patient xmlns="http://hl7.org/fhir"><extension url="u"><` + elem + ` value="` + value + `"/></extension></Patient>`)})
	}
	for elem, values := range map[string][]string{
		"valueDecimal": {"1", "-0", "1.5", "01", "1.", ".5", "+1", "123456789012345678901234", "1234567890123456789012345",
			"0.123456789012345678901234", "0.1234567890123456789012345", "1.000000000000000000000000000", "1e3", " 1 "},
		"valueInteger":     {"0", "-1", "2147483647", "2147483648", "-2147483648", "-2147483649", "+1", "01", "-0", "1.0"},
		"valuePositiveInt": {"1", "0", "01", "123456789012345678901234", "1234567890123456789012345", "2147483648", "-1"},
		"valueUnsignedInt": {"0", "00", "1", "123456789012345678901234", "1234567890123456789012345"},
		"valueInstant": {"2017-01-01T00:00:00Z", "12017-01-01T00:00:00Z", "02017-01-01T00:00:00Z", "-2017-01-01T00:00:00Z",
			"2017-01-01T00:00:00+14:00", "2017-01-01T00:00:00+14:01", "2017-01-01T00:00:00-13:59", "2017-01-01T00:00:60Z",
			"2017-01-01T00:00:00.Z", "2017-01-01T00:00:00.123456789012345678901234567890Z", "2017-01-01T24:00:00.0Z",
			"2017-01-01T24:00:00.1Z", "2016-02-29T00:00:00Z", "2017-02-29T00:00:00Z", "2017-01-01T00:00:00Z ",
			"2017-01-01T00:00:00z", "2017-1-01T00:00:00Z", "2017-01-01T00:00:00+5:00", "2017-01-01T00:00:00+05:60",
			"-0001-02-29T00:00:00Z", "-0004-02-29T00:00:00Z", "2017-01-01", "2017-01-01T00:00:00", "2017-11-01T16:02:04+58:00"},
		"valueDateTime": {"2017", "2017-01", "2017-01-01", "2017-01-01T10:00:00Z", "2017-01-01T10:00:00", "2017-01-01T10:00Z",
			"2017-01-01T24:00:00Z", "2017-02-30", "2017-01-01Z", "-2017", "0000", "2017-01-01T10:00:00+14:00", "2017-01-01T10:00:00+14:30"},
		"valueDate": {"2017", "2017-01", "2017-13", "2017-00", "2017-01-00", "2017-01-32", "2017Z", "2017-02-29", "-2017",
			"12017", "2017-01-01T00:00:00Z", " 2017 "},
		"valueTime":         {"10:00:00", "24:00:00", "23:59:60", "23:59:59.5", "12:00:00Z", "1:00:00", "10:00"},
		"valueBoolean":      {"true", "false", "1", "0", " true ", "TRUE", "yes", ""},
		"valueBase64Binary": {"QUJD", " QUJD ", "QU JD", "QU  JD", "QUJ=", "QUI=", "QQ==", "QR==", "", "Q=Q=", "QUJ", "QUJD\nRA=="},
		"valueString":       {"a", "", " ", "&#10;"},
		"valueMarkdown":     {"a", "", " "},
		"valueCode":         {"a", "", " ", " a  b ", "a&#9;b", "a b"},
		"valueId":           {"a", " a", "a_b", "A-1.b", strings.Repeat("a", 64), strings.Repeat("a", 65), ""},
		"valueOid":          {"urn:oid:1.2", "urn:oid:01", "urn:oid:1.", "1.2", ""},
		"valueUri": {"a b", "%41", "%4", "a#b#c", "http://x:80a/", "http://user@host:8080/p?q#f", "1abc:x", "a:b", "#", "?",
			"//", "http://a b/", "mailto:a@b", "urn:uuid:1", "http://[::1]/", "x]", "[x]", "http://h/[x]", "a?b#c[d]", "ü",
			"http://x/%", "a%2", "http://a:b@c:d@e", "http://1.2.3.4/", "http://a%41/", ":", "a:", "-a:b", "a+b.c-d:e",
			"http://a/b c", "", "http://x:/", "a/b:c", "./a:b", "http://a/?x#y?z/", "http://a]b/"},
	} {
		for _, v := range values {
			ext(elem, v)
		}
	}
	doc := func(name, body string) { out = append(out, sample{name: "probe " + name, body: []byte(body)}) }
	narrative := func(name, div string) {
		doc("narrative "+name, `<Patient xmlns="http://hl7.org/fhir"><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml">`+div+`</div></text></Patient>`)
	}
	narrative("paragraphs", `<p>a <b>b</b> <i>i</i> <span style="x">s</span><br/></p><h1>h</h1><pre>x</pre><hr/>`)
	narrative("list", `<ul><li>a</li><li><p>b</p></li></ul><ol><li>x</li></ol><dl><dt>t</dt><dd>d</dd></dl>`)
	narrative("empty list", `<ul></ul>`)
	narrative("table", `<table border="1" width="100%"><caption>c</caption><col span="2"/><thead><tr><th>a</th></tr></thead><tbody><tr><td colspan="2" rowspan="1">x</td></tr></tbody></table>`)
	narrative("table col and colgroup", `<table><col/><colgroup/><tr><td>x</td></tr></table>`)
	narrative("table tbody and tr", `<table><tbody><tr><td>x</td></tr></tbody><tr><td>y</td></tr></table>`)
	narrative("table without rows", `<table><caption>c</caption></table>`)
	narrative("img", `<img src="a.png" alt="a"/>`)
	narrative("img without alt", `<img src="a.png"/>`)
	narrative("link", `<a href="http://x" name="n">x</a>`)
	narrative("nested anchor", `<a href="#x"><a href="#y">y</a></a>`)
	narrative("bad href", `<a href="http://[x">x</a>`)
	narrative("script", `<script type="text/javascript">x</script>`)
	narrative("form", `<form>x</form>`)
	narrative("onclick", `<p onclick="x()">a</p>`)
	narrative("class list", `<p class="a b">a</p>`)
	narrative("empty class", `<p class="">a</p>`)
	narrative("lang", `<p lang="en-GB" xml:lang="en">a</p>`)
	narrative("bad lang", `<p lang="english-language">a</p>`)
	narrative("dir", `<p dir="ltr">a</p><bdo dir="rtl">b</bdo>`)
	narrative("bad dir", `<p dir="up">a</p>`)
	narrative("bdo without dir", `<bdo>b</bdo>`)
	narrative("ids", `<p id="a1">a</p><p id="a2">b</p>`)
	narrative("duplicate ids", `<p id="a1">a</p><p id="a1">b</p>`)
	narrative("bad id", `<p id="1a">a</p>`)
	narrative("headers", `<table><tr><th id="h1">h</th></tr><tr><td headers="h1">x</td></tr></table>`)
	narrative("dangling headers", `<table><tr><td headers="nope">x</td></tr></table>`)
	narrative("width percent", `<table width="50%"><tr><td>x</td></tr></table>`)
	narrative("bad width", `<table width="wide"><tr><td>x</td></tr></table>`)
	narrative("tabindex", `<a href="x" tabindex="32767">x</a>`)
	narrative("tabindex too big", `<a href="x" tabindex="32768">x</a>`)
	narrative("accesskey", `<a href="x" accesskey="ab">x</a>`)
	narrative("text in table", `<table>x<tr><td>x</td></tr></table>`)
	narrative("div in p", `<p><div>x</div></p>`)
	narrative("pre with img", `<pre><img src="a" alt="b"/></pre>`)
	narrative("pre xml:space", `<pre xml:space="preserve">x</pre>`)
	narrative("pre bad xml:space", `<pre xml:space="default">x</pre>`)
	narrative("unknown attribute", `<p foo="x">a</p>`)
	narrative("fhir element inside", `<p><f:x xmlns:f="http://hl7.org/fhir"/></p>`)
	narrative("entities", `<p>&lt;&amp;&#169;</p>`)
	doc("narrative div in FHIR namespace", `<Patient xmlns="http://hl7.org/fhir"><text><status value="generated"/><div>x</div></text></Patient>`)
	doc("narrative without status", `<Patient xmlns="http://hl7.org/fhir"><text><div xmlns="http://www.w3.org/1999/xhtml">x</div></text></Patient>`)
	doc("narrative bad status", `<Patient xmlns="http://hl7.org/fhir"><text><status value="done"/><div xmlns="http://www.w3.org/1999/xhtml">x</div></text></Patient>`)
	doc("id attribute empty", `<Patient xmlns="http://hl7.org/fhir"><gender id="" value="male"/></Patient>`)
	doc("id attribute", `<Patient xmlns="http://hl7.org/fhir"><gender id="g1" value="male"/></Patient>`)
	doc("extension url empty", `<Patient xmlns="http://hl7.org/fhir"><extension url=""><valueString value="x"/></extension></Patient>`)
	doc("extension no value", `<Patient xmlns="http://hl7.org/fhir"><extension url="u"/></Patient>`)
	doc("nested extensions", `<Patient xmlns="http://hl7.org/fhir"><extension url="u"><extension url="v"><valueString value="x"/></extension></extension></Patient>`)
	doc("primitive with extension", `<Patient xmlns="http://hl7.org/fhir"><birthDate value="2017"><extension url="u"><valueDateTime value="2017-01-01T10:00:00Z"/></extension></birthDate></Patient>`)
	doc("resource id attribute", `<Patient xmlns="http://hl7.org/fhir" id="x"/>`)
	doc("xml:lang on FHIR", `<Patient xmlns="http://hl7.org/fhir" xml:lang="en"/>`)
	doc("xsi schemaLocation", `<Patient xmlns="http://hl7.org/fhir" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://hl7.org/fhir fhir-single.xsd"/>`)
	doc("foreign attribute", `<Patient xmlns="http://hl7.org/fhir" xmlns:x="urn:x"><gender x:y="1" value="male"/></Patient>`)
	doc("root not a resource", `<HumanName xmlns="http://hl7.org/fhir"/>`)
	doc("root data type element", `<Patient xmlns="http://hl7.org/fhir"><name><given value="a"/><family value="b"/></name></Patient>`)
	doc("comments and PIs", `<?xml version="1.0" encoding="UTF-8"?><!-- c --><Patient xmlns="http://hl7.org/fhir"><!-- c --><?pi x?><gender value="male"/></Patient><!-- c -->`)
	doc("CDATA text", `<Patient xmlns="http://hl7.org/fhir"><gender value="male"><![CDATA[x]]></gender></Patient>`)
	doc("CDATA blank", `<Patient xmlns="http://hl7.org/fhir"><gender value="male"><![CDATA[ ]]></gender></Patient>`)
	doc("blank character reference", `<Patient xmlns="http://hl7.org/fhir"><gender value="male">&#32;</gender></Patient>`)
	doc("multi-line tag", "<Patient xmlns=\"http://hl7.org/fhir\">\n<gender\n value=\"boy\"\n/>\n</Patient>")
	doc("missing at end", "<Bundle xmlns=\"http://hl7.org/fhir\">\n<id value=\"b\"/>\n</Bundle>")
	doc("contained", `<Patient xmlns="http://hl7.org/fhir"><contained><Organization><name value="x"/></Organization></contained></Patient>`)
	doc("contained two", `<Patient xmlns="http://hl7.org/fhir"><contained><Organization/><Organization/></contained></Patient>`)
	doc("contained empty", `<Patient xmlns="http://hl7.org/fhir"><contained/></Patient>`)
	doc("bundle in bundle", `<Bundle xmlns="http://hl7.org/fhir"><type value="collection"/><entry><resource><Bundle><type value="message"/></Bundle></resource></entry></Bundle>`)
	doc("parameters", `<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="a"/><valueString value="x"/></parameter></Parameters>`)
	doc("binary", `<Binary xmlns="http://hl7.org/fhir"><contentType value="text/plain"/><content value="QUJD"/></Binary>`)
	doc("quantity comparator", `<Observation xmlns="http://hl7.org/fhir"><status value="final"/><code><text value="x"/></code><valueQuantity><value value="1"/><comparator value="&lt;="/></valueQuantity></Observation>`)
	doc("quantity bad comparator", `<Observation xmlns="http://hl7.org/fhir"><status value="final"/><code><text value="x"/></code><valueQuantity><value value="1"/><comparator value="=="/></valueQuantity></Observation>`)
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func TestAgainstXmllint(t *testing.T) {
	bin, xsd := xmllint(t)
	var samples []sample
	for i, s := range originals(t) {
		samples = append(samples, s)
		samples = append(samples, mutate(s, uint64(i+1))...)
	}
	samples = append(samples, probes()...)
	ref := runXmllint(t, bin, xsd, samples)
	var invalid, lineAgree int
	for i, s := range samples {
		errs := Validate(s.body)
		want := ref[i]
		if (len(errs) == 0) != want.valid {
			first := "valid"
			if len(errs) > 0 {
				first = errs[0].Error()
			}
			t.Errorf("%s: Validate says %s; xmllint says valid=%t (line %d: %s)", s.name, first, want.valid, want.line, want.msg)
			continue
		}
		if want.valid {
			continue
		}
		invalid++
		if errs[0].Line == want.line {
			lineAgree++
		} else {
			t.Errorf("%s: first error on line %d (%s); xmllint's on line %d (%s)", s.name, errs[0].Line, errs[0].Message, want.line, want.msg)
		}
	}
	t.Logf("%d documents, %d invalid; same verdict on all compared, same first error line on %d of %d invalid", len(samples), invalid, lineAgree, invalid)
}

// TestOfficialExamples pins what RULES-CONTENT.md lists: of the
// specification's example messages, only nipe-outcome-1-update.xml (its
// timestamp offset +58:00) and the three PDS death notifications (sent out
// of order) break the schema.
func TestOfficialExamples(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sharedDir, "examples", "*.xml"))
	if len(files) == 0 {
		t.Skip("examples not present (../shared/nems/examples)")
	}
	broken := map[string]string{
		"nipe-outcome-1-update.xml":                       "Bundle.entry[0].resource.MessageHeader.timestamp",
		"PDS-Death-Notification-formal-ems-example.xml":   "Bundle.entry[1].resource.Communication.sent",
		"PDS-Death-Notification-informal-ems-example.xml": "Bundle.entry[1].resource.Communication.sent",
		"PDS-Death-Notification-removed-ems-example.xml":  "Bundle.entry[1].resource.Communication.sent",
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		errs := Validate(b)
		name := filepath.Base(f)
		want, bad := broken[name]
		switch {
		case !bad && len(errs) > 0:
			t.Errorf("%s: want valid, got %v", name, errs)
		case bad && len(errs) != 1:
			t.Errorf("%s: want one error at %s, got %v", name, want, errs)
		case bad && errs[0].Path != want:
			t.Errorf("%s: error at %s, want %s", name, errs[0].Path, want)
		}
	}
}
