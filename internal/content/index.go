package content

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/nems-harness/nems-harness/internal/fhir"
	"github.com/nems-harness/nems-harness/internal/fhirschema"
)

// The element index: the rules read a message's tree many times over (a
// table row follows its path from every instance, several checks visit
// every element), so the tree is read once per message into a flat array
// in document order, each element with its name as a small integer. The
// rules then look elements up there instead of walking the Doc again.

// sym is an element name as a small integer; 0 is a name the symbol table
// does not hold.
type sym uint16

// Names the checks ask for by name, with fixed symbols.
const (
	symNone sym = iota
	symExtension
	symModifierExtension
	symReference
	symContained
	symText
	symDiv
	symStart
	symEnd
	symTelecom
	symValueContactPoint
	symContact
	symSource
	symValue
	symSystem
	symCode
	symDisplay
	symCoding
	symValueCoding
	symLow
	symHigh
	symNumerator
	symDenominator
	symData
	symContentType
	symDose
	symDoseQuantity
	symPeriod
	symID
	symMeta
	symVersionID
	symLastUpdated
	symEntry
	symSearch
	symRequest
	symResponse
	symFullURL
	symIdentifier
	symName
	symAddress
	symUse
	symReferenceRange
	symDataAbsentReason
	symComponent
	symNotDoneReason
	symNotDone
	symParticipant
	symOnBehalfOf
	symMember
	symFamily
	symGiven
	symOrganization
	symTotal
)

var fixedNames = []string{"", "extension", "modifierExtension", "reference", "contained", "text", "div", "start", "end",
	"telecom", "valueContactPoint", "contact", "source", "value", "system", "code", "display", "coding", "valueCoding",
	"low", "high", "numerator", "denominator", "data", "contentType", "dose", "doseQuantity", "period", "id", "meta",
	"versionId", "lastUpdated", "entry", "search", "request", "response", "fullUrl", "identifier", "name", "address",
	"use", "referenceRange", "dataAbsentReason", "component", "notDoneReason", "notDone", "participant", "onBehalfOf",
	"member", "family", "given", "organization", "total"}

// symInfo is what the symbol table knows of a name.
type symInfo struct {
	name  string // the table's own copy
	sym   sym
	props uint16
}

// symTable maps names to symbols.
type symTable map[string]symInfo

// lookup returns a name's symbol (symNone when it has none) and its
// properties.
func (t *symTable) lookup(s string) (sym, uint16) {
	if si, ok := (*t)[s]; ok {
		return si.sym, si.props
	}
	return symNone, nameProps(s)
}

// info returns what the table knows of a name; its name is "" for a name
// the table does not hold.
func (t *symTable) info(s string) symInfo {
	if si, ok := (*t)[s]; ok {
		return si
	}
	return symInfo{props: nameProps(s)}
}

// symbols maps names to symbols: the fixed names, every element and
// resource name of the FHIR schema, and the names the rules' paths add.
// It only grows (rules are compiled at start-up), copied on write so that
// readers take no lock.
var symbols = newSymbols()

type symbolTable struct {
	mu  sync.Mutex
	tab atomic.Pointer[symTable]
}

func newSymbols() *symbolTable {
	names := append([]string(nil), fixedNames[1:]...)
	// times are the names the schema declares a dateTime or an instant
	// under some type (typeTimes types only those elements).
	times := map[string]bool{}
	// Schema names, so that most names of a message have a symbol: the
	// types reachable from Bundle (every resource is, through
	// Bundle.entry.resource), in declaration order.
	if b, ok := fhirschema.Resource("Bundle"); ok {
		seen := map[fhirschema.Type]bool{}
		var visit func(t fhirschema.Type)
		visit = func(t fhirschema.Type) {
			if seen[t] {
				return
			}
			seen[t] = true
			for _, e := range t.Elements() {
				names = append(names, e.Name)
				if ft := e.Type.FHIRType(); !e.XHTML && (ft == "dateTime" || ft == "instant") {
					times[e.Name] = true
				}
				visit(e.Type)
			}
		}
		names = append(names, "Bundle")
		visit(b)
	}
	t := make(symTable, len(names))
	for _, n := range names {
		if _, ok := t[n]; !ok {
			p := nameProps(n)
			if times[n] {
				p |= pTime | pListed
			}
			t[n] = symInfo{n, sym(len(t) + 1), p}
		}
	}
	for i, n := range fixedNames[1:] {
		if t[n].sym != sym(i+1) {
			panic("content: fixed symbol " + n + " out of place")
		}
	}
	st := &symbolTable{}
	st.tab.Store(&t)
	return st
}

