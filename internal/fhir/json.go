package fhir

import (
	"fmt"
	"github.com/nems-harness/nems-harness/internal/jsonstr"
	"strconv"
	"sync"
	"unicode/utf8"
)

// ReadJSON reads a FHIR JSON message bundle. The document is scanned in one
// pass; only a small stack of open objects is kept.
//
// It returns an error (a *ParseError) when the body is not well-formed FHIR
// JSON: a syntax error (RFC 8259, as encoding/json reads it), a top-level
// value that is not an object, a resource object without a string
// resourceType, a key repeated within one object (FHIR JSON forbids it; keys
// compare after unescaping), invalid UTF-8, nesting deeper than MaxDepth,
// data after the top-level object, or a JSON number or boolean where the
// reader takes a value FHIR requires to be a string (an NHS number
// identifier's value, a system, code, url, name, date or dateTime): the
// error names the element's path.
//
// Anything else, however wrong for a NEMS event, is not an error: the Bundle
// reports what is there and the rules judge it.
func ReadJSON[T Body](body T) (*Bundle, error) {
	b, shift, err := prepare(text(body), FormatJSON)
	if err != nil {
		return nil, err
	}
	r := jsonReaders.Get().(*jsonReader)
	defer r.release()
	r.src, r.shift = b, shift
	if err := r.read(); err != nil {
		return nil, err
	}
	if err := r.typeError(); err != nil {
		return nil, err
	}
	return r.c.bundle(FormatJSON), nil
}

// jsonReaders keeps readers, with their stacks, from one document to the
// next.
var jsonReaders = sync.Pool{New: func() any { return new(jsonReader) }}

// release clears the reader (it must not keep the body alive) and pools it.
func (r *jsonReader) release() {
	const keep = 64
	r.c.reset()
	all := r.keys[:cap(r.keys)]
	for i := range all {
		clear(all[i].list[:cap(all[i].list)])
		// A list of keyListMax keys may have grown past that capacity.
		all[i] = keySet{list: reuse(all[i].list, 2*keyListMax)}
	}
	buf := r.buf[:0]
	if cap(buf) > 4<<10 {
		buf = nil
	}
	r.d.end()
	*r = jsonReader{c: r.c, d: r.d, keys: reuse(r.keys, keep), buf: buf}
	jsonReaders.Put(r)
}

// jsonReader scans a document held in src (the body: see Body).
// Keys and values are sliced out of src; only strings with escapes are
// built afresh.
type jsonReader struct {
	src   string
	pos   int
	shift int64
	c     collector
	// keys[d] holds the keys already seen in the open object at depth d.
	keys []keySet
	buf  []byte
	d    docBuilder // for ReadDoc
}

// keySet finds repeated keys in one object: a short list searched in turn,
// or a map once the object has many keys. With each key it keeps the Doc
// element of the member's first item (ReadDoc), where "_name" and "name"
// find each other.
type keySet struct {
	list []keyNode
	set  map[string]int32
	// under says a key starts with "_".
	under bool
	// hashes has bit keyHash(key) set for each key of list: a key whose
	// bit is clear is new without a search.
	hashes uint64
}

// keyHash is a cheap hash of a key, for keySet.hashes.
func keyHash(key string) uint64 {
	if key == "" {
		return 1
	}
	return 1 << ((uint(len(key))*5 + uint(key[0]) + uint(key[len(key)-1])*3) & 63)
}

type keyNode struct {
	key  string
	node int32
}

const keyListMax = 32

// reset empties the set for the next object of the document. The old
// keys are not cleared (the reader's release does that, once): they are
// slices of the same body.
func (k *keySet) reset() {
	k.list = k.list[:0]
	if len(k.set) > 0 {
		clear(k.set)
	}
	k.under, k.hashes = false, 0
}

