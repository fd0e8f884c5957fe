package mockspine

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"

	"github.com/nems-harness/nems-harness/mockspine/mediatype"
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
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Encode writes the resource as FHIR XML or JSON.
func (o *OperationOutcome) Encode(f mediatype.Format) []byte {
	if f == mediatype.JSON {
		return o.encodeJSON()
	}
	return o.encodeXML()
}

type jsonValue struct {
	Value string `json:"value"`
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
	var b bytes.Buffer
	b.WriteString(`<OperationOutcome xmlns="http://hl7.org/fhir">` + "\n")
	if o.ID != "" {
		fmt.Fprintf(&b, "  <id value=\"%s\"/>\n", attr(o.ID))
	}
	fmt.Fprintf(&b, "  <meta>\n    <profile value=\"%s\"/>\n  </meta>\n", OutcomeProfile)
	for _, is := range o.Issues {
		b.WriteString("  <issue>\n")
		fmt.Fprintf(&b, "    <severity value=\"%s\"/>\n", attr(is.Severity))
		fmt.Fprintf(&b, "    <code value=\"%s\"/>\n", attr(is.Code))
		b.WriteString("    <details>\n      <coding>\n")
		fmt.Fprintf(&b, "        <system value=\"%s\"/>\n", attr(is.System))
		fmt.Fprintf(&b, "        <code value=\"%s\"/>\n", attr(is.Details.Code))
		fmt.Fprintf(&b, "        <display value=\"%s\"/>\n", attr(is.Details.Display))
		b.WriteString("      </coding>\n    </details>\n")
		if is.Diagnostics != "" {
			fmt.Fprintf(&b, "    <diagnostics value=\"%s\"/>\n", attr(is.Diagnostics))
		}
		b.WriteString("  </issue>\n")
	}
	b.WriteString("</OperationOutcome>\n")
	return b.Bytes()
}

// attr escapes text for an XML attribute value.
func attr(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s)) // writing to a bytes.Buffer cannot fail
	return b.String()
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
