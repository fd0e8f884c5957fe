package fhir

import (
	"fmt"
	"math"
	"strings"
	"unsafe"
)

// collector turns a stream of element events, produced alike by the XML and
// JSON readers, into Bundle facts. It keeps one small node per open element
// and one frame per open resource, so memory does not grow with the size of
// the message (beyond the facts themselves).
//
// Elements are named as in FHIR: an XML element <system value="x"/> and a
// JSON member "system": "x" both become an element "system" with value "x".
// A JSON array gives one element per item. A JSON primitive's extension
// member "_birthDate" becomes a second element "birthDate" without a value.
// An extension's url (an XML attribute, a JSON member) is the element's url.
//
// The JSON reader cannot know an object's url or resourceType before it has
// read every member, so nothing here depends on member order: children
// report what they found to their parent when they end, extensions are
// interpreted when they end, and resources when they end.
type collector struct {
	b     Bundle
	stack []node
	// facts[i] holds what the children of stack[i] have reported, once one
	// has (stack[i].hasFacts); it is kept apart so that opening an element,
	// the commonest step, writes only its small node.
	facts  []facts
	frames []frame
	meta   []nhsMeta // parallel to b.NHSNumbers
	// firstDone is set once the first entry's resource has ended.
	firstDone bool
	// typeErr is the first value read for a fact that is a JSON number or
	// boolean where FHIR requires a string (see readString).
	typeErr *ParseError
	// d, when set, builds the whole element tree too (ReadDoc).
	d *docBuilder
	// src is the body; far holds the strings of nodes that are not slices
	// of it (see cstr).
	src string
	far []string
	// rdList holds the lists of facts.rdNHS.
	rdList []rdItem
	// hdr is the first entry's MessageHeader, for b.Header.
	hdr MessageHeader
}

// rdItem is an NHS number (index in Bundle.NHSNumbers) in a list of
// facts.rdNHS; next is the next item, 1-based (0 ends the list).
type rdItem struct{ idx, next int32 }

// cstr is a string a node keeps: src[off:off+n], or, when n is -1,
// far[off]. A node holds no pointer, so that opening an element, done
// for every one, costs the garbage collector nothing.
type cstr struct{ off, n int32 }

// keep returns s as a cstr.
func (c *collector) keep(s string) cstr {
	if s == "" {
		return cstr{}
	}
	// One unsigned comparison each finds s inside the body (an s before
	// it wraps around to a large offset).
	if n := uintptr(len(c.src)); n <= math.MaxInt32 {
		off := uintptr(unsafe.Pointer(unsafe.StringData(s))) - uintptr(unsafe.Pointer(unsafe.StringData(c.src)))
		if off < n && uintptr(len(s)) <= n-off {
			return cstr{int32(off), int32(len(s))}
		}
	}
	c.far = append(c.far, s)
	return cstr{int32(len(c.far) - 1), -1}
}

// str returns the string x stands for.
func (c *collector) str(x cstr) string {
	if x.n < 0 {
		return c.far[x.off]
	}
	return c.src[x.off : x.off+x.n]
}

// span returns x as a Doc keeps it: the same place in the body (the Doc's
// and the collector's are the same string), or a copy of a far string.
func (c *collector) span(x cstr) span {
	if x.n >= 0 {
		return span{uint32(x.off), uint32(x.n)}
	}
	return c.d.span(c.far[x.off])
}

// node is one open element.
type node struct {
	name  cstr
	sym   sym
	value cstr
	url   cstr
	// hasFacts says the element's facts slot is in use (see collector.facts).
	hasFacts bool
	hasValue bool
	// kind is the JSON type of a primitive value other than a string
	// (kindNumber, kindBoolean); 0 for a string, and always in XML. off is
	// then the value's byte offset.
	kind uint8
	off  int32
	// skip marks content that carries no FHIR meaning (an ITK wrapper
	// root, XHTML narrative, elements in foreign namespaces).
	skip bool
	// res is the index of the frame this element is the root of, or -1.
	res int32
	// entryNo is the entry's index when this is an entry of the root
	// Bundle, or -1.
	entryNo int32
	// nhsIdx is the NHS number recorded by a child identifier, or -1.
	nhsIdx int32
	// docs is how many Doc nodes the element opened (ReadDoc only).
	docs int8
	// qname and nsMark are the XML element's qualified name, for its end
	// tag, and len(xmlReader.ns) before its own declarations.
	qname  cstr
	nsMark int32
}

