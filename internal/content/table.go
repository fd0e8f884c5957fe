package content

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/nems-harness/nems-harness/internal/codes"
	"github.com/nems-harness/nems-harness/internal/fhir"
)

// step is one compiled path step: a child name, optionally an extension
// url or a child-value filter.
type step struct {
	name         string
	url          string
	hasURL       bool
	fpath, fwant string // name[fpath=fwant]
	hasFilter    bool
}

// compilePath splits a path at the dots outside () and [].
func compilePath(p string) ([]step, error) {
	var out []step
	if p == "" {
		return nil, nil
	}
	depth, start := 0, 0
	if strings.Count(p, "(") != strings.Count(p, ")") || strings.Count(p, "[") != strings.Count(p, "]") {
		return nil, fmt.Errorf("path %q: unbalanced brackets", p)
	}
	var parts []string
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		case '.':
			if depth == 0 {
				parts = append(parts, p[start:i])
				start = i + 1
			}
		}
	}
	parts = append(parts, p[start:])
	for _, s := range parts {
		var st step
		switch {
		case strings.HasSuffix(s, ")"):
			i := strings.IndexByte(s, '(')
			if i <= 0 {
				return nil, fmt.Errorf("path %q: bad step %q", p, s)
			}
			st.name, st.url, st.hasURL = s[:i], s[i+1:len(s)-1], true
		case strings.HasSuffix(s, "]"):
			i := strings.IndexByte(s, '[')
			f := s[i+1 : len(s)-1]
			k, v, ok := strings.Cut(f, "=")
			if i <= 0 || !ok {
				return nil, fmt.Errorf("path %q: bad step %q", p, s)
			}
			st.name, st.fpath, st.fwant, st.hasFilter = s[:i], k, v, true
		default:
			st.name = s
		}
		if st.name == "" || strings.ContainsAny(st.name, "()[]=") {
			return nil, fmt.Errorf("path %q: bad step %q", p, s)
		}
		out = append(out, st)
	}
	return out, nil
}

// follow returns the present elements at the end of steps from n.
func follow(n fhir.Node, steps []step) []fhir.Node {
	cur := []fhir.Node{n}
	for _, st := range steps {
		var next []fhir.Node
		for _, c := range cur {
			for k := c.First(); k.Ok(); k = k.Next() {
				if k.Name() != st.name || !k.Present() {
					continue
				}
				if st.hasURL && k.URL() != st.url {
					continue
				}
				if st.hasFilter {
					if v, ok := k.Val(st.fpath); !ok || v != st.fwant {
						continue
					}
				}
				next = append(next, k)
			}
		}
		cur = next
	}
	return cur
}

// parseCard reads "min..max" ("*" for no maximum).
func parseCard(s string) (lo, hi int, err error) {
	a, b, ok := strings.Cut(s, "..")
	if !ok {
		return 0, 0, fmt.Errorf("cardinality %q: want min..max", s)
	}
	if lo, err = strconv.Atoi(a); err != nil {
		return 0, 0, fmt.Errorf("cardinality %q: %w", s, err)
	}
	if b == "*" {
		return lo, -1, nil
	}
	if hi, err = strconv.Atoi(b); err != nil || hi < lo {
		return 0, 0, fmt.Errorf("cardinality %q: bad maximum", s)
	}
	return lo, hi, nil
}

var patterns sync.Map // string -> *regexp.Regexp

func pattern(p string) *regexp.Regexp {
	if re, ok := patterns.Load(p); ok {
		return re.(*regexp.Regexp)
	}
	re := regexp.MustCompile("^(?:" + p + ")$")
	patterns.Store(p, re)
	return re
}

