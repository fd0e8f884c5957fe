package content

import (
	"strings"
	"unsafe"

	"github.com/nems-harness/nems-harness/internal/fhir"
	"github.com/nems-harness/nems-harness/internal/fhirschema"
)

// schemaPass is what one validation of an XML body against the schema
// gives: its errors (EVT-ORDER) and its dateTime and instant values with
// their places (EVT-DATETIME), so that both rules cost one pass.
type schemaPass struct {
	errs  []fhirschema.Error
	times []timeValue
}

// timeValue is a dateTime or instant value met in the body.
type timeValue struct {
	value, fhirType, path string
	line, entry           int
}

// schema runs the schema pass of an XML body, once.
func (m *Message) schema() *schemaPass {
	if m.pass != nil {
		return m.pass
	}
	p := &schemaPass{}
	m.pass = p
	if d := m.Doc; d.SchemaChecked { // done in the reading pass
		p.errs = d.Schema
		for _, t := range d.Times {
			p.times = append(p.times, timeValue{value: t.Value, fhirType: t.Type, path: resourcePath(t.Path, t.Entry), line: t.Line, entry: t.Entry})
		}
		return p
	}
	// The validator reads the bytes and keeps nothing: a view of the
	// string, not a copy of the body.
	body := unsafe.Slice(unsafe.StringData(m.Body), len(m.Body))
	p.errs = fhirschema.ValidateOptions(body, fhirschema.Options{Visit: func(n *fhirschema.Node) {
		if !n.HasValue {
			return
		}
		if ft := n.Type.FHIRType(); ft == "dateTime" || ft == "instant" {
			p.times = append(p.times, timeValue{value: strings.Clone(n.Value), fhirType: ft, path: resourcePath(n.Path(), n.Entry),
				line: n.Line, entry: n.Entry})
		}
	}})
	return p
}

// resourcePath cuts "Bundle.entry[1].resource.Immunization.status" to the
// path within the resource, the entry being named apart.
func resourcePath(path string, entry int) string {
	if i := strings.Index(path, ".resource."); entry >= 0 && i >= 0 {
		return path[i+len(".resource."):]
	}
	return path
}

// checkOrder judges EVT-ORDER: the body against fhir-single.xsd, every
// schema error a finding with its line (one issue for the document).
func checkOrder(m *Message, rp *Report) {
	if len(m.Body) == 0 && !m.Doc.SchemaChecked {
		rp.Skip("the body is not at hand")
		return
	}
	rp.Judged()
	for _, e := range m.schema().errs {
		rp.FailLine(e.Entry, e.Line, resourcePath(e.Path, e.Entry), e.Kind.String()+": "+e.Message)
	}
}

// typeKey is a schema type and a child name, for the look-up cache.
type typeKey struct {
	t    fhirschema.Type
	name string
}

// typed walks the elements of every resource with their schema types: f
// is called for each element whose declaration is found.
func typed(root fhir.Node, f func(n fhir.Node, t fhirschema.Type)) {
	cache := map[typeKey]fhirschema.Element{}
	child := func(t fhirschema.Type, name string) (fhirschema.Element, bool) {
		k := typeKey{t, name}
		if el, ok := cache[k]; ok {
			return el, el.Name != ""
		}
		el, ok := t.Child(name)
		if !ok {
			el = fhirschema.Element{}
		}
		cache[k] = el
		return el, ok
	}
	var walk func(n fhir.Node, t fhirschema.Type)
	walk = func(n fhir.Node, t fhirschema.Type) {
		for k := n.First(); k.Ok(); k = k.Next() {
			if t.IsContainer() {
				if rt, ok := fhirschema.Resource(k.Name()); ok {
					walk(k, rt)
				}
				continue
			}
			el, ok := child(t, k.Name())
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
