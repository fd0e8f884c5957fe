// Package fhirschema holds the FHIR STU3 (v3.0.1) XML schema as Go tables
// and validates XML bodies against them in one pass. It is the engine of
// content rule EVT-ORDER and the type look-up of EVT-DATETIME and the other
// content rules.
//
// # Tables
//
// tables_gen.go is written by gen/ (go generate) from fhir-single.xsd,
// fhir-xhtml.xsd and xml.xsd in ../shared/nems/fhir-stu3-xsd: every complex
// type of fhir-single.xsd (resources, data types, backbone elements,
// primitives, the enumerated code types, ResourceContainer), every XHTML
// element reachable from Narrative.div, and every simple type they use
// (patterns, enumerations, length and range facets). Content models are
// flattened: a type is its sequence of particles (base type's first), each
// particle a choice of one or more elements with its own minOccurs and
// maxOccurs. TestGeneratedTablesCurrent regenerates the tables and fails
// when the committed file differs.
//
// # Validation
//
// Validate(body) reads the body once, keeping a stack of open elements,
// and returns []Error (none: valid). It checks, as xmllint --schema
// fhir-single.xsd would:
//
//   - the root is a FHIR resource in namespace http://hl7.org/fhir, and
//     every FHIR element is in that namespace;
//   - each element is declared by its parent's type (else ErrUnknown, and
//     its content is skipped), in xs:sequence order (ErrOrder), no fewer
//     times than minOccurs (ErrMissing, reported at the parent) nor more
//     than maxOccurs (ErrTooMany), one form per choice such as value[x]
//     (ErrChoice);
//   - a ResourceContainer (Bundle.entry.resource, contained) holds exactly
//     one resource element, validated as that resource;
//   - attributes: id, value and Extension.url where declared (url is
//     required), none other; xmlns declarations and
//     xsi:schemaLocation/xsi:noNamespaceSchemaLocation are allowed, any
//     other xsi: attribute is refused (xmllint accepts an xsi:type naming
//     the declared type or one derived from it; no FHIR body needs one);
//   - attribute values in their type's lexical space, as the XSD defines
//     it: white space collapsed where the built-in type collapses it (code,
//     uri, dateTime, ...; not string, markdown, id), then the built-in type
//     (xs:dateTime with a real calendar day and a zone within ±14:00,
//     xs:int range, decimal, boolean, base64Binary, positive and
//     non-negative integers, language, NMTOKENS, ID), the length facets
//     (string, markdown, code, uri... non-empty), the patterns (id, oid,
//     uuid, integer, decimal, date, dateTime, time, unsignedInt,
//     positiveInt), and the enumerations of the code lists
//     (Encounter.status, Patient.gender, HumanName.use, ...);
//   - no character content in element-only content (everything but the
//     narrative's mixed XHTML elements);
//   - Narrative.div per fhir-xhtml.xsd: the XHTML namespace; the elements
//     FHIR allows (no script, form, object, ins/del, head/body) in the
//     content models of XHTML 1.0 Strict (block, inline, flow; ul/ol hold
//     li, dl dt/dd, table its caption, col/colgroup, thead, tfoot,
//     tbody/tr in order, tr th/td); the declared attributes with their
//     types (class, style, title, lang, xml:lang, dir, href, src, alt,
//     colspan, ...; no on* event handlers); xs:ID values unique in the
//     document and td/th headers referring to one. Two content models are
//     more lenient than the schema: map accepts block elements and area
//     mixed (the schema wants one or the other), and a repeating choice
//     nested in a choice repeats the whole choice.
//
// Well-formedness is checked only as far as the walk needs (balanced
// tags, quoted attributes, declared prefixes, predefined entities and
// character references, no duplicate attribute); a DTD (DOCTYPE) stops
// validation. internal/fhir's reader is the full well-formedness check.
// Nesting deeper than Options.MaxDepth, more than Options.MaxErrors
// errors, more than 256 attributes on an element or more than 64
// namespace declarations in scope stop validation with an ErrLimit error,
// so that every check stays linear in the body. Names and values quoted in
// messages are cut to 80 bytes. Not checked (xmllint
// does not check them either): FHIR invariants (global-1, ext-1, ...) and
// time zones on dateTime values (EVT-DATETIME's).
//
// A reader that already scans the body (internal/fhir's) can validate in
// the same pass: NewWalker(body, opt), then Start, CharData and End per
// start tag, character data and end tag, and Finish for the errors. The
// checks and errors are Validate's. After each Start, Walker.NameIndex
// gives the element's name as an index in Names (every element and
// resource name of the schema, once), so that such a reader keeps names
// as small numbers without looking them up.
//
// Each Error carries the line and column of the element's start tag, its
// FHIR path with zero-based indexes on repeating elements
// ("Bundle.entry[3].resource.Immunization.vaccineCode"), the index of the
// Bundle entry (Entry, -1 outside), a Kind and a message. A missing
// element is reported at its parent, as xmllint does.
//
// # Type look-up
//
// Resource("Patient") and TypeNamed("HumanName") give a Type; its
// Elements (in sequence order) and Child(name) give each Element's Name,
// Type, Min, Max (Unbounded or 1) and Choice ("value[x]" for
// valueDateTime). Type.FHIRType is the FHIR type name ("dateTime",
// "instant", "code" for AdministrativeGender). Lookup("Observation",
// "effectiveDateTime") resolves a path from a resource root; under a
// ResourceContainer the next step is the resource type name. The same
// look-up serves JSON bodies: a JSON property is Child(name) (a leading
// "_" is ignored), an array is an element with Repeats, and a resource
// object under a container is Resource(resourceType).
//
// While validating, Options.Visit sees every declared element with its
// Type, raw value attribute, line and path: EVT-DATETIME finds every
// dateTime and instant with Node.Type.Is("dateTime", "instant") in the same
// pass; with Options.VisitOnly (NewTypeSet("dateTime", "instant")) the
// other elements cost nothing.
package fhirschema

//go:generate go run ./gen -xsd ../../../shared/nems/fhir-stu3-xsd -out tables_gen.go