// facts are what an element's children reported when they ended.
type facts struct {
	// The strings are places in the body, as a node's (cstr): a facts
	// slot holds no pointer, so that clearing one for reuse costs the
	// garbage collector nothing.
	system, code, display, idValue cstr
	hasSystem, hasIDValue          bool
	// idValueKind and idValueOff are the kind and offset of a value
	// element that was not a JSON string: judged when the identifier
	// proves to be an NHS number's (Quantity.value, say, is a number).
	idValueKind              uint8
	idValueOff               int32
	family, use              cstr
	hasFamily, hasUse        bool
	dateTime                 cstr // valueDateTime
	birthTime                cstr // patient-birthTime on a birthDate
	humanFamily              cstr // valueHumanName.family
	hasHuman                 bool
	codingSystem, codingCode cstr // first coding of a CodeableConcept
	hasCoding                bool
	// Routing demographics sub-extensions, gathered by the parent
	// extension: its NHS numbers are the list in collector.rdNHS from
	// rdNHS (1-based; 0 for none).
	rdNHS     int32
	rdFamily  cstr
	rdHasName bool
	rdBirth   cstr
}

// JSON types of primitive values other than strings.
const (
	kindNumber uint8 = iota + 1
	kindBoolean
)

// checkString records, once, that the element at pos (n, whose value the
// collector is about to read as a fact) is a JSON number or boolean where
// FHIR requires a string: FHIR JSON writes string, code, uri, id, date and
// dateTime values as JSON strings.
func (c *collector) checkString(pos int, n *node) {
	if n.kind == 0 || c.typeErr != nil {
		return
	}
	c.typeError(pos, c.str(n.name), c.str(n.value), n.kind, n.off)
}

// typeError records the error checkString finds, for the element name
// at pos.
func (c *collector) typeError(pos int, name, value string, kind uint8, off int32) {
	if kind == 0 || c.typeErr != nil {
		return
	}
	what := "a number"
	if kind == kindBoolean {
		what = "a boolean"
	}
	c.typeErr = &ParseError{Format: FormatJSON, Offset: int64(off),
		Msg: fmt.Sprintf("%s is %s (%s); FHIR requires a string there", c.path(pos, name), what, shortText(value))}
}

// path names the element at pos as a path from the root resource, with
// entry numbers: Bundle.entry[2].resource.identifier.value.
func (c *collector) path(pos int, name string) string {
	var b strings.Builder
	for i := 0; i < pos && i < len(c.stack); i++ {
		e := &c.stack[i]
		switch {
		case i == 0 && e.res >= 0 && c.frames[e.res].typ != "":
			b.WriteString(c.frames[e.res].typ)
		case i == 0:
			b.WriteString("(root)")
		default:
			b.WriteString(".")
			b.WriteString(c.str(e.name))
		}
		if e.entryNo >= 0 {
			fmt.Fprintf(&b, "[%d]", e.entryNo)
		}
	}
	b.WriteString(".")
	b.WriteString(name)
	return b.String()
}

// noFacts stands for the facts of an element none of whose children has
// reported anything. It is only ever read.
var noFacts facts

// factsOf returns the facts of the element at pos, for reading.
func (c *collector) factsOf(pos int) *facts {
	if !c.stack[pos].hasFacts {
		return &noFacts
	}
	return &c.facts[pos]
}

// factsFor returns the facts of the element at pos, for writing.
func (c *collector) factsFor(pos int) *facts {
	for len(c.facts) <= pos {
		c.facts = append(c.facts, facts{})
	}
	if n := &c.stack[pos]; !n.hasFacts {
		n.hasFacts = true
		c.facts[pos] = facts{}
	}
	return &c.facts[pos]
}

// frame is one open resource.
type frame struct {
	typ   string
	id    string
	depth int // index in stack of the resource's own element
	// entryNo is the root Bundle entry holding this resource, or -1.
	entryNo int
	// nhsFrom is the index of the first NHS number recorded inside it.
	nhsFrom int

	// Patient.
	officialFamily, firstFamily string
	hasOfficial, hasFirst       bool
	birthDate, birthTime        string

	// MessageHeader.
	hdr    MessageHeader
	hasMET bool
}

