package eventrules

import (
	"fmt"
	"strings"

	"github.com/nems-harness/nems-harness/internal/codes"
	"github.com/nems-harness/nems-harness/internal/fhir"
)

// Systems the tables use.
const (
	snomed           = codes.SNOMED
	encounterTypeSys = "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ChildHealthEncounterType-1"
	profTypeSys      = "https://fhir.nhs.uk/STU3/CodeSystem/ProfessionalType-1"
	dchProfTypeSys   = "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ProfessionalType-1"
	specialtySys     = "https://fhir.nhs.uk/STU3/CodeSystem/Specialty-1"
	dchSpecialtySys  = "https://fhir.nhs.uk/STU3/CodeSystem/DCH-Specialty-1"
	commentTypeSys   = "https://fhir.nhs.uk/STU3/CodeSystem/DCH-ProfessionalCommentType-1"
	sdsJobRoleSys    = "https://fhir.hl7.org.uk/STU3/CodeSystem/CareConnect-SDSJobRoleName-1"
	keyWorkerSys     = "https://fhir.nhs.uk/STU3/CodeSystem/DCH-KeyWorkerStatus-1"
	nullFlavorSys    = "http://hl7.org/fhir/v3/NullFlavor"
	vaccProcURL      = "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-VaccinationProcedure-1"
)

func inList(list, system, code string) bool {
	l, ok := codes.Get(list)
	return ok && l.Contains(system, code)
}

func checkSCTID(code string) error { return codes.CheckSCTID(code) }

// all is "no upper bound".
const all = -1

// uniqueCode is the check that no two instances carry the same code of a
// system at path (e.g. "no two Procedures have the same test code").
func uniqueCode(path, system, what string) Check {
	return Check{Name: "unique " + what, Run: func(m *Message, rs []*fhir.Node) []Breach {
		seen := map[string]bool{}
		var out []Breach
		for _, r := range rs {
			for _, cd := range find(r, path+".coding") {
				if sys, _ := cd.Val("system"); sys != system {
					continue
				}
				code, ok := cd.Val("code")
				if !ok {
					continue
				}
				if seen[code] {
					out = append(out, m.breach(r, cd, path, fmt.Sprintf("a second %s with %s %s", r.Type, what, code)))
				}
				seen[code] = true
			}
		}
		return out
	}}
}

// Group is a set of codes counted together by perGroup.
type Group struct {
	Name  string
	Codes []string
	Max   int
}

// perGroup is the check that, among the instances whose code at codePath
// is code, at most Max have an outcome code (at outcomePath, system
// system) in each group; total bounds them all.
func perGroup(codePath, code, outcomePath, system, what string, total int, groups []Group) Check {
	return Check{Name: "per " + what, Run: func(m *Message, rs []*fhir.Node) []Breach {
		var out []Breach
		n := 0
		counts := map[string]int{}
		for _, r := range rs {
			if !hasCoding(r, codePath, system, code) {
				continue
			}
			n++
			if n == total+1 {
				out = append(out, m.breach(r, nil, codePath, fmt.Sprintf("more than %d %s Procedures", total, what)))
			}
			for _, g := range groups {
				for _, c := range g.Codes {
					if hasCoding(r, outcomePath, system, c) {
						counts[g.Name]++
						if counts[g.Name] == g.Max+1 {
							out = append(out, m.breach(r, nil, outcomePath, fmt.Sprintf("more than %d %s Procedures for the %s", g.Max, what, g.Name)))
						}
					}
				}
			}
		}
		return out
	}}
}

func hasCoding(r *fhir.Node, path, system, code string) bool {
	for _, cd := range find(r, path+".coding") {
		if s, _ := cd.Val("system"); s == system {
			if c, _ := cd.Val("code"); c == code {
				return true
			}
		}
	}
	return false
}

