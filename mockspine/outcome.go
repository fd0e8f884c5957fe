package mockspine

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/nems-harness/nems-harness/internal/mediatype"
)

// Identifiers of the Spine OperationOutcome.
const (
	OutcomeProfile  = "https://fhir.nhs.uk/STU3/StructureDefinition/Spine-OperationOutcome-1"
	SpineCodeSystem = "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1"
)

// OperationOutcome is a Spine-OperationOutcome-1 resource.
type OperationOutcome struct {
	ID     string
	Issues []Issue
}

// Issue is one OperationOutcome.issue.
type Issue struct {
	Severity    string // error, information
	Code        string // FHIR issue type
	Details     SpineCode
	System      string // details.coding.system
	Diagnostics string
}

// newOutcome gives an OperationOutcome a fresh id, as Spine always does.
func newOutcome(issues ...Issue) *OperationOutcome {
	return &OperationOutcome{ID: newUUID(), Issues: issues}
}

func errorIssue(a Answer, diagnostics string) Issue {
	return Issue{Severity: "error", Code: a.IssueType, Details: a.Code, System: SpineCodeSystem, Diagnostics: diagnostics}
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	hex.Encode(s[9:13], b[4:6])
	hex.Encode(s[14:18], b[6:8])
	hex.Encode(s[19:23], b[8:10])
	hex.Encode(s[24:36], b[10:16])
	s[8], s[13], s[18], s[23] = '-', '-', '-', '-'
	return string(s[:])
}

// Encode writes the resource as FHIR XML or JSON.
func (o *OperationOutcome) Encode(f mediatype.Format) []byte {
	if f == mediatype.JSON {
		return o.encodeJSON()
	}
	return o.encodeXML()
}

type jsonOutcome struct {
	ResourceType string      `json:"resourceType"`
	ID           string      `json:"id,omitempty"`
	Meta         *jsonMeta   `json:"meta,omitempty"`
	Issue        []jsonIssue `json:"issue"`
}

type jsonMeta struct {
	Profile []string `json:"profile"`
}

type jsonIssue struct {
	Severity    string       `json:"severity"`
	Code        string       `json:"code"`
	Details     *jsonDetails `json:"details,omitempty"`
	Diagnostics string       `json:"diagnostics,omitempty"`
}

type jsonDetails struct {
	Coding []jsonCoding `json:"coding"`
}

type jsonCoding struct {
	System  string `json:"system"`
	Code    string `json:"code"`
	Display string `json:"display"`
}

func (o *OperationOutcome) encodeJSON() []byte {
	out := jsonOutcome{ResourceType: "OperationOutcome", ID: o.ID, Meta: &jsonMeta{Profile: []string{OutcomeProfile}}}
	for _, is := range o.Issues {
		out.Issue = append(out.Issue, jsonIssue{
			Severity: is.Severity, Code: is.Code, Diagnostics: is.Diagnostics,
			Details: &jsonDetails{Coding: []jsonCoding{{System: is.System, Code: is.Details.Code, Display: is.Details.Display}}},
		})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		// Only strings and slices of them are marshalled: this cannot fail.
		panic(fmt.Sprintf("encoding OperationOutcome: %v", err))
	}
	return b
}

func (o *OperationOutcome) encodeXML() []byte {
	b := make([]byte, 0, 512+len(o.Issues)*640)
	b = append(b, `<OperationOutcome xmlns="http://hl7.org/fhir">`+"\n"...)
	if o.ID != "" {
		b = appendValue(b, "  <id value=\"", o.ID)
	}
	b = append(b, "  <meta>\n    <profile value=\""+OutcomeProfile+"\"/>\n  </meta>\n"...)
	for _, is := range o.Issues {
		b = append(b, "  <issue>\n"...)
		b = appendValue(b, "    <severity value=\"", is.Severity)
		b = appendValue(b, "    <code value=\"", is.Code)
		b = append(b, "    <details>\n      <coding>\n"...)
		b = appendValue(b, "        <system value=\"", is.System)
		b = appendValue(b, "        <code value=\"", is.Details.Code)
		b = appendValue(b, "        <display value=\"", is.Details.Display)
		b = append(b, "      </coding>\n    </details>\n"...)
		if is.Diagnostics != "" {
			b = appendValue(b, "    <diagnostics value=\"", is.Diagnostics)
		}
		b = append(b, "  </issue>\n"...)
	}
	return append(b, "</OperationOutcome>\n"...)
}

// appendValue appends an element's opening up to its value attribute's
// quote, the value escaped, and the element's end.
func appendValue(b []byte, open, value string) []byte {
	b = append(b, open...)
	b = appendEscaped(b, value)
	return append(b, "\"/>\n"...)
}

