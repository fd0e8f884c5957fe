package content

import (
	"strings"
	"unsafe"

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
		p.times = make([]timeValue, 0, len(d.Times))
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

// childKey is a schema type and a child name, for the look-up memo (four
// bytes of plain memory: a quick key to hash).
type childKey struct {
	t fhirschema.Type
	s sym
}

// childType is what a child name gives under a type: its type (zero: not
// declared, or XHTML) and, for a dateTime or instant, which.
type childType struct {
	t    fhirschema.Type
	time uint8 // 0, timeDateTime or timeInstant
}

const (
	timeDateTime = 1 + iota
	timeInstant
)

var timeNames = [...]string{timeDateTime: "dateTime", timeInstant: "instant"}

// memoEntry is one look-up of the memo typeTimes keeps.
type memoEntry struct {
	k   childKey
	v   childType
	set bool
}

const memoSize = 1 << 12

// typeBits are a schema type's bits, for hashing only (keys compare as
// Types): a type is a small integer.
func typeBits(t fhirschema.Type) uint32 {
	switch unsafe.Sizeof(t) {
	case 2:
		return uint32(*(*uint16)(unsafe.Pointer(&t)))
	case 4, 8:
		return *(*uint32)(unsafe.Pointer(&t))
	}
	return 0
}

// lookupChild is the declaration of child name s under type t (for a
// ResourceContainer, the resource named so), as the schema gives it.
func lookupChild(t fhirschema.Type, name string) childType {
	if t.IsZero() {
		return childType{}
	}
	if t.IsContainer() {
		rt, _ := fhirschema.Resource(name)
		return childType{t: rt}
	}
	el, ok := t.Child(name)
	if !ok || el.XHTML {
		return childType{}
	}
	ct := childType{t: el.Type}
	switch el.Type.FHIRType() {
	case "dateTime":
		ct.time = timeDateTime
	case "instant":
		ct.time = timeInstant
	}
	return ct
}

// typeTimes types the elements of every resource from the schema, as the
// schema pass types an XML body, and calls f for each element declared as
// a dateTime or an instant, in document order. Elements not declared, and
// what they hold, are not typed. Only the elements of a name declared so
// somewhere, and their ancestors, are typed.
func (x *index) typeTimes(f func(i int32, fhirType string)) {
	if len(x.e) == 0 || len(x.times) == 0 {
		return
	}
	if _, ok := fhirschema.Resource(x.node(0).Name()); !ok {
		return
	}
	if x.memo == nil {
		x.memo = new([memoSize]memoEntry)
	}
	if cap(x.types) < len(x.e) {
		x.types = make([]fhirschema.Type, len(x.e))
	}
	words := (len(x.e) + 63) / 64
	if cap(x.typed) < words {
		x.typed = make([]uint64, words)
	}
	x.types, x.typed = x.types[:len(x.e)], x.typed[:words]
	clear(x.typed)
	for _, i := range x.times {
		if i == 0 {
			continue
		}
		pt := x.typeOf(x.flat[i].Parent)
		if pt.IsZero() {
			continue
		}
		if ct := x.childType(pt, i); ct.time != 0 && !pt.IsContainer() {
			f(i, timeNames[ct.time])
		}
	}
}

// typeOf is element i's schema type (zero: not typed), worked out from
// its parent's, once per message.
func (x *index) typeOf(i int32) fhirschema.Type {
	if x.typed[i/64]&(1<<(i%64)) != 0 {
		return x.types[i]
	}
	var t fhirschema.Type
	if i == 0 {
		t, _ = fhirschema.Resource(x.node(0).Name())
	} else if pt := x.typeOf(x.flat[i].Parent); !pt.IsZero() {
		t = x.childType(pt, i).t
	}
	x.types[i] = t
	x.typed[i/64] |= 1 << (i % 64)
	return t
}

// childType is what element i's name gives under its parent's type pt,
// from the memo for a name with a symbol.
func (x *index) childType(pt fhirschema.Type, i int32) childType {
	e := &x.e[i]
	if e.sym == symNone {
		return lookupChild(pt, x.node(i).Name())
	}
	k := childKey{t: pt, s: e.sym}
	me := &x.memo[(typeBits(pt)<<16|uint32(e.sym))*0x9E3779B1>>20]
	if !me.set || me.k != k {
		*me = memoEntry{k, lookupChild(pt, x.node(i).Name()), true}
	}
	return me.v
}