// nhsMeta is what the collector still needs to label an NHS number.
type nhsMeta struct {
	relpath string // element path inside its resource, e.g. "identifier"
	routing bool   // inside a routing demographics extension
	done    bool
}

// start opens an element. skip marks it (and so its content) as carrying no
// FHIR meaning; content inside a skipped element is skipped too. space is
// the element's namespace for the Doc, "" for FHIR's.
func (c *collector) start(name, space string, skip bool) *node {
	k := len(c.stack)
	if k > 0 && c.stack[k-1].skip {
		skip = true
	}
	var s sym
	var docs int8
	if c.d != nil {
		s = symOfID(c.d.open(name, space), name)
		docs = 1
	} else {
		s = symOf(name)
	}
	return c.push(name, s, skip, docs)
}

// push opens an element whose symbol is known, on the collector's stack
// only; docs is how many Doc nodes it opened.
func (c *collector) push(name string, s sym, skip bool, docs int8) *node {
	k := len(c.stack)
	entryNo := int32(-1)
	if s == symEntry && !skip && k == 1 && c.stack[0].res == 0 {
		entryNo = int32(c.b.Entries)
		c.b.Entries++
	}
	// The node is written in place, field by field: a composite copied in
	// stalls on reading back what was just written.
	if k < cap(c.stack) {
		c.stack = c.stack[:k+1]
	} else {
		c.stack = append(c.stack, node{})
	}
	n := &c.stack[k]
	*n = node{}
	n.name, n.sym, n.skip, n.res, n.entryNo, n.nhsIdx, n.docs = c.keep(name), s, skip, -1, entryNo, -1, docs
	return n
}

// leaf opens and at once closes a FHIR element that has a value and no
// children, attributes or namespace declarations (the commonest, <x
// value="…"/> or "x": "…"), inside an element that is not skipped nor an
// XML resource wrapper, and (JSON) pairs with no "_x" member. It does what
// start, setting the value and end would; flags are the Doc node's, besides
// flagValue.
func (c *collector) leaf(name string, value cstr, flags uint16) {
	var s sym
	if d := c.d; d != nil {
		top := &d.stack[len(d.stack)-1]
		i, n := d.doc.add(top.i, int32(d.at), flags|flagValue)
		id := d.name(i, name)
		n.name = id
		if value.n >= 0 {
			n.val = span{uint32(value.off), uint32(value.n)}
		} else {
			n.val = c.span(value)
		}
		// The link to the parent, as link makes it.
		if l := top.last; l >= 0 {
			d.doc.at(l).next = i
		} else {
			d.doc.at(top.i).first = i
		}
		top.last = i
		s = symOfID(id, name)
		if s == symURL && flags&flagPrim != 0 {
			// A JSON extension's url member is no child (see endDoc).
			if pn := d.doc.nameOf(top.i, d.doc.at(top.i).name); pn == "extension" || pn == "modifierExtension" {
				d.doc.at(i).flags |= flagHidden
			}
		}
	} else {
		s = symOf(name)
	}
	switch s {
	case symNone:
		// Nothing to report to the parent, not an entry: the collector's
		// stack need not hold it at all.
		return
	case symEntry, symExtension, symModifierExtension:
		n := c.push(name, s, false, 0)
		n.value, n.hasValue = value, true
		c.end()
		return
	}
	// Without children it has no facts, and it is not a resource: all
	// end would do is report it to its parent.
	n := node{name: c.keep(name), sym: s, value: value, hasValue: true, res: -1, entryNo: -1, nhsIdx: -1}
	c.report(len(c.stack), &n)
}