// appendEscaped appends s escaped for an XML attribute value, exactly as
// xml.EscapeText escapes it: markup characters and quotes as references,
// tab and line ends as character references (so they survive attribute
// value normalisation), and what is not an XML character as U+FFFD.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		// Plain text eight bytes at a time: diagnostics run to kilobytes.
		for i+8 <= len(s) {
			// The bytes beyond ASCII, below space (exact, the bytes being
			// ASCII), markup characters and quotes: plainXML's, by word.
			w := load64(s, i)
			odd := w&highBits | (w-lowBits*' ')&^w&highBits |
				hasByte(w, '"') | hasByte(w, '\'') | hasByte(w, '&') | hasByte(w, '<') | hasByte(w, '>')
			if odd != 0 {
				break
			}
			i += 8
		}
		if i == len(s) {
			break
		}
		if plainXML[s[i]] {
			i++
			continue
		}
		r, width := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch r {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if !isXMLChar(r) || (r == utf8.RuneError && width == 1) {
				esc = "\uFFFD"
			}
		}
		if esc != "" {
			b = append(b, s[last:i]...)
			b = append(b, esc...)
			last = i + width
		}
		i += width
	}
	return append(b, s[last:]...)
}

// load64 reads s[i:i+8], little-endian (the compiler makes it one load).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// hasByte is not zero when a byte of w is c.
func hasByte(w uint64, c byte) uint64 {
	v := w ^ lowBits*uint64(c)
	return (v - lowBits) &^ v & highBits
}

// plainXML marks the bytes an attribute value holds as they are: ASCII
// from space on, but for the markup characters and quotes.
var plainXML = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\'' && c != '&' && c != '<' && c != '>'
	}
	return t
}()

// isXMLChar is the Char production of XML 1.0, section 2.2.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// ParseOperationOutcome reads an OperationOutcome in XML or JSON, checking
// that it has the Spine-OperationOutcome-1 shape. Scenario steps and tests use
// it to judge answers from any endpoint.
func ParseOperationOutcome(body []byte, f mediatype.Format) (*OperationOutcome, error) {
	if f == mediatype.JSON {
		return parseOutcomeJSON(body)
	}
	return parseOutcomeXML(body)
}

func parseOutcomeJSON(body []byte) (*OperationOutcome, error) {
	var in jsonOutcome
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, fmt.Errorf("OperationOutcome JSON: %w", err)
	}
	if in.ResourceType != "OperationOutcome" {
		return nil, fmt.Errorf("resourceType is %q, not OperationOutcome", in.ResourceType)
	}
	o := &OperationOutcome{ID: in.ID}
	for _, is := range in.Issue {
		out := Issue{Severity: is.Severity, Code: is.Code, Diagnostics: is.Diagnostics}
		if is.Details != nil && len(is.Details.Coding) > 0 {
			c := is.Details.Coding[0]
			out.System, out.Details = c.System, SpineCode{c.Code, c.Display}
		}
		o.Issues = append(o.Issues, out)
	}
	return o, o.checkShape(in.Meta != nil && len(in.Meta.Profile) > 0 && in.Meta.Profile[0] == OutcomeProfile)
}

type xmlValue struct {
	Value string `xml:"value,attr"`
}

type xmlOutcome struct {
	XMLName xml.Name `xml:"http://hl7.org/fhir OperationOutcome"`
	ID      xmlValue `xml:"id"`
	Profile xmlValue `xml:"meta>profile"`
	Issue   []struct {
		Severity    xmlValue `xml:"severity"`
		Code        xmlValue `xml:"code"`
		System      xmlValue `xml:"details>coding>system"`
		DetailCode  xmlValue `xml:"details>coding>code"`
		Display     xmlValue `xml:"details>coding>display"`
		Diagnostics xmlValue `xml:"diagnostics"`
	} `xml:"issue"`
}

func parseOutcomeXML(body []byte) (*OperationOutcome, error) {
	var in xmlOutcome
	if err := xml.Unmarshal(body, &in); err != nil {
		return nil, fmt.Errorf("OperationOutcome XML: %w", err)
	}
	o := &OperationOutcome{ID: in.ID.Value}
	for _, is := range in.Issue {
		o.Issues = append(o.Issues, Issue{Severity: is.Severity.Value, Code: is.Code.Value, System: is.System.Value,
			Details: SpineCode{is.DetailCode.Value, is.Display.Value}, Diagnostics: is.Diagnostics.Value})
	}
	return o, o.checkShape(in.Profile.Value == OutcomeProfile)
}

// checkShape checks what Spine-OperationOutcome-1 requires of every answer.
func (o *OperationOutcome) checkShape(profiled bool) error {
	var errs []error
	if !profiled {
		errs = append(errs, fmt.Errorf("meta.profile is not %s", OutcomeProfile))
	}
	if o.ID == "" {
		errs = append(errs, errors.New("the OperationOutcome has no id"))
	}
	if len(o.Issues) == 0 {
		errs = append(errs, errors.New("the OperationOutcome has no issue"))
	}
	for i, is := range o.Issues {
		if is.Severity == "" || is.Code == "" || is.Details.Code == "" || is.Details.Display == "" {
			errs = append(errs, fmt.Errorf("issue %d lacks severity, code, or details.coding code/display", i))
		}
		if is.System != SpineCodeSystem {
			errs = append(errs, fmt.Errorf("issue %d details.coding.system is %q, not %s", i, is.System, SpineCodeSystem))
		}
	}
	return errors.Join(errs...)
}