// Symbols of names some checks compare (resource types among them: a
// resource element is named by its type).
var (
	symImmunization         = intern("Immunization")
	symHealthcareService    = intern("HealthcareService")
	symEpisodeOfCare        = intern("EpisodeOfCare")
	symProcedure            = intern("Procedure")
	symObservation          = intern("Observation")
	symCommunication        = intern("Communication")
	symMessageHeader        = intern("MessageHeader")
	symOrganizationType     = intern("Organization")
	symPatient              = intern("Patient")
	symCareTeam             = intern("CareTeam")
	symVaccineCode          = intern("vaccineCode")
	symValueCodeableConcept = intern("valueCodeableConcept")
	symType                 = intern("type")
	symOutcome              = intern("outcome")
	symEvent                = intern("event")
	symCategory             = intern("category")
	symFocus                = intern("focus")
	symValueIdentifier      = intern("valueIdentifier")
	symValueHumanName       = intern("valueHumanName")
	symValueDateTime        = intern("valueDateTime")
	symBirthDate            = intern("birthDate")
	symVersion              = intern("version")
	symUserSelected         = intern("userSelected")
)

// resourceOf is the position of the resource holding element i (i itself
// when it is one), -1 for none.
func (x *index) resourceOf(i int32) int32 {
	for ; i >= 0; i = x.flat[i].Parent {
		if x.e[i].flags&fResource != 0 {
			return i
		}
	}
	return -1
}

// maxSym is the largest symbol.
const maxSym = 1<<16 - 1

// intern returns the symbol of a name, giving it one when it has none.
func intern(name string) sym {
	if s, _ := symbols.tab.Load().lookup(name); s != symNone {
		return s
	}
	symbols.mu.Lock()
	defer symbols.mu.Unlock()
	old := symbols.tab.Load()
	if s, _ := old.lookup(name); s != symNone {
		return s
	}
	if len(*old)+1 > maxSym {
		panic("content: more element names than symbols")
	}
	t := make(symTable, len(*old)+1)
	for k, v := range *old {
		t[k] = v
	}
	c := strings.Clone(name)
	si := symInfo{c, sym(len(t) + 1), nameProps(name)}
	t[c] = si
	symbols.tab.Store(&t)
	return si.sym
}

// internPath gives every name of a dotted path a symbol.
func internPath(path string) []sym {
	if path == "" {
		return nil
	}
	var out []sym
	for _, n := range strings.Split(path, ".") {
		out = append(out, intern(n))
	}
	return out
}

// Name properties, worked out once per distinct name of a message.
const (
	pPeriod     uint16 = 1 << iota // period or *Period
	pQuantity                      // *Quantity, dose, doseQuantity
	pRange                         // *Range
	pRatio                         // *Ratio
	pAttachment                    // *Attachment
	pValueX                        // value*
	pExt                           // extension or modifierExtension
	pUpper                         // starts with A-Z, as a resource type does

	fValue     // the element has a value
	fResource  // the element is a resource
	fInForeign // the element is outside the FHIR namespace (narrative XHTML), or below one that is

	pInvariant // a name an element invariant of checkInvariants is about
	pTime      // a name the schema declares a dateTime or instant somewhere
	pListed    // a name the index lists the elements of (reference, coding…)
	pLeafInv   // a name an invariant can be about on a primitive
)