// reset empties the collector for another document, keeping its buffers
// unless a pathological document grew them. What they held is cleared: a
// pooled collector must not keep an old body alive through its strings.
func (c *collector) reset() {
	const keep = 64 // elements, resources or NHS numbers
	clear(c.stack[:cap(c.stack)])
	clear(c.facts[:cap(c.facts)])
	clear(c.frames[:cap(c.frames)])
	clear(c.meta[:cap(c.meta)])
	clear(c.b.NHSNumbers[:cap(c.b.NHSNumbers)])
	clear(c.far[:cap(c.far)])
	*c = collector{
		far:    reuse(c.far, keep),
		rdList: reuse(c.rdList, keep),
		stack:  reuse(c.stack, keep),
		facts:  reuse(c.facts, keep),
		frames: reuse(c.frames, keep),
		meta:   reuse(c.meta, keep),
		b:      Bundle{NHSNumbers: reuse(c.b.NHSNumbers, keep)},
	}
}

// reuse returns s emptied, or nil when its capacity is beyond keep.
func reuse[T any](s []T, keep int) []T {
	if cap(s) > keep {
		return nil
	}
	return s[:0]
}

// top returns the innermost open element.
func (c *collector) top() *node { return &c.stack[len(c.stack)-1] }

// beginResource marks the innermost open element as a resource of type typ
// (which may be "" until setResourceType). wrapped says the element sits
// inside a <resource> or <contained> wrapper element (XML); in JSON the
// wrapper member's value is the resource itself.
func (c *collector) beginResource(typ string, wrapped bool) {
	pos := len(c.stack) - 1
	n := &c.stack[pos]
	if n.skip {
		return
	}
	f := frame{typ: typ, depth: pos, entryNo: -1, nhsFrom: len(c.b.NHSNumbers)}
	holder := pos // the element named "resource" for an entry's resource
	if wrapped {
		holder--
	}
	if holder >= 1 && c.stack[holder].sym == symResource && c.stack[holder-1].entryNo >= 0 {
		f.entryNo = int(c.stack[holder-1].entryNo)
	}
	n.res = int32(len(c.frames))
	c.frames = append(c.frames, f)
	if c.d != nil {
		if wrapped || pos == 0 {
			c.d.setResource(typ)
		} else {
			// A JSON resource is the value of its "resource" member: give
			// it a node of its own inside, as XML has.
			c.d.open("", "")
			c.d.setResource(typ)
			n.docs = 2
		}
	}
}

// setResourceType names the resource whose element is innermost.
func (c *collector) setResourceType(typ string) {
	if n := c.top(); n.res >= 0 {
		c.frames[n.res].typ = typ
		if c.d != nil {
			c.d.setResource(typ)
		}
	}
}

// parentName returns the name of the innermost open element's parent.
func (c *collector) parentName() string {
	if len(c.stack) < 2 {
		return ""
	}
	return c.str(c.stack[len(c.stack)-2].name)
}

// end closes the innermost element, reporting its facts to its parent.
func (c *collector) end() {
	last := len(c.stack) - 1
	n := &c.stack[last]
	if n.skip {
		if n.docs > 0 {
			c.endDoc(n)
		}
		c.stack = c.stack[:last]
		return
	}
	if n.hasFacts {
		nf := &c.facts[last]
		if nf.hasSystem && isNHSNumberSystem(c.str(nf.system)) {
			if name := c.str(n.name); nf.hasIDValue || name == "identifier" || strings.HasSuffix(name, "Identifier") {
				c.typeError(last+1, "value", c.str(nf.idValue), nf.idValueKind, nf.idValueOff)
				idx := c.recordNHS(last, nf)
				if last > 0 && c.stack[last-1].nhsIdx < 0 {
					c.stack[last-1].nhsIdx = int32(idx)
				}
			}
		}
	}
	// Only the names the collector looks for report anything.
	if last > 0 && n.sym != symNone {
		c.report(last, n)
	}
	if n.sym == symExtension || n.sym == symModifierExtension {
		c.endExtension(last)
	}
	if n.res >= 0 {
		c.endResource(int(n.res))
	}
	if n.docs > 0 {
		c.endDoc(n)
	}
	c.stack = c.stack[:last]
}

