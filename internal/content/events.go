package content

import (
	"fmt"
	"strings"

	"github.com/nems-harness/nems-harness/internal/codes"
	"github.com/nems-harness/nems-harness/internal/fhir"
)

// The per-event rules (VAC-*, PC-*, BST-*, NBH-*, NIPE-*) are tables in
// events_<event>.go. This file holds what they share: the systems they
// name, count rows written compactly, and the few named checks that are
// not a row about one instance's elements (a code used twice, tests per
// ear, "at least one coding from a list"), each parametrised by data.

// Events returns the per-event rules of the five events, in
// RULES-CONTENT.md order. Each call builds them afresh.
func Events() []*Rule {
	var out []*Rule
	for _, set := range [][]*Rule{vaccinationRules(), professionalContactRules(), bloodSpotRules(), hearingRules(), nipeRules()} {
		out = append(out, set...)
	}
	return out
}

// Systems the per-event rules name.
const (
	sysEncounterType = "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ChildHealthEncounterType-1"
	sysProfType      = "https://fhir.nhs.uk/STU3/CodeSystem/ProfessionalType-1"
	sysDCHProfType   = "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ProfessionalType-1"
	sysCommentType   = "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ProfessionalCommentType-1"
	sysSDSJobRole    = "https://fhir.hl7.org.uk/STU3/CodeSystem/CareConnect-SDSJobRoleName-1"
	sysKeyWorker     = "https://fhir.nhs.uk/STU3/CodeSystem/DCH-KeyWorkerStatus-1"
)

// Message event types the rows name. A screening event judges an update
// (which it does not allow: *-NOUPDATE) as a new.
var (
	allTypes = []string{"new", "update", "delete"}
	onNewish = []string{"new", "update"}
	onDelete = []string{"delete"}
)

// counts reads rows written "Type min..max" for the message event types on.
func counts(on []string, rows ...string) []Count {
	out := make([]Count, 0, len(rows))
	for _, r := range rows {
		typ, card, ok := strings.Cut(r, " ")
		if !ok {
			panic("content: count row " + r + ": want \"Type min..max\"")
		}
		out = append(out, Count{Of: typ, Card: card, On: on})
	}
	return out
}

// sys is a path step selecting the codings of a system.
func sys(path, system string) string { return path + ".coding[system=" + system + "]" }

// allowedTypes is the check that the message event type is one the
// event's page allows.
func allowedTypes(m *Message, rp *Report) {
	ev, ok := LookupEvent(m.Event)
	if !ok || m.Type == "" {
		rp.Skip("no message event type")
		return
	}
	rp.Judged()
	for _, t := range ev.Types {
		if t == m.Type {
			return
		}
	}
	rp.Fail(messageEventTypeNode(m), "message event type %q is not allowed for %s (allowed: %s)", m.Type, m.Event, strings.Join(ev.Types, ", "))
}

func messageEventTypeNode(m *Message) fhir.Node {
	for _, k := range m.Header.All("extension") {
		if strings.HasSuffix(k.URL(), "MessageEventType-1") {
			if c := k.Get("valueCodeableConcept.coding.code"); c.Ok() {
				return c
			}
			return k
		}
	}
	return m.Header
}

// someFrom is the check that every resource of type of (the message's one
// when the is set) has, among the codings of the CodeableConcepts at path,
// at least one from list; other codings are not judged.
func someFrom(of string, the bool, path, list string) func(*Message, *Report) {
	return func(m *Message, rp *Report) {
		l := codes.MustGet(list)
		for _, r := range instancesOf(m, of, the) {
			rp.Judged()
			ok := false
			for _, c := range findAll(r, path+".coding") {
				s, _ := c.Val("system")
				code, _ := c.Val("code")
				if l.Contains(s, code) {
					ok = true
					break
				}
			}
			if !ok {
				if at := r.Get(path); at.Present() {
					rp.Fail(at, "no coding from %s", list)
				} else {
					rp.FailAt(r, path, "no coding from %s", list)
				}
			}
		}
	}
}

func instancesOf(m *Message, of string, the bool) []fhir.Node {
	if the {
		if t := m.The(of); t.Ok() {
			return []fhir.Node{t}
		}
		return nil
	}
	return m.Resources(of)
}

