package content

import (
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

// sym is an element name as a small integer; 0 is a name no rule names.
type sym int32

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
)

var fixedNames = []string{"", "extension", "modifierExtension", "reference", "contained", "text", "div", "start", "end",
	"telecom", "valueContactPoint", "contact", "source", "value", "system", "code", "display", "coding", "valueCoding",
	"low", "high", "numerator", "denominator", "data", "contentType", "dose", "doseQuantity", "period", "id", "meta",
	"versionId", "lastUpdated", "entry", "search", "request", "response", "fullUrl", "identifier", "name", "address",
	"use", "referenceRange", "dataAbsentReason", "component", "notDoneReason", "notDone", "participant", "onBehalfOf",
	"member", "family", "given", "organization"}

// symInfo is what the symbol table knows of a name.
type symInfo struct {
	sym   sym
	props uint16
}

// symbols maps names to symbols: the fixed names, every element and
// resource name of the FHIR schema, and the names the rules' paths add.
// It only grows (rules are compiled at start-up), copied on write so that
// readers take no lock.
var symbols = struct {
	mu  sync.Mutex
	tab atomic.Pointer[map[string]symInfo]
}{}

func init() {
	tab := make(map[string]symInfo, 4096)
	add := func(n string) {
		if _, ok := tab[n]; !ok {
			tab[n] = symInfo{sym(len(tab) + 1), nameProps(n)}
		}
	}
	for _, n := range fixedNames[1:] {
		add(n)
	}
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
				add(e.Name)
				visit(e.Type)
			}
		}
		add("Bundle")
		visit(b)
	}
	symbols.tab.Store(&tab)
}

// intern returns the symbol of a name, giving it one when it has none.
func intern(name string) sym {
	if si, ok := (*symbols.tab.Load())[name]; ok {
		return si.sym
	}
	symbols.mu.Lock()
	defer symbols.mu.Unlock()
	old := *symbols.tab.Load()
	if si, ok := old[name]; ok {
		return si.sym
	}
	tab := make(map[string]symInfo, len(old)+1)
	for k, v := range old {
		tab[k] = v
	}
	si := symInfo{sym(len(old) + 1), nameProps(name)}
	tab[strings.Clone(name)] = si
	symbols.tab.Store(&tab)
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

	fValue    // the element has a value
	fResource // the element is a resource
	fForeign  // the element is outside the FHIR namespace (narrative XHTML)
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
	return p
}

// elem is one element of the index.
type elem struct {
	node fhir.Node
	val  string // the value, "" for none (flags say whether there is one)
	// parent is the parent's position (-1 for the root); end the position
	// after the element's last descendant: its children start at i+1,
	// each next one at the previous one's end.
	parent, end int32
	sym         sym
	flags       uint16
}

func (e *elem) has(f uint16) bool { return e.flags&f != 0 }

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
	e []elem
	// pos maps fhir.Node.Index to a position in e (-1: not indexed).
	pos   []int32
	names [nameSlots]nameSlot
	used  int
	// tab is the symbol table the index was built with.
	tab *map[string]symInfo
	// scopes and found are scratch space for the element rows.
	scopes, found []int32
	// memo and types serve typeTimes. The memo's keys are the schema's
	// and the symbols' (the same for every message), so it is kept.
	memo  map[childKey]childType
	types []fhirschema.Type
}

var indexes = sync.Pool{New: func() any { return new(index) }}

// index builds the message's element index, once.
func (m *Message) index() *index {
	tab := symbols.tab.Load()
	if m.idx != nil && m.idx.tab == tab {
		return m.idx
	}
	m.release() // built before a rule named a new element name
	x := indexes.Get().(*index)
	x.tab = tab
	if d := m.Doc; d != nil && d.Root.Ok() {
		n := d.Len()
		if cap(x.pos) < n {
			x.pos = make([]int32, n)
		}
		x.pos = x.pos[:n]
		for i := range x.pos {
			x.pos[i] = -1
		}
		if cap(x.e) < n {
			x.e = make([]elem, 0, n)
		}
		x.add(d.Root, -1, d.Format != fhir.FormatJSON)
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
	clear(x.e)
	x.e = x.e[:0]
	x.names = [nameSlots]nameSlot{}
	x.used = 0
	x.tab = nil
	if cap(x.e) > 1<<16 {
		return // a huge message's index is not kept
	}
	indexes.Put(x)
}

func (x *index) add(n fhir.Node, parent int32, xml bool) {
	i := int32(len(x.e))
	s, props := x.name(n.Name())
	v := n.Value()
	if v != "" || n.HasValue() {
		props |= fValue
	}
	if props&pUpper != 0 && n.Type() != "" { // element names start lower-case
		props |= fResource
	}
	if xml && n.Space() != "" {
		props |= fForeign // only XML has elements of other namespaces
	}
	x.e = append(x.e, elem{node: n, val: v, parent: parent, sym: s, flags: props})
	if j := n.Index(); j >= 0 && int(j) < len(x.pos) {
		x.pos[j] = i
	}
	for k := n.First(); k.Ok(); k = k.Next() {
		x.add(k, i, xml)
	}
	x.e[i].end = int32(len(x.e))
}

// name returns the symbol and properties of an element name.
func (x *index) name(s string) (sym, uint16) {
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	h := int((p >> 3) * 0x9E3779B97F4A7C15 >> 56)
	for k := 0; k < 8; k++ {
		sl := &x.names[(h+k)%nameSlots]
		switch {
		case sl.p == p && sl.n == len(s):
			return sl.sym, sl.props
		case sl.p == 0 && x.used < nameSlots*3/4:
			sl.p, sl.n = p, len(s)
			sl.sym, sl.props = x.lookup(s)
			x.used++
			return sl.sym, sl.props
		}
	}
	return x.lookup(s) // a crowded table: look it up each time
}

// lookup finds a name in the symbol table.
func (x *index) lookup(s string) (sym, uint16) {
	if si, ok := (*x.tab)[s]; ok {
		return si.sym, si.props
	}
	return symNone, nameProps(s)
}

// at returns the position of a node, -1 for none.
func (x *index) at(n fhir.Node) int32 {
	if !n.Ok() {
		return -1
	}
	if j := n.Index(); j >= 0 && int(j) < len(x.pos) {
		return x.pos[j]
	}
	return -1
}

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
	return x.e[i].val, true
}

// kidVal is the value of i's first child named s.
func (x *index) kidVal(i int32, s sym) (string, bool) { return x.val(x.kid(i, s)) }

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

// resource is the position of the resource holding i (i itself when it is
// one), -1 for none.
func (x *index) resource(i int32) int32 {
	for ; i >= 0; i = x.e[i].parent {
		if x.e[i].flags&fResource != 0 {
			return i
		}
	}
	return -1
}
