package mediatype

import (
	"errors"
	"fmt"
	"strings"
)

// Specificity of a media range that matches a type (RFC 9110 section 12.5.1:
// the most specific matching range decides a type's weight).
const (
	noMatch     = -1
	anyType     = 0 // */*
	anySubtype  = 1 // application/*
	exact       = 2 // application/fhir+xml
	exactParams = 3 // application/fhir+xml;charset=utf-8
)

// rangeKind classifies a parsed media range once, so that matching it
// against each supported type is cheap.
type rangeKind struct {
	wildcard int // anyType, anySubtype, or noMatch for a type/subtype range
	sub      int // index into subtypes, or -1
}

func classify(m *mediaRange) rangeKind {
	switch {
	case m.typ == "*" && m.sub == "*":
		return rangeKind{anyType, -1}
	case m.sub == "*":
		if strings.EqualFold(m.typ, "application") {
			return rangeKind{anySubtype, -1}
		}
		return rangeKind{noMatch, -1}
	}
	return rangeKind{noMatch, lookup(m.typ, m.sub)}
}

// match returns how specifically range m (classified as k) matches all[t],
// or noMatch. A range without parameters matches the type with and without
// charset; a range with charset=utf-8 matches only types that carry it.
func match(m *mediaRange, k rangeKind, t int) int {
	hasCharset := t == 2 || t == 3 || t == 6 || t == 7
	if m.charset && !hasCharset {
		return noMatch
	}
	if k.wildcard != noMatch {
		return k.wildcard
	}
	if k.sub < 0 || index(k.sub, hasCharset) != t {
		return noMatch
	}
	if m.charset {
		return exactParams
	}
	return exact
}

// nextElement returns the element of a comma-separated list that starts at
// s[i], with optional whitespace trimmed, and the offset after its comma.
// Commas inside quoted strings do not separate elements.
func nextElement(s string, i int) (string, int) {
	start := i
	inQuote := false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case inQuote && c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case !inQuote && c == ',':
			return strings.Trim(s[start:i], " \t"), i + 1
		}
	}
	return strings.Trim(s[start:], " \t"), len(s) + 1
}

// Negotiate picks the response type from an Accept header value (several
// Accept headers joined with commas are one list).
//
//   - An empty value, or one holding no media ranges, yields Default.
//   - Each supported type gets the weight (q, default 1) of the most specific
//     range that matches it; q=0 makes a type unacceptable.
//   - A range naming a supported type (matched as ParseContentType would,
//     charset=utf-8 the only parameter) stands for that type in canonical
//     spelling; "*/*" and "application/*" stand for Default, or, when Default
//     has been made unacceptable, for the acceptable type with the highest
//     weight, in the guidance's order.
//   - Of the types the ranges stand for, the one with the highest weight wins;
//     ties go to the earliest range listed.
//   - Ranges that are malformed or name no supported type are ignored; JSON
//     types are ignored when allowJSON is false.
//
// The error, when no supported type is acceptable, lists what was offered.
func Negotiate(accept string, allowJSON bool) (Type, error) {
	var weight [len(all)]int
	var spec [len(all)]int
	for t := range all {
		weight[t], spec[t] = -1, noMatch
	}
	allowed := func(t int) bool { return allowJSON || all[t].Format == XML }

	elements := 0
	for i := 0; i <= len(accept); {
		var e string
		e, i = nextElement(accept, i)
		if e == "" {
			continue
		}
		elements++
		m := parse(e, true)
		if m.fail != failNone {
			continue
		}
		k := classify(&m)
		for t := range all {
			if s := match(&m, k, t); s > spec[t] && allowed(t) {
				spec[t], weight[t] = s, m.q
			}
		}
	}
	if elements == 0 {
		return all[defaultIndex], nil
	}

	best, bestQ := -1, 0
	for i := 0; i <= len(accept); {
		var e string
		e, i = nextElement(accept, i)
		if e == "" {
			continue
		}
		m := parse(e, true)
		if m.fail != failNone || m.q == 0 {
			continue
		}
		cand := -1
		k := classify(&m)
		if k.wildcard != noMatch {
			if match(&m, k, defaultIndex) != noMatch && weight[defaultIndex] > 0 {
				cand = defaultIndex
			} else {
				for t := range all {
					if allowed(t) && match(&m, k, t) != noMatch && weight[t] > 0 && (cand < 0 || weight[t] > weight[cand]) {
						cand = t
					}
				}
			}
		} else if k.sub >= 0 {
			if t := index(k.sub, m.charset); allowed(t) && weight[t] > 0 {
				cand = t
			}
		}
		if cand >= 0 && weight[cand] > bestQ {
			best, bestQ = cand, weight[cand]
		}
	}
	if best < 0 {
		return Type{}, negotiateError(accept, allowJSON)
	}
	return all[best], nil
}

// maxListed bounds how many offered ranges an error text repeats.
const maxListed = 10

func negotiateError(accept string, allowJSON bool) error {
	var b strings.Builder
	b.WriteString("none of the media types offered in Accept is supported; offered: ")
	n, jsonOffered := 0, false
	malformed := ""
	for i := 0; i <= len(accept); {
		var e string
		e, i = nextElement(accept, i)
		if e == "" {
			continue
		}
		if n < maxListed {
			if n > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q", e)
		}
		n++
		m := parse(e, true)
		if m.fail == failSyntax && malformed == "" {
			malformed = fmt.Sprintf("; %q is malformed: %s", e, m.msg)
		}
		if m.fail == failNone && m.q > 0 {
			if sub := lookup(m.typ, m.sub); sub >= 0 && all[index(sub, false)].Format == JSON {
				jsonOffered = true
			}
		}
	}
	if n > maxListed {
		fmt.Fprintf(&b, " and %d more", n-maxListed)
	}
	b.WriteString(malformed)
	if jsonOffered && !allowJSON {
		b.WriteString("; JSON media types are not accepted in profile nems-current")
	}
	return errors.New(b.String())
}
