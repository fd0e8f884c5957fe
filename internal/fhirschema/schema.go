package fhirschema

import (
	"fmt"
	"strings"
	"sync"
)

// Unbounded is the Max of an element that may repeat without limit.
const Unbounded = -1

// Version is the FHIR version of the schema the tables come from.
const Version = schemaVersion

// Type is a complex type of the schema: a data type (HumanName, Period),
// a primitive type (dateTime, code, or an enumerated code type such as
// AdministrativeGender), a backbone element type (Patient.Contact), a
// resource (Patient), ResourceContainer, or an XHTML element of a
// narrative. The zero Type is no type.
type Type struct{ id uint16 }

// Element is one element declaration of a type, in sequence order.
type Element struct {
	// Name is the element's name in XML and JSON: "birthDate",
	// "valueDateTime", "effectivePeriod".
	Name string
	// Type is the element's type. Its FHIRType is the FHIR type name
	// ("dateTime", "instant", "code", "CodeableConcept", ...).
	Type Type
	// Min and Max are the element's occurrences (Max is Unbounded or 1).
	// For a form of a choice they are the choice's.
	Min, Max int
	// Choice is the choice the element is one form of, such as
	// "value[x]" or "effective[x]"; "" when the element is no choice.
	Choice string
	// XHTML is true for elements of the XHTML namespace (Narrative.div and
	// its content).
	XHTML bool
}

// Repeats reports whether the element may occur more than once (a JSON
// array).
func (e Element) Repeats() bool { return e.Max != 1 }

// TypeNamed returns the complex type of fhir-single.xsd with that name:
// "Patient", "HumanName", "dateTime", "Patient.Contact",
// "AdministrativeGender", "ResourceContainer".
func TypeNamed(name string) (Type, bool) {
	id, ok := typeByName[name]
	return Type{id}, ok
}

// Resource returns the type of a resource by its name ("Patient"): the
// name of the element under a ResourceContainer in XML, the resourceType
// in JSON.
func Resource(name string) (Type, bool) {
	id, ok := resourceTable[name]
	if !ok || typeTable[id].kind != kindResource {
		return Type{}, false
	}
	return Type{id}, true
}

// IsZero reports whether t is no type.
func (t Type) IsZero() bool { return t.id == 0 }

func (t Type) def() *typeDef { return &typeTable[t.id] }

// Name is the schema's name of the type ("Patient.Contact",
// "AdministrativeGender"); for an XHTML element, its element name.
func (t Type) Name() string { return t.def().name }

// FHIRType is the FHIR type the type stands for: the primitive type of a
// primitive ("code" for AdministrativeGender), otherwise Name.
func (t Type) FHIRType() string { return t.def().fhir }

// IsPrimitive reports whether the type is a FHIR primitive, whose value is
// the XML "value" attribute (in JSON, the property's value).
func (t Type) IsPrimitive() bool { return t.def().kind == kindPrimitive }

// IsResource reports whether the type is a resource.
func (t Type) IsResource() bool { return t.def().kind == kindResource }

// IsContainer reports whether the type is ResourceContainer (the type of
// Bundle.entry.resource and of every contained): in XML it holds one
// element named by the resource type, in JSON the resource object itself.
func (t Type) IsContainer() bool { return t.def().kind == kindContainer }

// IsXHTML reports whether the type is an XHTML element of a narrative.
func (t Type) IsXHTML() bool { return t.def().kind == kindXHTML }

// Is reports whether the type's FHIRType is one of names.
func (t Type) Is(names ...string) bool {
	f := t.def().fhir
	for _, n := range names {
		if f == n {
			return true
		}
	}
	return false
}

func (t Type) String() string {
	if t.id == 0 {
		return "(no type)"
	}
	return t.def().name
}

// Elements returns the type's element declarations in sequence order,
// inherited ones (id, meta, text, extension, ...) first. The slice is
// shared: do not modify it.
func (t Type) Elements() []Element {
	if t.id == 0 {
		return nil
	}
	elementsOnce.Do(buildElements)
	return elementsByModel[t.def().model]
}

// Child returns the declaration of the child element named name. For JSON,
// a leading "_" (a primitive's id and extensions) is ignored: "_birthDate"
// gives birthDate's declaration. On a ResourceContainer, Child(resource
// type name) gives that resource, as Resource does.
func (t Type) Child(name string) (Element, bool) {
	if t.id == 0 {
		return Element{}, false
	}
	if name != "" && name[0] == '_' {
		name = name[1:]
	}
	elementsOnce.Do(buildElements)
	m := t.def().model
	if i, ok := childIndex[m][name]; ok {
		return elementsByModel[m][i], true
	}
	return Element{}, false
}

// Lookup resolves a path of element names from a resource root, as the XML
// form spells it: ("Patient", "name", "given"), ("Observation",
// "effectiveDateTime"), ("Bundle", "entry", "resource", "Patient",
// "birthDate"). Under a ResourceContainer the next name is the resource
// type, as in XML; a JSON walker passes the object's resourceType there.
func Lookup(path ...string) (Element, error) {
	if len(path) == 0 {
		return Element{}, fmt.Errorf("fhirschema: empty path")
	}
	t, ok := Resource(path[0])
	if !ok {
		return Element{}, fmt.Errorf("fhirschema: %q is not a resource type", path[0])
	}
	e := Element{Name: path[0], Type: t, Min: 1, Max: 1}
	for i, name := range path[1:] {
		if t.IsContainer() {
			r, ok := Resource(name)
			if !ok {
				return Element{}, fmt.Errorf("fhirschema: %s: %q is not a resource type", strings.Join(path[:i+1], "."), name)
			}
			e, t = Element{Name: name, Type: r, Min: 1, Max: 1}, r
			continue
		}
		c, ok := t.Child(name)
		if !ok {
			return Element{}, fmt.Errorf("fhirschema: %s: %s has no element %q", strings.Join(path[:i+1], "."), t.Name(), name)
		}
		e, t = c, c.Type
	}
	return e, nil
}

var (
	elementsOnce    sync.Once
	elementsByModel [][]Element
	// childIndex[model][name] indexes elementsByModel[model] (the
	// generator makes sure a name occurs once in a model).
	childIndex []map[string]int
)

func buildElements() {
	elementsByModel = make([][]Element, len(modelTable))
	childIndex = make([]map[string]int, len(modelTable))
	container := typeTable[typeByName["ResourceContainer"]].model
	for i := range modelTable {
		m := &modelTable[i]
		es := make([]Element, len(m.elems))
		for j, d := range m.elems {
			p := m.parts[d.part]
			es[j] = Element{Name: d.name, Type: Type{d.typ}, Min: p.min, Max: p.max, XHTML: d.ns == nsXHTML}
			if p.n > 1 && d.ns == nsFHIR && i != int(container) {
				es[j].Choice = choiceName(m, p) + "[x]"
			}
		}
		elementsByModel[i] = es
		childIndex[i] = make(map[string]int, len(es))
		for j, e := range es {
			childIndex[i][e.Name] = j
		}
	}
}

// choiceName is the base of a FHIR choice's element names ("value" of
// valueString, valueQuantity, ...): each name is the base followed by its
// type's name.
func choiceName(m *modelDef, p partDef) string {
	for _, d := range m.elems[p.first : p.first+p.n] {
		t := typeTable[d.typ].fhir
		if t == "" {
			continue
		}
		suffix := strings.ToUpper(t[:1]) + t[1:]
		if base, ok := strings.CutSuffix(d.name, suffix); ok && base != "" {
			return base
		}
	}
	return m.elems[p.first].name
}