func nameProps(s string) uint16 {
	var p uint16
	if s == "period" || strings.HasSuffix(s, "Period") {
		p |= pPeriod
	}
	if strings.HasSuffix(s, "Quantity") || s == "dose" {
		p |= pQuantity
	}
	if strings.HasSuffix(s, "Range") {
		p |= pRange
	}
	if strings.HasSuffix(s, "Ratio") {
		p |= pRatio
	}
	if strings.HasSuffix(s, "Attachment") {
		p |= pAttachment
	}
	if strings.HasPrefix(s, "value") {
		p |= pValueX
	}
	if s == "extension" || s == "modifierExtension" {
		p |= pExt
	}
	if s != "" && s[0] >= 'A' && s[0] <= 'Z' {
		p |= pUpper
	}
	switch s {
	case "extension", "modifierExtension", "reference", "contained", "text", "telecom", "valueContactPoint", "contact":
		p |= pInvariant
	}
	switch s {
	case "extension", "modifierExtension", "reference":
		p |= pLeafInv
	}
	switch s {
	case "reference", "coding", "valueCoding", "display":
		p |= pListed
	}
	if p&(pPeriod|pQuantity|pRange|pRatio|pAttachment) != 0 {
		p |= pInvariant
	}
	return p
}

// elem is one element of the index: 12 bytes, with no pointer for the
// collector to follow (a 3 MB message has some 100,000 elements); its
// parent's position is in index.flat.
type elem struct {
	node int32 // its fhir.Node.Index in index.doc
	// end is the position after the element's last descendant: its
	// children start at i+1, each next one at the previous one's end.
	end   int32
	sym   sym
	flags uint16
}

// resPos is where a resource is in the index, by its fhir.Node.Index.
type resPos struct{ node, pos int32 }

// nameSlot caches one distinct name of a message. A Doc keeps each
// distinct name once, so the string's address finds it again.
type nameSlot struct {
	p     uintptr
	n     int
	sym   sym
	props uint16
}

const nameSlots = 256

// index is a message's elements in document order.
type index struct {
	doc *fhir.Doc
	e   []elem
	// flat is the Doc's list of the elements, read into e.
	flat []fhir.Elem
	// res are the resources, ordered by fhir.Node.Index.
	res []resPos
	// gpos are the positions of the message's resources by type (see
	// typeGroup.off); gkid the lists of their children's names, built
	// by kids as the rows ask, in kt.
	gpos []int32
	gkid []kidSpan
	kt   []kidEntry
	// tab is the symbol table the index was built with, pt its table of
	// the schema's names; names caches its answers for the message's
	// other names (used of them taken).
	tab   *symTable
	pt    *ptrTable
	names [nameSlots]nameSlot
	used  int
	// refs and codings are the positions of the elements named reference,
	// and coding or valueCoding, outside narrative XHTML; displays those
	// named display whose parent is outside it. The checks that look only
	// at those need not walk the rest.
	refs, codings, displays []int32
	// inv are the elements checkInvariants looks at: those outside
	// narrative XHTML that a FHIR invariant can be about.
	inv []int32
	// times are the elements of a name pTime marks.
	times   []int32
	holders []int32 // displayHolders' answer
	// resolved are resolveValue's answers for this message.
	resolved []resolution
	// scopes and found are scratch space for the element rows.
	scopes, found []int32
	// memo and types serve typeTimes. The memo's keys are the schema's
	// and the symbols' (the same for every message), so it is kept.
	memo  *[memoSize]memoEntry
	types []fhirschema.Type
	// typed has bit i set when types[i] is this message's.
	typed []uint64
}

var indexes = sync.Pool{New: func() any { return new(index) }}

// maxPooled is the largest index kept for another message.
const maxPooled = 1 << 14

