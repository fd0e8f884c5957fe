// Package eventrules holds the per-event content rules of the five
// publishable NEMS events (VAC-*, PC-*, BST-*, NBH-*, NIPE-* of the content
// rule catalogue) as data, and judges a message against them.
//
// An event is a table: its code and display, its focus resource, the
// message event types it allows, the resource counts per message event
// type, and its rules. A rule names the resource type it judges and a list
// of requirements (Req) on elements of every instance of that type:
// cardinalities, references that must resolve to a type, codings of a
// system that must come from a code list, carry fixed codes and displays or
// be valid SNOMED CT concept ids. The few requirements that are not about
// one instance's elements (a code used by two Procedures, hearing tests per
// ear) are named checks parametrised by data. Adding a sixth event means
// adding a table.
//
// Counting is per resource instance, never bundle-wide. A rule whose
// resource is absent from the message is not assessed; a missing mandatory
// resource is the event's *-RESOURCES rule's failure.
package eventrules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nems-harness/nems-harness/internal/fhir"
)

// Severity of a rule: an error rule fails the message; a warning never
// does.
type Severity string

// The severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Message event types.
const (
	New    = "new"
	Update = "update"
	Delete = "delete"
)

// Event is one publishable event and its rules.
type Event struct {
	Code    string // MessageHeader.event.code
	Display string // MessageHeader.event.display
	Name    string // e.g. "Blood Spot Test Outcome"
	Short   string // rule ID prefix, e.g. "BST"
	Focus   string // resource type of MessageHeader.focus
	// PatientPath is the reference from the focus to the Patient.
	PatientPath string
	// MessageTypes are the message event types the event allows.
	MessageTypes []string
	// Counts are the resource counts per message event type.
	Counts map[string][]Count
	Rules  []Rule
}

// Count is the number of entries of one resource type a message may hold.
type Count struct {
	Type     string
	Min, Max int // Max < 0: no upper bound
}

// Rule is one per-event content rule.
type Rule struct {
	ID       string
	Severity Severity
	Text     string
	Source   string
	// Kind says what the rule judges: resources (the default), the
	// resource counts, or the message event type.
	Kind Kind
	// Resource is the type of the instances judged. FocusOnly judges only
	// the focus (or, for the Patient, the patient of the focus); Via judges
	// the resources a path of the focus resolves to.
	Resource  string
	FocusOnly bool
	Via       string
	Reqs      []Req
	// Checks are named checks over all the instances together.
	Checks []Check
}

// Kind of a rule.
type Kind int

// The kinds of rule.
const (
	Resources Kind = iota
	Counts
	MessageType
)

// Req is one requirement on the elements of a resource instance.
type Req struct {
	// Each, when set, applies the requirement to every element at that
	// path (e.g. "every type has at most one coding").
	Each string
	// Path is the dotted element path from the resource (or from Each).
	Path string
	// On limits the requirement to some message event types.
	On []string
	// When limits it to instances whose element When.Path has When.Value.
	When *Cond
	// Min, Max bound the number of elements at Path that are present.
	// Max < 0 means no bound; Max == 0 with Min == 0 means "not counted".
	Min, Max int
	// Forbid says the element must be absent.
	Forbid bool
	// To: every present element at Path is a Reference resolving to an
	// entry of that type; "Patient" means the event's patient.
	To string
	// Value: every present element at Path has exactly this value.
	Value string
	// Codings constrains the codings of the CodeableConcepts at Path.
	Codings *Codings
}

// Cond is a condition on an element's value.
type Cond struct{ Path, Value string }

// Codings constrains the codings of the CodeableConcepts at a path, taken
// together (over all elements at the path).
type Codings struct {
	// System selects the codings judged; "" selects every coding.
	System string
	// Min, Max bound the number of codings selected (Holders: the number
	// of elements holding one). Max < 0: no bound.
	Min, Max int
	Holders  bool
	// HolderCodings, when > 0, is the exact number of codings an element
	// holding a selected coding has.
	HolderCodings int
	// List: each selected coding is a coding from that code list; with
	// Some, at least Min of them are (the others are not judged).
	List string
	Some bool
	// Fixed: each selected coding's (code, display) is one of these.
	Fixed []CodeDisplay
	// SCTID: each selected coding's code is a valid SNOMED CT concept id.
	SCTID bool
	// CodeAndDisplay: each selected coding has a code and a display.
	CodeAndDisplay bool
}

// CodeDisplay is a fixed code and its display, compared exactly.
type CodeDisplay struct{ Code, Display string }

