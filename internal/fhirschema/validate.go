package fhirschema

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// Defaults of Options.
const (
	DefaultMaxErrors = 100
	DefaultMaxDepth  = 256
)

// Limits on hostile bodies (each check is linear in them): attributes on
// one element, namespace declarations in scope. Real FHIR bodies have a
// handful of each.
const (
	maxAttrs    = 256
	maxBindings = 64
)

// ErrorKind classifies a schema error.
type ErrorKind uint8

// The kinds of Error.
const (
	// ErrSyntax: the body is not well-formed XML, or uses a construct the
	// validator refuses (a DTD). Validation stops at the first one.
	ErrSyntax ErrorKind = iota + 1
	// ErrLimit: nesting deeper than MaxDepth, or more than MaxErrors
	// errors. Validation stops.
	ErrLimit
	// ErrNamespace: an element outside the namespace its place requires
	// (http://hl7.org/fhir, or XHTML inside Narrative.div).
	ErrNamespace
	// ErrUnknown: an element its parent's type does not declare (its
	// content is not checked).
	ErrUnknown
	// ErrOrder: an element before one its type's sequence puts first.
	ErrOrder
	// ErrMissing: a required element (minOccurs 1) absent.
	ErrMissing
	// ErrTooMany: an element more often than its maxOccurs.
	ErrTooMany
	// ErrChoice: a second form of a choice (valueString after valueCode).
	ErrChoice
	// ErrValue: an attribute value outside its type's lexical space,
	// pattern or enumeration.
	ErrValue
	// ErrAttribute: an attribute the element does not declare, or a
	// required attribute (Extension.url) absent.
	ErrAttribute
	// ErrText: character content where the type allows only elements.
	ErrText
)

var kindNames = [...]string{"", "syntax", "limit", "namespace", "unknown element", "order", "missing", "too many",
	"choice", "value", "attribute", "text"}

func (k ErrorKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind " + strconv.Itoa(int(k))
}

// Error is one schema error.
type Error struct {
	// Line and Column (1-based; Column counts bytes) locate the start tag
	// of the element the error is about (for ErrMissing, the parent
	// element that lacks the child).
	Line, Column int
	// Path is the element's FHIR path: element names from the root joined
	// by dots, with a zero-based index on elements that may repeat, and
	// the resource type under a container:
	// "Bundle.entry[3].resource.Immunization.vaccineCode".
	Path string
	// Entry is the zero-based index of the root Bundle's entry the error
	// is in, -1 outside any entry.
	Entry int
	Kind  ErrorKind
	// Message says what is wrong, naming the elements involved.
	Message string
}

func (e Error) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("line %d:%d: %s", e.Line, e.Column, e.Message)
	}
	return fmt.Sprintf("line %d:%d: %s: %s", e.Line, e.Column, e.Path, e.Message)
}

// Options tune Validate.
type Options struct {
	// MaxErrors stops validation after that many errors (0: DefaultMaxErrors).
	MaxErrors int
	// MaxDepth is the deepest element nesting accepted (0: DefaultMaxDepth).
	MaxDepth int
	// Visit, when set, is called for every element whose declaration was
	// found, after its attributes were checked, in document order. The
	// Node and its strings are valid only during the call (they alias the
	// body).
	Visit func(*Node)
	// VisitOnly, when set, limits Visit to the elements whose type is in
	// the set (see NewTypeSet): the others cost nothing.
	VisitOnly *TypeSet
}

// TypeSet is a set of types, by FHIR type name (see Options.VisitOnly).
type TypeSet struct {
	// has is indexed by type id: a byte a type, for open's one load.
	has [len(typeTable)]bool
}

// NewTypeSet returns the set of the types whose FHIRType is one of names
// ("dateTime", "instant"). Build it once: it reads the whole type table.
func NewTypeSet(fhirTypes ...string) *TypeSet {
	s := &TypeSet{}
	for id := range typeTable {
		if (Type{uint16(id)}).Is(fhirTypes...) && id != 0 {
			s.has[id] = true
		}
	}
	return s
}

// Has reports whether t is in the set.
func (s *TypeSet) Has(t Type) bool { return int(t.id) < len(s.has) && s.has[t.id] }

// Node is an element met during validation (see Options.Visit).
type Node struct {
	// Name is the element's local name ("effectiveDateTime", "Patient").
	Name string
	// Type is its declared type.
	Type Type
	// Value is the raw value attribute (primitive types); HasValue tells
	// whether there is one.
	Value    string
	HasValue bool
	// Line and Column locate the start tag.
	Line, Column int
	// Entry is the zero-based root Bundle entry index, -1 outside.
	Entry int
	v     *validator
}

// Path is the node's FHIR path, as Error.Path spells it.
func (n *Node) Path() string { return n.v.path("") }

// AppendPath appends the node's path (as Path spells it) to b.
func (n *Node) AppendPath(b []byte) []byte { return n.v.appendPath(b, "") }

// Validate checks an XML body against fhir-single.xsd (with fhir-xhtml.xsd
// for narratives) in one pass and returns the schema errors in document
// order; none means valid. See the package documentation for what is
// checked.
func Validate[T ~string | ~[]byte](body T) []Error { return ValidateOptions(body, Options{}) }