// index builds the message's element index, once.
func (m *Message) index() *index {
	tab := symbols.tab.Load()
	if m.idx != nil && m.idx.tab == tab {
		return m.idx
	}
	m.release() // built before a rule named a new element name
	x := indexes.Get().(*index)
	x.tab, x.pt = tab, ptrTableOf(tab)
	x.doc = m.Doc
	if d := m.Doc; d != nil && d.Root.Ok() {
		x.build(d, d.Root, d.Format != fhir.FormatJSON)
		if !slices.IsSortedFunc(x.res, func(a, b resPos) int { return int(a.node - b.node) }) {
			slices.SortFunc(x.res, func(a, b resPos) int { return int(a.node - b.node) })
		}
	}
	for k := range m.types {
		g := &m.types[k]
		g.off = int32(len(x.gpos))
		for _, n := range g.nodes {
			x.gpos = append(x.gpos, x.at(n))
		}
	}
	if len(x.gpos) <= maxKidLists {
		for range x.gpos {
			x.gkid = append(x.gkid, kidSpan{n: -1})
		}
	}
	m.idx = x
	return x
}

// release gives the index back for another message. Nothing the rules
// return refers to it.
func (m *Message) release() {
	x := m.idx
	if x == nil {
		return
	}
	m.idx = nil
	if cap(x.e) > maxPooled {
		return // a large message's index is not kept
	}
	clear(x.resolved)
	x.resolved = x.resolved[:0]
	x.flat = x.flat[:0]
	x.e, x.res, x.gpos, x.gkid, x.kt = x.e[:0], x.res[:0], x.gpos[:0], x.gkid[:0], x.kt[:0]
	x.refs, x.codings, x.displays, x.inv, x.times = x.refs[:0], x.codings[:0], x.displays[:0], x.inv[:0], x.times[:0]
	x.tab, x.pt, x.doc = nil, nil, nil // no Doc is kept alive by a pooled index
	if x.used > 0 {
		x.names = [nameSlots]nameSlot{}
		x.used = 0
	}
	indexes.Put(x)
}

// build reads the tree below root into the index, in document order,
// from the Doc's list of its elements (fhir.Doc.Elements, which gives each
// one's parent, end, name and flags in one pass). Most elements take the
// short path: a name with no property the lists need, no resource.
func (x *index) build(d *fhir.Doc, root fhir.Node, xml bool) {
	if cap(x.flat) < d.Len() {
		x.flat = make([]fhir.Elem, 0, d.Len())
	}
	flat := d.Elements(root, x.flat[:0])
	x.flat = flat
	size := len(flat)
	if cap(x.e) < size {
		x.e = make([]elem, 0, size)
	}
	es := x.e[:size]
	byID := x.pt.byID
	// foreignEnd is the end of the outermost open foreign element: the
	// elements before it are fInForeign too.
	foreignEnd := int32(-1)
	for k := range flat {
		f := &flat[k]
		i := int32(k)
		var s sym
		var props uint16
		if int(f.Name) < len(byID) { // most names are the schema's
			s, props = byID[f.Name].sym, byID[f.Name].props
		} else {
			s, props = x.name(d.NodeAt(f.Node).Name())
		}
		if f.Flags&fhir.ElemValue != 0 {
			props |= fValue
		}
		above := i < foreignEnd
		if above {
			props |= fInForeign
		} else if xml && f.Flags&fhir.ElemForeign != 0 { // only XML has elements of other namespaces
			foreignEnd = f.End
			props |= fInForeign
		}
		if props&(pUpper|pListed) != 0 {
			props = x.note(f, i, s, props, above)
		}
		e := &es[i] // in place: a composite is copied through the stack
		e.node, e.end, e.sym, e.flags = f.Node, f.End, s, props
		if props&fInForeign != 0 {
			continue
		}
		if f.End > i+1 {
			if props&(fResource|pInvariant) != 0 {
				x.inv = append(x.inv, i)
			}
		} else if props&(fValue|fResource|pLeafInv) != fValue {
			// A leaf: an invariant can be about it only when it has no
			// value, or is an extension or a reference (see
			// checkInvariants).
			x.inv = append(x.inv, i)
		}
	}
	x.e = es
}

