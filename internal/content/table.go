package content

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/nems-harness/nems-harness/internal/codes"
	"github.com/nems-harness/nems-harness/internal/fhir"
)

// step is one compiled path step: a child name, optionally an extension
// url or a child-value filter.
type step struct {
	name         string
	sym          sym
	url          string
	hasURL       bool
	fpath, fwant string // name[fpath=fwant]
	fsyms        []sym  // fpath's names
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
		st.sym, st.fsyms = intern(st.name), internPath(st.fpath)
		out = append(out, st)
	}
	return out, nil
}

// matches reports whether child c is one that step st selects: of its
// name, present, of its url or with its child's value.
func (x *index) matches(c int32, st *step) bool {
	e := &x.e[c]
	if e.sym != st.sym || e.flags&fValue == 0 && e.end == c+1 {
		return false
	}
	if st.hasURL && x.url(c) != st.url {
		return false
	}
	if st.hasFilter {
		if v, ok := x.val(x.get(c, st.fsyms)); !ok || v != st.fwant {
			return false
		}
	}
	return true
}

// follow appends the present elements at the end of steps from element i
// (i itself for no steps), in document order.
func (x *index) follow(i int32, steps []step, out []int32) []int32 {
	if len(steps) == 0 {
		return append(out, i)
	}
	st := &steps[0]
	for c := i + 1; c < x.e[i].end; c = x.e[c].end {
		if x.e[c].sym == st.sym && x.matches(c, st) { // the name first, inline
			out = x.follow(c, steps[1:], out)
		}
	}
	return out
}

// followKids is follow from a resource whose children's names are listed
// in kids (entries nil: not listed).
func (x *index) followKids(r int32, kids kidList, steps []step, out []int32) []int32 {
	if kids.entries == nil || len(steps) == 0 {
		return x.follow(r, steps, out)
	}
	st := &steps[0]
	k := kids.find(st.sym)
	if k == nil {
		return out
	}
	for c := k.first; c <= k.last; c = x.e[c].end {
		if x.e[c].sym == st.sym && x.matches(c, st) {
			out = x.follow(c, steps[1:], out)
		}
	}
	return out
}

// followFirst is the first element follow would give for one step, -1 for
// none.
func (x *index) followFirst(i int32, st *step) int32 {
	for c := i + 1; c < x.e[i].end; c = x.e[c].end {
		if x.matches(c, st) {
			return c
		}
	}
	return -1
}

// patternMatcher is a function reporting whether a whole value matches
// a pattern: written out for the catalogue's patterns, a regular
// expression for any other.
func patternMatcher(p string) func(string) bool {
	switch p {
	case uuidPattern:
		return isUUID
	case `[0-9]{1,18}`:
		return func(v string) bool { return len(v) >= 1 && len(v) <= 18 && allDigits(v) }
	}
	re := regexp.MustCompile("^(?:" + p + ")$")
	return re.MatchString
}