// ValidateOptions is Validate with options. A string body is read in
// place; bytes are viewed as a string and must not change during the call.
func ValidateOptions[T ~string | ~[]byte](body T, opt Options) []Error {
	if opt.MaxErrors <= 0 {
		opt.MaxErrors = DefaultMaxErrors
	}
	if opt.MaxDepth <= 0 {
		opt.MaxDepth = DefaultMaxDepth
	}
	namesOnce.Do(buildNames)
	v := validators.Get().(*validator)
	v.reset(opt)
	switch b := any(body).(type) {
	case string:
		v.setSrc(b)
	default:
		if bs := []byte(body); len(bs) > 0 {
			v.setSrc(unsafe.String(&bs[0], len(bs)))
		}
	}
	v.run()
	errs := v.errs
	v.release()
	return errs
}

func (v *validator) reset(opt Options) {
	*v = validator{opt: opt, lineNo: 1, stack: v.stack[:0], ns: v.ns[:0], attrs: v.attrs[:0], resolved: v.resolved[:0], far: v.far[:0], buf: v.buf[:0]}
	switch {
	case opt.Visit == nil:
	case opt.VisitOnly == nil:
		v.visits = &allTypes
	default:
		v.visits = &opt.VisitOnly.has
	}
}

// allTypes is the set of every type, as TypeSet.has.
var allTypes = func() (b [len(typeTable)]bool) {
	for i := range b {
		b[i] = true
	}
	return b
}()

// release drops every reference to the body and pools the validator.
func (v *validator) release() {
	clear(v.stack[:cap(v.stack)])
	clear(v.ns[:cap(v.ns)])
	clear(v.attrs[:cap(v.attrs)])
	clear(v.resolved[:cap(v.resolved)])
	clear(v.far[:cap(v.far)])
	if cap(v.buf) > 4<<10 {
		v.buf = nil
	}
	*v = validator{stack: v.stack[:0], ns: v.ns[:0], attrs: v.attrs[:0], resolved: v.resolved[:0], far: v.far[:0], buf: v.buf[:0]}
	validators.Put(v)
}

// validators keeps validators, with their stacks, from one body to the next.
var validators = sync.Pool{New: func() any { return new(validator) }}

type nsBinding struct{ prefix, uri string }

// Attr is an attribute of a start tag, with its namespace resolved
// ("" for an unprefixed attribute).
type Attr struct {
	Space, Local, Value string
}

type rawAttr struct {
	qname, value string
	colon        int
}

// frame is one open element. It is kept small (int32 counts and
// indexes): one is written for every element.
type frame struct {
	// qname and local are the element's names, as places in the body
	// (see bodyStr): a frame holds no pointer, so that pushing one costs
	// the garbage collector nothing.
	qname, local bodyStr
	// start is the offset of the start tag's '<', tagEnd of its '>'.
	start, tagEnd int
	nsMark        int32
	// The element's type, as open copies it from its typeInfo in one
	// move.
	frameType
	skip bool
	// outerTextOK is the parent's textOK (0 for the root), for End.
	outerTextOK uint8
	// Content model state: the current particle, its repetitions, and the
	// element (index into the model) repeating inside it.
	part, pcount, alt, acount int32
	// Child indexing, for paths.
	lastElem  int32 // index in the model of the child last seen, -1 for none
	lastCount int32
	index     int32 // -1 when the element does not repeat
	entry     int32
}

// frameType is what a frame keeps of its element's type. 8 bytes, one
// word to copy.
type frameType struct {
	typ uint16
	// model is the type's content model (typeInfos[typ].model), read by
	// each child's open.
	model uint16
	// endFrom is the particle from which the element's end needs no
	// look: after the last required one (-1 when none is, or the element
	// is not checked; 0 for a container, which must hold one resource).
	endFrom int16
	// textOK is the character data charData accepts without a look
	// (textFlag bits: both in mixed content; textBlank alone where white
	// space may stand between or instead of the children). See also
	// validator.textOK.
	textOK    uint8
	container bool
}

// bodyStr is a string of the body, src[off:off+n], or, when n is -1,
// far[off] (a string from elsewhere, which a Walker may be given).
type bodyStr struct{ off, n int32 }

// setSrc sets the body: src, and keepLen for keep.
func (v *validator) setSrc(s string) {
	v.src = s
	if len(s) <= math.MaxInt32 {
		v.keepLen = uintptr(len(s))
	}
}

// keep returns s as a bodyStr.
func (v *validator) keep(s string) bodyStr {
	// One unsigned compare each way: s starts in the body, and ends in it.
	if off := uintptr(unsafe.Pointer(unsafe.StringData(s))) - uintptr(unsafe.Pointer(unsafe.StringData(v.src))); off <= v.keepLen && uintptr(len(s)) <= v.keepLen-off {
		return bodyStr{int32(off), int32(len(s))}
	}
	if s == "" {
		return bodyStr{}
	}
	v.far = append(v.far, s)
	return bodyStr{int32(len(v.far) - 1), -1}
}

// str returns the string x stands for.
func (v *validator) str(x bodyStr) string {
	if x.n < 0 {
		return v.far[x.off]
	}
	return v.src[x.off : x.off+x.n]
}

type validator struct {
	src string
	// keepLen is len(src), or 0 when offsets in it would not fit a
	// bodyStr (see keep).
	keepLen uintptr
	// fhirURI is where the last namespace name found to be FHIR's starts:
	// the same string again (a body's one declaration) needs no comparison.
	fhirURI *byte
	pos     int
	opt     Options
	errs    []Error
	stack   []frame
	ns      []nsBinding
	attrs   []rawAttr
	// resolved holds the element's attributes but namespace declarations,
	// with their namespaces.
	resolved []Attr
	far      []string // see bodyStr
	buf      []byte
	ids      map[string]bool
	stopped  bool
	// line cursor
	lineOff, lineNo, lineStart int
	node                       Node
	// textOK holds the textFlag bits of the character data the innermost
	// element takes without a look (a subset of what charData accepts;
	// 0 when unsure): Walker.CharData reads it for every run.
	textOK uint8
	// visits is the set of the types whose elements open passes to
	// opt.Visit (as TypeSet.has), nil without a Visit.
	visits *[len(typeTable)]bool
	// nameAt is the index in Names of the element last opened, -1 when
	// its declaration was not found (Walker.NameIndex).
	nameAt int32
}