// note is build's long path for element i of symbol s: a resource, or an
// element of a name the index lists (above says its parent is foreign or
// below one). It returns the element's flags.
func (x *index) note(f *fhir.Elem, i int32, s sym, props uint16, above bool) uint16 {
	if props&pUpper != 0 && f.Flags&fhir.ElemResource != 0 { // element names start lower-case
		props |= fResource
		x.res = append(x.res, resPos{f.Node, i})
	}
	if props&pListed == 0 {
		return props
	}
	if props&fInForeign == 0 {
		switch s {
		case symReference:
			x.refs = append(x.refs, i)
		case symCoding, symValueCoding:
			x.codings = append(x.codings, i)
		}
	}
	if s == symDisplay && !above { // its parent may have a display
		x.displays = append(x.displays, i)
	}
	if props&pTime != 0 {
		x.times = append(x.times, i)
	}
	return props
}

// node is element i's Node (not Ok for -1).
func (x *index) node(i int32) fhir.Node {
	if i < 0 {
		return fhir.Node{}
	}
	return x.doc.NodeAt(x.e[i].node)
}

// extsOf appends the positions of p's extensions with the url to out
// (fhir.Node.Ext, into the caller's buffer).
func (x *index) extsOf(p int32, url string, out []int32) []int32 {
	if p < 0 {
		return out
	}
	for c := p + 1; c < x.e[p].end; c = x.e[c].end {
		if x.e[c].flags&pExt != 0 && x.url(c) == url {
			out = append(out, c)
		}
	}
	return out
}

// name returns the symbol and properties of an element name: from the
// schema's names by address, else from the message's cache of its other
// names.
func (x *index) name(s string) (sym, uint16) {
	if s, props, ok := x.pt.lookup(s); ok {
		return s, props
	}
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	return x.nameSlow(s, p, int((p^p>>8)%nameSlots))
}

// nameSlow looks a name up in the names cache beyond its first slot, then
// in the symbol table, and caches the answer.
func (x *index) nameSlow(s string, p uintptr, h int) (sym, uint16) {
	var free *nameSlot
	for k := 0; k < 8; k++ {
		sl := &x.names[(h+k)%nameSlots]
		if sl.p == p && sl.n == len(s) {
			return sl.sym, sl.props
		}
		if sl.p == 0 {
			free = sl
			break
		}
	}
	si := x.tab.info(s)
	if free != nil && x.used < nameSlots*3/4 {
		free.p, free.n, free.sym, free.props = p, len(s), si.sym, si.props
		x.used++
	}
	return si.sym, si.props
}

// ptrTable maps the schema's names, which every Doc shares
// (fhir.Node.Name gives an element of fhirschema.Names for a name the
// schema has), to their symbols and properties by the address of their
// bytes: one multiply and a compare for most names of a message, with no
// per-message cache to fill. It is built once per symbol table.
type ptrTable struct {
	tab *symTable
	// byID are the symbols and properties of fhirschema.Names, by index
	// there (fhir.Elem.Name).
	byID  []idSlot
	slots []ptrSlot
	shift uint
}

type idSlot struct {
	sym   sym
	props uint16
}

type ptrSlot struct {
	p     uintptr
	n     int32
	sym   sym
	props uint16
}

var ptrTables atomic.Pointer[ptrTable]