// Compile checks a rule's table rows and prepares them. Catalogues call it
// once for every rule (NewCatalogue does).
func (r *Rule) Compile() error {
	if r.IssueType == "" {
		r.IssueType = "invalid"
	}
	for i := range r.Counts {
		if _, _, err := parseCard(r.Counts[i].Card); err != nil {
			return fmt.Errorf("rule %s count %s: %w", r.ID, r.Counts[i].Of, err)
		}
	}
	for i := range r.Elems {
		e := &r.Elems[i]
		var err error
		if e.steps, err = compilePath(e.Path); err != nil {
			return fmt.Errorf("rule %s: %w", r.ID, err)
		}
		if e.each, err = compilePath(e.Each); err != nil {
			return fmt.Errorf("rule %s: %w", r.ID, err)
		}
		if e.Card != "" {
			if e.min, e.max, err = parseCard(e.Card); err != nil {
				return fmt.Errorf("rule %s %s.%s: %w", r.ID, e.Of, e.Path, err)
			}
			e.hasCard = true
		}
		if e.Pattern != "" {
			if _, err := regexp.Compile(e.Pattern); err != nil {
				return fmt.Errorf("rule %s: pattern: %w", r.ID, err)
			}
		}
		if e.Of == "" || len(e.steps) == 0 && !e.hasCard {
			return fmt.Errorf("rule %s: an element row needs Of and Path", r.ID)
		}
	}
	return nil
}

// Report gathers one rule's findings on one message.
type Report struct {
	m        *Message
	findings []Finding
	// more counts the breaches beyond MaxFindings, which are not kept.
	more   int
	judged int
	skip   string
	// note qualifies a pass ("; history of this run only, the latest …").
	note string
}

// MaxFindings bounds the breaches a result keeps; the rest are counted.
const MaxFindings = 100

// Judged records that an instance was judged (a rule with no judged
// instance and no breach is not assessed).
func (rp *Report) Judged() { rp.judged++ }

// Skip makes the verdict not assessed with this reason, unless a breach is
// also reported.
func (rp *Report) Skip(format string, a ...any) {
	if rp.skip == "" {
		rp.skip = fmt.Sprintf(format, a...)
	}
}

// Note adds to the reason of a pass: what the verdict rests on, when that
// is less than the rule's text says (a History that forgot the oldest).
func (rp *Report) Note(s string) { rp.note += s }

// Fail records a breach at element n (nil: the message as a whole).
func (rp *Report) Fail(n fhir.Node, format string, a ...any) {
	rp.FailAt(n, "", format, a...)
}

// FailAt records a breach of an absent element: at is its path below n
// ("" for n itself).
func (rp *Report) FailAt(n fhir.Node, at string, format string, a ...any) {
	if len(rp.findings) >= MaxFindings {
		rp.more++
		return
	}
	f := Finding{Entry: -1, Reason: fmt.Sprintf(format, a...)}
	if n.Ok() {
		f.Entry = rp.m.Entry(n)
		f.Path = n.Path()
		if at != "" {
			f.Path += "." + at
		}
		f.Line = rp.m.Doc.Line(n)
		if n.HasValue() {
			f.Excerpt = excerpt(n.Value())
		}
	}
	rp.findings = append(rp.findings, f)
}

// FailLine records a breach known by entry, line and path (the schema
// validator's).
func (rp *Report) FailLine(entry, line int, path, reason string) {
	if len(rp.findings) >= MaxFindings {
		rp.more++
		return
	}
	rp.findings = append(rp.findings, Finding{Entry: entry, Path: path, Line: line, Reason: reason})
}

