package fhir

import "slices"

// Elem is one element as Doc.Elements lists them: what a reader that
// indexes the whole tree asks of every element, read in one pass over the
// Doc's array instead of a few Node calls an element.
type Elem struct {
	Node   int32 // the element's index in the Doc (Node.Index; Doc.NodeAt)
	Parent int32 // its parent's position in the list, -1 for the first
	End    int32 // the position after its last descendant
	// Name is the index of its name in fhirschema.Names, NameOther for a
	// name the schema does not have (Node.Name gives it).
	Name  uint16
	Flags uint16 // ElemValue, ElemResource, ElemForeign (and bits of its own)
	// val is the element's value or url, as dnode.val (Doc.ElemValue,
	// Doc.ElemURL).
	val span
}

// NameOther is Elem.Name for a name outside fhirschema.Names.
const NameOther = ^uint16(0)

// Elem flags.
const (
	ElemValue    uint16 = 1 << iota // Node.HasValue
	ElemResource                    // Node.Type is not ""
	ElemForeign                     // Node.Space is not ""

	elemURL   uint16 = 1 << 14 // val holds the url
	elemExtra uint16 = 1 << 15 // Doc.extra holds more
)

// Elements appends root and every element below it to out, in document
// order (as Node.Walk visits them), and returns out. Positions (Parent,
// End) are indexes in out.
func (d *Doc) Elements(root Node, out []Elem) []Elem {
	if root.d != d || d == nil {
		return out
	}
	// at is Doc.at with the array in a local: the walk reads three
	// elements for each one it lists.
	nodes := d.nodes
	at := func(i int32) *dnode {
		if uint32(i) < uint32(len(nodes)) {
			return &nodes[i]
		}
		return d.atMore(i)
	}
	top := int32(len(out))
	// The list is cut to size at the end, written in place meanwhile (an
	// append of a composite copies it through the stack).
	out = slices.Grow(out, int(d.count)) // hidden elements are counted too
	all := out[:cap(out)]
	pos := top
	i, parent := root.i, int32(-1)
	for {
		n := at(i)
		e := &all[pos]
		e.Node, e.Parent, e.End, e.val = i, parent, pos+1, n.val
		e.Name = n.name
		if int(n.name) >= len(schemaNames) {
			e.Name = NameOther
		}
		var f uint16
		if n.flags&flagValue != 0 {
			f = ElemValue
		}
		if n.flags&(flagResource|flagExtra|flagURL) != 0 {
			if n.flags&flagResource != 0 {
				f |= ElemResource
			}
			if n.flags&flagURL != 0 {
				f |= elemURL
			}
			if n.flags&flagExtra != 0 {
				f |= elemExtra
				if d.extra[i].space != "" {
					f |= ElemForeign
				}
			}
		}
		e.Flags = f
		pos++
		k := n.first
		if k >= 0 && at(k).flags&flagHidden != 0 { // only JSON has hidden elements
			k = d.visible(k)
		}
		if k >= 0 {
			i, parent = k, pos-1
			continue
		}
		// On to the next sibling, closing the elements left.
		k = n.next
		for cur := pos - 1; ; {
			if cur == top {
				return all[:pos]
			}
			if k >= 0 && at(k).flags&flagHidden != 0 {
				k = d.visible(k)
			}
			if k >= 0 {
				i, parent = k, all[cur].Parent
				break
			}
			cur = all[cur].Parent
			all[cur].End = pos
			k = at(all[cur].Node).next
		}
	}
}

// ElemValue is the value of an element Elements listed, as Node.Value.
func (d *Doc) ElemValue(e *Elem) string {
	if e.Flags&ElemValue == 0 {
		return ""
	}
	return d.str(e.val)
}

// ElemURL is the url of an element Elements listed, as Node.URL.
func (d *Doc) ElemURL(e *Elem) string {
	switch {
	case e.Flags&elemURL != 0:
		return d.str(e.val)
	case e.Flags&elemExtra != 0:
		return d.extra[e.Node].url
	}
	return ""
}

func (d *Doc) str(s span) string {
	if s.n == strMark {
		return d.strs[s.off]
	}
	return d.src[s.off : s.off+s.n]
}

// visible is i, or the first sibling after it that is not hidden; -1 for
// none.
func (d *Doc) visible(i int32) int32 {
	for i >= 0 && d.at(i).flags&flagHidden != 0 {
		i = d.at(i).next
	}
	return i
}

// NodeAt returns the element of index i (Node.Index), as Elem.Node names
// it.
func (d *Doc) NodeAt(i int32) Node {
	if d == nil || i < 0 || i >= d.count {
		return Node{}
	}
	return Node{d, i}
}