// Check is a named check over every instance a rule judges, for what is
// not a requirement on one instance's elements.
type Check struct {
	Name string
	Run  func(m *Message, rs []*fhir.Node) []Breach
}

// Verdict of a rule.
type Verdict string

// The verdicts.
const (
	Pass        Verdict = "pass"
	Fail        Verdict = "fail"
	NotAssessed Verdict = "not assessed"
)

// Breach is one place where a message breaks a rule.
type Breach struct {
	Entry  int    // entry index, -1 for the message as a whole
	Path   string // FHIR path within the resource
	Line   int    // line in the body, 0 when unknown
	Reason string
}

// String is the breach as the diagnostics show it: entry[5]
// Procedure.outcome.coding: reason.
func (b Breach) String() string {
	if b.Entry < 0 {
		if b.Path == "" {
			return b.Reason
		}
		return b.Path + ": " + b.Reason
	}
	return fmt.Sprintf("entry[%d] %s: %s", b.Entry, b.Path, b.Reason)
}

// Result is a rule's verdict on one message.
type Result struct {
	Rule     *Rule
	Verdict  Verdict
	Reason   string // why not assessed
	Breaches []Breach
}

// Diagnostics is the OperationOutcome diagnostics of a failed rule:
// "[ID] first breach; and N more".
func (r Result) Diagnostics() string {
	if len(r.Breaches) == 0 {
		return "[" + r.Rule.ID + "] " + r.Reason
	}
	s := "[" + r.Rule.ID + "] " + r.Breaches[0].String()
	if n := len(r.Breaches) - 1; n > 0 {
		s += fmt.Sprintf("; and %d more", n)
	}
	return s
}

// Message is a message being judged.
type Message struct {
	Doc   *fhir.Doc
	Event *Event
	// Type is the message event type as sent; Judged is the one the rules
	// judge it as (an update the event does not allow is judged as new).
	Type, Judged string
	focus        *fhir.Node
	patient      *fhir.Node
	byURL        map[string]int
}

// NewMessage prepares a read message of an event for judging. msgType is
// the message event type MSG-BUNDLE read.
func NewMessage(doc *fhir.Doc, ev *Event, msgType string) *Message {
	m := &Message{Doc: doc, Event: ev, Type: msgType, Judged: msgType, byURL: map[string]int{}}
	if !contains(ev.MessageTypes, msgType) && msgType == Update {
		m.Judged = New
	}
	for i, e := range doc.Entries {
		if e.FullURL != "" {
			if _, dup := m.byURL[e.FullURL]; !dup {
				m.byURL[e.FullURL] = i
			}
		}
	}
	if len(doc.Entries) > 0 {
		if mh := doc.Entries[0].Resource; mh != nil && mh.Type == "MessageHeader" {
			if r := m.Resolve(get(mh, "focus")); r != nil && r.Type == ev.Focus {
				m.focus = r
			}
		}
	}
	if m.focus == nil {
		m.focus = m.first(ev.Focus)
	}
	if m.focus != nil && ev.PatientPath != "" {
		if p := m.Resolve(get(m.focus, ev.PatientPath)); p != nil && p.Type == "Patient" {
			m.patient = p
		}
	}
	if m.patient == nil {
		m.patient = m.first("Patient")
	}
	return m
}

func (m *Message) first(typ string) *fhir.Node {
	for _, e := range m.Doc.Entries {
		if e.Resource != nil && e.Resource.Type == typ {
			return e.Resource
		}
	}
	return nil
}

// Resolve returns the entry resource a Reference element resolves to: its
// reference equals an entry's fullUrl, or is a relative Type/id naming one
// entry. Nil when it does not resolve.
func (m *Message) Resolve(ref *fhir.Node) *fhir.Node {
	v, ok := ref.Val("reference")
	if !ok {
		return nil
	}
	if i, ok := m.byURL[v]; ok {
		return m.Doc.Entries[i].Resource
	}
	typ, id, ok := strings.Cut(v, "/")
	if !ok || strings.Contains(id, "/") || strings.Contains(v, ":") {
		return nil
	}
	var found *fhir.Node
	n := 0
	for _, e := range m.Doc.Entries {
		if strings.HasSuffix(e.FullURL, "/"+v) {
			found, n = e.Resource, n+1
		}
	}
	if n == 1 {
		return found
	}
	found, n = nil, 0
	for _, e := range m.Doc.Entries {
		if r := e.Resource; r != nil && r.Type == typ {
			if rid, _ := r.Val("id"); rid == id {
				found, n = r, n+1
			}
		}
	}
	if n == 1 {
		return found
	}
	return nil
}

