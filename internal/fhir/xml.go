package fhir

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/nems-harness/nems-harness/internal/fhirschema"
)

// Namespaces the XML reader knows besides FHIR's.
const (
	xmlNamespaceURL   = "http://www.w3.org/XML/1998/namespace"
	xmlnsNamespaceURL = "http://www.w3.org/2000/xmlns/"
)

// ReadXML reads a FHIR XML message bundle. The document is scanned in one
// pass; only a small stack of open elements is kept.
//
// It returns an error (a *ParseError) when the body is not well-formed FHIR
// XML: a syntax error, a root element outside the FHIR namespace, a DOCTYPE
// or other DTD declaration, an encoding other than UTF-8, invalid UTF-8,
// nesting deeper than MaxDepth, or content after the root element. A root
// element in the ITK namespace is not an error: the Bundle then has
// ITKWrapper set and no other facts.
//
// Well-formed means XML 1.0 (Fifth Edition) with Namespaces in XML 1.0: tags
// balanced and properly nested, names valid, attribute values quoted and
// each attribute given once (by expanded name), white space between
// attributes, only the five predefined entities and character references to
// XML characters, no "--" inside comments, no "]]>" in text, no character
// outside the XML character range anywhere, the XML declaration (version
// 1.0, encoding UTF-8) only at the very start, no DOCTYPE, every namespace
// prefix declared, and nothing but comments, processing instructions and
// white space around the root element.
//
// Anything else, however wrong for a NEMS event, is not an error: the Bundle
// reports what is there and the rules judge it.
func ReadXML[T Body](body T) (*Bundle, error) {
	b, shift, err := prepare(text(body), FormatXML)
	if err != nil {
		return nil, err
	}
	r := xmlReaders.Get().(*xmlReader)
	defer r.release()
	r.src, r.shift = b, shift
	if err := r.read(); err != nil {
		return nil, err
	}
	return r.c.bundle(FormatXML), nil
}

// xmlReaders keeps readers, with their stacks, from one document to the
// next.
var xmlReaders = sync.Pool{New: func() any { return new(xmlReader) }}

// release clears the reader (it must not keep the body alive) and pools it.
func (r *xmlReader) release() {
	const keep = 64
	r.c.reset()
	clear(r.ns[:cap(r.ns)])
	clear(r.attrs[:cap(r.attrs)])
	clear(r.names[:cap(r.names)])
	buf := r.buf[:0]
	if cap(buf) > 4<<10 {
		buf = nil
	}
	paths := r.paths[:0]
	if cap(paths) > 4<<10 {
		paths = nil
	}
	r.d.end()
	*r = xmlReader{c: r.c, d: r.d, ns: reuse(r.ns, keep), attrs: reuse(r.attrs, keep),
		names: reuse(r.names, keep), buf: buf, paths: paths, ends: reuse(r.ends, 4*keep), visit: r.visit}
	xmlReaders.Put(r)
}

// xmlReader scans a document held in src (the body: see Body).
// Names and attribute values are sliced out of src; only values holding
// references or carriage returns are built afresh.
type xmlReader struct {
	src      string
	pos      int
	shift    int64
	c        collector
	rootSeen bool
	// ns holds the namespace declarations in scope, innermost last; once
	// there are more than nsLinear, nsIndex gives the innermost binding of
	// each prefix (and a binding the one it shadows), so that resolving
	// a name stays cheap however many are declared.
	ns      []nsBinding
	nsIndex map[string]int32
	// nsWork counts the bindings looked at, for tests of that bound.
	nsWork int
	// attrs holds the attributes of the start tag being read.
	attrs []xmlAttr
	names []attrName // expanded names of attrs, when they must be compared
	buf   []byte
	// w, when set, validates against the schema in the same pass (ReadDoc).
	w     *fhirschema.Walker
	paths []byte // the paths of Doc.Times, while reading
	ends  []int  // where each path ends in paths
	visit func(*fhirschema.Node)
	d     docBuilder // for ReadDoc
	// onlyValue says the start tag just read has one attribute, value;
	// plain that none of its attributes is prefixed or a namespace
	// declaration.
	onlyValue, plain bool
	// fhirURI is where the last namespace name found to be FHIR's starts
	// (see isFHIR).
	fhirURI *byte
	// nsGen counts the changes of ns; defURI and defOK are what lookup
	// found for the default namespace when nsGen was defAt-1.
	nsGen, defAt int
	defURI       string
	defOK        bool
}

type nsBinding struct {
	prefix, uri string
	prev        int32 // the binding of prefix this one shadows, -1 for none (with nsIndex)
}

// nsLinear is the most bindings in scope searched in turn.
const nsLinear = 16

type xmlAttr struct {
	qname, value string
	off          int
	colon        int // as scanQName gives it, relative to the name
}

// prefix and local split an attribute's name (checked by splitQName).
func (a *xmlAttr) prefix() string {
	if a.colon < 0 {
		return ""
	}
	return a.qname[:a.colon]
}

func (a *xmlAttr) local() string {
	if a.colon < 0 {
		return a.qname
	}
	return a.qname[a.colon+1:]
}

// attrName is an attribute's expanded name.
type attrName struct{ space, local string }

// Byte classes of the scanner's tables.
const (
	clNameStart = 1 << iota // NameStartChar (ASCII)
	clName                  // NameChar (ASCII)
	clNCName                // NameChar but ':' (ASCII)
	clText                  // needs a look in character data
	clAttr                  // needs a look in an attribute value
	clCheck                 // needs a look in a comment, PI or CDATA section
	clSpace                 // white space
)

// xmlClass classifies bytes for the scanner. Bytes from 0x80 up are name
// characters or not by the rune they start; 0xEF starts U+FFFE and U+FFFF,
// the only non-characters valid UTF-8 can hold.
var xmlClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c == ':' || c == '_' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z':
			t[c] |= clNameStart | clName
		case c == '-' || c == '.' || '0' <= c && c <= '9':
			t[c] |= clName
		}
		if t[c]&clName != 0 && c != ':' {
			t[c] |= clNCName
		}
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xEF {
			t[c] |= clText | clAttr | clCheck
		}
	}
	for _, c := range " \t\n\r" {
		t[c] |= clSpace
	}
	for _, c := range "<&]" {
		t[c] |= clText
	}
	for _, c := range "<&\r\"'" {
		t[c] |= clAttr
	}
	return t
}()