// add records key, whose first element is node, and reports whether it
// was new.
func (k *keySet) add(key string, node int32) bool {
	if len(key) > 1 && key[0] == '_' {
		k.under = true
	}
	if len(k.set) > 0 {
		if _, dup := k.set[key]; dup {
			return false
		}
		k.set[key] = node
		return true
	}
	h := keyHash(key)
	if k.hashes&h != 0 {
		for _, s := range k.list {
			if s.key == key {
				return false
			}
		}
	}
	if len(k.list) < keyListMax {
		k.hashes |= h
		k.list = append(k.list, keyNode{key, node})
		return true
	}
	if k.set == nil {
		k.set = make(map[string]int32, 2*keyListMax)
	}
	for _, s := range k.list {
		k.set[s.key] = s.node
	}
	k.list = k.list[:0]
	k.set[key] = node
	return true
}

// partner returns the first element of the member that pairs with key
// ("name" for "_name" and the reverse), -1 when none was read.
func (k *keySet) partner(key string, buf []byte) int32 {
	under := len(key) > 1 && key[0] == '_'
	if !under && !k.under {
		return -1
	}
	if len(k.set) > 0 {
		var n int32
		var ok bool
		if under {
			n, ok = k.set[key[1:]]
		} else {
			n, ok = k.set[string(append(append(buf[:0], '_'), key...))]
		}
		if !ok {
			return -1
		}
		return n
	}
	for _, s := range k.list {
		if under && s.key == key[1:] || !under && len(s.key) == len(key)+1 && s.key[0] == '_' && s.key[1:] == key {
			return s.node
		}
	}
	return -1
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// space skips white space and returns the next byte, or 0 at the end.
func (r *jsonReader) space() byte {
	s := r.src
	i := r.pos
	for i < len(s) {
		c := s[i]
		if c > ' ' || !isJSONSpace(c) {
			r.pos = i
			return c
		}
		i = skipSpaces(s, i+1) // indentation
	}
	r.pos = i
	return 0
}

// peek returns the byte at r.pos, 0 at the end. Where white space is
// rare (a ':' after a key, a ',' after a value), peek, and space only
// when it gives white space (or 0), does what space does without a call:
//
//	if c = r.peek(); c <= ' ' {
//		c = r.space()
//	}
func (r *jsonReader) peek() byte {
	if r.pos < len(r.src) {
		return r.src[r.pos]
	}
	return 0
}

func (r *jsonReader) read() error {
	r.c.src = r.src
	c := r.space()
	if r.pos >= len(r.src) {
		return r.errorAt(0, "empty body; FHIR JSON must be an object")
	}
	if c != '{' {
		what := jsonKind(c)
		if what == "" {
			return r.syntaxError(r.pos, "looking for beginning of value")
		}
		return r.errorAt(r.pos, fmt.Sprintf("the top-level value is %s; FHIR JSON must be an object", what))
	}
	if err := r.object("", 1, true, r.pos, false); err != nil {
		return err
	}
	c = r.space()
	if r.pos >= len(r.src) {
		return nil
	}
	what := "data"
	switch c {
	case '{', '[':
		what = jsonKind(c)
	}
	return r.errorAt(r.pos, what+" after the top-level object")
}

// jsonKind names the kind of JSON value that starts with c, "" if none
// does.
func jsonKind(c byte) string {
	switch {
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || '0' <= c && c <= '9':
		return "a number"
	}
	return ""
}

// object reads an object whose '{' is at r.pos, as the element name.
// resource says the object is a resource (the top-level object, or the
// value of a "resource" or "contained" member); discard that it is only
// checked, not reported (a resourceType that is not a string).
func (r *jsonReader) object(name string, depth int, resource bool, start int, discard bool) error {
	if depth > MaxDepth {
		return r.errorAt(start, fmt.Sprintf("objects and arrays nested deeper than %d levels", MaxDepth))
	}
	r.pos++ // '{'
	for len(r.keys) <= depth {
		if len(r.keys) < cap(r.keys) {
			r.keys = r.keys[:len(r.keys)+1] // a pooled set, with its list
		} else {
			r.keys = append(r.keys, keySet{})
		}
	}
	r.keys[depth].reset()
	if !discard {
		r.start(name)
		if resource {
			r.c.beginResource("", false)
		}
	}
	sawType := false
	c := r.space()
	if c == '}' {
		r.pos++
	} else {
		for {
			if c != '"' {
				return r.syntaxError(r.pos, "looking for beginning of object key string")
			}
			keyStart := r.pos
			key, err := r.str()
			if err != nil {
				return err
			}
			node := int32(-1)
			if r.c.d != nil {
				node = r.c.d.doc.count
			}
			if !r.keys[depth].add(key, node) {
				return r.errorAt(keyStart, fmt.Sprintf("duplicate key %s in one object; FHIR JSON forbids repeated keys", quoted(key, 60)))
			}
			if c = r.peek(); c <= ' ' {
				c = r.space()
			}
			if c != ':' {
				return r.syntaxError(r.pos, "after object key")
			}
			r.pos++
			keyEnd := r.pos
			if p := r.pos; p+1 < len(r.src) && r.src[p] == ' ' && r.src[p+1] > ' ' { // ": ", the commonest
				r.pos, c = p+1, r.src[p+1]
			} else {
				c = r.space()
			}
			switch {
			case key == "resourceType" && c == '"':
				s, err := r.str()
				if err != nil {
					return err
				}
				if resource && !discard {
					if s == "" {
						return r.errorAt(keyEnd, "resourceType is empty")
					}
					r.c.setResourceType(s)
				}
				sawType = true
			case key == "resourceType":
				if err := r.value("", depth, false, true); err != nil {
					return err
				}
				if resource {
					what := jsonKind(c)
					if what == "" {
						what = "not a value"
					}
					return r.errorAt(keyEnd, fmt.Sprintf("resourceType is %s; it must be a string", what))
				}
			default:
				// A "_name" member gives a primitive's id and extensions: the
				// name stays marked down to where the element opens (start).
				child := key
				holdsResource := key == "resource" || key == "contained"
				if r.c.d != nil && !discard {
					// Only a "_name" key, or a key of an object that has
					// one, can pair (partner's first test, without the call).
					if ks := &r.keys[depth]; ks.under || len(key) > 1 && key[0] == '_' {
						r.c.d.partner = ks.partner(key, r.buf)
					} else {
						r.c.d.partner = -1
					}
				}
				if err := r.value(child, depth, holdsResource, discard); err != nil {
					return err
				}
			}
			if c = r.peek(); c <= ' ' {
				c = r.space()
			}
			if c == '}' {
				r.pos++
				break
			}
			if c != ',' {
				return r.syntaxError(r.pos, "after object key:value pair")
			}
			r.pos++
			c = r.space()
		}
	}
	if discard {
		return nil
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

// value reads the value at r.pos of a member named name, inside a container
// at depth.
func (r *jsonReader) value(name string, depth int, resource, discard bool) error {
	s := r.src
	if r.pos >= len(s) {
		return r.eof()
	}
	start := r.pos
	if r.c.d != nil {
		r.c.d.at = start
	}
	switch c := s[r.pos]; {
	case c == '{':
		if _, under := underName(name); r.c.d != nil && !under {
			r.c.d.partner = -1 // only primitives and "_name" objects pair
		}
		return r.object(name, depth+1, resource, start, discard)
	case c == '[':
		return r.array(name, depth+1, resource, start, discard)
	case c == '"':
		v, err := r.str()
		if err != nil {
			return err
		}
		r.primitive(name, v, discard)
	case c == 't':
		if err := r.literal("true"); err != nil {
			return err
		}
		r.typed(name, "true", kindBoolean, start, discard)
	case c == 'f':
		if err := r.literal("false"); err != nil {
			return err
		}
		r.typed(name, "false", kindBoolean, start, discard)
	case c == 'n':
		// null: no value (FHIR uses it only to align primitive arrays,
		// which array does).
		if r.c.d != nil {
			r.c.d.partner = -1
		}
		return r.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		if err := r.number(); err != nil {
			return err
		}
		r.typed(name, s[start:r.pos], kindNumber, start, discard)
	default:
		return r.syntaxError(r.pos, "looking for beginning of value")
	}
	return nil
}

func (r *jsonReader) primitive(name, value string, discard bool) {
	if discard {
		return
	}
	// The commonest member, "name": "value", that pairs with no "_name":
	// a leaf, added in one go.
	if d := r.c.d; d != nil && d.partner < 0 && (len(name) <= 1 || name[0] != '_') &&
		len(r.c.stack) > 0 && !r.c.top().skip {
		r.c.leaf(name, r.c.keep(value), flagPrim)
		return
	}
	n := r.start(name)
	n.value, n.hasValue = r.c.keep(value), true
	if _, under := underName(name); r.c.d != nil && !under {
		r.c.d.prim()
	}
	r.c.end()
}

// typeError is the first JSON number or boolean read where FHIR requires a
// string (collector.checkString), located, or nil.
func (r *jsonReader) typeError() error {
	e := r.c.typeErr
	if e == nil {
		return nil
	}
	if e.Offset >= 0 {
		e.Line = lineAt(r.src, int(e.Offset))
		e.Offset += r.shift
	}
	return e
}

// typed is primitive for a value that is not a JSON string.
func (r *jsonReader) typed(name, value string, kind uint8, off int, discard bool) {
	if discard {
		return
	}
	n := r.c.start(name, "", false)
	n.value, n.hasValue, n.kind, n.off = r.c.keep(value), true, kind, int32(off)
	if r.c.d != nil {
		r.c.d.prim()
	}
	r.c.end()
}

// start opens the element of a member: "_name" opens "name" (for ReadDoc,
// marked to be merged into the primitive "name" already read).
func (r *jsonReader) start(name string) *node {
	name, under := underName(name)
	if under && r.c.d != nil {
		r.c.d.merge = true
	}
	return r.c.start(name, "", false)
}

// underName cuts the "_" of a member "_name" (a primitive's id and
// extensions) and tells whether there was one.
func underName(member string) (string, bool) {
	if len(member) > 1 && member[0] == '_' {
		return member[1:], true
	}
	return member, false
}

// array reads an array whose '[' is at r.pos; each item is an element
// called name.
func (r *jsonReader) array(name string, depth int, resource bool, start int, discard bool) error {
	if depth > MaxDepth {
		return r.errorAt(start, fmt.Sprintf("objects and arrays nested deeper than %d levels", MaxDepth))
	}
	r.pos++ // '['
	// In ReadDoc, the items pair one by one with those of the partner
	// member (see docBuilder.pair), from its first.
	d := r.c.d
	if discard {
		d = nil
	}
	partner := int32(-1)
	if d != nil {
		partner, d.partner = d.partner, -1
	}
	if r.space() == ']' {
		r.pos++
		return nil
	}
	for {
		if d != nil && r.pos < len(r.src) && r.src[r.pos] == 'n' {
			d.at = r.pos
			if err := r.literal("null"); err != nil {
				return err
			}
			d.null(name, partner)
		} else {
			if d != nil {
				d.partner = partner
			}
			if err := r.value(name, depth, resource, discard); err != nil {
				return err
			}
		}
		if d != nil {
			partner = d.nextPartner(partner)
		}
		c := r.peek()
		if c <= ' ' {
			c = r.space()
		}
		switch c {
		case ']':
			r.pos++
			return nil
		case ',':
			r.pos++
			r.space()
		default:
			if r.pos >= len(r.src) {
				return r.eof()
			}
			return r.syntaxError(r.pos, "after array element")
		}
	}
}

// literal reads true, false or null at r.pos.
func (r *jsonReader) literal(lit string) error {
	s := r.src
	for i := 1; i < len(lit); i++ {
		p := r.pos + i
		if p >= len(s) {
			return r.eof()
		}
		if s[p] != lit[i] {
			return r.syntaxError(p, fmt.Sprintf("in literal %s (expecting %s)", lit, quoteChar(lit[i])))
		}
	}
	r.pos += len(lit)
	return nil
}

// number reads a number at r.pos:
// '-'? ('0' | [1-9][0-9]*) ('.' [0-9]+)? ([eE] [+-]? [0-9]+)?
func (r *jsonReader) number() error {
	s := r.src
	i := r.pos
	if s[i] == '-' {
		i++
	}
	digits := func(what string) error {
		if i >= len(s) {
			return r.eof()
		}
		if s[i] < '0' || s[i] > '9' {
			return r.syntaxError(i, what)
		}
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		return nil
	}
	switch {
	case i >= len(s):
		return r.eof()
	case s[i] == '0':
		i++
	default:
		if err := digits("in numeric literal"); err != nil {
			return err
		}
	}
	if i < len(s) && s[i] == '.' {
		i++
		if err := digits("after decimal point in numeric literal"); err != nil {
			return err
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if err := digits("in exponent of numeric literal"); err != nil {
			return err
		}
	}
	r.pos = i
	return nil
}

// str reads a string at r.pos ('"') and returns its value.
func (r *jsonReader) str() (string, error) {
	s := r.src
	start := r.pos + 1
	for i := start; i < len(s); i++ {
		for i+8 <= len(s) {
			x := load64(s, i)
			if m := zeroBytes(x^(ones*'"')) | zeroBytes(x^(ones*'\\')) | lessBytes(x, ' '); m != 0 {
				i += firstFlag(m)
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		switch c := s[i]; {
		case c == '"':
			r.pos = i + 1
			return s[start:i], nil
		case c == '\\':
			return r.strSlow(start, i)
		case c < ' ':
			return "", r.syntaxError(i, "in string literal")
		}
	}
	return "", r.eof()
}

// strSlow unescapes a string from s[start:]; s[i] is its first backslash.
func (r *jsonReader) strSlow(start, i int) (string, error) {
	buf, next, e := jsonstr.Unescape(append(r.buf[:0], r.src[start:i]...), r.src, i)
	r.buf = buf
	if e != nil {
		if e.Off >= len(r.src) {
			return "", r.eof()
		}
		return "", r.syntaxError(e.Off, e.Context)
	}
	r.pos = next
	return string(buf), nil
}

// syntaxError reports the character at off as invalid, context saying
// where, as encoding/json words it.
func (r *jsonReader) syntaxError(off int, context string) error {
	if off >= len(r.src) {
		return r.eof()
	}
	c := r.src[off]
	what := quoteChar(c)
	if c >= utf8.RuneSelf {
		ru, _ := utf8.DecodeRuneInString(r.src[off:])
		what = strconv.QuoteRune(ru)
	}
	return r.errorAt(off, fmt.Sprintf("invalid character %s %s", what, context))
}

func (r *jsonReader) eof() error {
	return r.errorAt(len(r.src), "unexpected end of input")
}

// quoteChar formats c as a quoted character literal.
func quoteChar(c byte) string {
	switch c {
	case '\'':
		return `'\''`
	case '"':
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	return "'" + s[1:len(s)-1] + "'"
}

// errorAt reports a problem at byte offset off of the (BOM-less) input.
func (r *jsonReader) errorAt(off int, msg string) error {
	off = min(max(off, 0), len(r.src))
	return &ParseError{Format: FormatJSON, Line: lineAt(r.src, off), Offset: int64(off) + r.shift, Msg: msg}
}
