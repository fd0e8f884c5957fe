package fhirschema

// Tables derived from the generated ones, shaped for the walk: open,
// step and close read one compact record per element and per type
// instead of searching the content models.

// elemInfo is what open and step need of an element declaration.
type elemInfo struct {
	name   string
	key    uint32 // elemKey(name)
	typ    uint16
	nameID uint16 // index in names
	// part is the element's particle; max bounds its repetitions inside
	// one occurrence of it, pmax the particle's occurrences (-1:
	// unbounded), and choice says the particle has more than one element.
	part, max, pmax int32
	ns              elemNS
	choice          bool
	// repeats says the element may occur more than once (its path has
	// an index).
	repeats bool
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
var modelInfos []modelInfo

// elemKey mixes a name's length and first, middle and last bytes: names
// in one model rarely share all four.
func elemKey(s string) uint32 {
	if s == "" {
		return 0
	}
	return uint32(len(s))<<24 | uint32(s[0])<<16 | uint32(s[len(s)/2])<<8 | uint32(s[len(s)-1])
}

// slotOf is where the search for key starts in a table of mask+1 slots.
func slotOf(key, mask uint32) uint32 { return (key * 0x9E3779B1 >> 16) & mask }

func buildModelInfos() {
	modelInfos = make([]modelInfo, len(modelTable))
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
			es[j] = elemInfo{name: d.name, key: elemKey(d.name), typ: d.typ, nameID: nameIndex[d.name],
				part: int32(d.part), max: int32(d.max), pmax: int32(p.max), ns: d.ns, choice: p.n > 1,
				repeats: p.max != 1 || d.max != 1}
		}
		size := 2
		for size < 2*len(es) {
			size *= 2
		}
		slots := make([]uint16, size)
		mask := uint32(size - 1)
		for j := range es {
			h := slotOf(es[j].key, mask)
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
	key := elemKey(local)
	h := slotOf(key, mi.mask)
	n := len(local)
	for {
		s := int(mi.slots[h])
		if s == 0 {
			return -1
		}
		// The keys' equality says the lengths (below 256) and the first,
		// middle and last bytes are: a short name needs at most two word
		// compares.
		if e := &mi.elems[s-1]; e.key == key && len(e.name) == n && e.ns == ens {
			switch name := e.name; {
			case n <= 3:
				return s - 1
			case n <= 8:
				if load32(local, 0) == load32(name, 0) && load32(local, n-4) == load32(name, n-4) {
					return s - 1
				}
			case n <= 16:
				if load64(local, 0) == load64(name, 0) && load64(local, n-8) == load64(name, n-8) {
					return s - 1
				}
			case local == name:
				return s - 1
			}
		}
		h = (h + 1) & mi.mask
	}
}

// typeInfo is what the walk needs of a type.
type typeInfo struct {
	model, attrs uint16
	// endFrom is the frame's endFrom: the model's last required
	// particle (-1 for none), 0 for a container.
	endFrom int16
	// valueAt is the index in the attribute set of its "value" attribute
	// (-1 when it has none, or beyond 63), of simple type valueSimple.
	valueAt     int8
	valueSimple uint16
	// requires says an attribute is required; requiresMore, one but
	// value.
	requires, requiresMore bool
	mixed                  bool
	container              bool
	// textOK is the character data charData accepts in the type's
	// element (textFlag bits).
	textOK uint8
	// blankOK says white space may stand between (or instead of) the
	// element's children: mixed content, a content model of elements, or
	// a resource container.
	blankOK bool
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
		ti := typeInfo{model: t.model, attrs: t.attrs, endFrom: int16(last), valueAt: at, mixed: t.mixed,
			container: t.kind == kindContainer,
			blankOK:   t.mixed || len(m.parts) != 0 || t.kind == kindContainer}
		for k, d := range set {
			if d.required {
				ti.requires = true
				ti.requiresMore = ti.requiresMore || k != int(at)
			}
		}
		if at >= 0 {
			ti.valueSimple = set[at].simple
		}
		switch {
		case ti.mixed:
			ti.textOK = textBlank | textNonBlank
		case ti.blankOK:
			ti.textOK = textBlank
		}
		ts[i] = ti
	}
	return ts
}()