// endDoc closes the Doc nodes the element n opened.
func (c *collector) endDoc(n *node) {
	d := c.d
	doc := d.doc
	i := d.close()
	if n.docs == 2 {
		inner := i
		i = d.close()
		if doc.nameOf(inner, doc.at(inner).name) == "" { // not a resource after all
			doc.at(i).first = doc.at(inner).first
			for k := doc.at(i).first; k >= 0; k = doc.at(k).next {
				doc.at(k).parent = i
			}
		}
	}
	if n.hasValue {
		d.setValue(i, c.span(n.value))
	}
	if n.url != (cstr{}) {
		d.setURL(i, c.span(n.url))
	}
	// A JSON extension's url is a member; XML has it as an attribute.
	if n.sym == symURL && d.doc.Format == FormatJSON {
		if p := doc.at(i).parent; p >= 0 {
			if pn := doc.nameOf(p, doc.at(p).name); pn == "extension" || pn == "modifierExtension" {
				doc.at(i).flags |= flagHidden
			}
		}
	}
}

// report passes the facts of the element n at pos, which is ending, to
// its parent. (A parent gets a facts slot only when a child has something
// for it: the child's own slot, if any, lies above the parent's, so taking
// the parent's never moves the child's.) n is c.stack[pos], or a leaf
// that was never put there.
func (c *collector) report(pos int, n *node) {
	nf := &noFacts
	if n.hasFacts {
		nf = &c.facts[pos]
	}
	pp := pos - 1
	parent := &c.stack[pp]
	pr := c.factsOf(pp) // read; c.factsFor(pp) to write
	switch n.sym {
	case symSystem:
		if n.hasValue && !pr.hasSystem {
			c.checkString(pos, n)
			pf := c.factsFor(pp)
			pf.system, pf.hasSystem = n.value, true
		}
	case symCode:
		if n.hasValue && pr.code == (cstr{}) {
			c.checkString(pos, n)
			c.factsFor(pp).code = n.value
		}
	case symDisplay:
		if n.hasValue && pr.display == (cstr{}) {
			c.checkString(pos, n)
			c.factsFor(pp).display = n.value
		}
	case symValue:
		if n.hasValue && !pr.hasIDValue {
			pf := c.factsFor(pp)
			pf.idValue, pf.hasIDValue = n.value, true
			pf.idValueKind, pf.idValueOff = n.kind, n.off
		}
	case symURL:
		if n.hasValue && parent.url == (cstr{}) {
			c.checkString(pos, n)
			parent.url = n.value
		}
	case symFamily:
		if n.hasValue && !pr.hasFamily {
			c.checkString(pos, n)
			pf := c.factsFor(pp)
			pf.family, pf.hasFamily = n.value, true
		}
	case symUse:
		if n.hasValue && !pr.hasUse {
			c.checkString(pos, n)
			pf := c.factsFor(pp)
			pf.use, pf.hasUse = n.value, true
		}
	case symValueDateTime:
		if n.hasValue && pr.dateTime == (cstr{}) {
			c.checkString(pos, n)
			c.factsFor(pp).dateTime = n.value
		}
	case symValueHumanName:
		if !pr.hasHuman {
			pf := c.factsFor(pp)
			pf.humanFamily, pf.hasHuman = nf.family, true
		}
	case symCoding:
		if !pr.hasCoding {
			pf := c.factsFor(pp)
			pf.codingSystem, pf.codingCode, pf.hasCoding = nf.system, nf.code, true
		}
	case symValueCodeableConcept:
		if nf.hasCoding && !pr.hasCoding {
			pf := c.factsFor(pp)
			pf.codingSystem, pf.codingCode, pf.hasCoding = nf.codingSystem, nf.codingCode, true
		}
	case symProfile:
		if n.hasValue && parent.sym == symMeta && isITKMarker(c.str(n.value)) {
			c.checkString(pos, n)
			c.b.ITKWrapper = true
		}
	}

	if parent.res >= 0 {
		c.reportToResource(pos, n, nf, &c.frames[parent.res], int(parent.res))
		return
	}
	// MessageHeader.source.endpoint
	if n.sym == symEndpoint && n.hasValue && parent.sym == symSource && pos >= 2 {
		if gp := &c.stack[pos-2]; gp.res >= 0 && c.frames[gp.res].hdr.SourceEndpoint == "" {
			c.checkString(pos, n)
			c.frames[gp.res].hdr.SourceEndpoint = c.str(n.value)
		}
	}
}