func (v *validator) run() {
	s := v.src
	if strings.HasPrefix(s, "\xef\xbb\xbf") {
		v.pos = 3
	}
	rootDone := false
	for !v.stopped && v.pos < len(s) {
		lt := strings.IndexByte(s[v.pos:], '<')
		if lt < 0 {
			v.text(s[v.pos:], v.pos, false)
			v.pos = len(s)
			break
		}
		if lt > 0 {
			v.text(s[v.pos:v.pos+lt], v.pos, false)
			if v.stopped {
				return
			}
		}
		v.pos += lt
		rest := s[v.pos:]
		switch {
		case strings.HasPrefix(rest, "<!--"):
			end := strings.Index(rest[4:], "-->")
			if end < 0 {
				v.syntax(v.pos, "comment not closed")
				return
			}
			v.pos += 4 + end + 3
		case strings.HasPrefix(rest, "<?"):
			end := strings.Index(rest, "?>")
			if end < 0 {
				v.syntax(v.pos, "processing instruction not closed")
				return
			}
			v.pos += end + 2
		case strings.HasPrefix(rest, "<![CDATA["):
			end := strings.Index(rest, "]]>")
			if end < 0 {
				v.syntax(v.pos, "CDATA section not closed")
				return
			}
			v.text(rest[9:end], v.pos, true)
			v.pos += end + 3
		case strings.HasPrefix(rest, "<!"):
			v.syntax(v.pos, "DTDs and other markup declarations are not allowed")
			return
		case strings.HasPrefix(rest, "</"):
			v.endTag()
			if len(v.stack) == 0 && !v.stopped {
				rootDone = true
			}
		default:
			if rootDone {
				v.syntax(v.pos, "content after the root element")
				return
			}
			v.startTag()
			if len(v.stack) == 0 && !v.stopped {
				rootDone = true
			}
		}
	}
	if v.stopped {
		return
	}
	if len(v.stack) > 0 {
		f := &v.stack[len(v.stack)-1]
		v.syntax(len(s), "element "+short(v.str(f.qname))+" is not closed")
		return
	}
	if !rootDone {
		v.syntax(len(s), "no root element")
	}
}

// lineCol turns a byte offset into a line and column.
// The cursor moves both ways, so errors out of order cost only the
// distance between them.
func (v *validator) lineCol(off int) (int, int) {
	if off > len(v.src) {
		off = len(v.src)
	}
	if off < v.lineOff {
		v.lineNo -= strings.Count(v.src[off:v.lineOff], "\n")
		v.lineStart = strings.LastIndexByte(v.src[:off], '\n') + 1
	} else {
		seg := v.src[v.lineOff:off]
		if n := strings.Count(seg, "\n"); n > 0 {
			v.lineNo += n
			v.lineStart = v.lineOff + strings.LastIndexByte(seg, '\n') + 1
		}
	}
	v.lineOff = off
	return v.lineNo, off - v.lineStart + 1
}

// errAt records an error about the tag from start to end: its line is
// the line of end, as xmllint numbers them, its column that of start when
// the tag is on one line.
func (v *validator) errAt(start, end int, path string, k ErrorKind, msg string) {
	if v.stopped {
		return
	}
	sl, col := v.lineCol(start)
	line, ecol := v.lineCol(end)
	if line != sl {
		col = ecol
	}
	if len(v.errs) >= v.opt.MaxErrors {
		v.errs = append(v.errs, Error{Line: line, Column: col, Entry: -1, Kind: ErrLimit,
			Message: fmt.Sprintf("more than %d schema errors: validation stopped", v.opt.MaxErrors)})
		v.stopped = true
		return
	}
	entry := -1
	if n := len(v.stack); n > 0 {
		entry = int(v.stack[n-1].entry)
	}
	v.errs = append(v.errs, Error{Line: line, Column: col, Path: path, Entry: entry, Kind: k, Message: msg})
}

func (v *validator) syntax(off int, msg string) {
	v.errAt(off, off, "", ErrSyntax, "not well-formed XML: "+msg)
	v.stopped = true
}

// path joins the open elements' names; extra is appended as a last step.
func (v *validator) path(extra string) string {
	var buf [128]byte
	return string(v.appendPath(buf[:0], extra))
}

func (v *validator) appendPath(b []byte, extra string) []byte {
	from := len(b)
	for i := range v.stack {
		f := &v.stack[i]
		if i > 0 {
			b = append(b, '.')
		}
		b = append(b, short(v.str(f.local))...)
		if f.index >= 0 {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(f.index), 10)
			b = append(b, ']')
		}
	}
	if extra != "" {
		if len(b) > from {
			b = append(b, '.')
		}
		b = append(b, short(extra)...)
	}
	return b
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isNameEnd(c byte) bool { return isSpace(c) || c == '/' || c == '>' || c == '=' }

