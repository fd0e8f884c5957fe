package content

import (
	"fmt"
	"slices"
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
	rp.failAt(messageEventTypeNode(m), "", "a message event type "+m.Event+" does not allow (allowed: "+strings.Join(ev.Types, ", ")+")"+foundText(m.Type))
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
	l := codes.MustGet(list)
	return anyCoding(of, the, path, l.Contains, func(rp *Report, r fhir.Node, found string) {
		why := "no coding from " + list + found
		if at := r.Get(path); at.Present() {
			rp.failAt(at, "", why)
		} else {
			rp.failAt(r, path, why)
		}
	})
}

// anyCoding is the check that every resource of type of (the message's one
// when the is set) has, among the codings of the CodeableConcepts at path,
// one whose system and code accept takes; fail reports a resource without,
// given the codings found as a reason's ending.
func anyCoding(of string, the bool, path string, accept func(system, code string) bool, fail func(rp *Report, r fhir.Node, found string)) func(*Message, *Report) {
	ofSym := intern(of)
	codings := internPath(path + ".coding")
	return func(m *Message, rp *Report) {
		x := m.index()
		rs, pos, _ := m.instancesAt(ofSym, the)
		for k, r := range rs {
			rp.Judged()
			ok := false
			var buf [16]int32
			cs := x.findAll(pos[k], codings, buf[:0])
			for _, c := range cs {
				s, _, code, _ := x.kidVals(c, symSystem, symCode)
				if accept(s, code) {
					ok = true
					break
				}
			}
			if !ok {
				fail(rp, r, x.codingsFound(cs))
			}
		}
	}
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
	ofSym := intern(of)
	codings := internPath(path + ".coding")
	return func(m *Message, rp *Report) {
		x := m.index()
		var seen map[string]bool
		_, pos, _ := m.instancesAt(ofSym, false)
		for _, ri := range pos {
			rp.Judged()
			var buf [16]int32
			for _, c := range x.findAll(ri, codings, buf[:0]) {
				if s, _ := x.kidVal(c, symSystem); s != system {
					continue
				}
				code, ok := x.kidVal(c, symCode)
				if !ok {
					continue
				}
				if seen[code] {
					rp.Fail(x.node(c), "a second %s with %s %s", of, what, code)
				}
				if seen == nil {
					seen = map[string]bool{}
				}
				seen[code] = true
			}
		}
	}
}

// hasCoding reports whether resource r has, among the codings at path (a
// compiled "<path>.coding"), one of system and code.
func (x *index) hasCoding(r int32, codings []sym, system, code string) bool {
	var buf [16]int32
	return x.codingIn(x.findAll(r, codings, buf[:0]), system, code)
}

