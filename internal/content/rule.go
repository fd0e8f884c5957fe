package content

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nems-harness/nems-harness/internal/codes"
)

// Severity is how much a failed rule weighs.
type Severity string

// Severities: an error rule can reject a request (content mode reject) and
// fails a report; a warning never does.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Outcome is a rule's verdict on one message.
type Outcome string

// Outcomes, spelt as the envelope rules spell theirs.
const (
	Pass        Outcome = "pass"
	Fail        Outcome = "fail"
	NotAssessed Outcome = "not-assessed"
)

// The five publishable events.
const (
	Vaccinations = "vaccinations-1"
	ProfContacts = "professional-contacts-1"
	BloodSpot    = "blood-spot-test-outcome-1"
	Hearing      = "newborn-hearing-1"
	NIPE         = "nipe-outcome-1"
)

// Profiles, named as mockspine names them.
const (
	Profile2019    = "nems-2019-01"
	ProfileCurrent = "nems-current"
)

// Rule is one content rule.
type Rule struct {
	ID string
	// Summary is the rule in a few words, for tables.
	Summary  string
	Text     string
	Source   string
	Severity Severity
	// IssueType is the FHIR issue type of a failure's issue: "invalid"
	// unless the rule says otherwise (EVT-ORDER: "structure").
	IssueType string
	// Events it applies to (event codes); empty means all five.
	Events []string
	// Types are the message event types it applies to; empty means all.
	Types []string
	// Profiles it applies to; empty means both.
	Profiles []string
	// XMLOnly rules are not assessed for a JSON body (EVT-ORDER).
	XMLOnly bool
	// Remembers: the rule reads the run's History (a journal rule). A
	// catalogue judges these after the others, so that a caller making
	// concurrent messages take turns at the history holds the turn for
	// them alone.
	Remembers bool

	Counts []Count
	Elems  []Elem
	Check  func(m *Message, r *Report)

	// The reasons applies gives, written once by Compile (a rule not
	// compiled writes them each time).
	notProfile, notEvent, notType string
	// none is the reason no instance was judged when the message has no
	// resource of type noneOf (the first row's).
	noneOf, none string
}

// Count is one table row "resource Of occurs Card times in the message"
// (entries' resources, MessageHeader included; contained ones are not
// counted), for the message event types On (empty: all).
type Count struct {
	Of   string
	Card string
	On   []string

	lo, hi int // Card, read by Compile
	of     sym // Of's symbol
}

// Elem is one table row about elements of a resource type: see the package
// documentation.
type Elem struct {
	// Of is the resource type judged: every instance of it, or only the
	// message's one instance when The is set (the focus, the Patient the
	// focus refers to, else the first entry of the type).
	Of  string
	The bool
	// Each, when set, is a path whose every repetition Path is counted in.
	Each string
	// Path leads from the resource (or from each Each element) to the
	// elements judged.
	Path string
	// Card is "min..max" ("*" for no maximum) of the present elements at
	// Path; empty means the count is not judged.
	Card string
	// On lists the message event types the row applies to; empty: all.
	On []string
	// Events lists the events the row applies to; empty: all the rule's.
	Events []string

	// Checks on every present element at Path.
	Fixed   string   // the value, exactly
	OneOf   []string // one of these values
	Pattern string   // a regular expression the whole value matches
	// Coding: the element is a Coding from this code list (system = the
	// list's url, code listed).
	Coding string
	// System: the element is a Coding of this system.
	System string
	// Pairs: the element is a Coding whose (code, display) is one of these.
	Pairs [][2]string
	// SCTID: the element is a Coding whose code is a valid SNOMED CT
	// concept identifier.
	SCTID bool
	// Ref: the element is a Reference resolving to a resource of this type
	// ("Patient": to the message's Patient).
	Ref string
	// Why replaces the generated reason of a breach.
	Why string

	steps, each []step
	min, max    int
	hasCard     bool
	match       func(string) bool // Pattern, on the whole value
	list        codes.List        // Coding's list
	hasList     bool
	of          sym  // Of's symbol
	noChecks    bool // the row checks no value: only the count
}

// Result is one rule's verdict on one message.
type Result struct {
	Rule    *Rule
	Outcome Outcome
	Reason  string
	// Findings are the breaches kept (at most MaxFindings); Total counts
	// them all.
	Findings []Finding
	Total    int
}

// Finding is one breach, located.
type Finding struct {
	// Entry is the index of the entry holding the element, -1 for none.
	Entry int `json:"entry"`
	// Path is the FHIR path of the element (or of where it is missing).
	Path string `json:"path,omitempty"`
	// Line is the body line, 0 when unknown.
	Line   int    `json:"line,omitempty"`
	Reason string `json:"reason"`
	// Excerpt is the element's value, when it has one (shortened).
	Excerpt string `json:"excerpt,omitempty"`
}

// Where is the finding's location as diagnostics print it:
// "entry[5] Procedure.outcome.coding".
func (f Finding) Where() string {
	switch {
	case f.Entry >= 0 && f.Path != "":
		return fmt.Sprintf("entry[%d] %s", f.Entry, f.Path)
	case f.Entry >= 0:
		return fmt.Sprintf("entry[%d]", f.Entry)
	default:
		return f.Path
	}
}

// String is "location: reason".
func (f Finding) String() string {
	if w := f.Where(); w != "" {
		return w + ": " + f.Reason
	}
	return f.Reason
}

// Summary is the one line diagnostics carry after the rule ID: the first
// breach, then "; and N more".
func (res Result) Summary() string {
	switch {
	case res.Outcome != Fail:
		return res.Reason
	case len(res.Findings) == 0:
		return res.Reason
	case max(res.Total, len(res.Findings)) == 1:
		return res.Findings[0].String()
	default:
		return fmt.Sprintf("%s; and %d more", res.Findings[0], max(res.Total, len(res.Findings))-1)
	}
}

// applies says why a rule does not apply to a message, or "" when it does.
func (r *Rule) applies(m *Message) string {
	if len(r.Profiles) > 0 && !slices.Contains(r.Profiles, m.Profile) {
		if r.notProfile != "" {
			return r.notProfile
		}
		return "applies to profile " + strings.Join(r.Profiles, ", ") + " only"
	}
	if len(r.Events) > 0 && !slices.Contains(r.Events, m.Event) {
		if r.notEvent != "" {
			return r.notEvent
		}
		return "applies to " + strings.Join(r.Events, ", ") + " only"
	}
	if len(r.Types) > 0 && !slices.Contains(r.Types, m.Type) {
		if r.notType != "" {
			return r.notType
		}
		return "applies to " + strings.Join(r.Types, ", ") + " messages only"
	}
	if r.XMLOnly && m.Doc.Format != "xml" {
		return "not assessed for a JSON body: the XSD defines the XML format"
	}
	return ""
}
