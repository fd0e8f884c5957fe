package fhirschema

// The table types the generator (gen/) fills from the schemas.

// elemNS is the namespace of an element declaration.
type elemNS uint8

const (
	nsFHIR elemNS = iota
	nsXHTML
)

// Namespace URIs.
const (
	// NamespaceFHIR is the namespace of every FHIR element.
	NamespaceFHIR = "http://hl7.org/fhir"
	// NamespaceXHTML is the namespace of Narrative.div and its content.
	NamespaceXHTML = "http://www.w3.org/1999/xhtml"
	namespaceXML   = "http://www.w3.org/XML/1998/namespace"
	namespaceXSI   = "http://www.w3.org/2001/XMLSchema-instance"
)

// builtin is the XSD built-in type at the root of a simple type.
type builtin uint8

const (
	xsNone builtin = iota
	xsAnySimpleType
	xsString
	xsToken
	xsAnyURI
	xsDateTime
	xsDate
	xsGYear
	xsGYearMonth
	xsTime
	xsBoolean
	xsBase64Binary
	xsInt
	xsDecimal
	xsPositiveInteger
	xsNonNegativeInteger
	xsLanguage
	xsNMTOKEN
	xsNMTOKENS
	xsNCName
	xsID
	xsIDREFS
)

// simpleDef is a simple type: a built-in or a union, restricted by facets.
// Each patterns step must match (the patterns of one step are alternatives);
// length facets of -1 are absent.
type simpleDef struct {
	name                   string
	builtin                builtin
	union                  []uint16
	patterns               [][]string
	enums                  []string
	minLen, maxLen, length int
	minIncl, maxIncl       string
}

// partDef is one particle of a content model: a choice of n elements
// (elems[first:first+n]) occurring min..max times (max -1: unbounded).
// A single element is a choice of one.
type partDef struct {
	min, max, first, n int
}

// elemDef is one element of a particle; min/max bound its consecutive
// repetitions inside one occurrence of the particle.
type elemDef struct {
	name     string
	ns       elemNS
	typ      uint16
	min, max int
	part     int
}

// modelDef is a content model: its particles in sequence order.
type modelDef struct {
	parts []partDef
	elems []elemDef
}

// attrDef is an attribute declaration; name is "xml:lang" for attributes
// in the XML namespace.
type attrDef struct {
	name     string
	simple   uint16
	required bool
	fixed    string
	hasFixed bool
}

type kind uint8

const (
	kindNone kind = iota
	kindComplex
	kindPrimitive
	kindResource
	kindContainer
	kindXHTML
)

// typeDef is a complex type (or an XHTML element's anonymous type).
type typeDef struct {
	name, fhir string
	kind       kind
	model      uint16
	attrs      uint16
	mixed      bool
}