// ptrTableOf returns the table for symbol table tab, building it when
// the symbols have changed since (rules compiled after the last message).
func ptrTableOf(tab *symTable) *ptrTable {
	if pt := ptrTables.Load(); pt != nil && pt.tab == tab {
		return pt
	}
	names := fhirschema.Names()
	bits := uint(1)
	for 1<<bits < 2*len(names) {
		bits++
	}
	pt := &ptrTable{tab: tab, slots: make([]ptrSlot, 1<<bits), shift: 64 - bits}
	mask := len(pt.slots) - 1
	pt.byID = make([]idSlot, len(names))
	for k, s := range names {
		si := tab.info(s)
		pt.byID[k] = idSlot{si.sym, si.props}
		if s == "" {
			continue
		}
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		h := pt.hash(p)
		for pt.slots[h].p != 0 && (pt.slots[h].p != p || int(pt.slots[h].n) != len(s)) {
			h = (h + 1) & mask
		}
		pt.slots[h] = ptrSlot{p, int32(len(s)), si.sym, si.props}
	}
	ptrTables.Store(pt)
	return pt
}

func (pt *ptrTable) hash(p uintptr) int {
	return int(uint64(p) * 0x9E3779B97F4A7C15 >> pt.shift)
}

// lookup returns the symbol and properties of a name the schema has,
// false for another (a Doc's own names: their bytes are elsewhere).
func (pt *ptrTable) lookup(s string) (sym, uint16, bool) {
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	mask := len(pt.slots) - 1
	for h := pt.hash(p); ; h = (h + 1) & mask {
		sl := &pt.slots[h]
		if sl.p == p && int(sl.n) == len(s) {
			return sl.sym, sl.props, true
		}
		if sl.p == 0 {
			return symNone, 0, false
		}
	}
}

// displayHolders are the elements outside narrative XHTML with a display
// child, in document order.
func (x *index) displayHolders() []int32 {
	out := x.holders[:0]
	for _, d := range x.displays {
		p := x.flat[d].Parent
		if p >= 0 && x.kid(p, symDisplay) == d { // the first display
			out = append(out, p)
		}
	}
	// A holder below another comes before the other's display.
	slices.Sort(out)
	x.holders = out
	return out
}

// kidEntry is where a resource's children of one name are: from first to
// last (siblings of other names may come between).
type kidEntry struct {
	sym         sym
	first, last int32
}

// kidSpan is a resource's kid entries in index.kt (n < 0 before they are
// listed), with a look-up by name: hash[sym%32] is 1 + the entry of the
// last name that falls there, 0 for none.
type kidSpan struct {
	off, n int32
	hash   [32]uint8
}

// kidList is a resource's kid entries and their look-up.
type kidList struct {
	entries []kidEntry
	hash    *[32]uint8
}

// find returns the entry of a name, nil for none.
func (l kidList) find(s sym) *kidEntry {
	b := l.hash[s%32]
	if b == 0 {
		return nil
	}
	if e := &l.entries[b-1]; e.sym == s {
		return e
	}
	for k := range l.entries { // another name fell there last
		if l.entries[k].sym == s {
			return &l.entries[k]
		}
	}
	return nil
}

// maxKidLists bounds the resources whose children are listed: beyond, the
// rows look through the children (the same answers, found more slowly).
const maxKidLists = 256

// kids lists the names of the children of the message's resource in slot
// (see Message.instancesAt), once; entries is nil when they are not
// listed.
func (x *index) kids(slot int) kidList {
	if slot < 0 || slot >= len(x.gkid) { // none listed for a message of many resources
		return kidList{}
	}
	sp := &x.gkid[slot]
	if sp.n < 0 {
		r := x.gpos[slot]
		if r < 0 {
			return kidList{}
		}
		off := len(x.kt)
		for c := r + 1; c < x.e[r].end; c = x.e[c].end {
			s := x.e[c].sym
			h := s % 32
			k := int(sp.hash[h]) - 1
			switch {
			case k >= 0 && x.kt[off+k].sym == s:
				x.kt[off+k].last = c
				continue
			case k >= 0: // another name fell there: look through
				k = 0
				for off+k < len(x.kt) && x.kt[off+k].sym != s {
					k++
				}
				if off+k < len(x.kt) {
					x.kt[off+k].last = c
					break
				}
				fallthrough
			default:
				k = len(x.kt) - off
				x.kt = append(x.kt, kidEntry{s, c, c})
			}
			if k < 255 {
				sp.hash[h] = uint8(k + 1)
			}
		}
		sp.off, sp.n = int32(off), int32(len(x.kt)-off)
	}
	return kidList{x.kt[sp.off : sp.off+sp.n : sp.off+sp.n], &sp.hash}
}

