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
	// Bundle: bdl-1 to bdl-5, bdl-7, bdl-8.
	if t := root.Kid("total"); t.Ok() {
		fail(t, "bdl-1", "total only when a search set or history")
	}
	seen := map[string]string{}
	for _, e := range m.Doc.Entries {
		for _, no := range []struct{ name, key string }{{"search", "bdl-2"}, {"request", "bdl-3"}, {"response", "bdl-4"}} {
			if k := e.Node.Kid(no.name); k.Ok() {
				fail(k, no.key, "entry.%s is not allowed in a message", no.name)
			}
		}
		if !e.Resource.Ok() {
			fail(e.Node, "bdl-5", "the entry has no resource")
			continue
		}
		if e.FullURL != "" {
			v, _ := e.Resource.Val("meta.versionId")
			if prev, dup := seen[e.FullURL]; dup && prev == v {
				fail(e.Node.Kid("fullUrl"), "bdl-7", "fullUrl %s is given to two entries", e.FullURL)
			}
			seen[e.FullURL] = v
			if strings.Contains(e.FullURL, "/_history/") {
				fail(e.Node.Kid("fullUrl"), "bdl-8", "fullUrl %s contains /_history/", e.FullURL)
			}
		}
	}
	root.Walk(func(n fhir.Node) bool {
		if n.Space() != "" {
			return false // narrative XHTML: txt-* below, on the div
		}
		if !n.HasValue() && !n.First().Ok() {
			fail(n, "global-1", "element with neither a value nor children")
			return true
		}
		switch n.Name() {
		case "extension", "modifierExtension":
			subs, vals := 0, 0
			for k := n.First(); k.Ok(); k = k.Next() {
				switch {
				case k.Name() == "extension":
					subs++
				case strings.HasPrefix(k.Name(), "value"):
					vals++
				}
			}
			if subs > 0 && vals > 0 || subs == 0 && vals != 1 {
				fail(n, "ext-1", "an extension has either sub-extensions or one value[x], not both")
			}
		case "reference":
			if v := n.Value(); strings.HasPrefix(v, "#") && n.Parent().Ok() && n.Parent().Type() == "" {
				if !hasContained(n.Resource(), v[1:]) {
					fail(n, "ref-1", "%q names no contained resource", v)
				}
			}
		case "contained":
			checkContained(n, fail)
		case "text":
			if n.Parent().Ok() && n.Parent().Type() != "" {
				if d := n.Kid("div"); d.Ok() && !hasText(d) {
					fail(d, "txt-2", "the narrative has no non-whitespace content")
				}
			}
		}
		switch {
		case isPeriod(n.Name()) && n.Kid("start").Ok() && n.Kid("end").Ok():
			s, _ := n.Val("start")
			e, _ := n.Val("end")
			a, ok1 := instant(s)
			b, ok2 := instant(e)
			if ok1 && ok2 && b.Before(a) {
				fail(n, "per-1", "start %s is after end %s", s, e)
			}
		case n.Name() == "telecom" || n.Name() == "valueContactPoint" || n.Name() == "contact" && n.Parent().Ok() && n.Parent().Name() == "source":
			if n.Kid("value").Present() && !n.Kid("system").Present() {
				fail(n, "cpt-2", "a ContactPoint with a value has a system")
			}
		case strings.HasSuffix(n.Name(), "Quantity") || n.Name() == "dose" || n.Name() == "doseQuantity":
			if n.Kid("code").Present() && !n.Kid("system").Present() {
				fail(n, "qty-3", "a Quantity with a code has a system")
			}
		case strings.HasSuffix(n.Name(), "Range"):
			lo, ok1 := number(n.Get("low.value"))
			hi, ok2 := number(n.Get("high.value"))
			if ok1 && ok2 && lo > hi {
				fail(n, "rng-2", "low is above high")
			}
		case strings.HasSuffix(n.Name(), "Ratio"):
			if n.Kid("numerator").Present() != n.Kid("denominator").Present() {
				fail(n, "rat-1", "numerator and denominator come together")
			}
		case strings.HasSuffix(n.Name(), "Attachment"):
			if n.Kid("data").Present() && !n.Kid("contentType").Present() {
				fail(n, "att-1", "an Attachment with data has a contentType")
			}
		}
		if n.Type() != "" {
			checkResource(m, n, fail)
		}
		return true
	})
}

// checkResource judges the resource-level invariants.
func checkResource(m *Message, r fhir.Node, fail func(fhir.Node, string, string, ...any)) {
	switch r.Type() {
	case "Organization":
		if !r.Kid("identifier").Present() && !r.Kid("name").Present() {
			fail(r, "org-1", "an Organization has an identifier or a name")
		}
		for _, a := range r.All("address") {
			if u, _ := a.Val("use"); u == "home" {
				fail(a, "org-2", "an Organization has no home address")
			}
		}
		for _, t := range r.All("telecom") {
			if u, _ := t.Val("use"); u == "home" {
				fail(t, "org-3", "an Organization has no home telecom")
			}
		}
	case "Patient":
		for _, c := range r.All("contact") {
			if !c.Kid("name").Present() && !c.Kid("telecom").Present() && !c.Kid("address").Present() && !c.Kid("organization").Present() {
				fail(c, "pat-1", "a Patient.contact has a name, telecom, address or organization")
			}
		}
	case "Observation":
		for _, rr := range r.All("referenceRange") {
			if !rr.Kid("low").Present() && !rr.Kid("high").Present() && !rr.Kid("text").Present() {
				fail(rr, "obs-3", "a referenceRange has a low, a high or a text")
			}
		}
		if d := r.Kid("dataAbsentReason"); d.Present() && hasValueX(r) {
			fail(d, "obs-6", "dataAbsentReason only when there is no value[x]")
		}
		code := codingKeys(r.Kid("code"))
		for _, c := range r.All("component") {
			if hasValueX(r) && overlaps(code, codingKeys(c.Kid("code"))) {
				fail(c, "obs-7", "a component with the Observation's own code, while the Observation has a value")
			}
		}
	case "Procedure", "Communication":
		key := "pro-1"
		if r.Type() == "Communication" {
			key = "com-1"
		}
		if nr := r.Kid("notDoneReason"); nr.Present() {
			if v, _ := r.Val("notDone"); v != "true" {
				fail(nr, key, "notDoneReason only when notDone is true")
			}
		}
	case "CareTeam":
		for _, p := range r.All("participant") {
			if o := p.Kid("onBehalfOf"); o.Present() {
				t, ok := m.Target(p.Kid("member"))
				if !ok || t.Type() != "Practitioner" {
					fail(o, "ctm-1", "onBehalfOf only when the member is a Practitioner")
				}
			}
		}
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

// hasText says whether an XHTML div holds anything but white space. (The
// readers keep the div's elements, not its text: a div with any element
// or value counts as content.)
func hasText(d fhir.Node) bool {
	return d.First().Ok() || strings.TrimSpace(d.Value()) != ""
}

func hasValueX(r fhir.Node) bool {
	for k := r.First(); k.Ok(); k = k.Next() {
		if strings.HasPrefix(k.Name(), "value") && k.Present() {
			return true
		}
	}
	return false
}

func codingKeys(cc fhir.Node) []string {
	var out []string
	for _, c := range cc.All("coding") {
		s, _ := c.Val("system")
		k, _ := c.Val("code")
		out = append(out, s+"|"+k)
	}
	return out
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

func number(n fhir.Node) (float64, bool) {
	if !n.Ok() || !n.HasValue() {
		return 0, false
	}
	f, err := strconv.ParseFloat(n.Value(), 64)
	return f, err == nil
}