// Patient is the event's patient: the one the focus references, else the
// first Patient entry.
func (m *Message) Patient() *fhir.Node { return m.patient }

// Focus is the focus resource.
func (m *Message) Focus() *fhir.Node { return m.focus }

// breach locates a breach at node n (or, when n is nil, at path under the
// resource r).
func (m *Message) breach(r, n *fhir.Node, path, reason string) Breach {
	b := Breach{Entry: -1, Reason: reason}
	at := n
	if at == nil {
		at = r
	}
	if e, ok := m.Doc.EntryOf(at); ok {
		b.Entry = e.Index
	}
	b.Line = m.Doc.Line(at)
	switch {
	case n != nil:
		b.Path = n.Path()
	case r != nil && path != "":
		b.Path = r.Type + "." + path
	case r != nil:
		b.Path = r.Type
	}
	return b
}

// Judge judges a message against every rule of every event: the rules of
// other events are not assessed. msgType is the message event type
// MSG-BUNDLE read; eventCode the event it accepted.
func Judge(doc *fhir.Doc, eventCode, msgType string) []Result {
	ev, _ := LookupEvent(eventCode)
	var m *Message
	if ev != nil {
		m = NewMessage(doc, ev, msgType)
	}
	var out []Result
	for _, e := range events {
		for i := range e.Rules {
			r := &e.Rules[i]
			if e != ev {
				out = append(out, Result{Rule: r, Verdict: NotAssessed, Reason: "applies to " + e.Code + " only"})
				continue
			}
			out = append(out, m.judge(r))
		}
	}
	return out
}

// JudgeEvent judges a message against its own event's rules only.
func (m *Message) JudgeEvent() []Result {
	out := make([]Result, 0, len(m.Event.Rules))
	for i := range m.Event.Rules {
		out = append(out, m.judge(&m.Event.Rules[i]))
	}
	return out
}

func (m *Message) judge(r *Rule) Result {
	res := Result{Rule: r}
	switch r.Kind {
	case MessageType:
		if !contains(m.Event.MessageTypes, m.Type) {
			res.Breaches = append(res.Breaches, m.breach(nil, m.msgTypeNode(), "",
				fmt.Sprintf("message event type %q is not allowed for %s (allowed: %s)", m.Type, m.Event.Code, strings.Join(m.Event.MessageTypes, ", "))))
		}
	case Counts:
		res.Breaches = m.counts()
	default:
		rs := m.instances(r)
		if len(rs) == 0 {
			res.Verdict, res.Reason = NotAssessed, "no "+r.Resource+" in the message"
			if r.Via != "" {
				res.Reason = "no " + r.Resource + " that " + m.Event.Focus + "." + r.Via + " resolves to"
			}
			return res
		}
		applied := false
		for _, rn := range rs {
			for _, q := range r.Reqs {
				bs, ok := m.req(rn, q)
				applied = applied || ok
				res.Breaches = append(res.Breaches, bs...)
			}
		}
		for _, c := range r.Checks {
			applied = true
			res.Breaches = append(res.Breaches, c.Run(m, rs)...)
		}
		if !applied {
			res.Verdict, res.Reason = NotAssessed, "no "+r.Resource+" the rule's conditions apply to"
			return res
		}
	}
	if len(res.Breaches) > 0 {
		res.Verdict = Fail
	} else {
		res.Verdict = Pass
	}
	return res
}

func (m *Message) msgTypeNode() *fhir.Node {
	if len(m.Doc.Entries) == 0 || m.Doc.Entries[0].Resource == nil {
		return nil
	}
	mh := m.Doc.Entries[0].Resource
	for _, k := range mh.All("extension") {
		if strings.HasSuffix(k.URL, "MessageEventType-1") {
			return k
		}
	}
	return mh
}

// instances are the resources a rule judges.
func (m *Message) instances(r *Rule) []*fhir.Node {
	switch {
	case r.Via != "":
		var out []*fhir.Node
		for _, ref := range find(m.focus, r.Via) {
			if t := m.Resolve(ref); t != nil && t.Type == r.Resource {
				out = append(out, t)
			}
		}
		return out
	case r.FocusOnly && r.Resource == "Patient":
		if m.patient == nil {
			return nil
		}
		return []*fhir.Node{m.patient}
	case r.FocusOnly:
		if m.focus == nil || m.focus.Type != r.Resource {
			return nil
		}
		return []*fhir.Node{m.focus}
	}
	var out []*fhir.Node
	for _, e := range m.Doc.Entries {
		if e.Resource != nil && e.Resource.Type == r.Resource {
			out = append(out, e.Resource)
		}
	}
	return out
}