func isXMLSpaceByte(c byte) bool { return xmlClass[c]&clSpace != 0 }

func skipSpace(s string, i int) int {
	for i < len(s) && isXMLSpaceByte(s[i]) {
		i++
	}
	return i
}

// isNameStartRune and isNameRune are the NameStartChar and NameChar
// productions of XML 1.0 (Fifth Edition), section 2.3.
func isNameStartRune(r rune) bool {
	if r < utf8.RuneSelf {
		return xmlClass[r]&clNameStart != 0
	}
	return r >= 0xC0 && r <= 0xD6 || r >= 0xD8 && r <= 0xF6 || r >= 0xF8 && r <= 0x2FF ||
		r >= 0x370 && r <= 0x37D || r >= 0x37F && r <= 0x1FFF || r >= 0x200C && r <= 0x200D ||
		r >= 0x2070 && r <= 0x218F || r >= 0x2C00 && r <= 0x2FEF || r >= 0x3001 && r <= 0xD7FF ||
		r >= 0xF900 && r <= 0xFDCF || r >= 0xFDF0 && r <= 0xFFFD || r >= 0x10000 && r <= 0xEFFFF
}

func isNameRune(r rune) bool {
	if r < utf8.RuneSelf {
		return xmlClass[r]&clName != 0
	}
	return isNameStartRune(r) || r == 0xB7 || r >= 0x300 && r <= 0x36F || r >= 0x203F && r <= 0x2040
}

// isXMLChar is the Char production of XML 1.0, section 2.2.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// scanName returns the end of the Name starting at i, or i when there is
// none.
func (r *xmlReader) scanName(i int) int {
	end, _ := r.scanQName(i)
	return end
}

// scanQName returns the end of the Name starting at i (i when there is
// none) and where its colon is: -1 when it has none, -2 when it has more
// than one.
func (r *xmlReader) scanQName(i int) (end, colon int) {
	s := r.src
	colon = -1
	if i >= len(s) {
		return i, colon
	}
	if c := s[i]; c < utf8.RuneSelf {
		if xmlClass[c]&clNameStart == 0 {
			return i, colon
		}
		if c == ':' {
			colon = i
		}
		i++
	} else {
		ru, size := utf8.DecodeRuneInString(s[i:])
		if !isNameStartRune(ru) {
			return i, colon
		}
		i += size
	}
	for i < len(s) {
		if i+8 <= len(s) {
			// Past the ASCII letters, the commonest name bytes, a word
			// at a time.
			if x := load64(s, i); x&highs == 0 {
				if m := ^asciiLetters(x) & highs; m == 0 {
					i += 8
					continue
				} else {
					i += firstFlag(m)
				}
			}
		}
		c := s[i]
		if xmlClass[c]&clNCName != 0 {
			i++
			continue
		}
		if c == ':' {
			if colon == -1 {
				colon = i
			} else {
				colon = -2
			}
			i++
			continue
		}
		if c < utf8.RuneSelf {
			break
		}
		ru, size := utf8.DecodeRuneInString(s[i:])
		if !isNameRune(ru) {
			break
		}
		i += size
	}
	return i, colon
}

func (r *xmlReader) read() error {
	r.c.src = r.src
	if err := r.declaration(); err != nil {
		return err
	}
	s := r.src
	for {
		r.pos = skipSpace(s, r.pos)
		if r.pos >= len(s) {
			if !r.rootSeen {
				return &ParseError{Format: FormatXML, Offset: -1, Msg: "no root element"}
			}
			return nil
		}
		switch c := s[r.pos]; {
		case c == '&':
			return r.errorAt(r.pos, "character or entity reference outside the root element")
		case c != '<':
			if r.rootSeen {
				return r.errorAt(r.pos, "text after the end of the root element")
			}
			return r.errorAt(r.pos, "text before the root element")
		}
		if r.pos+1 >= len(s) {
			return r.eof("in markup")
		}
		var err error
		switch s[r.pos+1] {
		case '?':
			err = r.procInst()
		case '!':
			if strings.HasPrefix(s[r.pos:], "<![CDATA[") {
				return r.errorAt(r.pos, "CDATA section outside the root element")
			}
			err = r.bang()
		case '/':
			end := r.scanName(r.pos + 2)
			return r.errorAt(r.pos, fmt.Sprintf("unexpected end element </%s>", shortText(s[r.pos+2:end])))
		default:
			if r.rootSeen {
				end := r.scanName(r.pos + 1)
				_, local, _ := strings.Cut(s[r.pos+1:end], ":")
				if local == "" {
					local = s[r.pos+1 : end]
				}
				return r.errorAt(r.pos, fmt.Sprintf("element <%s> after the end of the root element", shortText(local)))
			}
			r.rootSeen = true
			err = r.element()
		}
		if err != nil {
			return err
		}
	}
}

