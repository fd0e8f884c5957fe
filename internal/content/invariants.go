package content

import (
	"strconv"
	"strings"

	"github.com/nems-harness/nems-harness/internal/fhir"
)

// checkInvariants judges the FHIR invariants EVT-INVARIANTS names. Each
// breach's reason starts with the invariant's key.
func checkInvariants(m *Message, rp *Report) {
	root := m.Doc.Root
	if !root.Ok() {
		return
	}
	rp.Judged()
	fail := func(n fhir.Node, key, format string, a ...any) {
		a = append([]any{key}, a...)
		rp.Fail(n, "%s: "+format, a...)
	}
	x := m.index()
	// Bundle: bdl-1 to bdl-5, bdl-7, bdl-8.
	if t := x.kid(0, symTotal); t >= 0 {
		fail(x.node(t), "bdl-1", "total only when a search set or history")
	}
	// seen holds each fullUrl's latest meta.versionId.
	type urlVersion struct {
		url, version string
		tail         uint64 // tailKey(url): fullUrls share their start
	}
	var seenArr [manyEntries]urlVersion
	seen := seenArr[:0]
	var seenMap map[string]string
	if len(m.Doc.Entries) > manyEntries {
		seenMap = make(map[string]string, len(m.Doc.Entries))
	}
	// The root's entry elements are the Doc's entries, in order.
	k := 0
	for c := int32(1); c < x.e[0].end && k < len(m.Doc.Entries); c = x.e[c].end {
		if x.e[c].sym != symEntry {
			continue
		}
		e := m.Doc.Entries[k]
		k++
		for _, no := range [...]struct {
			s         sym
			name, key string
		}{{symSearch, "search", "bdl-2"}, {symRequest, "request", "bdl-3"}, {symResponse, "response", "bdl-4"}} {
			if n := x.kid(c, no.s); n >= 0 {
				fail(x.node(n), no.key, "entry.%s is not allowed in a message", no.name)
			}
		}
		if !e.Resource.Ok() {
			fail(e.Node, "bdl-5", "the entry has no resource")
			continue
		}
		if e.FullURL != "" {
			v, _ := x.val(x.kid(x.kid(x.at(e.Resource), symMeta), symVersionID))
			var prev string
			dup := false
			if seenMap != nil {
				prev, dup = seenMap[e.FullURL]
				seenMap[e.FullURL] = v
			} else {
				tail := tailKey(e.FullURL)
				for k := range seen {
					if seen[k].tail == tail && seen[k].url == e.FullURL {
						prev, dup = seen[k].version, true
						seen[k].version = v
						break
					}
				}
				if !dup {
					seen = append(seen, urlVersion{e.FullURL, v, tail})
				}
			}
			if dup && prev == v {
				fail(e.Node.Kid("fullUrl"), "bdl-7", "fullUrl %s is given to two entries", e.FullURL)
			}
			if strings.Contains(e.FullURL, "/_history/") {
				fail(e.Node.Kid("fullUrl"), "bdl-8", "fullUrl %s contains /_history/", e.FullURL)
			}
		}
	}
	// The elements an invariant can be about, outside narrative XHTML
	// (txt-* are judged on the div).
	for _, i := range x.inv {
		e := &x.e[i]
		if e.end == i+1 {
			if e.flags&fValue == 0 {
				fail(x.node(i), "global-1", "element with neither a value nor children")
				continue
			}
			// A primitive: only ext-1 and ref-1 can be about it (the
			// others need children).
			if e.flags&fResource == 0 && e.sym != symExtension && e.sym != symModifierExtension && e.sym != symReference {
				continue
			}
		}
		parent := x.flat[i].Parent
		switch e.sym {
		case symExtension, symModifierExtension:
			subs, vals := 0, 0
			for c := i + 1; c < e.end; c = x.e[c].end {
				switch {
				case x.e[c].sym == symExtension:
					subs++
				case x.e[c].flags&pValueX != 0:
					vals++
				}
			}
			if subs > 0 && vals > 0 || subs == 0 && vals != 1 {
				fail(x.node(i), "ext-1", "an extension has either sub-extensions or one value[x], not both")
			}
		case symReference:
			if v := x.value(i); strings.HasPrefix(v, "#") && parent >= 0 && x.e[parent].flags&fResource == 0 {
				if !hasContained(x.node(i).Resource(), v[1:]) {
					fail(x.node(i), "ref-1", "%q names no contained resource", v)
				}
			}
		case symContained:
			checkContained(x.node(i), fail)
		case symText:
			if parent >= 0 && x.e[parent].flags&fResource != 0 {
				if d := x.kid(i, symDiv); d >= 0 && x.e[d].end == d+1 && strings.TrimSpace(x.value(d)) == "" {
					fail(x.node(d), "txt-2", "the narrative has no non-whitespace content")
				}
			}
		}
		switch {
		case e.flags&pPeriod != 0 && x.kid(i, symStart) >= 0 && x.kid(i, symEnd) >= 0:
			s, _ := x.kidVal(i, symStart)
			f, _ := x.kidVal(i, symEnd)
			a, ok1 := instant(s)
			b, ok2 := instant(f)
			if ok1 && ok2 && b.Before(a) {
				fail(x.node(i), "per-1", "start %s is after end %s", s, f)
			}
		case e.sym == symTelecom || e.sym == symValueContactPoint || e.sym == symContact && parent >= 0 && x.e[parent].sym == symSource:
			if x.kidPresent(i, symValue) && !x.kidPresent(i, symSystem) {
				fail(x.node(i), "cpt-2", "a ContactPoint with a value has a system")
			}
		case e.flags&pQuantity != 0:
			if x.kidPresent(i, symCode) && !x.kidPresent(i, symSystem) {
				fail(x.node(i), "qty-3", "a Quantity with a code has a system")
			}
		case e.flags&pRange != 0:
			lo, ok1 := x.number(x.kid(x.kid(i, symLow), symValue))
			hi, ok2 := x.number(x.kid(x.kid(i, symHigh), symValue))
			if ok1 && ok2 && lo > hi {
				fail(x.node(i), "rng-2", "low is above high")
			}
		case e.flags&pRatio != 0:
			if x.kidPresent(i, symNumerator) != x.kidPresent(i, symDenominator) {
				fail(x.node(i), "rat-1", "numerator and denominator come together")
			}
		case e.flags&pAttachment != 0:
			if x.kidPresent(i, symData) && !x.kidPresent(i, symContentType) {
				fail(x.node(i), "att-1", "an Attachment with data has a contentType")
			}
		}
		if e.flags&fResource != 0 {
			checkResource(m, x, i, fail)
		}
	}
}