// isUUID matches uuidPattern: 8-4-4-4-12 hexadecimal digits.
func isUUID(v string) bool {
	if len(v) != 36 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

func allDigits(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
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

// Compile checks a rule's table rows and prepares them. Catalogues call it
// once for every rule (NewCatalogue does).
func (r *Rule) Compile() error {
	if r.IssueType == "" {
		r.IssueType = "invalid"
	}
	if len(r.Profiles) > 0 {
		r.notProfile = "applies to profile " + strings.Join(r.Profiles, ", ") + " only"
	}
	if len(r.Events) > 0 {
		r.notEvent = "applies to " + strings.Join(r.Events, ", ") + " only"
	}
	if len(r.Types) > 0 {
		r.notType = "applies to " + strings.Join(r.Types, ", ") + " messages only"
	}
	for i := range r.Counts {
		c := &r.Counts[i]
		var err error
		c.of = intern(c.Of)
		if c.lo, c.hi, err = parseCard(c.Card); err != nil {
			return fmt.Errorf("rule %s count %s: %w", r.ID, c.Of, err)
		}
	}
	for i := range r.Elems {
		e := &r.Elems[i]
		if i == 0 {
			r.noneOf, r.none = e.Of, "no "+e.Of+" in the message"
		}
		e.of = intern(e.Of)
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
			e.match = patternMatcher(e.Pattern)
		}
		if e.Coding != "" {
			e.list, e.hasList = codes.Get(e.Coding)
		}
		e.noChecks = e.Fixed == "" && len(e.OneOf) == 0 && e.match == nil && e.System == "" && e.Coding == "" && len(e.Pairs) == 0 && !e.SCTID && e.Ref == ""
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
		if len(a) == 0 && strings.IndexByte(format, '%') < 0 {
			rp.skip = format
			return
		}
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
	rp.failAt(n, at, fmt.Sprintf(format, a...))
}

// failAt is FailAt with the reason written.
func (rp *Report) failAt(n fhir.Node, at, reason string) {
	if len(rp.findings) >= MaxFindings {
		rp.more++
		return
	}
	f := Finding{Entry: -1, Reason: reason}
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
		lo, hi := c.lo, c.hi
		n := len(m.instances(c.of, false))
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
	if len(r.Elems) == 0 {
		return
	}
	m := rp.m
	x := m.index()
	var missingArr [4]string
	missing := missingArr[:0]
	// Scratch kept in the index, in locals meanwhile.
	scopes, found := x.scopes[:0], x.found[:0]
	// The instances of the last row (rows mostly judge one type).
	var (
		insts     []fhir.Node
		pos       []int32
		slot      int
		lastOf    sym
		lastThe   bool
		haveInsts bool
	)
	for i := range r.Elems {
		e := &r.Elems[i]
		if len(e.On) > 0 && !slices.Contains(e.On, m.Type) || len(e.Events) > 0 && !slices.Contains(e.Events, m.Event) {
			continue
		}
		if !haveInsts || e.of != lastOf || e.The != lastThe {
			insts, pos, slot = m.instancesAt(e.of, e.The)
			lastOf, lastThe, haveInsts = e.of, e.The, true
		}
		if len(insts) == 0 {
			if !slices.Contains(missing, e.Of) {
				missing = append(missing, e.Of)
			}
			continue
		}
		scopes, found = rp.judgeRow(x, e, pos, slot, scopes, found)
	}
	x.scopes, x.found = scopes, found
	switch {
	case rp.judged > 0 || len(missing) == 0:
	case len(missing) == 1 && missing[0] == r.noneOf && rp.skip == "":
		rp.skip = r.none // the usual case, written by Compile
	default:
		slices.Sort(missing)
		rp.Skip("no %s in the message", strings.Join(missing, " or "))
	}
}

// judgeRow runs element row e on the instances at pos (the first one's
// kid lists in slot), with scratch space scopes and found, which it
// returns.
func (rp *Report) judgeRow(x *index, e *Elem, pos []int32, slot int, scopes, found []int32) ([]int32, []int32) {
	for k, at := range pos {
		rp.Judged()
		if at < 0 {
			continue
		}
		kids := x.kids(slot + k)
		if len(e.each) == 0 {
			found = x.followKids(at, kids, e.steps, found[:0])
			rp.judgeFound(x, e, at, found)
			continue
		}
		// The scopes are below the instance: no kid lists.
		scopes = x.followKids(at, kids, e.each, scopes[:0])
		for _, sc := range scopes {
			found = x.follow(sc, e.steps, found[:0])
			rp.judgeFound(x, e, sc, found)
		}
	}
	return scopes, found
}

// judgeFound judges the elements a row found in one scope: their count
// and each one's value.
func (rp *Report) judgeFound(x *index, e *Elem, scope int32, found []int32) {
	if e.hasCard {
		if n := len(found); n < e.min || e.max >= 0 && n > e.max {
			rp.cardBreach(x, e, scope, n)
		}
	}
	if e.noChecks {
		return
	}
	for _, n := range found {
		if why, got := rp.checkValue(x, e, n); why != "" {
			if e.Why != "" {
				why = e.Why
			}
			rp.failAt(x.node(n), "", why+got)
		}
	}
}

func (rp *Report) cardBreach(x *index, e *Elem, scope int32, n int) {
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
	// Located at the deepest element of the path that is there: a missing
	// source.name is on the line of source.
	at, k := scope, 0
	for k < len(e.steps)-1 {
		next := x.followFirst(at, &e.steps[k])
		if next < 0 {
			break
		}
		at, k = next, k+1
	}
	if n == 0 && k == len(e.steps)-1 {
		// The last step selects by a child's value: when elements of its
		// name are there with other values, the breach is the values.
		if first, got := x.otherValues(at, &e.steps[k]); first >= 0 {
			why = "no " + e.steps[k].name + " with " + e.steps[k].fpath + " " + e.steps[k].fwant
			if e.Why != "" {
				why = e.Why
			}
			rp.failAt(x.node(first), "", why+got)
			return
		}
	}
	if e.Why != "" {
		why = e.Why
	}
	rest := make([]string, 0, len(e.steps)-k)
	for _, st := range e.steps[k:] {
		rest = append(rest, st.text())
	}
	rp.failAt(x.node(at), strings.Join(rest, "."), why)
}

// otherValues looks, for a step name[child=value], at the present children
// of i named so (and of the step's url) whose child has another value: the
// first of them, and the values as a reason's ending; -1 when there are
// none (or the step selects by no value).
func (x *index) otherValues(i int32, st *step) (int32, string) {
	if !st.hasFilter {
		return -1, ""
	}
	first := int32(-1)
	var vals []string
	for c := i + 1; c < x.e[i].end; c = x.e[c].end {
		e := &x.e[c]
		if e.sym != st.sym || !x.present(c) || st.hasURL && x.url(c) != st.url {
			continue
		}
		v, ok := x.val(x.get(c, st.fsyms))
		if !ok {
			continue
		}
		if first < 0 {
			first = c
		}
		vals = append(vals, v)
	}
	if first < 0 {
		return -1, ""
	}
	return first, foundText(vals...)
}

// foundText ends a reason about a wrong value with the values found (the
// distinct ones, each shortened, at most three): " (found v1, v2)".
func foundText(vals ...string) string {
	var b strings.Builder
	b.WriteString(" (found ")
	n := 0
	for i, v := range vals {
		if slices.Contains(vals[:i], v) {
			continue
		}
		if n == 3 {
			b.WriteString(", …")
			break
		}
		if n > 0 {
			b.WriteString(", ")
		}
		n++
		b.WriteString(shownValue(v))
	}
	b.WriteByte(')')
	return b.String()
}

// shownValue is a value found as a reason shows it: shortened, and quoted
// when it is empty or white space or control characters would hide in it.
func shownValue(v string) string {
	s := shortValue(v)
	if v == "" || strings.TrimSpace(v) != v || strings.ContainsFunc(v, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return strconv.Quote(s)
	}
	return s
}

// shortValue cuts a value found to 100 bytes, on a character boundary.
func shortValue(s string) string {
	const most = 100
	if len(s) <= most {
		return s
	}
	cut := most
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
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

// checkValue applies an element row's value checks to element i; it
// returns the reason of a breach ("" for none) and, for a wrong value, the
// reason's ending naming it (foundText).
func (rp *Report) checkValue(x *index, e *Elem, i int32) (why, got string) {
	m := rp.m
	if e.Fixed != "" || len(e.OneOf) > 0 || e.match != nil {
		v := x.value(i)
		if e.Fixed != "" && v != e.Fixed {
			return fmt.Sprintf("want %q", e.Fixed), foundText(v)
		}
		if len(e.OneOf) > 0 && !slices.Contains(e.OneOf, v) {
			return "not one of " + strings.Join(e.OneOf, ", "), foundText(v)
		}
		if e.match != nil && !e.match(v) {
			return "not of the required form", foundText(v)
		}
	}
	if e.System == "" && e.Coding == "" && len(e.Pairs) == 0 && !e.SCTID && e.Ref == "" {
		return "", ""
	}
	sys, _, code, hasCode := x.kidVals(i, symSystem, symCode)
	if e.System != "" && sys != e.System {
		return "want coding system " + e.System, foundText(sys)
	}
	if e.Coding != "" {
		l, ok := e.list, e.hasList
		if !ok {
			l, ok = codes.Get(e.Coding) // a row not compiled
		}
		switch {
		case !ok:
			return "code list " + e.Coding + " is not known to the mock", ""
		case !hasCode:
			return "coding without a code, want one from " + e.Coding, ""
		case !l.Contains(sys, code):
			return "not a coding from " + e.Coding, foundText(sys + "|" + code)
		}
	}
	if len(e.Pairs) > 0 {
		disp, _ := x.kidVal(i, symDisplay)
		ok := false
		for _, p := range e.Pairs {
			if code == p[0] && disp == p[1] {
				ok = true
				break
			}
		}
		if !ok {
			return "not an allowed code and display", " (found code " + shownValue(code) + ", display " + shownValue(disp) + ")"
		}
	}
	if e.SCTID {
		if sys != SNOMED {
			return "want coding system " + SNOMED, foundText(sys)
		}
		if err := codes.CheckSCTID(code); err != nil {
			return err.Error(), ""
		}
	}
	if e.Ref != "" {
		v, has := x.kidVal(i, symReference)
		if !has {
			return "no reference to " + article(e.Ref), ""
		}
		t, how := m.resolveValue(v) // as m.Target does
		ok := how == Resolved && t.Ok()
		switch {
		case !ok:
			return "does not resolve to " + article(e.Ref) + " in the Bundle", ""
		case t.Type() != e.Ref:
			return "resolves to " + article(t.Type()) + ", want " + article(e.Ref), ""
		case e.Ref == "Patient" && m.Patient.Ok() && t != m.Patient:
			return "resolves to another Patient than the message's", ""
		}
	}
	return "", ""
}

// SNOMED is the SNOMED CT code system.
const SNOMED = "http://snomed.info/sct"

// Catalogue is an ordered, compiled list of content rules.
type Catalogue struct {
	rules []*Rule
	index map[string]*Rule
	// plans are by message kind (copied on write: readers take no lock).
	plans   atomic.Pointer[map[planKey]*plan]
	plansMu sync.Mutex
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
	return r.judge(m)
}

// judge runs a rule that applies to the message.
func (r *Rule) judge(m *Message) Result {
	rp := &m.report
	*rp = Report{m: m}
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
	case rp.note == "":
		return Result{Rule: r, Outcome: Pass, Reason: judgedReason(rp.judged)}
	default:
		return Result{Rule: r, Outcome: Pass, Reason: judgedReason(rp.judged) + rp.note}
	}
}

// judgedReasons are the reasons of a pass for the usual counts.
var judgedReasons = func() []string {
	out := make([]string, 128)
	for n := range out {
		out[n] = fmt.Sprintf("%d %s judged", n, instancesWord(n))
	}
	return out
}()

// judgedReason is a pass's reason: how many instances were judged.
func judgedReason(n int) string {
	if n >= 0 && n < len(judgedReasons) {
		return judgedReasons[n]
	}
	return strconv.Itoa(n) + " " + instancesWord(n) + " judged"
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
	if p := c.planOf(m); p != nil {
		copy(out, p.results)
		for _, i := range p.apply {
			out[i] = c.rules[i].judge(m)
		}
	} else {
		for i, r := range c.rules {
			if !r.Remembers {
				out[i] = r.Judge(m)
			}
		}
		for i, r := range c.rules {
			if r.Remembers {
				out[i] = r.Judge(m)
			}
		}
	}
	m.release()
	return out
}

// plan is which rules apply to messages of one kind (see planKey), and
// the results of those that do not.
type plan struct {
	apply   []int
	results []Result
}

// planKey is what Rule.applies reads of a message.
type planKey struct {
	profile, event, typ string
	xml                 bool
}

// planOf returns the plan for the message's kind, made on first use; nil
// for a kind of an unknown event, type or profile (not kept: a sender
// could make any number of them).
func (c *Catalogue) planOf(m *Message) *plan {
	k := planKey{m.Profile, m.Event, m.Type, m.Doc != nil && m.Doc.Format == "xml"}
	if _, ok := LookupEvent(k.event); !ok || k.profile != Profile2019 && k.profile != ProfileCurrent ||
		k.typ != "new" && k.typ != "update" && k.typ != "delete" {
		return nil
	}
	if ps := c.plans.Load(); ps != nil {
		if p, ok := (*ps)[k]; ok {
			return p
		}
	}
	p := &plan{results: make([]Result, len(c.rules))}
	var later []int // the rules that remember, judged last
	for i, r := range c.rules {
		switch why := r.applies(m); {
		case why != "":
			p.results[i] = Result{Rule: r, Outcome: NotAssessed, Reason: why}
		case r.Remembers:
			later = append(later, i)
		default:
			p.apply = append(p.apply, i)
		}
	}
	p.apply = append(p.apply, later...)
	c.plansMu.Lock()
	defer c.plansMu.Unlock()
	old := c.plans.Load()
	ps := make(map[planKey]*plan)
	if old != nil {
		for k, v := range *old {
			ps[k] = v
		}
	}
	// The key's strings may alias the body: kept as copies.
	k.profile, k.event, k.typ = strings.Clone(k.profile), strings.Clone(k.event), strings.Clone(k.typ)
	ps[k] = p
	c.plans.Store(&ps)
	return p
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