// text handles character data between tags.
func (v *validator) text(t string, off int, cdata bool) {
	// A CDATA section is character content even when blank (libxml2, the
	// reference validator, rejects one in element-only content).
	blank := !cdata
	for i := 0; i < len(t); i++ {
		c := t[i]
		if isSpace(c) {
			continue
		}
		if c == '&' && !cdata {
			n, r, ok := reference(t[i:])
			if !ok {
				v.syntax(off+i, "undefined or malformed entity reference")
				return
			}
			if r != " " && r != "\t" && r != "\n" && r != "\r" {
				blank = false
			}
			i += n - 1
			continue
		}
		blank = false
	}
	if len(v.stack) == 0 {
		if !blank {
			v.syntax(off, "text outside the root element")
		}
		return
	}
	v.charData(blank)
}

// The kinds of character data, as bits of textOK.
const (
	textBlank    = 1 << iota // only white space
	textNonBlank             // anything else
)

func textFlag(blank bool) uint8 {
	if blank {
		return textBlank
	}
	return textNonBlank
}

// charData handles character data inside the innermost element: none is
// allowed in an empty element (br, img, ...), only white space in
// element-only content.
func (v *validator) charData(blank bool) {
	f := &v.stack[len(v.stack)-1]
	if f.skip || f.textOK&textFlag(blank) != 0 { // the commonest
		return
	}
	v.textError(f, blank)
}

// textError reports the character data charData refuses (apart, so that
// charData stays small).
func (v *validator) textError(f *frame, blank bool) {
	t := &typeTable[f.typ]
	switch {
	case blank:
		v.errAt(f.start, f.tagEnd, v.path(""), ErrText, t.name+" must be empty: no content, not even white space")
	case t.kind == kindXHTML:
		v.errAt(f.start, f.tagEnd, v.path(""), ErrText, "text is not allowed directly in "+t.name+" (only elements)")
	default:
		v.errAt(f.start, f.tagEnd, v.path(""), ErrText, "text is not allowed in "+t.name+" (only elements and the value attribute)")
	}
}

// reference decodes the entity or character reference at the start of s
// (s[0] == '&'): its length, its replacement text, and whether it is one
// XML allows without a DTD.
func reference(s string) (int, string, bool) {
	end := strings.IndexByte(s, ';')
	if end < 2 {
		return 0, "", false
	}
	name := s[1:end]
	switch name {
	case "lt":
		return end + 1, "<", true
	case "gt":
		return end + 1, ">", true
	case "amp":
		return end + 1, "&", true
	case "quot":
		return end + 1, `"`, true
	case "apos":
		return end + 1, "'", true
	}
	if name[0] != '#' {
		return 0, "", false
	}
	var n uint64
	var err error
	if len(name) > 1 && name[1] == 'x' {
		n, err = strconv.ParseUint(name[2:], 16, 32)
	} else {
		n, err = strconv.ParseUint(name[1:], 10, 32)
	}
	if err != nil || !isXMLChar(rune(n)) || strings.ContainsAny(name[1:], "+-") {
		return 0, "", false
	}
	return end + 1, string(rune(n)), true
}

func isXMLChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// attrValue returns an attribute's value with references replaced and
// literal white space normalised to spaces, as an XML parser passes it on.
func (v *validator) attrValue(raw string, off int) (string, bool) {
	plain := true
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '<':
			v.syntax(off, "'<' in an attribute value")
			return "", false
		case '&', '\t', '\n', '\r':
			plain = false
		}
	}
	if plain {
		return raw, true
	}
	b := v.buf[:0]
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch c {
		case '&':
			n, r, ok := reference(raw[i:])
			if !ok {
				v.syntax(off, "undefined or malformed entity reference in an attribute value")
				return "", false
			}
			b = append(b, r...)
			i += n - 1
		case '\t', '\n', '\r':
			b = append(b, ' ')
		default:
			b = append(b, c)
		}
	}
	v.buf = b
	return string(b), true
}