// checkResource judges the resource-level invariants of resource r.
func checkResource(m *Message, x *index, r int32, fail func(fhir.Node, string, string, ...any)) {
	kids := func(s sym, f func(c int32)) {
		for c := r + 1; c < x.e[r].end; c = x.e[c].end {
			if x.e[c].sym == s {
				f(c)
			}
		}
	}
	switch x.e[r].sym { // a resource's name is its type
	case symOrganizationType:
		if !x.kidPresent(r, symIdentifier) && !x.kidPresent(r, symName) {
			fail(x.node(r), "org-1", "an Organization has an identifier or a name")
		}
		kids(symAddress, func(a int32) {
			if u, _ := x.kidVal(a, symUse); u == "home" {
				fail(x.node(a), "org-2", "an Organization has no home address")
			}
		})
		kids(symTelecom, func(t int32) {
			if u, _ := x.kidVal(t, symUse); u == "home" {
				fail(x.node(t), "org-3", "an Organization has no home telecom")
			}
		})
	case symPatient:
		kids(symContact, func(c int32) {
			if !x.kidPresent(c, symName) && !x.kidPresent(c, symTelecom) && !x.kidPresent(c, symAddress) && !x.kidPresent(c, symOrganization) {
				fail(x.node(c), "pat-1", "a Patient.contact has a name, telecom, address or organization")
			}
		})
	case symObservation:
		kids(symReferenceRange, func(rr int32) {
			if !x.kidPresent(rr, symLow) && !x.kidPresent(rr, symHigh) && !x.kidPresent(rr, symText) {
				fail(x.node(rr), "obs-3", "a referenceRange has a low, a high or a text")
			}
		})
		if d := x.kid(r, symDataAbsentReason); x.present(d) && x.hasValueX(r) {
			fail(x.node(d), "obs-6", "dataAbsentReason only when there is no value[x]")
		}
		code := x.kid(r, symCode)
		kids(symComponent, func(c int32) {
			if x.hasValueX(r) && x.codingsOverlap(code, x.kid(c, symCode)) {
				fail(x.node(c), "obs-7", "a component with the Observation's own code, while the Observation has a value")
			}
		})
	case symProcedure, symCommunication:
		key := "pro-1"
		if x.e[r].sym == symCommunication {
			key = "com-1"
		}
		if nr := x.kid(r, symNotDoneReason); x.present(nr) {
			if v, _ := x.kidVal(r, symNotDone); v != "true" {
				fail(x.node(nr), key, "notDoneReason only when notDone is true")
			}
		}
	case symCareTeam:
		kids(symParticipant, func(p int32) {
			if o := x.kid(p, symOnBehalfOf); x.present(o) {
				var member fhir.Node
				if k := x.kid(p, symMember); k >= 0 {
					member = x.node(k)
				}
				t, ok := m.Target(member)
				if !ok || t.Type() != "Practitioner" {
					fail(x.node(o), "ctm-1", "onBehalfOf only when the member is a Practitioner")
				}
			}
		})
	}
}