// all runs several checks as one.
func all(checks ...func(*Message, *Report)) func(*Message, *Report) {
	return func(m *Message, rp *Report) {
		for _, c := range checks {
			c(m, rp)
		}
	}
}

// uniqueCode is the check that no two resources of type of carry the same
// code of system at path (e.g. "no two Procedures have the same test code").
func uniqueCode(of, path, system, what string) func(*Message, *Report) {
	return func(m *Message, rp *Report) {
		seen := map[string]bool{}
		for _, r := range m.Resources(of) {
			rp.Judged()
			for _, c := range findAll(r, path+".coding") {
				if s, _ := c.Val("system"); s != system {
					continue
				}
				code, ok := c.Val("code")
				if !ok {
					continue
				}
				if seen[code] {
					rp.Fail(c, "a second %s with %s %s", of, what, code)
				}
				seen[code] = true
			}
		}
	}
}

func hasCoding(r fhir.Node, path, system, code string) bool {
	for _, c := range findAll(r, path+".coding") {
		if s, _ := c.Val("system"); s == system {
			if v, _ := c.Val("code"); v == code {
				return true
			}
		}
	}
	return false
}

// group is a set of outcome codes counted together (an ear).
type group struct {
	name  string
	codes []string
	max   int
}

// perGroup is the check that at most total resources of type of have the
// code at codePath, and at most g.max of those an outcome (at outcomePath)
// in each group. All codes are of system.
func perGroup(of, codePath, code, outcomePath, system, what string, total int, groups ...group) func(*Message, *Report) {
	return func(m *Message, rp *Report) {
		n := 0
		per := map[string]int{}
		for _, r := range m.Resources(of) {
			rp.Judged()
			if !hasCoding(r, codePath, system, code) {
				continue
			}
			if n++; n == total+1 {
				rp.Fail(r.Get(codePath), "more than %d %s %ss", total, what, of)
			}
			for _, g := range groups {
				for _, c := range g.codes {
					if hasCoding(r, outcomePath, system, c) {
						if per[g.name]++; per[g.name] == g.max+1 {
							rp.Fail(r.Get(outcomePath), "more than %d %s %s for the %s", g.max, what, plural(of, g.max), g.name)
						}
					}
				}
			}
		}
	}
}

func plural(word string, n int) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// listByCode is the check that the codings of system at listPath come from
// the list that the code at codePath selects.
func listByCode(of, codePath, listPath, system string, lists map[string]string) func(*Message, *Report) {
	return func(m *Message, rp *Report) {
		for _, r := range m.Resources(of) {
			for code, list := range lists {
				if !hasCoding(r, codePath, system, code) {
					continue
				}
				rp.Judged()
				l := codes.MustGet(list)
				for _, c := range findAll(r, listPath+".coding") {
					s, _ := c.Val("system")
					v, _ := c.Val("code")
					if s == system && !l.Contains(s, v) {
						rp.Fail(c, "code %q is not in %s (the outcomes of a %s %s)", v, list, code, of)
					}
				}
			}
		}
	}
}

// codedOrText is the check that the CodeableConcept at path of the
// message's one resource of type of either has a coding of system (when it
// has codings) or, with none, a text.
func codedOrText(of, path, system string) func(*Message, *Report) {
	return func(m *Message, rp *Report) {
		for _, r := range instancesOf(m, of, true) {
			for _, cc := range findAll(r, path) {
				if !cc.Present() {
					continue
				}
				rp.Judged()
				var cds []fhir.Node
				for _, c := range cc.All("coding") {
					if c.Present() {
						cds = append(cds, c)
					}
				}
				if len(cds) == 0 {
					if !cc.Kid("text").Present() {
						rp.Fail(cc, "no coding and no text")
					}
					continue
				}
				ok := false
				for _, c := range cds {
					if s, _ := c.Val("system"); s == system {
						ok = true
					}
				}
				if !ok {
					rp.Fail(cds[0], "no coding of system %s", system)
				}
			}
		}
	}
}

// snomedOrList is the check that the CodeableConcept at path of the
// message's one resource of type of has a coding that is either SNOMED CT
// with a valid SCTID or from list.
func snomedOrList(of, path, list string) func(*Message, *Report) {
	return func(m *Message, rp *Report) {
		l := codes.MustGet(list)
		for _, r := range instancesOf(m, of, true) {
			rp.Judged()
			ok := false
			for _, c := range findAll(r, path+".coding") {
				s, _ := c.Val("system")
				v, _ := c.Val("code")
				if s == SNOMED && codes.ValidSCTID(v) || l.Contains(s, v) {
					ok = true
				}
			}
			if !ok {
				rp.FailAt(r, path, "no SNOMED CT coding with a valid concept id and no coding from %s", list)
			}
		}
	}
}