// codingIn reports whether one of the codings cs is of system and code.
func (x *index) codingIn(cs []int32, system, code string) bool {
	for _, c := range cs {
		if s, _, v, _ := x.kidVals(c, symSystem, symCode); v == code && s == system { // the short string first
			return true
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
	ofSym := intern(of)
	codeCodings, outcomeCodings := internPath(codePath+".coding"), internPath(outcomePath+".coding")
	return func(m *Message, rp *Report) {
		x := m.index()
		n := 0
		per := make([]int, len(groups))
		rs, pos, _ := m.instancesAt(ofSym, false)
		for k, r := range rs {
			rp.Judged()
			ri := pos[k]
			if !x.hasCoding(ri, codeCodings, system, code) {
				continue
			}
			if n++; n == total+1 {
				rp.Fail(r.Get(codePath), "more than %d %s %ss", total, what, of)
			}
			var buf [16]int32
			outcomes := x.findAll(ri, outcomeCodings, buf[:0]) // once for every code
			for k, g := range groups {
				for _, c := range g.codes {
					if x.codingIn(outcomes, system, c) {
						if per[k]++; per[k] == g.max+1 {
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
	ofSym := intern(of)
	type codeList struct {
		code, name string
		list       codes.List
	}
	var byCode []codeList
	for code, name := range lists {
		byCode = append(byCode, codeList{code, name, codes.MustGet(name)})
	}
	slices.SortFunc(byCode, func(a, b codeList) int { return strings.Compare(a.code, b.code) })
	codeCodings, listCodings := internPath(codePath+".coding"), internPath(listPath+".coding")
	return func(m *Message, rp *Report) {
		x := m.index()
		_, pos, _ := m.instancesAt(ofSym, false)
		for _, ri := range pos {
			var cbuf [16]int32
			cs := x.findAll(ri, codeCodings, cbuf[:0]) // once for every code
			for _, cl := range byCode {
				if !x.codingIn(cs, system, cl.code) {
					continue
				}
				rp.Judged()
				var buf [16]int32
				for _, c := range x.findAll(ri, listCodings, buf[:0]) {
					s, _, v, _ := x.kidVals(c, symSystem, symCode)
					if s == system && !cl.list.Contains(s, v) {
						rp.failAt(x.node(c), "", "not in "+cl.name+" (the outcomes of a "+cl.code+" "+of+")"+foundText(v))
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
	ofSym := intern(of)
	// A compiled path: its steps may select an extension by url, whose
	// dots are not steps.
	at, err := compilePath(path)
	if err != nil {
		panic(fmt.Sprintf("content: codedOrText %s: %v", of, err))
	}
	return func(m *Message, rp *Report) {
		x := m.index()
		_, pos, _ := m.instancesAt(ofSym, true)
		for _, ri := range pos {
			var buf [16]int32
			for _, cc := range x.follow(ri, at, buf[:0]) {
				rp.Judged()
				first, ok := int32(-1), false
				for c := cc + 1; c < x.e[cc].end; c = x.e[c].end {
					if x.e[c].sym != symCoding || !x.present(c) {
						continue
					}
					if first < 0 {
						first = c
					}
					if s, _ := x.kidVal(c, symSystem); s == system {
						ok = true
					}
				}
				if first < 0 {
					if !x.kidPresent(cc, symText) {
						rp.Fail(x.node(cc), "no coding and no text")
					}
					continue
				}
				if !ok {
					rp.Fail(x.node(first), "no coding of system %s", system)
				}
			}
		}
	}
}

// snomedOrList is the check that the CodeableConcept at path of the
// message's one resource of type of has a coding that is either SNOMED CT
// with a valid SCTID or from list.
func snomedOrList(of, path, list string) func(*Message, *Report) {
	l := codes.MustGet(list)
	accept := func(system, code string) bool {
		return system == SNOMED && codes.ValidSCTID(code) || l.Contains(system, code)
	}
	return anyCoding(of, true, path, accept, func(rp *Report, r fhir.Node, found string) {
		rp.failAt(r, path, "no SNOMED CT coding with a valid concept id and no coding from "+list+found)
	})
}

// when is the check that, in the message's one resource of type of whose
// element condPath has value cond, the elements at each path of present
// are present and those of absent are absent. Where the condition does not
// hold nothing is judged.
func when(of, condPath, cond string, present, absent []string) func(*Message, *Report) {
	condAt := internPath(condPath)
	presentAt := make([][]sym, len(present))
	for i, p := range present {
		presentAt[i] = internPath(p)
	}
	absentAt := make([][]sym, len(absent))
	for i, p := range absent {
		absentAt[i] = internPath(p)
	}
	return func(m *Message, rp *Report) {
		r := m.The(of)
		if !r.Ok() {
			return
		}
		x := m.index()
		ri := x.at(r)
		if v, _ := x.val(x.get(ri, condAt)); v != cond {
			return
		}
		rp.Judged()
		for i, p := range present {
			if !x.present(x.get(ri, presentAt[i])) {
				rp.FailAt(r, p, "missing (%s is %s)", condPath, cond)
			}
		}
		for i := range absent {
			if n := x.get(ri, absentAt[i]); x.present(n) {
				rp.Fail(x.node(n), "not allowed when %s is %s", condPath, cond)
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
	at := internPath(path)
	return func(m *Message, rp *Report) {
		if !m.Focus.Ok() {
			rp.Skip("no focus resource")
			return
		}
		x := m.index()
		n := 0
		var buf [16]int32
		for _, ref := range x.findAll(x.at(m.Focus), at, buf[:0]) {
			t, ok := m.Target(x.node(ref))
			if !ok || t.Type() != of {
				continue
			}
			n++
			rp.Judged()
			good := false
			ti := x.at(t)
			for c := ti + 1; ti >= 0 && c < x.e[ti].end; c = x.e[c].end {
				if x.e[c].sym == symTelecom && x.kidPresent(c, symSystem) && x.kidPresent(c, symValue) {
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

// codingsFound is a reason's ending naming the codings found, as
// system|code ("" when there is none).
func (x *index) codingsFound(cs []int32) string {
	var arr [4]string
	vals := arr[:0]
	for _, c := range cs {
		s, ok1, v, ok2 := x.kidVals(c, symSystem, symCode)
		if ok1 || ok2 {
			vals = append(vals, s+"|"+v)
		}
	}
	if len(vals) == 0 {
		return ""
	}
	return foundText(vals...)
}

// holders is the check that, in every resource of type of, between min and
// max (max < 0: no bound) of the CodeableConcepts at path hold a coding of
// system; with exact > 0, each that does has exactly that many codings,
// each with a code and a display.
func holders(of, path, system string, min, max, exact int) func(*Message, *Report) {
	ofSym := intern(of)
	at := internPath(path)
	return func(m *Message, rp *Report) {
		x := m.index()
		rs, pos, _ := m.instancesAt(ofSym, false)
		for k, r := range rs {
			rp.Judged()
			var buf, hbuf [16]int32
			held := hbuf[:0]
			for _, cc := range x.findAll(pos[k], at, buf[:0]) {
				for c := cc + 1; c < x.e[cc].end; c = x.e[c].end {
					if x.e[c].sym != symCoding {
						continue
					}
					if s, _ := x.kidVal(c, symSystem); s == system {
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
					rp.Fail(x.node(held[0]), "%d %s elements with a coding of %s (%s)", n, path, system, card)
				}
			}
			if exact == 0 {
				continue
			}
			for _, cc := range held {
				var cbuf [8]int32
				cds := x.all(cc, symCoding, cbuf[:0])
				if len(cds) != exact {
					rp.Fail(x.node(cc), "%d codings, want exactly %d", len(cds), exact)
				}
				for _, c := range cds {
					if !x.kidPresent(c, symCode) || !x.kidPresent(c, symDisplay) {
						rp.Fail(x.node(c), "a coding without code and display")
					}
				}
			}
		}
	}
}
