// Package mediatype knows the MIME types the NEMS Publication API supports
// (rules MIME-CONTENT-TYPE, MIME-ACCEPT and MIME-DEFAULT): it reads a
// Content-Type header value as a media type and negotiates the response type
// from an Accept header value.
//
// Profile nems-2019-01 supports eight types, four XML and four JSON; profile
// nems-current supports only the four XML ones (callers pass allowJSON=false).
// Both functions run on every request, so their success paths do not
// allocate; only error texts do.
package mediatype

import (
	"errors"
	"fmt"
	"strings"
)

// Format is the serialisation a media type stands for.
type Format string

// The two formats.
const (
	XML  Format = "xml"
	JSON Format = "json"
)

// Default is the media type used for a body without Content-Type and for a
// response to a request without Accept (rule MIME-DEFAULT).
const Default = "application/xml+fhir;charset=utf-8"

// Type is a supported media type in its canonical spelling from the list in
// the guidance.
type Type struct {
	Name   string
	Format Format
}

// all lists the supported types in the order the guidance gives them. The
// index of a type is subtypeBase[sub] + 2 if it carries charset=utf-8.
var all = [8]Type{
	{"application/fhir+xml", XML},
	{"application/fhir+json", JSON},
	{"application/fhir+xml;charset=utf-8", XML},
	{"application/fhir+json;charset=utf-8", JSON},
	{"application/xml+fhir", XML},
	{"application/json+fhir", JSON},
	{"application/xml+fhir;charset=utf-8", XML},
	{"application/json+fhir;charset=utf-8", JSON},
}

// defaultIndex is the index of Default in all.
const defaultIndex = 6

// subtypes are the supported subtypes of "application"; subtypeBase gives
// the index in all of each one without charset.
var (
	subtypes    = [4]string{"fhir+xml", "fhir+json", "xml+fhir", "json+fhir"}
	subtypeBase = [4]int{0, 1, 4, 5}
)

// index returns the position in all of subtype sub (an index into subtypes)
// with or without the charset parameter.
func index(sub int, charset bool) int {
	if charset {
		return subtypeBase[sub] + 2
	}
	return subtypeBase[sub]
}

// lookup returns the index into subtypes of a type/subtype pair, or -1 when
// the pair is not a supported one. Names compare case-insensitively.
func lookup(typ, sub string) int {
	if !strings.EqualFold(typ, "application") {
		return -1
	}
	for i, s := range subtypes {
		if strings.EqualFold(sub, s) {
			return i
		}
	}
	return -1
}

// Supported returns the supported types in the guidance's order: all eight
// when allowJSON is true (profile nems-2019-01), else the four XML ones
// (profile nems-current). The slice is the caller's to keep.
func Supported(allowJSON bool) []Type {
	out := make([]Type, 0, len(all))
	for _, t := range all {
		if allowJSON || t.Format == XML {
			out = append(out, t)
		}
	}
	return out
}

// ParseContentType reads a Content-Type header value as a media type (RFC
// 9110 section 8.3.1: type, subtype and parameter names compare
// case-insensitively, the charset value too; optional whitespace is allowed
// around ';' and, leniently, around '='; parameter values may be quoted
// strings) and returns the supported type it names, in canonical spelling.
// The only parameter allowed is charset=utf-8. The error text says what is
// wrong: malformed syntax, an unsupported type, a JSON type when allowJSON is
// false, a parameter other than charset, a charset other than utf-8, or a
// repeated charset.
func ParseContentType(value string, allowJSON bool) (Type, error) {
	m := parse(value, false)
	switch m.fail {
	case failEmpty:
		return Type{}, errors.New("malformed media type: the value is empty")
	case failSyntax:
		return Type{}, m.syntaxError(value)
	}
	sub := lookup(m.typ, m.sub)
	if sub < 0 {
		return Type{}, fmt.Errorf("media type %q is not one of the supported types", m.typ+"/"+m.sub)
	}
	if !allowJSON && all[index(sub, false)].Format == JSON {
		return Type{}, fmt.Errorf("JSON media types are not accepted in profile nems-current (got %q)", m.typ+"/"+m.sub)
	}
	if err := m.paramError(); err != nil {
		return Type{}, err
	}
	return all[index(sub, m.charset)], nil
}