// excerpt copies at most 80 bytes of a value (a Doc aliases the body).
func excerpt(s string) string {
	if len(s) > 80 {
		cut := 80
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strings.Clone(s)
}

// judgeCounts runs a rule's count rows.
func (rp *Report) judgeCounts(r *Rule) {
	m := rp.m
	for _, c := range r.Counts {
		if len(c.On) > 0 && !slices.Contains(c.On, m.Type) {
			continue
		}
		lo, hi, _ := parseCard(c.Card)
		n := len(m.Resources(c.Of))
		rp.Judged()
		if n < lo || hi >= 0 && n > hi {
			rp.Fail(fhir.Node{}, "%d %s %s (%s allows %s on %s)", n, c.Of, entriesWord(n), m.Event, c.Card, m.Type)
		}
	}
}

func entriesWord(n int) string {
	if n == 1 {
		return "entry"
	}
	return "entries"
}

// judgeElems runs a rule's element rows.
func (rp *Report) judgeElems(r *Rule) {
	m := rp.m
	missing := map[string]bool{}
	for i := range r.Elems {
		e := &r.Elems[i]
		if len(e.On) > 0 && !slices.Contains(e.On, m.Type) || len(e.Events) > 0 && !slices.Contains(e.Events, m.Event) {
			continue
		}
		var insts []fhir.Node
		if e.The {
			if t := m.The(e.Of); t.Ok() {
				insts = []fhir.Node{t}
			}
		} else {
			insts = m.Resources(e.Of)
		}
		if len(insts) == 0 {
			missing[e.Of] = true
			continue
		}
		for _, inst := range insts {
			rp.Judged()
			scopes := []fhir.Node{inst}
			if len(e.each) > 0 {
				scopes = follow(inst, e.each)
			}
			for _, sc := range scopes {
				found := follow(sc, e.steps)
				if e.hasCard {
					if n := len(found); n < e.min || e.max >= 0 && n > e.max {
						rp.cardBreach(e, sc, n)
					}
				}
				for _, n := range found {
					if why := rp.checkValue(e, n); why != "" {
						if e.Why != "" {
							why = e.Why
						}
						rp.Fail(n, "%s", why)
					}
				}
			}
		}
	}
	if rp.judged == 0 && len(missing) > 0 {
		types := make([]string, 0, len(missing))
		for t := range missing {
			types = append(types, t)
		}
		slices.Sort(types)
		rp.Skip("no %s in the message", strings.Join(types, " or "))
	}
}

func (rp *Report) cardBreach(e *Elem, scope fhir.Node, n int) {
	want := e.Card
	var why string
	switch {
	case n == 0:
		why = "missing (" + want + ")"
	case e.max == 0:
		why = "not allowed (" + want + ")"
	default:
		why = fmt.Sprintf("%d present (%s)", n, want)
	}
	if e.Why != "" {
		why = e.Why
	}
	// Located at the deepest element of the path that is there: a missing
	// source.name is on the line of source.
	at, k := scope, 0
	for k < len(e.steps)-1 {
		next := follow(at, e.steps[k:k+1])
		if len(next) == 0 {
			break
		}
		at, k = next[0], k+1
	}
	rest := make([]string, 0, len(e.steps)-k)
	for _, st := range e.steps[k:] {
		rest = append(rest, st.text())
	}
	rp.FailAt(at, strings.Join(rest, "."), "%s", why)
}

// text writes the step as a path spells it.
func (st step) text() string {
	switch {
	case st.hasURL:
		return st.name + "(" + st.url + ")"
	case st.hasFilter:
		return st.name + "[" + st.fpath + "=" + st.fwant + "]"
	}
	return st.name
}

// checkValue applies an element row's value checks to one element; it
// returns the reason of a breach, or "".
func (rp *Report) checkValue(e *Elem, n fhir.Node) string {
	m := rp.m
	if e.Fixed != "" && n.Value() != e.Fixed {
		return fmt.Sprintf("%q, want %q", n.Value(), e.Fixed)
	}
	if len(e.OneOf) > 0 && !slices.Contains(e.OneOf, n.Value()) {
		return fmt.Sprintf("%q is not one of %s", n.Value(), strings.Join(e.OneOf, ", "))
	}
	if e.Pattern != "" && !pattern(e.Pattern).MatchString(n.Value()) {
		return fmt.Sprintf("%q does not have the required form", n.Value())
	}
	sys, _ := n.Val("system")
	code, hasCode := n.Val("code")
	if e.System != "" && sys != e.System {
		return fmt.Sprintf("coding system %q, want %s", sys, e.System)
	}
	if e.Coding != "" {
		l, ok := codes.Get(e.Coding)
		switch {
		case !ok:
			return "code list " + e.Coding + " is not known to the mock"
		case !hasCode:
			return "coding without a code, want one from " + e.Coding
		case !l.Contains(sys, code):
			return fmt.Sprintf("system %q code %q is not a coding from %s", sys, code, e.Coding)
		}
	}
	if len(e.Pairs) > 0 {
		disp, _ := n.Val("display")
		ok := false
		for _, p := range e.Pairs {
			if code == p[0] && disp == p[1] {
				ok = true
				break
			}
		}
		if !ok {
			return fmt.Sprintf("code %q display %q is not an allowed pair", code, disp)
		}
	}
	if e.SCTID {
		if sys != SNOMED {
			return fmt.Sprintf("coding system %q, want %s", sys, SNOMED)
		}
		if err := codes.CheckSCTID(code); err != nil {
			return err.Error()
		}
	}
	if e.Ref != "" {
		if _, has := n.Val("reference"); !has {
			return "no reference to " + article(e.Ref)
		}
		t, ok := m.Target(n)
		switch {
		case !ok:
			return "does not resolve to " + article(e.Ref) + " in the Bundle"
		case t.Type() != e.Ref:
			return "resolves to " + article(t.Type()) + ", want " + article(e.Ref)
		case e.Ref == "Patient" && m.Patient.Ok() && t != m.Patient:
			return "resolves to another Patient than the message's"
		}
	}
	return ""
}

// SNOMED is the SNOMED CT code system.
const SNOMED = "http://snomed.info/sct"

// Catalogue is an ordered, compiled list of content rules.
type Catalogue struct {
	rules []*Rule
	index map[string]*Rule
}

// NewCatalogue compiles rules, in the order given (the order of issues in
// an answer).
func NewCatalogue(rules ...[]*Rule) (*Catalogue, error) {
	c := &Catalogue{index: map[string]*Rule{}}
	for _, set := range rules {
		for _, r := range set {
			if err := r.Compile(); err != nil {
				return nil, err
			}
			if _, dup := c.index[r.ID]; dup {
				return nil, fmt.Errorf("content rule %s given twice", r.ID)
			}
			if r.Severity != Error && r.Severity != Warning {
				return nil, fmt.Errorf("content rule %s: severity %q", r.ID, r.Severity)
			}
			c.index[r.ID] = r
			c.rules = append(c.rules, r)
		}
	}
	return c, nil
}

// Rules returns the rules in order. The slice is shared: do not modify.
func (c *Catalogue) Rules() []*Rule { return c.rules }

// Rule finds a rule by ID.
func (c *Catalogue) Rule(id string) (*Rule, bool) {
	r, ok := c.index[id]
	return r, ok
}

// Judge runs one rule over a message.
func (r *Rule) Judge(m *Message) Result {
	if why := r.applies(m); why != "" {
		return Result{Rule: r, Outcome: NotAssessed, Reason: why}
	}
	rp := &Report{m: m}
	rp.judgeCounts(r)
	rp.judgeElems(r)
	if r.Check != nil {
		r.Check(m, rp)
	}
	switch {
	case len(rp.findings) > 0:
		return Result{Rule: r, Outcome: Fail, Findings: rp.findings, Total: len(rp.findings) + rp.more, Reason: rp.findings[0].String()}
	case rp.skip != "" || rp.judged == 0:
		why := rp.skip
		if why == "" {
			why = "nothing in the message for this rule to judge"
		}
		return Result{Rule: r, Outcome: NotAssessed, Reason: why}
	default:
		return Result{Rule: r, Outcome: Pass, Reason: fmt.Sprintf("%d %s judged", rp.judged, instancesWord(rp.judged)) + rp.note}
	}
}

func instancesWord(n int) string {
	if n == 1 {
		return "instance"
	}
	return "instances"
}

// Judge runs every rule over a message, in catalogue order.
func (c *Catalogue) Judge(m *Message) []Result {
	m.cat = c
	out := make([]Result, len(c.rules))
	for i, r := range c.rules {
		out[i] = r.Judge(m)
	}
	return out
}

// NotAssessed gives every rule the verdict not assessed with one reason
// (the message did not pass MSG-BUNDLE).
func (c *Catalogue) NotAssessed(reason string) []Result {
	out := make([]Result, len(c.rules))
	for i, r := range c.rules {
		out[i] = Result{Rule: r, Outcome: NotAssessed, Reason: reason}
	}
	return out
}

// article puts "a" or "an" before a resource type.
func article(typ string) string {
	if typ != "" && strings.ContainsRune("AEIOU", rune(typ[0])) {
		return "an " + typ
	}
	return "a " + typ
}