// when is the check that, in the message's one resource of type of whose
// element condPath has value cond, the elements at each path of present
// are present and those of absent are absent. Where the condition does not
// hold nothing is judged.
func when(of, condPath, cond string, present, absent []string) func(*Message, *Report) {
	return func(m *Message, rp *Report) {
		r := m.The(of)
		if v, _ := r.Val(condPath); !r.Ok() || v != cond {
			return
		}
		rp.Judged()
		for _, p := range present {
			if !r.Get(p).Present() {
				rp.FailAt(r, p, "missing (%s is %s)", condPath, cond)
			}
		}
		for _, p := range absent {
			if n := r.Get(p); n.Present() {
				rp.Fail(n, "not allowed when %s is %s", condPath, cond)
			}
		}
	}
}

// orSkip runs a check and, when it judged nothing, gives the reason the
// rule is not assessed.
func orSkip(check func(*Message, *Report), format string, a ...any) func(*Message, *Report) {
	return func(m *Message, rp *Report) {
		before := rp.judged
		check(m, rp)
		if rp.judged == before {
			rp.Skip(format, a...)
		}
	}
}

// viaTelecom is the check that every resource of type of that the focus's
// references at path resolve to has a telecom with system and value.
func viaTelecom(path, of string) func(*Message, *Report) {
	return func(m *Message, rp *Report) {
		if !m.Focus.Ok() {
			rp.Skip("no focus resource")
			return
		}
		n := 0
		for _, ref := range findAll(m.Focus, path) {
			t, ok := m.Target(ref)
			if !ok || t.Type() != of {
				continue
			}
			n++
			rp.Judged()
			good := false
			for _, tc := range t.All("telecom") {
				if tc.Get("system").Present() && tc.Get("value").Present() {
					good = true
				}
			}
			if !good {
				rp.FailAt(t, "telecom", "the %s %s.%s names has no telecom with system and value", of, m.Focus.Type(), path)
			}
		}
		if n == 0 {
			rp.Skip("no %s that %s.%s resolves to", of, m.Focus.Type(), path)
		}
	}
}

// holders is the check that, in every resource of type of, between min and
// max (max < 0: no bound) of the CodeableConcepts at path hold a coding of
// system; with exact > 0, each that does has exactly that many codings,
// each with a code and a display.
func holders(of, path, system string, min, max, exact int) func(*Message, *Report) {
	return func(m *Message, rp *Report) {
		for _, r := range m.Resources(of) {
			rp.Judged()
			var held []fhir.Node
			for _, cc := range findAll(r, path) {
				for _, c := range cc.All("coding") {
					if s, _ := c.Val("system"); s == system {
						held = append(held, cc)
						break
					}
				}
			}
			if n := len(held); n < min || max >= 0 && n > max {
				card := fmt.Sprintf("%d..%d", min, max)
				if max < 0 {
					card = fmt.Sprintf("%d..*", min)
				}
				if n == 0 {
					rp.FailAt(r, path, "no %s with a coding of %s (%s)", path, system, card)
				} else {
					rp.Fail(held[0], "%d %s elements with a coding of %s (%s)", n, path, system, card)
				}
			}
			if exact == 0 {
				continue
			}
			for _, cc := range held {
				cds := cc.All("coding")
				if len(cds) != exact {
					rp.Fail(cc, "%d codings, want exactly %d", len(cds), exact)
				}
				for _, c := range cds {
					if !c.Get("code").Present() || !c.Get("display").Present() {
						rp.Fail(c, "a coding without code and display")
					}
				}
			}
		}
	}
}

// findAll returns every element at the end of a dotted path of child
// names from n, following every repetition.
func findAll(n fhir.Node, path string) []fhir.Node {
	cur := []fhir.Node{n}
	for _, name := range strings.Split(path, ".") {
		var next []fhir.Node
		for _, c := range cur {
			next = append(next, c.All(name)...)
		}
		cur = next
	}
	return cur
}