// checkContained judges dom-1 to dom-4 on one contained resource.
func checkContained(c fhir.Node, fail func(fhir.Node, string, string, ...any)) {
	var r fhir.Node
	for k := c.First(); k.Ok(); k = k.Next() {
		if k.Type() != "" {
			r = k
		}
	}
	if !r.Ok() {
		return
	}
	if t := r.Kid("text"); t.Ok() {
		fail(t, "dom-1", "a contained resource has no narrative")
	}
	if k := r.Kid("contained"); k.Ok() {
		fail(k, "dom-2", "a contained resource contains no resources")
	}
	if k := r.Get("meta.versionId"); k.Ok() {
		fail(k, "dom-4", "a contained resource has no meta.versionId")
	}
	if k := r.Get("meta.lastUpdated"); k.Ok() {
		fail(k, "dom-4", "a contained resource has no meta.lastUpdated")
	}
	id, _ := r.Val("id")
	container := c.Parent()
	found := false
	container.Walk(func(n fhir.Node) bool {
		if n == c {
			return false
		}
		if n.Name() == "reference" && n.Value() == "#"+id {
			found = true
		}
		return !found
	})
	if !found {
		fail(r, "dom-3", "contained %s %q is not referenced from its container", r.Type(), id)
	}
}

func hasContained(r fhir.Node, id string) bool {
	for _, c := range r.All("contained") {
		for k := c.First(); k.Ok(); k = k.Next() {
			if v, _ := k.Val("id"); k.Type() != "" && v == id {
				return true
			}
		}
	}
	return false
}

// hasValueX reports whether resource r has a present value[x].
func (x *index) hasValueX(r int32) bool {
	for c := r + 1; c < x.e[r].end; c = x.e[c].end {
		if x.e[c].flags&pValueX != 0 && x.present(c) {
			return true
		}
	}
	return false
}

// codingsOverlap reports whether two CodeableConcepts share a coding's
// system|code.
func (x *index) codingsOverlap(a, b int32) bool {
	if a < 0 || b < 0 {
		return false
	}
	for c := a + 1; c < x.e[a].end; c = x.e[c].end {
		if x.e[c].sym != symCoding {
			continue
		}
		s1, _, k1, _ := x.kidVals(c, symSystem, symCode)
		for d := b + 1; d < x.e[b].end; d = x.e[d].end {
			if x.e[d].sym != symCoding {
				continue
			}
			s2, _, k2, _ := x.kidVals(d, symSystem, symCode)
			if joinedEqual(s1, k1, s2, k2) {
				return true
			}
		}
	}
	return false
}

// joinedEqual reports whether s1+"|"+k1 == s2+"|"+k2, without joining.
func joinedEqual(s1, k1, s2, k2 string) bool {
	if len(s1)+len(k1) != len(s2)+len(k2) {
		return false
	}
	if len(s1) == len(s2) {
		return s1 == s2 && k1 == k2
	}
	if len(s1) > len(s2) {
		s1, k1, s2, k2 = s2, k2, s1, k1
	}
	// s1 is shorter: s2 = s1 + "|" + mid, and k1 = mid + "|" + k2.
	mid := len(s2) - len(s1) - 1
	return s2[:len(s1)] == s1 && s2[len(s1)] == '|' && k1[:mid] == s2[len(s1)+1:] && k1[mid] == '|' && k1[mid+1:] == k2
}

// number reads element i's value as a number.
func (x *index) number(i int32) (float64, bool) {
	v, ok := x.val(i)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	return f, err == nil
}
