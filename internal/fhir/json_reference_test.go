package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// readJSONReference is the reader as it was written on encoding/json's
// Decoder.Token, kept as the reference the scanner in json.go is checked
// against (FuzzJSONAgainstReference).
func readJSONReference(b []byte) (*Bundle, error) {
	p, shift, err := prepare(string(b), FormatJSON)
	if err != nil {
		return nil, err
	}
	b = []byte(p)
	r := jsonRefReader{src: b, shift: shift}
	if err := r.read(); err != nil {
		return nil, err
	}
	return r.c.bundle(FormatJSON), nil
}

type jsonRefReader struct {
	src   []byte
	shift int64
	dec   *json.Decoder
	c     refCollector
	// keys[d] holds the keys already seen in the open object at depth d.
	keys []keySet
}

func (r *jsonRefReader) read() error {
	r.dec = json.NewDecoder(bytes.NewReader(r.src))
	r.dec.UseNumber()

	tok, err := r.dec.Token()
	if err == io.EOF {
		return r.errorAt(0, "empty body; FHIR JSON must be an object")
	}
	if err != nil {
		return r.tokenError(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return r.errorAt(r.dec.InputOffset(), fmt.Sprintf("the top-level value is %s; FHIR JSON must be an object", describeRef(tok)))
	}
	start := r.dec.InputOffset() - 1
	if err := r.object("", 1, true, start); err != nil {
		return err
	}

	end := r.dec.InputOffset()
	tok, err = r.dec.Token()
	if err == io.EOF {
		return nil
	}
	// Report where the trailing data starts, past any white space.
	for end < int64(len(r.src)) && isJSONSpace(r.src[end]) {
		end++
	}
	if err != nil {
		return r.errorAt(end, "data after the top-level object")
	}
	return r.errorAt(end, fmt.Sprintf("%s after the top-level object", describeRef(tok)))
}

// object reads the members of an object whose '{' has been read, as the
// element name. resource says the object is a resource (the top-level
// object, or the value of a "resource" or "contained" member).
func (r *jsonRefReader) object(name string, depth int, resource bool, start int64) error {
	if depth > MaxDepth {
		return r.errorAt(start, fmt.Sprintf("objects and arrays nested deeper than %d levels", MaxDepth))
	}
	for len(r.keys) <= depth {
		r.keys = append(r.keys, keySet{})
	}
	r.keys[depth].reset()

	r.c.start(name, false)
	if resource {
		r.c.beginResource("", false)
	}
	sawType := false
	for {
		tok, err := r.dec.Token()
		if err != nil {
			return r.tokenError(err)
		}
		if d, ok := tok.(json.Delim); ok && d == '}' {
			break
		}
		key, ok := tok.(string)
		if !ok { // the decoder only returns strings here
			return r.errorAt(r.dec.InputOffset(), "object key is not a string")
		}
		keyEnd := r.dec.InputOffset()
		if !r.keys[depth].add(key, -1) {
			keyStart := int64(0)
			if keyEnd >= 2 {
				keyStart = int64(bytes.LastIndexByte(r.src[:keyEnd-1], '"'))
			}
			return r.errorAt(keyStart, fmt.Sprintf("duplicate key %q in one object; FHIR JSON forbids repeated keys", shortText(key)))
		}

		if key == "resourceType" {
			tok, err := r.dec.Token()
			if err != nil {
				return r.tokenError(err)
			}
			s, ok := tok.(string)
			if !ok {
				if err := r.skipValue(tok, depth); err != nil {
					return err
				}
				if resource {
					return r.errorAt(keyEnd, fmt.Sprintf("resourceType is %s; it must be a string", describeRef(tok)))
				}
				continue
			}
			if resource {
				if s == "" {
					return r.errorAt(keyEnd, "resourceType is empty")
				}
				r.c.setResourceType(s)
				sawType = true
			}
			continue
		}

		child := key
		if len(key) > 1 && key[0] == '_' { // a primitive's id and extensions
			child = key[1:]
		}
		tok, err = r.dec.Token()
		if err != nil {
			return r.tokenError(err)
		}
		holdsResource := key == "resource" || key == "contained"
		if err := r.value(child, tok, depth, holdsResource); err != nil {
			return err
		}
	}
	if resource && !sawType {
		if depth == 1 {
			return r.errorAt(start, "the top-level object has no resourceType")
		}
		// Bundle.entry.resource and contained always hold resources; other
		// elements called "resource" (CapabilityStatement.rest.resource, for
		// one) need not.
		if name == "contained" || r.c.parentName() == "entry" {
			return r.errorAt(start, fmt.Sprintf("the %q object has no resourceType", name))
		}
	}
	r.c.end()
	return nil
}

// value handles the value tok of a member named name, inside a container at
// depth.
func (r *jsonRefReader) value(name string, tok json.Token, depth int, resource bool) error {
	switch v := tok.(type) {
	case json.Delim:
		start := r.dec.InputOffset() - 1
		switch v {
		case '{':
			return r.object(name, depth+1, resource, start)
		case '[':
			return r.array(name, depth+1, resource, start)
		}
		return r.errorAt(start, fmt.Sprintf("unexpected %q", rune(v)))
	case nil:
		// null: no value (FHIR uses it only to align primitive arrays).
		return nil
	case string:
		r.primitive(name, v)
	case json.Number:
		r.primitive(name, string(v))
	case bool:
		if v {
			r.primitive(name, "true")
		} else {
			r.primitive(name, "false")
		}
	}
	return nil
}

func (r *jsonRefReader) primitive(name, value string) {
	n := r.c.start(name, false)
	n.value, n.hasValue = value, true
	r.c.end()
}

// array reads the items of an array whose '[' has been read; each item is
// an element called name.
func (r *jsonRefReader) array(name string, depth int, resource bool, start int64) error {
	if depth > MaxDepth {
		return r.errorAt(start, fmt.Sprintf("objects and arrays nested deeper than %d levels", MaxDepth))
	}
	for {
		tok, err := r.dec.Token()
		if err != nil {
			return r.tokenError(err)
		}
		if d, ok := tok.(json.Delim); ok && d == ']' {
			return nil
		}
		if err := r.value(name, tok, depth, resource); err != nil {
			return err
		}
	}
}

// skipValue reads past the rest of a value whose first token is tok.
func (r *jsonRefReader) skipValue(tok json.Token, depth int) error {
	d, ok := tok.(json.Delim)
	if !ok || (d != '{' && d != '[') {
		return nil
	}
	level := 1
	for level > 0 {
		if depth+level > MaxDepth {
			return r.errorAt(r.dec.InputOffset(), fmt.Sprintf("objects and arrays nested deeper than %d levels", MaxDepth))
		}
		tok, err := r.dec.Token()
		if err != nil {
			return r.tokenError(err)
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				level++
			} else {
				level--
			}
		}
	}
	return nil
}

// errorAt reports a problem at byte offset off of the (BOM-less) input.
func (r *jsonRefReader) errorAt(off int64, msg string) error {
	if off < 0 {
		off = 0
	}
	if off > int64(len(r.src)) {
		off = int64(len(r.src))
	}
	return &ParseError{Format: FormatJSON, Line: lineAt(r.src, int(off)), Offset: off + r.shift, Msg: msg}
}

// tokenError turns a decoder error into a ParseError.
func (r *jsonRefReader) tokenError(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return r.errorAt(se.Offset, se.Error())
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return r.errorAt(int64(len(r.src)), "unexpected end of input")
	default:
		return r.errorAt(r.dec.InputOffset(), err.Error())
	}
}

// describeRef names the kind of a JSON token for error messages.
func describeRef(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '[':
			return "an array"
		case '{':
			return "an object"
		}
		return fmt.Sprintf("%q", rune(v))
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", tok)
}