func (v *validator) startTag() {
	s := v.src
	start := v.pos
	p := start + 1
	for p < len(s) && !isNameEnd(s[p]) {
		p++
	}
	qname := s[start+1 : p]
	if qname == "" {
		v.syntax(start, "'<' not followed by a name")
		return
	}
	v.attrs = v.attrs[:0]
	selfClose := false
	for {
		q := p
		for p < len(s) && isSpace(s[p]) {
			p++
		}
		if p >= len(s) {
			v.syntax(start, "start tag of "+short(qname)+" not closed")
			return
		}
		if s[p] == '>' {
			p++
			break
		}
		if s[p] == '/' {
			if p+1 >= len(s) || s[p+1] != '>' {
				v.syntax(p, "'/' not followed by '>'")
				return
			}
			selfClose = true
			p += 2
			break
		}
		if q == p {
			v.syntax(p, "attributes must be separated by white space")
			return
		}
		ns := p
		for p < len(s) && !isNameEnd(s[p]) {
			p++
		}
		an := s[ns:p]
		for p < len(s) && isSpace(s[p]) {
			p++
		}
		if an == "" || p >= len(s) || s[p] != '=' {
			v.syntax(ns, "malformed attribute in the start tag of "+short(qname))
			return
		}
		p++
		for p < len(s) && isSpace(s[p]) {
			p++
		}
		if p >= len(s) || (s[p] != '"' && s[p] != '\'') {
			v.syntax(p, "attribute value not quoted")
			return
		}
		quote := s[p]
		end := strings.IndexByte(s[p+1:], quote)
		if end < 0 {
			v.syntax(p, "attribute value not closed")
			return
		}
		val, ok := v.attrValue(s[p+1:p+1+end], p)
		if !ok {
			return
		}
		p += end + 2
		if len(v.attrs) >= maxAttrs {
			v.errAt(start, start, "", ErrLimit, fmt.Sprintf("more than %d attributes on one element: validation stopped", maxAttrs))
			v.stopped = true
			return
		}
		for i := range v.attrs {
			if v.attrs[i].qname == an {
				v.syntax(ns, "attribute "+short(an)+" given twice")
				return
			}
		}
		v.attrs = append(v.attrs, rawAttr{qname: an, value: val, colon: strings.IndexByte(an, ':')})
	}
	v.pos = p
	// Namespace declarations.
	mark := len(v.ns)
	for _, a := range v.attrs {
		switch {
		case a.qname == "xmlns":
			v.ns = append(v.ns, nsBinding{"", a.value})
		case a.colon == 5 && a.qname[:5] == "xmlns":
			v.ns = append(v.ns, nsBinding{a.qname[6:], a.value})
		}
	}
	if len(v.ns) > maxBindings {
		v.errAt(start, start, "", ErrLimit, fmt.Sprintf("more than %d namespace declarations in scope: validation stopped", maxBindings))
		v.stopped = true
		return
	}
	prefix, local := "", qname
	if i := strings.IndexByte(qname, ':'); i >= 0 {
		prefix, local = qname[:i], qname[i+1:]
	}
	uri, ok := v.lookupNS(prefix)
	if !ok {
		v.syntax(start, "namespace prefix "+short(prefix)+" is not declared")
		return
	}
	v.resolved = v.resolved[:0]
	for _, a := range v.attrs {
		switch {
		case a.qname == "xmlns" || a.colon == 5 && a.qname[:5] == "xmlns":
		case a.colon < 0:
			v.resolved = append(v.resolved, Attr{Local: a.qname, Value: a.value})
		default:
			space, ok := v.lookupNS(a.qname[:a.colon])
			if !ok {
				v.syntax(start, "namespace prefix "+short(a.qname[:a.colon])+" is not declared")
				return
			}
			v.resolved = append(v.resolved, Attr{Space: space, Local: a.qname[a.colon+1:], Value: a.value})
		}
	}
	if !v.depthOK(local, start, p-1) {
		return
	}
	v.open(uri, local, start, p-1, v.resolved)
	f := &v.stack[len(v.stack)-1]
	f.qname, f.nsMark = v.keep(qname), int32(mark)
	if selfClose && !v.stopped {
		v.close()
	}
}

func (v *validator) depthOK(local string, start, end int) bool {
	if len(v.stack) < v.opt.MaxDepth {
		return true
	}
	v.tooDeep(local, start, end)
	return false
}

// tooDeep stops validation at an element nested too deep (apart, so that
// depthOK is inlined).
func (v *validator) tooDeep(local string, start, end int) {
	v.errAt(start, end, v.path(local), ErrLimit, fmt.Sprintf("elements nested deeper than %d levels: validation stopped", v.opt.MaxDepth))
	v.stopped = true
}

func (v *validator) lookupNS(prefix string) (string, bool) {
	if prefix == "xml" {
		return namespaceXML, true
	}
	for i := len(v.ns) - 1; i >= 0; i-- {
		if v.ns[i].prefix == prefix {
			return v.ns[i].uri, true
		}
	}
	return "", prefix == ""
}

func (v *validator) endTag() {
	s := v.src
	start := v.pos
	p := start + 2
	for p < len(s) && !isNameEnd(s[p]) {
		p++
	}
	qname := s[start+2 : p]
	for p < len(s) && isSpace(s[p]) {
		p++
	}
	if p >= len(s) || s[p] != '>' {
		v.syntax(start, "end tag of "+short(qname)+" not closed")
		return
	}
	v.pos = p + 1
	if len(v.stack) == 0 || v.str(v.stack[len(v.stack)-1].qname) != qname {
		if len(v.stack) == 0 {
			v.syntax(start, "end tag "+short(qname)+" without a start tag")
		} else {
			v.syntax(start, "end tag "+short(qname)+" does not match start tag "+short(v.str(v.stack[len(v.stack)-1].qname)))
		}
		return
	}
	v.close()
}

func nsOf(uri string) (elemNS, bool) {
	switch uri {
	case NamespaceFHIR:
		return nsFHIR, true
	case NamespaceXHTML:
		return nsXHTML, true
	}
	return 0, false
}