// reportToResource handles the direct children of a resource element.
func (c *collector) reportToResource(pos int, n *node, nf *facts, f *frame, res int) {
	switch n.sym {
	case symID:
		if n.hasValue && f.id == "" {
			c.checkString(pos, n)
			f.id = c.str(n.value)
		}
	case symType:
		if res == 0 && n.hasValue && c.b.Type == "" {
			c.checkString(pos, n)
			c.b.Type = c.str(n.value)
		}
	case symName: // Patient.name (HumanName); other resources' names are ignored
		if !f.hasFirst {
			f.firstFamily, f.hasFirst = c.str(nf.family), true
		}
		if c.str(nf.use) == "official" && !f.hasOfficial {
			f.officialFamily, f.hasOfficial = c.str(nf.family), true
		}
	case symBirthDate:
		if n.hasValue && f.birthDate == "" {
			c.checkString(pos, n)
			f.birthDate = c.str(n.value)
		}
		if nf.birthTime != (cstr{}) && f.birthTime == "" {
			f.birthTime = c.str(nf.birthTime)
		}
	case symEvent: // MessageHeader.event (Coding)
		if f.hdr.EventSystem == "" && f.hdr.EventCode == "" && f.hdr.EventDisplay == "" {
			f.hdr.EventSystem, f.hdr.EventCode, f.hdr.EventDisplay = c.str(nf.system), c.str(nf.code), c.str(nf.display)
		}
	}
}

// endExtension interprets the extension at pos, which is ending, once all
// of it (url included) is known.
func (c *collector) endExtension(pos int) {
	n := &c.stack[pos]
	url := c.str(n.url)
	nf := c.factsOf(pos)
	if isITKMarker(url) {
		c.b.ITKWrapper = true
	}
	pp := pos - 1
	switch url {
	case BirthTimeURL:
		if pp >= 0 && c.stack[pp].sym == symBirthDate && c.factsOf(pp).birthTime == (cstr{}) && nf.dateTime != (cstr{}) {
			c.factsFor(pp).birthTime = nf.dateTime
		}
	case MessageEventTypeURL, MessageEventTypeURL2019:
		if pp >= 0 && c.stack[pp].res >= 0 {
			if f := &c.frames[c.stack[pp].res]; !f.hasMET {
				f.hasMET = true
				f.hdr.MessageEventTypeURL = url
				f.hdr.MessageEventTypeSystem = c.str(nf.codingSystem)
				f.hdr.MessageEventType = c.str(nf.codingCode)
			}
		}
	case RoutingDemographicsURL:
		for k := nf.rdNHS; k != 0; k = c.rdList[k-1].next {
			idx := c.rdList[k-1].idx
			m := &c.meta[idx]
			m.routing = true
			nn := &c.b.NHSNumbers[idx]
			if nf.rdHasName {
				nn.Family = c.str(nf.rdFamily)
			}
			nn.BirthDate = datePart(c.str(nf.rdBirth))
		}
	// Sub-extensions of the routing demographics extension. Their parent's
	// url may not be known yet (JSON member order), so they report to any
	// parent extension, which uses the facts only if it proves to be the
	// routing demographics extension.
	case "nhsNumber":
		if pp >= 0 && n.nhsIdx >= 0 {
			pf := c.factsFor(pp)
			c.rdList = append(c.rdList, rdItem{idx: n.nhsIdx, next: pf.rdNHS})
			pf.rdNHS = int32(len(c.rdList))
		}
	case "name":
		if pp >= 0 && nf.hasHuman && !c.factsOf(pp).rdHasName {
			pf := c.factsFor(pp)
			pf.rdFamily, pf.rdHasName = nf.humanFamily, true
		}
	case "birthDateTime":
		if pp >= 0 && c.factsOf(pp).rdBirth == (cstr{}) && nf.dateTime != (cstr{}) {
			c.factsFor(pp).rdBirth = nf.dateTime
		}
	}
}