func (m *Message) counts() []Breach {
	want := m.Event.Counts[m.Judged]
	got := map[string]int{}
	for _, e := range m.Doc.Entries {
		if e.Resource != nil {
			got[e.Resource.Type]++
		}
	}
	var out []Breach
	for _, c := range want {
		n := got[c.Type]
		if n < c.Min || (c.Max >= 0 && n > c.Max) {
			out = append(out, Breach{Entry: -1, Path: c.Type,
				Reason: fmt.Sprintf("%d in the message, %s allows %s on %s", n, m.Event.Code, bounds(c.Min, c.Max), m.Judged)})
		}
	}
	return out
}

func bounds(min, max int) string {
	if max < 0 {
		return fmt.Sprintf("%d..*", min)
	}
	return fmt.Sprintf("%d..%d", min, max)
}

// req judges one requirement on one instance; ok says whether it applied.
func (m *Message) req(r *fhir.Node, q Req) ([]Breach, bool) {
	if len(q.On) > 0 && !contains(q.On, m.Judged) {
		return nil, false
	}
	if q.When != nil {
		if v, _ := val(r, q.When.Path); v != q.When.Value {
			return nil, false
		}
	}
	if q.Each == "" {
		return m.reqAt(r, r, q), true
	}
	var out []Breach
	for _, base := range present(find(r, q.Each)) {
		out = append(out, m.reqAt(r, base, q)...)
	}
	return out, true
}

func (m *Message) reqAt(r, base *fhir.Node, q Req) []Breach {
	var out []Breach
	els := present(find(base, q.Path))
	where := func(n *fhir.Node) *fhir.Node {
		if n != nil {
			return n
		}
		if base != r {
			return base
		}
		return nil
	}
	full := q.Path
	if q.Each != "" {
		full = q.Each + "." + q.Path
	}
	if q.Forbid && len(els) > 0 {
		out = append(out, m.breach(r, els[0], full, "must be absent"))
	}
	if len(els) < q.Min {
		what := "absent"
		if len(els) > 0 {
			what = fmt.Sprintf("%d present, at least %d required", len(els), q.Min)
		}
		out = append(out, m.breach(r, where(nil), full, what))
	}
	if q.Max > 0 && len(els) > q.Max {
		out = append(out, m.breach(r, els[q.Max], full, fmt.Sprintf("%d present, at most %d allowed", len(els), q.Max)))
	}
	for _, el := range els {
		if q.To != "" {
			t := m.Resolve(el)
			switch {
			case q.To == "Patient" && (t == nil || t != m.patient):
				out = append(out, m.breach(r, el, full, "does not resolve to the Patient"))
			case q.To != "Patient" && (t == nil || t.Type != q.To):
				out = append(out, m.breach(r, el, full, "does not resolve to a"+article(q.To)+" "+q.To))
			}
		}
		if q.Value != "" {
			if !el.HasValue || el.Value != q.Value {
				out = append(out, m.breach(r, el, full, fmt.Sprintf("is %q, must be %q", el.Value, q.Value)))
			}
		}
	}
	if q.Codings != nil {
		out = append(out, m.codings(r, base, els, full, q.Codings)...)
	}
	return out
}

func article(t string) string {
	if t != "" && strings.ContainsRune("AEIOU", rune(t[0])) {
		return "n"
	}
	return ""
}