// open validates an element start against its parent's content model and
// pushes its frame.
// The start tag's qualified name and the mark of its namespace
// declarations are left empty: only startTag has them, and sets them
// after (nine words of arguments pass in registers).
func (v *validator) open(uri, local string, start, tagEnd int, attrs []Attr) {
	v.nameAt = -1
	if v.stopped || !v.depthOK(local, start, tagEnd) {
		return
	}
	// The frame is pushed first and filled in place (the paths of errors
	// name it); parent below points into v.stack, which does not grow
	// again here.
	n := len(v.stack)
	if n < cap(v.stack) {
		v.stack = v.stack[:n+1]
	} else {
		v.stack = append(v.stack, frame{})
	}
	f := &v.stack[n]
	// Field by field, every one (a composite copied in stalls on reading
	// back what was just written, and zeroing first writes twice).
	f.qname, f.local, f.start, f.tagEnd, f.nsMark = bodyStr{}, v.keep(local), start, tagEnd, 0
	f.frameType, f.skip, f.outerTextOK = frameType{endFrom: -1}, false, v.textOK
	f.part, f.pcount, f.alt, f.acount = -1, 0, -1, 0
	f.lastElem, f.lastCount, f.index, f.entry = -1, 0, -1, -1
	var ens elemNS
	var known bool
	if len(uri) == len(NamespaceFHIR) && unsafe.StringData(uri) == v.fhirURI {
		ens, known = nsFHIR, true
	} else if ens, known = nsOf(uri); known && ens == nsFHIR {
		v.fhirURI = unsafe.StringData(uri)
	}
	var typ uint16
	if n == 0 {
		switch {
		case uri != NamespaceFHIR:
			v.openFailed(f, uri, local, errRootNamespace)
			return
		default:
			typ = resourceTable[local]
			if typ == 0 || typeTable[typ].kind != kindResource {
				v.openFailed(f, uri, local, errRootResource)
				return
			}
		}
	} else {
		parent := &v.stack[n-1]
		f.entry = parent.entry
		if parent.skip {
			f.skip = true
			return
		}
		if parent.container {
			if known && ens == nsFHIR {
				typ = resourceTable[local]
			}
			if typ == 0 || typeTable[typ].kind != kindResource {
				v.openFailed(f, uri, local, errNoResource)
				return
			}
			parent.pcount++
			if parent.pcount > 1 {
				v.openFailed(f, uri, local, errSecondResource)
			}
		} else {
			mi := &modelInfos[parent.model]
			idx := -1
			if known {
				// mi.find, by hand: a call here would cost open the
				// saving and reloading of all it holds.
				n := len(local)
				var w0, w1 uint64
				switch {
				case n >= 8:
					w0, w1 = load64(local, 0), load64(local, n-8)
				case n >= 4:
					w0 = uint64(load32(local, 0)) | uint64(load32(local, n-4))<<32
				case n > 0:
					w0 = uint64(local[0]) | uint64(local[n/2])<<8 | uint64(local[n-1])<<16
				}
				meta := nameMeta(n, ens)
				for h := slotOf(w0, w1, n, mi.mask); ; h = (h + 1) & mi.mask {
					s := int(mi.slots[h])
					if s == 0 {
						break
					}
					if e := &mi.elems[s-1]; e.w0 == w0 && e.w1 == w1 && e.meta == meta {
						idx = s - 1
						if n > 16 {
							idx = mi.findLong(local, meta, h)
						}
						break
					}
				}
			}
			if idx < 0 {
				f.skip = true
				v.unknown(parent, &modelTable[parent.model], f, uri, local, known)
				return
			}
			e := &mi.elems[idx]
			// A name occurs once in a model: its index stands for it.
			if parent.lastElem == int32(idx) {
				parent.lastCount++
			} else {
				parent.lastElem, parent.lastCount = int32(idx), 0
			}
			if e.repeats {
				f.index = parent.lastCount
			}
			if e.entry && n == 1 && typeTable[parent.typ].name == "Bundle" {
				f.entry = parent.lastCount
			}
			// step's commonest moves, by hand (step is not inlined).
			switch pi := e.part; {
			case pi == parent.part && int32(idx) == parent.alt && (e.max < 0 || parent.acount < e.max):
				parent.acount++
			case pi > parent.part && mi.nextReq[parent.part+1] >= pi:
				parent.part, parent.pcount, parent.alt, parent.acount = pi, 1, int32(idx), 1
			default:
				v.step(parent, mi, idx, f)
			}
			typ = e.typ
			v.nameAt = int32(e.nameID)
		}
	}
	if v.nameAt < 0 {
		v.nameAt = int32(typeNames[typ]) // a resource, or 0 ("")
		if v.nameAt == 0 {
			v.nameAt = -1
		}
	}
	t := &typeInfos[typ]
	f.frameType = t.frameType
	v.textOK = t.textOK
	// checkAttrs's commonest cases, by hand: no attribute, or only the
	// value attribute, which its quick check accepts.
	switch {
	case len(attrs) == 0 && !t.requires:
	case len(attrs) == 1 && t.valueOnly && attrs[0].Local == "value" && attrs[0].Space == "":
		if !quickSimple(t.valueQuick, t.valueSimple, attrs[0].Value) {
			v.checkValueSlow(f, t.valueSimple, &attrs[0])
		}
	default:
		v.checkAttrs(f, t, attrs)
	}
	if vt := v.visits; vt != nil && int(typ) < len(vt) && vt[typ] && !v.stopped {
		v.visit(f, attrs)
	}
}

// Errors of open, reported by openFailed.
const (
	errRootNamespace = iota
	errRootResource
	errNoResource
	errSecondResource
)

// openFailed reports an error of open about the element of frame f (on
// the stack): apart, so that open itself stays small.
func (v *validator) openFailed(f *frame, uri, local string, what int) {
	switch what {
	case errRootNamespace:
		v.errAt(f.start, f.tagEnd, local, ErrNamespace, "the root element "+short(local)+" is not in the FHIR namespace "+NamespaceFHIR+" (its namespace: "+quoteNS(uri)+")")
		f.skip = true
	case errRootResource:
		v.errAt(f.start, f.tagEnd, local, ErrUnknown, "the root element "+short(local)+" is not a FHIR resource")
		f.skip = true
	case errNoResource:
		f.skip = true
		msg := local + " is not a FHIR resource type"
		if ens, known := nsOf(uri); !known || ens != nsFHIR {
			msg = "a resource must be in the FHIR namespace " + NamespaceFHIR + "; " + local + " is in " + quoteNS(uri)
		}
		v.errAt(f.start, f.tagEnd, v.path(""), ErrUnknown, msg)
	case errSecondResource:
		parent := &v.stack[len(v.stack)-2]
		v.errAt(f.start, f.tagEnd, v.path(""), ErrTooMany, v.str(parent.local)+" holds one resource; "+short(local)+" is a second")
	}
}