// at returns the position of a resource, -1 for none (or for an element
// that is no resource).
func (x *index) at(n fhir.Node) int32 {
	if !n.Ok() {
		return -1
	}
	j := n.Index()
	lo, hi := 0, len(x.res)
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if x.res[h].node < j {
			lo = h + 1
		} else {
			hi = h
		}
	}
	if lo < len(x.res) && x.res[lo].node == j {
		return x.res[lo].pos
	}
	return -1
}

// value is element i's value ("" for none).
func (x *index) value(i int32) string { return x.doc.ElemValue(&x.flat[i]) }

// url is element i's url ("" for none).
func (x *index) url(i int32) string { return x.doc.ElemURL(&x.flat[i]) }

// present reports whether element i has a value or children.
func (x *index) present(i int32) bool {
	return i >= 0 && (x.e[i].flags&fValue != 0 || x.e[i].end > i+1)
}

// kid returns the first child of i named s, -1 for none.
func (x *index) kid(i int32, s sym) int32 {
	if i < 0 {
		return -1
	}
	for c := i + 1; c < x.e[i].end; c = x.e[c].end {
		if x.e[c].sym == s {
			return c
		}
	}
	return -1
}

// get follows a path of names from i, the first child each time, as
// fhir.Node.Get does.
func (x *index) get(i int32, path []sym) int32 {
	for _, s := range path {
		if i < 0 {
			return -1
		}
		i = x.kid(i, s)
	}
	return i
}

// val is the value of element i and whether it has one.
func (x *index) val(i int32) (string, bool) {
	if i < 0 || x.e[i].flags&fValue == 0 {
		return "", false
	}
	return x.doc.ElemValue(&x.flat[i]), true
}

// kidVal is the value of i's first child named s.
func (x *index) kidVal(i int32, s sym) (string, bool) { return x.val(x.kid(i, s)) }

// kidVals is kidVal of two names (a system and a code), in one pass over
// i's children.
func (x *index) kidVals(i int32, a, b sym) (va string, oka bool, vb string, okb bool) {
	ka, kb := int32(-1), int32(-1)
	if i >= 0 {
		for c := i + 1; c < x.e[i].end && (ka < 0 || kb < 0); c = x.e[c].end {
			if s := x.e[c].sym; s == a && ka < 0 {
				ka = c
			} else if s == b && kb < 0 {
				kb = c
			}
		}
	}
	va, oka = x.val(ka)
	vb, okb = x.val(kb)
	return va, oka, vb, okb
}

// kidPresent reports whether i's first child named s is present.
func (x *index) kidPresent(i int32, s sym) bool { return x.present(x.kid(i, s)) }

// all appends every child of i named s, present or not, as
// fhir.Node.All gives them.
func (x *index) all(i int32, s sym, out []int32) []int32 {
	if i < 0 {
		return out
	}
	for c := i + 1; c < x.e[i].end; c = x.e[c].end {
		if x.e[c].sym == s {
			out = append(out, c)
		}
	}
	return out
}

// findAll appends every element at the end of a path of names from i,
// following every repetition, present or not.
func (x *index) findAll(i int32, path []sym, out []int32) []int32 {
	if i < 0 {
		return out
	}
	if len(path) == 0 {
		return append(out, i)
	}
	for c := i + 1; c < x.e[i].end; c = x.e[c].end {
		if x.e[c].sym == path[0] {
			out = x.findAll(c, path[1:], out)
		}
	}
	return out
}