func (m *Message) codings(r, base *fhir.Node, els []*fhir.Node, path string, c *Codings) []Breach {
	var out []Breach
	var sel []*fhir.Node
	holders := 0
	for _, el := range els {
		held := 0
		for _, cd := range present(el.All("coding")) {
			if sys, _ := cd.Val("system"); c.System == "" || sys == c.System {
				sel = append(sel, cd)
				held++
			}
		}
		if held > 0 {
			holders++
			if c.HolderCodings > 0 {
				if n := len(present(el.All("coding"))); n != c.HolderCodings {
					out = append(out, m.breach(r, el, path, fmt.Sprintf("has %d codings, must have exactly %d", n, c.HolderCodings)))
				}
			}
		}
	}
	if c.Some {
		var from []*fhir.Node
		for _, cd := range sel {
			s, _ := cd.Val("system")
			code, _ := cd.Val("code")
			if inList(c.List, s, code) {
				from = append(from, cd)
			}
		}
		if len(from) < c.Min {
			at := base
			if len(els) > 0 {
				at = els[0]
			}
			if at == r {
				at = nil
			}
			out = append(out, m.breach(r, at, path+".coding", fmt.Sprintf("no coding from %s", c.List)))
		}
		return out
	}
	n, what := len(sel), "codings"
	if c.Holders {
		n, what = holders, "elements holding a coding"
	}
	if c.System != "" {
		what += " of system " + c.System
	}
	if n < c.Min || (c.Max >= 0 && n > c.Max) {
		at := base
		if len(els) > 0 {
			at = els[0]
		}
		if at == r {
			at = nil
		}
		found := ""
		if n == 0 && c.System != "" {
			var systems []string
			for _, el := range els {
				for _, cd := range el.All("coding") {
					if s, ok := cd.Val("system"); ok {
						systems = append(systems, s)
					}
				}
			}
			if len(systems) > 0 {
				found = " (found " + strings.Join(systems, ", ") + ")"
			}
		}
		out = append(out, m.breach(r, at, path+".coding", fmt.Sprintf("%d %s, %s required%s", n, what, bounds(c.Min, c.Max), found)))
	}
	for _, cd := range sel {
		sys, _ := cd.Val("system")
		code, hasCode := cd.Val("code")
		disp, hasDisp := cd.Val("display")
		if c.CodeAndDisplay && (!hasCode || !hasDisp) {
			out = append(out, m.breach(r, cd, path, "coding needs a code and a display"))
		}
		if c.List != "" && !c.Some && !inList(c.List, sys, code) {
			out = append(out, m.breach(r, cd, path, fmt.Sprintf("code %q is not in %s", code, c.List)))
		}
		if c.SCTID {
			if err := checkSCTID(code); err != nil {
				out = append(out, m.breach(r, cd, path, err.Error()))
			}
		}
		if len(c.Fixed) > 0 {
			ok := false
			for _, f := range c.Fixed {
				if hasCode && code == f.Code && hasDisp && disp == f.Display {
					ok = true
					break
				}
			}
			if !ok {
				out = append(out, m.breach(r, cd, path, fmt.Sprintf("(%q, %q) is not %s", code, disp, fixedList(c.Fixed))))
			}
		}
	}
	return out
}

func fixedList(f []CodeDisplay) string {
	if len(f) == 1 {
		return fmt.Sprintf("(%q, %q)", f[0].Code, f[0].Display)
	}
	if len(f) <= 3 {
		var s []string
		for _, x := range f {
			s = append(s, fmt.Sprintf("(%q, %q)", x.Code, x.Display))
		}
		return "one of " + strings.Join(s, ", ")
	}
	return fmt.Sprintf("one of the %d fixed pairs", len(f))
}

// present keeps the elements that are present (an empty element counts as
// absent).
func present(ns []*fhir.Node) []*fhir.Node {
	out := ns[:0:0]
	for _, n := range ns {
		if n.Present() {
			out = append(out, n)
		}
	}
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// events is every event, in catalogue order.
var events = []*Event{&vaccinations, &professionalContacts, &bloodSpot, &newbornHearing, &nipeOutcome}

// Events lists the events in catalogue order.
func Events() []*Event { return append([]*Event(nil), events...) }

// LookupEvent finds an event by its code.
func LookupEvent(code string) (*Event, bool) {
	for _, e := range events {
		if e.Code == code {
			return e, true
		}
	}
	return nil, false
}

// LookupRule finds a rule by ID.
func LookupRule(id string) (*Rule, *Event, bool) {
	for _, e := range events {
		for i := range e.Rules {
			if e.Rules[i].ID == id {
				return &e.Rules[i], e, true
			}
		}
	}
	return nil, nil, false
}

// RuleIDs lists every rule ID in catalogue order.
func RuleIDs() []string {
	var out []string
	for _, e := range events {
		for _, r := range e.Rules {
			out = append(out, r.ID)
		}
	}
	return out
}

// resourceTypes lists the resource types of an event's counts.
func (e *Event) resourceTypes() []string {
	seen := map[string]bool{}
	var out []string
	for _, mt := range e.MessageTypes {
		for _, c := range e.Counts[mt] {
			if !seen[c.Type] {
				seen[c.Type] = true
				out = append(out, c.Type)
			}
		}
	}
	sort.Strings(out)
	return out
}