func quoteNS(uri string) string {
	if uri == "" {
		return "none"
	}
	return short(uri)
}

// short cuts a name or value from the body to a length fit for a message.
func short(s string) string {
	const n = 80
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// unknown reports an element its parent does not declare.
func (v *validator) unknown(parent *frame, m *modelDef, f *frame, uri, local string, known bool) {
	p := v.path("")
	pname := typeTable[parent.typ].name
	for i := range m.elems {
		if m.elems[i].name == local {
			want := NamespaceFHIR
			if m.elems[i].ns == nsXHTML {
				want = NamespaceXHTML
			}
			v.errAt(f.start, f.tagEnd, p, ErrNamespace, local+" must be in the namespace "+want+" (it is in "+quoteNS(uri)+")")
			return
		}
	}
	if !known {
		v.errAt(f.start, f.tagEnd, p, ErrNamespace, short(local)+" is in the namespace "+quoteNS(uri)+", which "+pname+" does not allow")
		return
	}
	v.errAt(f.start, f.tagEnd, p, ErrUnknown, pname+" has no element "+short(local))
}

// required reports whether particle q must occur.
func required(m *modelDef, q int) bool {
	p := &m.parts[q]
	if p.min == 0 {
		return false
	}
	for _, e := range m.elems[p.first : p.first+p.n] {
		if e.min == 0 {
			return false
		}
	}
	return true
}

func partNames(m *modelDef, q int) string {
	p := &m.parts[q]
	if p.n == 1 {
		return m.elems[p.first].name
	}
	names := make([]string, p.n)
	for i := range names {
		names[i] = m.elems[p.first+i].name
	}
	return "one of " + strings.Join(names, ", ")
}

// step advances the parent's content model over child element idx,
// whose frame f is on the stack.
func (v *validator) step(parent *frame, mi *modelInfo, idx int, f *frame) {
	e := &mi.elems[idx]
	pi, at := e.part, int32(idx)
	switch {
	case pi == parent.part:
		switch {
		case at == parent.alt && (e.max < 0 || parent.acount < e.max):
			parent.acount++
		case e.pmax < 0 || parent.pcount < e.pmax:
			parent.pcount++
			parent.alt, parent.acount = at, 1
		case e.choice && at != parent.alt && e.pmax == 1:
			v.stepError(parent, idx, f, ErrChoice)
		default:
			v.stepError(parent, idx, f, ErrTooMany)
		}
	case pi > parent.part:
		if mi.nextReq[parent.part+1] < pi {
			v.stepError(parent, idx, f, ErrMissing)
		}
		parent.part, parent.pcount, parent.alt, parent.acount = pi, 1, at, 1
	default:
		v.stepError(parent, idx, f, ErrOrder)
	}
}

// stepError reports the error step finds (apart, so that step stays
// small), before step moves the parent's state on.
func (v *validator) stepError(parent *frame, idx int, f *frame, k ErrorKind) {
	m := &modelTable[parent.model]
	e := &m.elems[idx]
	pname := typeTable[parent.typ].name
	switch k {
	case ErrChoice:
		v.errAt(f.start, f.tagEnd, v.path(""), ErrChoice, "only one form of "+choiceName(m, m.parts[e.part])+"[x] is allowed in "+pname+"; "+m.elems[parent.alt].name+" came first")
	case ErrTooMany:
		v.errAt(f.start, f.tagEnd, v.path(""), ErrTooMany, e.name+" may occur only once in "+pname)
	case ErrMissing:
		var missing []string
		for q := int(parent.part) + 1; q < e.part; q++ {
			if required(m, q) {
				missing = append(missing, partNames(m, q))
			}
		}
		v.errAt(f.start, f.tagEnd, v.path(""), ErrMissing, pname+" requires "+strings.Join(missing, " and ")+" before "+e.name)
	case ErrOrder:
		v.errAt(f.start, f.tagEnd, v.path(""), ErrOrder, e.name+" is out of order in "+pname+": it must come before "+m.elems[parent.alt].name)
	}
}

// close checks the end of the innermost element and pops it.
func (v *validator) close() {
	n := len(v.stack)
	f := &v.stack[n-1]
	if f.part < int32(f.endFrom) {
		v.checkEnd(f)
	}
	v.ns = v.ns[:f.nsMark]
	v.stack = v.stack[:n-1]
	v.textOK = 0
	if n > 1 {
		v.textOK = v.stack[n-2].textOK
	}
}

// checkEnd reports what an element lacks at its end: a container its
// resource, others a required particle after the last one seen.
func (v *validator) checkEnd(f *frame) {
	if f.skip {
		return
	}
	if f.container {
		if f.pcount == 0 {
			v.errAt(f.start, f.tagEnd, v.path(""), ErrMissing, v.str(f.local)+" holds no resource")
		}
		return
	}
	v.missingAtEnd(f, int(modelInfos[f.model].nextReq[f.part+1]))
}

// missingAtEnd reports the required particles of f's model from q on
// (q is one) missing at its end.
func (v *validator) missingAtEnd(f *frame, q int) {
	t := &typeTable[f.typ]
	m := &modelTable[t.model]
	var missing []string
	for ; q < len(m.parts); q++ {
		if required(m, q) {
			missing = append(missing, partNames(m, q))
		}
	}
	v.errAt(f.start, f.tagEnd, v.path(""), ErrMissing, t.name+" requires "+strings.Join(missing, " and "))
}

// checkAttrs checks the attributes of the element just opened, whose
// type is t.
func (v *validator) checkAttrs(f *frame, t *typeInfo, attrs []Attr) {
	// The commonest cases: no attribute, or only the value attribute.
	switch {
	case len(attrs) == 0 && !t.requires:
		return
	case len(attrs) == 1 && t.valueOnly && attrs[0].Space == "" && attrs[0].Local == "value":
		v.checkValue(f, t.valueSimple, &attrs[0])
		return
	}
	id := t.attrs
	set := attrTable[id]
	var seen uint64
	for k := range attrs {
		a := &attrs[k]
		if a.Space == "" && a.Local == "value" {
			// The commonest attribute, found without a search.
			if di := int(t.valueAt); di >= 0 {
				seen |= 1 << di
				v.checkValue(f, set[di].simple, a)
				continue
			}
		}
		switch a.Space {
		case "", namespaceXML:
		case namespaceXSI:
			if a.Local == "schemaLocation" || a.Local == "noNamespaceSchemaLocation" {
				continue
			}
			v.attrError(f, attrXSI, a, "")
			continue
		default:
			v.attrError(f, attrForeign, a, "")
			continue
		}
		xml := a.Space == namespaceXML
		di := -1
		for i := range set {
			n := set[i].name
			if !xml && n == a.Local || xml && len(n) == 4+len(a.Local) && n[:4] == "xml:" && n[4:] == a.Local {
				di = i
				break
			}
		}
		if di < 0 {
			v.attrError(f, attrUndeclared, a, "")
			continue
		}
		if di < 64 {
			seen |= 1 << di
		}
		// d.fixed (only pre's xml:space="preserve") is not enforced:
		// xmllint, the reference verdict, does not enforce it either.
		v.checkValue(f, set[di].simple, a)
	}
	if attrRequired64[id]&^seen == 0 && len(set) <= 64 {
		return // every required attribute seen
	}
	for i := range set {
		if set[i].required && (i >= 64 || seen&(1<<i) == 0) {
			v.attrError(f, attrRequired, nil, set[i].name)
		}
	}
}

// checkValue checks the value of attribute a, of simple type id.
func (v *validator) checkValue(f *frame, id uint16, a *Attr) {
	if !quickSimple(simpleQuick[id], id, a.Value) {
		v.checkValueSlow(f, id, a)
	}
}

// checkValueSlow is checkValue when the quick check does not accept.
func (v *validator) checkValueSlow(f *frame, id uint16, a *Attr) {
	if why := checkSimple(id, a.Value); why != "" {
		v.attrError(f, attrValue, a, why)
		return
	}
	if simpleQuick[id] == qIDType {
		v.checkID(f, a.Value)
	}
}

// attrValueAt is, for each attribute set, the index of its unqualified
// "value" attribute (-1 when it has none, or beyond 63); attrRequired64
// flags its required attributes among the first 64.
var attrValueAt, attrRequired64 = func() (at [len(attrTable)]int8, req [len(attrTable)]uint64) {
	for id, set := range attrTable {
		at[id] = -1
		for i, d := range set {
			if d.name == "value" && i < 64 && at[id] < 0 {
				at[id] = int8(i)
			}
			if d.required && i < 64 {
				req[id] |= 1 << i
			}
		}
	}
	return at, req
}()

// The attribute errors of checkAttrs.
const (
	attrXSI = iota
	attrForeign
	attrUndeclared
	attrValue
	attrRequired
)

// attrError reports an attribute error of element f: about a, or (for
// attrRequired) the attribute named s; s is the why of attrValue. Apart,
// so that checkAttrs stays small.
func (v *validator) attrError(f *frame, what int, a *Attr, s string) {
	tname := typeTable[f.typ].name
	var name string
	if a != nil {
		name = a.Local
		if a.Space == namespaceXML {
			name = "xml:" + a.Local
		}
	}
	switch what {
	case attrXSI:
		v.errAt(f.start, f.tagEnd, v.path(""), ErrAttribute, "attribute "+short(a.Local)+" of the XML Schema instance namespace is not supported")
	case attrForeign:
		v.errAt(f.start, f.tagEnd, v.path(""), ErrAttribute, "attribute "+short(a.Local)+" (namespace "+short(a.Space)+") is not allowed on "+tname)
	case attrUndeclared:
		v.errAt(f.start, f.tagEnd, v.path(""), ErrAttribute, "attribute "+name+" is not allowed on "+tname)
	case attrValue:
		v.errAt(f.start, f.tagEnd, v.path(""), ErrValue, "attribute "+name+" '"+short(a.Value)+"' "+s)
	case attrRequired:
		v.errAt(f.start, f.tagEnd, v.path(""), ErrAttribute, tname+" requires the attribute "+s)
	}
}

// checkID records an xs:ID value, refusing one given twice.
func (v *validator) checkID(f *frame, value string) {
	id := collapse(value)
	if v.ids == nil {
		v.ids = map[string]bool{}
	}
	if v.ids[id] {
		v.errAt(f.start, f.tagEnd, v.path(""), ErrValue, "id '"+id+"' is given to two elements of the document")
	}
	v.ids[id] = true
}

func (v *validator) visit(f *frame, attrs []Attr) {
	nd := &v.node
	*nd = Node{Name: v.str(f.local), Type: Type{f.typ}, Entry: int(f.entry), v: v}
	nd.Line, nd.Column = v.lineCol(f.start)
	for _, a := range attrs {
		if a.Local == "value" && a.Space == "" {
			nd.Value, nd.HasValue = a.Value, true
		}
	}
	v.opt.Visit(nd)
}