// conditionalList is the check that the codings of system at listPath come
// from a code list that depends on the code at codePath.
func conditionalList(codePath, listPath, system string, lists map[string]string) Check {
	return Check{Name: "outcome list by code", Run: func(m *Message, rs []*fhir.Node) []Breach {
		var out []Breach
		for _, r := range rs {
			for code, list := range lists {
				if !hasCoding(r, codePath, system, code) {
					continue
				}
				for _, cd := range find(r, listPath+".coding") {
					s, _ := cd.Val("system")
					c, _ := cd.Val("code")
					if s == system && !inList(list, s, c) {
						out = append(out, m.breach(r, cd, listPath, fmt.Sprintf("code %q is not in %s", c, list)))
					}
				}
			}
		}
		return out
	}}
}

// anyCoding is the check that the CodeableConcept at path has at least one
// coding that is either of system sctSystem with a valid SCTID or from the
// list.
func anySCTIDOrList(path, list string) Check {
	return Check{Name: "a SNOMED CT or " + list + " coding", Run: func(m *Message, rs []*fhir.Node) []Breach {
		var out []Breach
		for _, r := range rs {
			ok := false
			for _, cd := range find(r, path+".coding") {
				s, _ := cd.Val("system")
				c, _ := cd.Val("code")
				if s == snomed && checkSCTID(c) == nil || inList(list, s, c) {
					ok = true
				}
			}
			if !ok {
				out = append(out, m.breach(r, get(r, path), path, "no SNOMED CT coding with a valid concept id and no coding from "+list))
			}
		}
		return out
	}}
}

// textWithoutCodings is the check that a CodeableConcept at path with no
// coding has a text.
func textWithoutCodings(path string) Check {
	return Check{Name: "text when uncoded", Run: func(m *Message, rs []*fhir.Node) []Breach {
		var out []Breach
		for _, r := range rs {
			for _, cc := range present(find(r, path)) {
				if len(present(cc.All("coding"))) == 0 && !cc.Kid("text").Present() {
					out = append(out, m.breach(r, cc, path, "no coding and no text"))
				}
			}
		}
		return out
	}}
}

// snomedIfCoded is the check that a CodeableConcept at path with codings
// has at least one of system SNOMED CT.
func snomedIfCoded(path string) Check {
	return Check{Name: "SNOMED CT when coded", Run: func(m *Message, rs []*fhir.Node) []Breach {
		var out []Breach
		for _, r := range rs {
			for _, cc := range present(find(r, path)) {
				cds := present(cc.All("coding"))
				if len(cds) == 0 {
					continue
				}
				ok := false
				for _, cd := range cds {
					if s, _ := cd.Val("system"); s == snomed {
						ok = true
					}
				}
				if !ok {
					out = append(out, m.breach(r, cds[0], path, "no coding of system "+snomed))
				}
			}
		}
		return out
	}}
}

// segments splits a dotted path; a segment may carry a url in brackets,
// extension(https://...), whose dots do not split.
func segments(path string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(path); i++ {
		switch path[i] {
		case '(':
			depth++
		case ')':
			depth--
		case '.':
			if depth == 0 {
				out = append(out, path[start:i])
				start = i + 1
			}
		}
	}
	if start < len(path) {
		out = append(out, path[start:])
	}
	return out
}

// find returns every element at the end of path from n, following every
// repetition; a segment name(url) keeps only elements with that url.
func find(n *fhir.Node, path string) []*fhir.Node {
	if n == nil {
		return nil
	}
	cur := []*fhir.Node{n}
	for _, seg := range segments(path) {
		name, url := seg, ""
		if i := strings.IndexByte(seg, '('); i >= 0 && strings.HasSuffix(seg, ")") {
			name, url = seg[:i], seg[i+1:len(seg)-1]
		}
		var next []*fhir.Node
		for _, c := range cur {
			for _, k := range c.Kids {
				if k.Name == name && (url == "" || k.URL == url) {
					next = append(next, k)
				}
			}
		}
		cur = next
	}
	return cur
}

// get is the first element at path, nil when none.
func get(n *fhir.Node, path string) *fhir.Node {
	if f := find(n, path); len(f) > 0 {
		return f[0]
	}
	return nil
}

// val is the value at path and whether it is there.
func val(n *fhir.Node, path string) (string, bool) {
	k := get(n, path)
	if k == nil || !k.HasValue {
		return "", false
	}
	return k.Value, true
}