// recordNHS records the NHS number identifier held by the element at pos,
// whose facts are nf.
func (c *collector) recordNHS(pos int, nf *facts) int {
	relpath := ""
	if len(c.frames) > 0 {
		from := c.frames[len(c.frames)-1].depth + 1
		// The names joined by dots, built in one allocation.
		n := max(pos-from, 0) // the dots (none when pos is the resource itself)
		for i := from; i <= pos; i++ {
			n += len(c.str(c.stack[i].name))
		}
		var b strings.Builder
		b.Grow(n)
		for i := from; i <= pos; i++ {
			if i > from {
				b.WriteByte('.')
			}
			b.WriteString(c.str(c.stack[i].name))
		}
		relpath = b.String()
	}
	c.b.NHSNumbers = append(c.b.NHSNumbers, NHSNumber{Value: c.str(nf.idValue), System: c.str(nf.system)})
	c.meta = append(c.meta, nhsMeta{relpath: relpath})
	return len(c.b.NHSNumbers) - 1
}

// endResource labels the NHS numbers found in the resource and records the
// resource's own facts.
func (c *collector) endResource(res int) {
	f := &c.frames[res]
	label := f.typ
	if label == "" {
		label = "resource"
	}
	for i := f.nhsFrom; i < len(c.meta); i++ {
		m := &c.meta[i]
		if m.done {
			continue
		}
		m.done = true
		nn := &c.b.NHSNumbers[i]
		if m.routing {
			nn.Where = label + " routing demographics"
			continue
		}
		if f.id != "" {
			nn.Where = label + " " + f.id + " " + m.relpath
		} else {
			nn.Where = label + " " + m.relpath
		}
		if f.typ == "Patient" && m.relpath == "identifier" {
			nn.Family = f.family()
			// Patient.birthDate is a date; the patient-birthTime extension on
			// it gives the exact time of birth and so refines it. Where they
			// disagree, the birth time wins: the specification's own examples
			// give birthDate 2013-10-12 with birthTime 2017-10-02 and routing
			// demographics 2017-10-02, so the birth time is the value the
			// publisher meant (and the one PDS holds).
			if f.birthTime != "" {
				nn.BirthDate = datePart(f.birthTime)
			} else {
				nn.BirthDate = datePart(f.birthDate)
			}
		}
	}

	if f.entryNo == 0 && !c.firstDone {
		c.firstDone = true
		c.b.FirstResource = f.typ
		if f.typ == "MessageHeader" {
			c.hdr = f.hdr // bundle copies it out
			c.b.Header = &c.hdr
			if c.hdr.EventCode == itkEventCode {
				c.b.ITKWrapper = true
			}
		}
	}
	if res == 0 {
		c.b.ResourceType = f.typ
	}
	c.frames = c.frames[:res]
}

// family is the Patient's official family name, or that of its first name.
func (f *frame) family() string {
	if f.hasOfficial {
		return f.officialFamily
	}
	return f.firstFamily
}

// bundle returns the facts gathered. The readers slice names and values
// out of the body (see Body), so every string of the Bundle is copied out
// here, into one allocation: the Bundle neither aliases nor pins the body.
func (c *collector) bundle(format string) *Bundle {
	b := c.b
	b.Format = format
	var h *MessageHeader
	if b.Header != nil {
		hc := *b.Header
		h = &hc
		b.Header = h
	}
	if len(b.NHSNumbers) > 0 {
		b.NHSNumbers = append([]NHSNumber(nil), b.NHSNumbers...)
	} else {
		b.NHSNumbers = nil // the collector's buffer is not handed out
	}
	// The fields are listed in an array on the stack, when they fit.
	var list [40]*string
	fields := append(list[:0], &b.ResourceType, &b.Type, &b.FirstResource)
	if h != nil {
		fields = append(fields, &h.EventSystem, &h.EventCode, &h.EventDisplay, &h.MessageEventType,
			&h.MessageEventTypeURL, &h.MessageEventTypeSystem, &h.SourceEndpoint)
	}
	for i := range b.NHSNumbers {
		n := &b.NHSNumbers[i]
		fields = append(fields, &n.Value, &n.System, &n.Where, &n.Family, &n.BirthDate)
	}
	size := 0
	for _, f := range fields {
		size += len(*f)
	}
	var sb strings.Builder
	sb.Grow(size)
	for _, f := range fields {
		sb.WriteString(*f)
	}
	all := sb.String()
	for _, f := range fields {
		n := len(*f)
		*f, all = all[:n], all[n:]
	}
	return &b
}