// element reads the root element and all its content.
func (r *xmlReader) element() error {
	if err := r.startTag(); err != nil {
		return err
	}
	s := r.src
	for len(r.c.stack) > 0 {
		if err := r.text(); err != nil {
			return err
		}
		if r.pos >= len(s) {
			return r.eof(fmt.Sprintf("element <%s> is not closed", shortText(r.topQName())))
		}
		if r.pos+1 >= len(s) {
			return r.eof("in markup")
		}
		var err error
		switch s[r.pos+1] {
		case '/':
			err = r.endTag()
		case '!':
			if strings.HasPrefix(s[r.pos:], "<![CDATA[") {
				err = r.cdata()
			} else {
				err = r.bang()
			}
		case '?':
			err = r.procInst()
		default:
			err = r.startTag()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// valueAttr is how the commonest start tag, <x value="…"/>, goes on after
// its name.
const valueAttr = ` value="`

// leaf reads, in one go, the element at r.pos when it is the commonest
// of FHIR XML: an unprefixed name, one attribute, value, in double quotes
// and needing no rewriting, and no content (<x value="…"/> or <x
// value="…"></x>), in the FHIR namespace, inside an element that is
// neither skipped nor a resource wrapper. It tells the walker and the
// collector what startElement and endTag would. startTag has read the
// name, up to end, and seen valueAttr after it. Anything else (every
// error among it) is left to the general path: leaf then returns false
// without having changed anything.
func (r *xmlReader) leaf(end int) bool {
	s := r.src
	lt := r.pos
	from := end + len(valueAttr)
	q := plainValueEnd(s, from)
	if q < 0 || q+2 >= len(s) {
		return false
	}
	// What follows the value: "/>", or ">" and the end tag at once.
	gt, next := q+2, q+3
	qname := s[lt+1 : end]
	if s[q+1] != '/' || s[gt] != '>' {
		gt = q + 1
		next = gt + 3 + len(qname)
		if s[gt] != '>' || next > len(s) || s[gt+1] != '<' || s[gt+2] != '/' ||
			s[next-1] != '>' || s[gt+3:next-1] != qname {
			return false
		}
	}
	c := &r.c
	if k := len(c.stack); k == 0 || k >= MaxDepth {
		return false
	}
	if p := c.top(); p.skip || p.sym == symResource || p.sym == symContained {
		return false
	}
	space, ok := r.defURI, r.defOK
	if r.defAt != r.nsGen+1 {
		space, ok = r.lookup("")
	}
	if !ok || !r.isFHIR(space) {
		return false
	}

	value := s[from:q]
	if r.w != nil {
		one := [1]fhirschema.Attr{{Local: "value", Value: value}}
		r.w.Start(space, qname, one[:], lt, gt)
		if s[gt-1] == '/' {
			r.w.End()
		}
		if c.d != nil {
			c.d.hint = int32(r.w.NameIndex())
		}
		if s[gt-1] != '/' {
			r.w.End()
		}
	}
	if c.d != nil {
		c.d.at = lt
	}
	c.leaf(qname, c.keep(value), 0)
	r.pos = next
	return true
}

// plainValueEnd returns the index of the '"' closing the attribute value
// starting at s[i], when the value holds nothing to rewrite or refuse (no
// reference, carriage return, '<', control character or non-character);
// else -1.
func plainValueEnd(s string, i int) int {
	for i < len(s) {
		if i+8 <= len(s) {
			// The bytes to look at, flagged in fewer steps than attrValue
			// takes: '"' and '&' are the bytes that are 0x26 with bit 0x04
			// set; a byte below 0x20 borrows, one from 0x80 up has its high
			// bit already. (As with zeroBytes, the lowest flag is exact.)
			x := load64(s, i)
			qa := x | ones*0x04 ^ ones*'&'
			lt := x ^ ones*'<'
			m := ((qa-ones)&^qa | (lt-ones)&^lt | (x - ones*0x20) | x) & highs
			if m == 0 {
				i += 8
				continue
			}
			i += firstFlag(m)
		}
		switch c := s[i]; {
		case c == '"':
			return i
		case xmlClass[c]&clAttr == 0, c == '\'':
			i++
		default:
			return -1
		}
	}
	return -1
}

// walkStart gives the schema walker the start tag just read (its '>' is
// just before r.pos).
func (r *xmlReader) walkStart(space, local string, off int, empty bool) {
	// The attributes are given in an array on the stack (the walker keeps
	// none): writing them costs the garbage collector nothing. The
	// commonest, a lone value, needs one, written without clearing four.
	switch {
	case len(r.attrs) == 0:
		r.w.Start(space, local, nil, off, r.pos-1)
	case r.onlyValue:
		one := [1]fhirschema.Attr{{Local: "value", Value: r.attrs[0].value}}
		r.w.Start(space, local, one[:], off, r.pos-1)
	default:
		var buf [4]fhirschema.Attr
		r.w.Start(space, local, r.walkAttrs(buf[:0]), off, r.pos-1)
	}
	if empty {
		r.w.End()
	}
}

// walkAttrs appends the attributes of the start tag just read, without
// the namespace declarations, to attrs, for the walker.
func (r *xmlReader) walkAttrs(attrs []fhirschema.Attr) []fhirschema.Attr {
	for k := range r.attrs {
		a := &r.attrs[k]
		if a.colon == -1 {
			if a.qname != "xmlns" {
				attrs = append(attrs, fhirschema.Attr{Local: a.qname, Value: a.value})
			}
			continue
		}
		p := a.prefix()
		if p == "xmlns" {
			continue
		}
		ns, _ := r.lookup(p)
		attrs = append(attrs, fhirschema.Attr{Space: ns, Local: a.local(), Value: a.value})
	}
	return attrs
}

// text checks character data up to the next '<' or the end.
func (r *xmlReader) text() error {
	s := r.src
	i := r.pos
	// The commonest text by far is a line end and indentation before the
	// next tag; next comes none at all.
	if i+1 < len(s) {
		switch s[i] {
		case '<':
			return nil
		case '\n':
			j := i + 1
			if c := s[j]; c == '\t' || c == ' ' {
				j = skipRun(s, j, c)
			}
			if j < len(s) && s[j] == '<' {
				if r.w != nil {
					r.w.CharData(i, true)
				}
				r.pos = j
				return nil
			}
		}
	}
	// The commonest text is the white space between two tags: it needs
	// no more look than this.
	for i < len(s) && isXMLSpaceByte(s[i]) {
		if s[i] == '\n' && i+1 < len(s) && (s[i+1] == '\t' || s[i+1] == ' ') {
			i = skipRun(s, i+1, s[i+1]) // indentation, a word at a time
			continue
		}
		i++
	}
	blankTo := i
	for i < len(s) {
		c := s[i]
		if xmlClass[c]&clText == 0 {
			i++
			continue
		}
		switch c {
		case '<':
			r.textDone(i, blankTo)
			return nil
		case '&':
			_, end, err := r.reference(i)
			if err != nil {
				return err
			}
			i = end
		case ']':
			if strings.HasPrefix(s[i:], "]]>") {
				return r.errorAt(i, "unescaped ]]> not in CDATA section")
			}
			i++
		default:
			if err := r.checkChar(i, ""); err != nil {
				return err
			}
			i++
		}
	}
	r.textDone(i, blankTo)
	return nil
}

// textDone ends character data read from r.pos to end, telling the schema
// walker whether it was only white space: blankTo is where the white space
// it starts with ends (references count as content).
func (r *xmlReader) textDone(end, blankTo int) {
	if r.w != nil && end > r.pos {
		r.w.CharData(r.pos, blankTo >= end)
	}
	r.pos = end
}

// checkChar checks a byte the tables flagged (a control character, or the
// first byte of U+F000 to U+FFFF) in text of the kind where says.
func (r *xmlReader) checkChar(i int, where string) error {
	s := r.src
	if c := s[i]; c != 0xEF {
		return r.errorAt(i, fmt.Sprintf("illegal character code %U%s", rune(c), where))
	}
	if i+2 < len(s) && s[i+1] == 0xBF && (s[i+2] == 0xBE || s[i+2] == 0xBF) {
		ru, _ := utf8.DecodeRuneInString(s[i:])
		return r.errorAt(i, fmt.Sprintf("illegal character code %U%s", ru, where))
	}
	return nil
}

// checkChars checks that s[from:to] holds only XML characters.
func (r *xmlReader) checkChars(from, to int, where string) error {
	s := r.src
	for i := from; i < to; i++ {
		if xmlClass[s[i]]&clCheck != 0 {
			if err := r.checkChar(i, where); err != nil {
				return err
			}
		}
	}
	return nil
}

// reference reads the character or entity reference at s[i] ('&') and
// returns the character it stands for and the position after its ';'.
func (r *xmlReader) reference(i int) (rune, int, error) {
	s := r.src
	j := i + 1
	if j < len(s) && s[j] == '#' {
		j++
		base := 10
		if j < len(s) && s[j] == 'x' {
			base = 16
			j++
		}
		start, v := j, 0
		for ; j < len(s); j++ {
			d := hexDigit(s[j])
			if d < 0 || d >= base {
				break
			}
			if v <= utf8.MaxRune {
				v = v*base + d
			}
		}
		switch {
		case j >= len(s):
			return 0, j, r.eof("in a character reference")
		case j == start || s[j] != ';':
			return 0, j, r.badReference(i, j)
		case v > utf8.MaxRune:
			return 0, j, r.badReference(i, j+1)
		case v >= 0xD800 && v <= 0xDFFF:
			return 0, j, r.errorAt(i, fmt.Sprintf("character reference %s is to a surrogate, not an XML character", shortN(s[i:j+1], 30)))
		case !isXMLChar(rune(v)):
			return 0, j, r.errorAt(i, fmt.Sprintf("illegal character code %U (character reference %s)", rune(v), shortN(s[i:j+1], 30)))
		}
		return rune(v), j + 1, nil
	}
	end := r.scanName(j)
	if end >= len(s) {
		return 0, end, r.eof("in an entity reference")
	}
	if end == j || s[end] != ';' {
		return 0, end, r.badReference(i, end)
	}
	var c rune
	switch s[j:end] {
	case "lt":
		c = '<'
	case "gt":
		c = '>'
	case "amp":
		c = '&'
	case "apos":
		c = '\''
	case "quot":
		c = '"'
	default:
		return 0, end, r.badReference(i, end+1)
	}
	return c, end + 1, nil
}

func hexDigit(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// badReference reports the malformed or unknown reference s[i:end].
func (r *xmlReader) badReference(i, end int) error {
	ref := r.src[i:end]
	if !strings.HasSuffix(ref, ";") {
		ref += " (no semicolon)"
	}
	return r.errorAt(i, fmt.Sprintf("invalid character entity %s (only lt, gt, amp, apos, quot and character references are defined)", shortText(ref)))
}

// bang reads markup starting "<!" that is not a CDATA section: a comment,
// or a DOCTYPE or other declaration, which is refused.
func (r *xmlReader) bang() error {
	s := r.src
	rest := s[r.pos+2:]
	switch {
	case strings.HasPrefix(rest, "--"):
		return r.comment()
	case len(rest) < 2 && strings.HasPrefix("--", rest), len(rest) < 7 && strings.HasPrefix("[CDATA[", rest):
		return r.eof("in markup")
	case strings.HasPrefix(rest, "-"):
		return r.errorAt(r.pos, "invalid sequence <!- not part of <!--")
	case strings.HasPrefix(rest, "["):
		return r.errorAt(r.pos, "invalid <![ sequence: only <![CDATA[ is allowed")
	}
	decl := rest
	if i := strings.IndexAny(decl, ">\n"); i >= 0 {
		decl = decl[:i]
	}
	decl = shortN(decl, 30)
	return r.errorAt(r.pos, fmt.Sprintf("DOCTYPE and other DTD declarations are not allowed (<!%s>)", strings.ToValidUTF8(decl, "")))
}

// comment reads a comment starting at r.pos.
func (r *xmlReader) comment() error {
	s := r.src
	start := r.pos + 4
	k := strings.Index(s[start:], "--")
	if k < 0 {
		return r.eof("in a comment")
	}
	end := start + k
	if end+2 >= len(s) {
		return r.eof("in a comment")
	}
	if s[end+2] != '>' {
		return r.errorAt(end, `invalid sequence "--" not allowed in comments`)
	}
	if err := r.checkChars(start, end, " in a comment"); err != nil {
		return err
	}
	r.pos = end + 3
	return nil
}

// cdata reads a CDATA section starting at r.pos.
func (r *xmlReader) cdata() error {
	s := r.src
	start := r.pos + len("<![CDATA[")
	k := strings.Index(s[start:], "]]>")
	if k < 0 {
		return r.eof("in a CDATA section")
	}
	if err := r.checkChars(start, start+k, ""); err != nil {
		return err
	}
	if r.w != nil {
		r.w.CharData(r.pos, false)
	}
	r.pos = start + k + 3
	return nil
}

// procInst reads a processing instruction starting at r.pos. The XML
// declaration is read by declaration, before anything else; here it is
// misplaced.
func (r *xmlReader) procInst() error {
	s := r.src
	i := r.pos + 2
	end := r.scanName(i)
	if end == i {
		if i >= len(s) {
			return r.eof("in a processing instruction")
		}
		return r.errorAt(r.pos, "expected target name after <?")
	}
	target := s[i:end]
	switch {
	case target == "xml":
		return r.errorAt(r.pos, "the XML declaration must come first")
	case strings.EqualFold(target, "xml"):
		return r.errorAt(r.pos, fmt.Sprintf("processing instruction target %s is reserved (the XML declaration is written <?xml ...?>, first)", quoted(target, 40)))
	case strings.IndexByte(target, ':') >= 0:
		return r.errorAt(r.pos, fmt.Sprintf("processing instruction target %s must not contain a colon", quoted(target, 40)))
	}
	if strings.HasPrefix(s[end:], "?>") {
		r.pos = end + 2
		return nil
	}
	if end >= len(s) {
		return r.eof("in a processing instruction")
	}
	if !isXMLSpaceByte(s[end]) {
		return r.errorAt(end, fmt.Sprintf("processing instruction target %s must be followed by white space or ?>", quoted(target, 40)))
	}
	k := strings.Index(s[end:], "?>")
	if k < 0 {
		return r.eof("in a processing instruction")
	}
	if err := r.checkChars(end, end+k, " in a processing instruction"); err != nil {
		return err
	}
	r.pos = end + k + 2
	return nil
}

// declaration reads the XML declaration, if the document starts with one:
//
//	'<?xml' S 'version' Eq ("'1.0'" | '"1.0"') (S 'encoding' Eq EncName)?
//	(S 'standalone' Eq ('yes' | 'no'))? S? '?>'
//
// with the encoding UTF-8 (in any case) and the values in single or double
// quotes.
func (r *xmlReader) declaration() error {
	s := r.src
	if !strings.HasPrefix(s, "<?xml") || r.scanName(2) != 5 {
		return nil
	}
	malformed := func(i int, what string) error {
		return r.errorAt(i, "malformed XML declaration: "+what)
	}
	// attr reads S name Eq quoted-value at i.
	attr := func(i int, name string) (value string, next int, found bool, err error) {
		j := skipSpace(s, i)
		if !strings.HasPrefix(s[j:], name) {
			return "", i, false, nil
		}
		if j == i {
			return "", j, true, malformed(j, name+" must be preceded by white space")
		}
		j = skipSpace(s, j+len(name))
		if j >= len(s) || s[j] != '=' {
			return "", j, true, malformed(j, "expected = after "+name)
		}
		j = skipSpace(s, j+1)
		if j >= len(s) || (s[j] != '"' && s[j] != '\'') {
			return "", j, true, malformed(j, "the "+name+" must be quoted")
		}
		end := strings.IndexByte(s[j+1:], s[j])
		if end < 0 {
			return "", j, true, r.eof("in the XML declaration")
		}
		return s[j+1 : j+1+end], j + 1 + end + 1, true, nil
	}
	i := 5
	version, i, found, err := attr(i, "version")
	switch {
	case err != nil:
		return err
	case !found:
		return malformed(i, "the version (1.0) is required and comes first")
	case version != "1.0":
		return r.errorAt(0, fmt.Sprintf("XML declaration: unsupported version %s; only version 1.0 is supported", quoted(version, 40)))
	}
	enc, i, found, err := attr(i, "encoding")
	if err != nil {
		return err
	}
	if found {
		if !isEncName(enc) {
			return malformed(i, fmt.Sprintf("%s is not an encoding name", quoted(enc, 40)))
		}
		if !strings.EqualFold(enc, "UTF-8") {
			return r.errorAt(0, fmt.Sprintf("encoding %s is not supported: FHIR XML must be UTF-8", quoted(enc, 40)))
		}
	}
	sd, i, found, err := attr(i, "standalone")
	if err != nil {
		return err
	}
	if found && sd != "yes" && sd != "no" {
		return malformed(i, fmt.Sprintf("standalone must be yes or no, is %s", quoted(sd, 40)))
	}
	i = skipSpace(s, i)
	if !strings.HasPrefix(s[i:], "?>") {
		if i >= len(s)-1 {
			return r.eof("in the XML declaration")
		}
		return malformed(i, "expected ?> (only version, encoding and standalone, in that order)")
	}
	r.pos = i + 2
	return nil
}

// isEncName is the EncName production: [A-Za-z] ([A-Za-z0-9._] | '-')*.
func isEncName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
		if !letter && (i == 0 || !('0' <= c && c <= '9' || c == '.' || c == '_' || c == '-')) {
			return false
		}
	}
	return true
}

// startTag reads a start tag (or empty-element tag) at r.pos.
func (r *xmlReader) startTag() error {
	s := r.src
	lt := r.pos
	i := lt + 1
	end, colon := r.scanQName(i)
	if end == i {
		if i >= len(s) {
			return r.eof("in a start tag")
		}
		return r.errorAt(i, "expected element name after <")
	}
	if colon == -1 && strings.HasPrefix(s[end:], valueAttr) && r.leaf(end) {
		return nil
	}
	qname := s[i:end]
	if colon >= 0 {
		colon -= i
	}
	i = end
	r.attrs = r.attrs[:0]
	empty := false
	values := 0 // attributes named value
	plain := true
	for {
		j := skipSpace(s, i)
		if j >= len(s) {
			return r.eof("in a start tag")
		}
		c := s[j]
		if c == '>' {
			i = j + 1
			break
		}
		if c == '/' {
			if j+1 >= len(s) {
				return r.eof("in a start tag")
			}
			if s[j+1] != '>' {
				return r.errorAt(j, "expected /> in element")
			}
			i, empty = j+2, true
			break
		}
		var nameEnd, acolon int
		if strings.HasPrefix(s[j:], "value=") { // the commonest, as scanQName would read it
			nameEnd, acolon = j+len("value"), -1
			values++
		} else {
			nameEnd, acolon = r.scanQName(j)
		}
		if nameEnd == j {
			return r.errorAt(j, fmt.Sprintf("expected attribute name, > or /> in element <%s>", shortText(qname)))
		}
		aname := s[j:nameEnd]
		if j == i {
			return r.errorAt(j, fmt.Sprintf("attribute %s of element <%s> must be separated by white space from the one before",
				shortN(aname, 40), shortN(qname, 40)))
		}
		k := skipSpace(s, nameEnd)
		if k >= len(s) {
			return r.eof("in a start tag")
		}
		if s[k] != '=' {
			return r.errorAt(k, fmt.Sprintf("attribute name without = in element <%s>", shortText(qname)))
		}
		k = skipSpace(s, k+1)
		if k >= len(s) {
			return r.eof("in a start tag")
		}
		if s[k] != '"' && s[k] != '\'' {
			return r.errorAt(k, fmt.Sprintf("unquoted or missing attribute value in element <%s>", shortText(qname)))
		}
		value, next, err := r.attrValue(k)
		if err != nil {
			return err
		}
		if acolon >= 0 {
			acolon -= j
		}
		if acolon != -1 || aname == "xmlns" {
			plain = false
		}
		r.attrs = append(r.attrs, xmlAttr{qname: aname, value: value, off: j, colon: acolon})
		i = next
	}
	r.pos = i
	r.onlyValue = values == 1 && len(r.attrs) == 1
	r.plain = plain
	return r.startElement(qname, colon, lt, empty)
}

// attrValue reads the quoted value at s[k] and returns it with the position
// after its closing quote. Line ends are normalised to "\n" and references
// replaced.
func (r *xmlReader) attrValue(k int) (string, int, error) {
	s := r.src
	q := s[k]
	start := k + 1
	qs := ones * uint64(q)
	for i := start; i < len(s); {
		if i+8 <= len(s) {
			// A word holding none of the closing quote, '<', '&', a
			// control character or a byte above 0x7F needs no more look;
			// otherwise the first such byte is looked at below.
			x := load64(s, i)
			m := zeroBytes(x^qs) | zeroBytes(x^(ones*'<')) | zeroBytes(x^(ones*'&')) | lessBytes(x, 0x20) | x&highs
			if m == 0 {
				i += 8
				continue
			}
			i += firstFlag(m)
		}
		c := s[i]
		if xmlClass[c]&clAttr == 0 {
			i++
			continue
		}
		switch c {
		case q:
			return s[start:i], i + 1, nil
		case '"', '\'':
		case '<':
			return "", i, r.errorAt(i, "unescaped < inside quoted attribute value")
		case '&', '\r':
			return r.attrValueSlow(start, i, q)
		default:
			if err := r.checkChar(i, ""); err != nil {
				return "", i, err
			}
		}
		i++
	}
	return "", len(s), r.eof("in an attribute value")
}

// attrValueSlow builds a value that needs rewriting, from s[start:]; s[i]
// is the first byte to rewrite.
func (r *xmlReader) attrValueSlow(start, i int, q byte) (string, int, error) {
	s := r.src
	buf := append(r.buf[:0], s[start:i]...)
	defer func() { r.buf = buf }()
	for i < len(s) {
		c := s[i]
		if xmlClass[c]&clAttr == 0 {
			buf = append(buf, c)
			i++
			continue
		}
		switch c {
		case q:
			return string(buf), i + 1, nil
		case '<':
			return "", i, r.errorAt(i, "unescaped < inside quoted attribute value")
		case '&':
			ch, end, err := r.reference(i)
			if err != nil {
				return "", i, err
			}
			buf = utf8.AppendRune(buf, ch)
			i = end
			continue
		case '\r':
			buf = append(buf, '\n')
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		case '"', '\'':
			buf = append(buf, c)
		default:
			if err := r.checkChar(i, ""); err != nil {
				return "", i, err
			}
			buf = append(buf, c)
		}
		i++
	}
	return "", len(s), r.eof("in an attribute value")
}

// splitQName splits a qualified name (Namespaces in XML 1.0, section 4):
// one Name without colon, or two joined by one colon. colon is where
// scanQName found the colon in qname.
func (r *xmlReader) splitQName(qname string, colon, off int, what string) (prefix, local string, err error) {
	if colon == -1 {
		return "", qname, nil
	}
	if colon > 0 && colon < len(qname)-1 {
		prefix, local = qname[:colon], qname[colon+1:]
		if ru, _ := utf8.DecodeRuneInString(local); isNameStartRune(ru) {
			return prefix, local, nil
		}
		return "", "", r.errorAt(off, fmt.Sprintf("%s name %s is not a valid qualified name: the local name must start with a letter or _", what, quoted(qname, 60)))
	}
	return "", "", r.errorAt(off, fmt.Sprintf("%s name %s is not a valid qualified name: a colon may only join a prefix and a local name", what, quoted(qname, 60)))
}

// lookup returns the namespace name bound to prefix ("" for the default
// namespace).
func (r *xmlReader) lookup(prefix string) (string, bool) {
	if prefix == "" {
		// The default namespace, that of nearly every name, is kept until
		// the bindings in scope change.
		if r.defAt != r.nsGen+1 {
			r.defURI, r.defOK = r.lookupIn("")
			r.defAt = r.nsGen + 1
		}
		return r.defURI, r.defOK
	}
	return r.lookupIn(prefix)
}

// lookupIn looks prefix up in the bindings in scope.
func (r *xmlReader) lookupIn(prefix string) (string, bool) {
	if prefix == "xml" {
		return xmlNamespaceURL, true
	}
	if r.nsIndex != nil {
		r.nsWork++
		if k, ok := r.nsIndex[prefix]; ok {
			return r.ns[k].uri, true
		}
		return "", prefix == ""
	}
	for k := len(r.ns) - 1; k >= 0; k-- {
		r.nsWork++
		if r.ns[k].prefix == prefix {
			return r.ns[k].uri, true
		}
	}
	return "", prefix == ""
}

// declare brings a namespace declaration into scope, refusing those
// Namespaces in XML 1.0 forbids.
func (r *xmlReader) declare(prefix, uri string, off int) error {
	var problem string
	switch {
	case prefix == "xml":
		if uri == xmlNamespaceURL {
			return nil
		}
		problem = "the prefix xml is bound to " + xmlNamespaceURL + " and cannot be rebound"
	case prefix == "xmlns":
		problem = "the prefix xmlns cannot be declared"
	case uri == xmlNamespaceURL || uri == xmlnsNamespaceURL:
		problem = fmt.Sprintf("%s is reserved and cannot be bound here", uri)
	case prefix != "" && uri == "":
		problem = fmt.Sprintf("prefix %s is declared with an empty namespace name", shortN(prefix, 40))
	}
	if problem != "" {
		return r.errorAt(off, "namespace declaration: "+problem)
	}
	r.ns = append(r.ns, nsBinding{prefix: prefix, uri: uri, prev: -1})
	r.nsGen++
	switch k := int32(len(r.ns) - 1); {
	case r.nsIndex != nil:
		r.index(k)
	case len(r.ns) > nsLinear:
		r.nsIndex = make(map[string]int32, 2*len(r.ns))
		for k := range r.ns {
			r.index(int32(k))
		}
	}
	return nil
}

// index makes binding k the innermost of its prefix in nsIndex.
func (r *xmlReader) index(k int32) {
	r.nsWork++
	b := &r.ns[k]
	if prev, ok := r.nsIndex[b.prefix]; ok {
		b.prev = prev
	}
	r.nsIndex[b.prefix] = k
}

// unbind takes the bindings from mark on out of scope.
func (r *xmlReader) unbind(mark int) {
	if mark == len(r.ns) {
		return
	}
	r.nsGen++
	if r.nsIndex != nil {
		for k := len(r.ns) - 1; k >= mark; k-- {
			r.nsWork++
			if b := &r.ns[k]; b.prev >= 0 {
				r.nsIndex[b.prefix] = b.prev
			} else {
				delete(r.nsIndex, b.prefix)
			}
		}
	}
	r.ns = r.ns[:mark]
}

// startElement resolves the names of the start tag just read, checks its
// attributes, and opens the element.
func (r *xmlReader) startElement(qname string, colon, off int, empty bool) error {
	if len(r.c.stack) >= MaxDepth {
		return r.errorAt(off, fmt.Sprintf("elements nested deeper than %d levels", MaxDepth))
	}
	mark := len(r.ns)
	// plain says every attribute is unprefixed and no declaration: the
	// commonest start tag, <x value="…"/>, needs no more.
	plain := r.plain
	if !plain {
		if err := r.declarations(); err != nil {
			return err
		}
	}
	prefix, local := "", qname
	if colon != -1 {
		var err error
		if prefix, local, err = r.splitQName(qname, colon, off+1, "element"); err != nil {
			return err
		}
		if prefix == "xmlns" {
			return r.errorAt(off, fmt.Sprintf("element <%s> uses the reserved prefix xmlns", shortText(qname)))
		}
	}
	var space string
	ok := true
	if prefix == "" && r.defAt == r.nsGen+1 { // lookup's, without the call
		space, ok = r.defURI, r.defOK
	} else {
		space, ok = r.lookup(prefix)
	}
	if !ok {
		return r.undeclared(off, prefix, "element <"+qname+">")
	}
	if !plain || len(r.attrs) > 1 {
		if err := r.checkAttrs(qname, local); err != nil {
			return err
		}
	}

	fhir := r.isFHIR(space)
	if r.w != nil {
		r.walkStart(space, local, off, empty)
		if r.c.d != nil {
			r.c.d.hint = int32(r.w.NameIndex())
		}
	}
	if len(r.c.stack) == 0 {
		if err := r.startRoot(space, local, off); err != nil {
			return err
		}
	} else {
		parent := r.c.top().sym
		docSpace := ""
		if r.c.d != nil {
			r.c.d.at = off
			if !fhir {
				docSpace = space
			}
		}
		n := r.c.start(local, docSpace, !fhir)
		if !n.skip {
			r.setAttrs(n)
			if parent == symResource || parent == symContained {
				r.c.beginResource(local, true)
			}
		}
	}
	if empty {
		r.c.end()
		if mark != len(r.ns) {
			r.unbind(mark)
		}
		return nil
	}
	// The element stays open: its node keeps what its end tag needs.
	top := r.c.top()
	top.qname, top.nsMark = r.c.keep(qname), int32(mark)
	return nil
}

// topQName is the qualified name of the innermost open element.
func (r *xmlReader) topQName() string {
	return r.c.str(r.c.top().qname)
}

// declarations brings the namespace declarations of the start tag just
// read into scope.
func (r *xmlReader) declarations() error {
	for k := range r.attrs {
		a := &r.attrs[k]
		if a.colon == -1 {
			if a.qname == "xmlns" {
				if err := r.declare("", a.value, a.off); err != nil {
					return err
				}
			}
			continue
		}
		prefix, local, err := r.splitQName(a.qname, a.colon, a.off, "attribute")
		if err != nil {
			return err
		}
		if prefix == "xmlns" {
			if err := r.declare(local, a.value, a.off); err != nil {
				return err
			}
		}
	}
	return nil
}

// isFHIR reports whether namespace name s is FHIR's, comparing only
// where s starts when it is the string last found to be.
func (r *xmlReader) isFHIR(s string) bool {
	if len(s) != len(Namespace) {
		return false
	}
	if unsafe.StringData(s) == r.fhirURI {
		return true
	}
	if s != Namespace {
		return false
	}
	r.fhirURI = unsafe.StringData(s)
	return true
}

func (r *xmlReader) undeclared(off int, prefix, what string) error {
	return r.errorAt(off, fmt.Sprintf("%s: namespace %s is not declared", shortN(what, 60), quoted(prefix, 40)))
}

// checkAttrs resolves the namespaces of the attributes of element qname
// (local name local) and refuses one given twice: the same qualified name,
// or the same local name in the same namespace.
func (r *xmlReader) checkAttrs(qname, local string) error {
	attrs := r.attrs
	names := r.names[:0]
	for i := range attrs {
		a := &attrs[i]
		n := attrName{local: a.local()}
		switch p := a.prefix(); p {
		case "":
		case "xmlns":
			n.space = "xmlns"
		default:
			var ok bool
			if n.space, ok = r.lookup(p); !ok {
				return r.undeclared(a.off, p, "attribute "+a.qname+" of <"+qname+">")
			}
		}
		names = append(names, n)
	}
	r.names = names
	if len(names) < 2 {
		return nil
	}
	if len(names) <= 16 {
		for i := 1; i < len(names); i++ {
			for j := 0; j < i; j++ {
				if names[i] == names[j] {
					return r.duplicateAttr(local, names[i].local, attrs[i].off)
				}
			}
		}
		return nil
	}
	seen := make(map[attrName]struct{}, len(names))
	for i, n := range names {
		if _, dup := seen[n]; dup {
			return r.duplicateAttr(local, n.local, attrs[i].off)
		}
		seen[n] = struct{}{}
	}
	return nil
}

func (r *xmlReader) duplicateAttr(element, attr string, off int) error {
	return r.errorAt(off, fmt.Sprintf("element <%s> repeats attribute %s", shortN(element, 40), quoted(attr, 40)))
}

func (r *xmlReader) startRoot(space, local string, off int) error {
	if r.c.d != nil {
		r.c.d.at = off
	}
	switch space {
	case Namespace:
		n := r.c.start(local, "", false)
		r.setAttrs(n)
		r.c.beginResource(local, false)
		return nil
	case ITKNamespace:
		r.c.start(local, space, true)
		r.c.b.ITKWrapper = true
		r.c.b.ResourceType = local
		return nil
	case "":
		return r.errorAt(off, fmt.Sprintf("root element <%s> has no namespace; FHIR XML must be in %s", shortText(local), Namespace))
	default:
		return r.errorAt(off, fmt.Sprintf("root element <%s> is in namespace %s; FHIR XML must be in %s",
			shortN(local, 40), quoted(space, 40), Namespace))
	}
}

// setAttrs copies the FHIR attributes of an element: value and url.
func (r *xmlReader) setAttrs(n *node) {
	if r.onlyValue {
		// <x value="…"/>: nothing else to keep, on the Doc node either.
		n.value, n.hasValue = r.c.keep(r.attrs[0].value), true
		return
	}
	for i := range r.attrs {
		a := &r.attrs[i]
		if a.colon != -1 {
			continue
		}
		switch a.qname {
		case "value":
			n.value, n.hasValue = r.c.keep(a.value), true
		case "url":
			n.url = r.c.keep(a.value)
		}
	}
	if r.c.d != nil {
		r.docAttrs()
	}
}

// docAttrs keeps the attributes of the element just opened, other than
// value, url and namespace declarations, on its Doc node.
func (r *xmlReader) docAttrs() {
	d := r.c.d
	for i := range r.attrs {
		a := &r.attrs[i]
		var at Attr
		switch {
		case a.colon == -1 && (a.qname == "value" || a.qname == "url" || a.qname == "xmlns"):
			continue
		case a.colon == -1:
			at = Attr{Name: a.qname, Value: a.value}
		case a.prefix() == "xmlns":
			continue
		default:
			space, _ := r.lookup(a.prefix())
			at = Attr{Space: space, Name: a.local(), Value: a.value}
		}
		x := d.extraOf(d.top())
		x.attrs = append(x.attrs, at)
	}
}

// endTag reads an end tag at r.pos and closes the innermost element.
func (r *xmlReader) endTag() error {
	s := r.src
	i := r.pos + 2
	if q := r.topQName(); strings.HasPrefix(s[i:], q) && i+len(q) < len(s) && s[i+len(q)] == '>' {
		// The name of the element open, then '>': what the checks below
		// find, in one comparison.
		r.pos = i + len(q) + 1
		r.closeTop()
		return nil
	}
	end := r.scanName(i)
	if end == i {
		if i >= len(s) {
			return r.eof("in an end tag")
		}
		return r.errorAt(r.pos, "expected element name after </")
	}
	name := s[i:end]
	j := skipSpace(s, end)
	if j >= len(s) {
		return r.eof("in an end tag")
	}
	if s[j] != '>' {
		return r.errorAt(j, fmt.Sprintf("invalid characters between </%s and >", shortText(name)))
	}
	if q := r.topQName(); name != q {
		return r.errorAt(r.pos, fmt.Sprintf("element <%s> closed by </%s>", shortN(q, 50), shortN(name, 50)))
	}
	r.pos = j + 1
	r.closeTop()
	return nil
}

// closeTop closes the innermost element, whose end tag was just read.
func (r *xmlReader) closeTop() {
	mark := int(r.c.top().nsMark)
	r.c.end()
	if r.w != nil {
		r.w.End()
	}
	if mark != len(r.ns) {
		r.unbind(mark)
	}
}

// errorAt reports a problem at byte offset off of the (BOM-less) input.
// Messages never hold slices of the input: they are built afresh.
func (r *xmlReader) errorAt(off int, msg string) error {
	off = min(max(off, 0), len(r.src))
	return &ParseError{Format: FormatXML, Line: lineAt(r.src, off), Offset: int64(off) + r.shift, Msg: msg}
}

// eof reports the end of the input where more was needed.
func (r *xmlReader) eof(where string) error {
	return r.errorAt(len(r.src), "unexpected EOF "+where)
}
