package fhirschema

import "math/bits"

// Tables derived from the generated ones, shaped for the walk: open,
// step and close read one compact record per element and per type
// instead of searching the content models.

// elemInfo is what open and step need of an element declaration.
type elemInfo struct {
	// w0 and w1 are nameWords(name), meta is nameMeta(name, ns): equal
	// words and metas are equal names, up to 16 bytes, in one namespace.
	// They come first, and the record is 64 bytes, for find's sake.
	w0, w1, meta uint64
	name         string
	// part is the element's particle; max bounds its repetitions inside
	// one occurrence of it, pmax the particle's occurrences (-1:
	// unbounded), and choice says the particle has more than one element.
	part, max, pmax int32
	typ             uint16
	nameID          uint16 // index in names
	ns              elemNS
	choice          bool
	// repeats says the element may occur more than once (its path has
	// an index); entry, that it is named "entry" (the root Bundle's
	// entries number the errors).
	repeats, entry bool
}

// modelInfo is a content model as the walk reads it.
type modelInfo struct {
	elems []elemInfo
	// slots is an open-addressing hash of the elements by elemKey: an
	// element's index plus one, 0 for none. Its length is a power of two
	// at least twice the elements, so a search stops after a probe or two.
	slots []uint16
	mask  uint32
	// nextReq[q] is the first required particle from q on (len(parts)
	// when none is): a step over particles, or an element's end, looks
	// for missing ones with one read.
	nextReq []int32
}

// modelInfos parallels modelTable; buildNames fills it (it needs the
// names' indexes).
var modelInfos [len(modelTable)]modelInfo

// nameWords reads a name as two words: up to 16 bytes, the name is
// its length and its words. Bytes 0, n/2 and n-1 of a name under four
// bytes (every byte); the first and last four of one under eight; the
// first and last eight of a longer one. (find has a copy.)
func nameWords(s string) (w0, w1 uint64) {
	switch n := len(s); {
	case n >= 8:
		return load64(s, 0), load64(s, n-8)
	case n >= 4:
		return uint64(load32(s, 0)) | uint64(load32(s, n-4))<<32, 0
	case n > 0:
		return uint64(s[0]) | uint64(s[n/2])<<8 | uint64(s[n-1])<<16, 0
	}
	return 0, 0
}

// nameMeta is a name's length and namespace in one word.
func nameMeta(n int, ns elemNS) uint64 { return uint64(n)<<8 | uint64(ns) }

// slotOf is where the search for a name of length n and words w0, w1
// starts in a table of mask+1 slots.
func slotOf(w0, w1 uint64, n int, mask uint32) uint32 {
	return uint32((w0^bits.RotateLeft64(w1, 29)^uint64(n))*0x9E3779B97F4A7C15>>40) & mask
}

func buildModelInfos() {
	total := 0
	for i := range modelTable {
		total += len(modelTable[i].elems)
	}
	flat := make([]elemInfo, total)
	for i := range modelTable {
		m := &modelTable[i]
		es := flat[:len(m.elems):len(m.elems)]
		flat = flat[len(m.elems):]
		for j, d := range m.elems {
			p := &m.parts[d.part]
			w0, w1 := nameWords(d.name)
			es[j] = elemInfo{name: d.name, w0: w0, w1: w1, meta: nameMeta(len(d.name), d.ns), typ: d.typ, nameID: nameIndex[d.name],
				part: int32(d.part), max: int32(d.max), pmax: int32(p.max), ns: d.ns, choice: p.n > 1,
				repeats: p.max != 1 || d.max != 1, entry: d.name == "entry"}
		}
		size := 2
		for size < 2*len(es) {
			size *= 2
		}
		slots := make([]uint16, size)
		mask := uint32(size - 1)
		for j := range es {
			h := slotOf(es[j].w0, es[j].w1, len(es[j].name), mask)
			for slots[h] != 0 {
				h = (h + 1) & mask
			}
			slots[h] = uint16(j + 1)
		}
		next := make([]int32, len(m.parts)+1)
		next[len(m.parts)] = int32(len(m.parts))
		for q := len(m.parts) - 1; q >= 0; q-- {
			next[q] = next[q+1]
			if required(m, q) {
				next[q] = int32(q)
			}
		}
		modelInfos[i] = modelInfo{elems: es, slots: slots, mask: mask, nextReq: next}
	}
}

// find returns the index of the element named local in namespace ens,
// -1 when the model declares none.
func (mi *modelInfo) find(local string, ens elemNS) int {
	// nameWords, by hand: it is not inlined.
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
	slots, elems := mi.slots, mi.elems
	for h := slotOf(w0, w1, n, mi.mask); ; h = (h + 1) & mi.mask {
		s := int(slots[h])
		if s == 0 {
			return -1
		}
		if e := &elems[s-1]; e.w0 == w0 && e.w1 == w1 && e.meta == meta {
			if n > 16 {
				// The words leave the middle unread: findLong
				// compares whole names (apart, so that this loop calls
				// nothing and keeps its values in registers).
				return mi.findLong(local, meta, h)
			}
			return s - 1
		}
	}
}

// findLong is find for a name over 16 bytes, of nameMeta meta, from
// slot h on, where the search stands.
func (mi *modelInfo) findLong(local string, meta uint64, h uint32) int {
	w0, w1 := nameWords(local)
	for ; ; h = (h + 1) & mi.mask {
		s := int(mi.slots[h])
		if s == 0 {
			return -1
		}
		if e := &mi.elems[s-1]; e.w0 == w0 && e.w1 == w1 && e.meta == meta && e.name == local {
			return s - 1
		}
	}
}

// typeInfo is what the walk needs of a type. 16 bytes, for open's
// indexing.
type typeInfo struct {
	// frameType is what the element's frame keeps (typ is the type's
	// own id).
	frameType
	attrs uint16
	// valueSimple is the simple type of the type's "value" attribute,
	// valueAt its index in the attribute set (-1 when it has none, or
	// beyond 63), valueQuick simpleQuick[valueSimple].
	valueSimple uint16
	valueAt     int8
	valueQuick  quickKind
	// requires says an attribute is required; valueOnly, that the value
	// attribute alone may be all (it is declared and no other one is
	// required).
	requires, valueOnly bool
}

var typeInfos = func() (ts [len(typeTable)]typeInfo) {
	for i := range typeTable {
		t := &typeTable[i]
		m := &modelTable[t.model]
		last := -1
		for q := range m.parts {
			if required(m, q) {
				last = q
			}
		}
		set := attrTable[t.attrs]
		at := attrValueAt[t.attrs]
		if t.kind == kindContainer {
			last = 0
		}
		ti := typeInfo{frameType: frameType{typ: uint16(i), model: t.model, endFrom: int16(last), container: t.kind == kindContainer},
			attrs: t.attrs, valueAt: at}
		// Element content, or a resource container, takes white space
		// between (or instead of) the children; mixed content any text.
		blankOK := t.mixed || len(m.parts) != 0 || t.kind == kindContainer
		requiresMore := false // an attribute but value is required
		for k, d := range set {
			if d.required {
				ti.requires = true
				requiresMore = requiresMore || k != int(at)
			}
		}
		if at >= 0 {
			ti.valueSimple = set[at].simple
			ti.valueQuick = simpleQuick[ti.valueSimple]
			ti.valueOnly = !requiresMore
		}
		switch {
		case t.mixed:
			ti.textOK = textBlank | textNonBlank
		case blankOK:
			ti.textOK = textBlank
		}
		ts[i] = ti
	}
	return ts
}()
