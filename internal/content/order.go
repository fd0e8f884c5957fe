package content

import (
	"strings"
	"unsafe"

	"github.com/nems-harness/nems-harness/internal/fhir"
	"github.com/nems-harness/nems-harness/internal/fhirschema"
)

// checkOrder judges EVT-ORDER: the body against fhir-single.xsd, every
// schema error a finding with its line (one issue for the document).
func checkOrder(m *Message, rp *Report) {
	if len(m.Body) == 0 {
		rp.Skip("the body is not at hand")
		return
	}
	rp.Judged()
	// The validator reads the bytes and keeps nothing: a view of the
	// string, not a 3 MB copy.
	body := unsafe.Slice(unsafe.StringData(m.Body), len(m.Body))
	for _, e := range fhirschema.Validate(body) {
		path := e.Path
		// "Bundle.entry[1].resource.Immunization.status": the entry is
		// named apart, the path starts at the resource.
		if i := strings.Index(path, ".resource."); e.Entry >= 0 && i >= 0 {
			path = path[i+len(".resource."):]
		}
		rp.findings = append(rp.findings, Finding{Entry: e.Entry, Path: path, Line: e.Line, Reason: e.Kind.String() + ": " + e.Message})
		if len(rp.findings) > MaxFindings {
			rp.findings = rp.findings[:MaxFindings]
			rp.more++
		}
	}
}

// typed walks the elements of every resource with their schema types:
// f is called for each element whose declaration is found.
func typed(root fhir.Node, f func(n fhir.Node, t fhirschema.Type)) {
	var walk func(n fhir.Node, t fhirschema.Type)
	walk = func(n fhir.Node, t fhirschema.Type) {
		for k := n.First(); k.Ok(); k = k.Next() {
			if t.IsContainer() {
				if rt, ok := fhirschema.Resource(k.Name()); ok {
					walk(k, rt)
				}
				continue
			}
			el, ok := t.Child(k.Name())
			if !ok || el.XHTML {
				continue
			}
			f(k, el.Type)
			walk(k, el.Type)
		}
	}
	if rt, ok := fhirschema.Resource(root.Name()); ok {
		walk(root, rt)
	}
}
