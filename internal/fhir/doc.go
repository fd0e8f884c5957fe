package fhir

import (
	"sort"
	"strings"
)

// Doc is the whole message as a tree of elements, built by ReadDoc in the
// same pass that gathers the Bundle facts. XML and JSON give the same tree:
//
//   - an element is a Node named as in FHIR XML (a JSON member "system":
//     "x" and <system value="x"/> both give a Node "system" with Value "x");
//     a JSON array gives one Node per item;
//   - an extension's url is Node.URL (an XML attribute, a JSON member);
//   - a resource is a Node named by its type, with Type set; in an entry it
//     is the only child of the entry's "resource" Node (as in XML), and a
//     JSON resource's resourceType member gives no Node;
//   - a JSON primitive's "_name" member is merged into the Node of "name";
//   - elements outside the FHIR namespace (the XHTML of a narrative) are
//     kept with Space set to their namespace.
//
// A Doc slices its strings out of the body it was read from: the body must
// not change while the Doc is in use. Copy what must outlive it.
type Doc struct {
	Format string // FormatXML or FormatJSON
	// Root is the top-level resource (the Bundle), nil for an ITK wrapper.
	Root *Node
	// Entries are the root Bundle's entries, in order.
	Entries []Entry

	src   string
	lines []int // offsets of line starts, built on first use
}

// Entry is one Bundle.entry.
type Entry struct {
	Index   int
	FullURL string
	// Node is the entry element; Resource its resource (nil when absent).
	Node     *Node
	Resource *Node
}

// Node is one element of a message.
type Node struct {
	Name     string
	Value    string
	HasValue bool
	URL      string
	// Space is the XML namespace of an element outside FHIR's, else "".
	Space string
	// Type is the resource type when the element is a resource.
	Type string
	// Attrs holds an XML element's attributes other than value, url and
	// namespace declarations (id among them), in document order.
	Attrs []Attr
	// Offset is the byte offset where the element starts in the body (its
	// start tag; in JSON, its value).
	Offset int
	Parent *Node
	Kids   []*Node
}

// Attr is an XML attribute: its local name, its namespace when prefixed.
type Attr struct {
	Space, Name, Value string
}

// Kid returns the first child named name, nil when there is none.
func (n *Node) Kid(name string) *Node {
	if n == nil {
		return nil
	}
	for _, k := range n.Kids {
		if k.Name == name {
			return k
		}
	}
	return nil
}

// All returns the children named name.
func (n *Node) All(name string) []*Node {
	if n == nil {
		return nil
	}
	var out []*Node
	for _, k := range n.Kids {
		if k.Name == name {
			out = append(out, k)
		}
	}
	return out
}

// Get follows a dotted path of child names ("source.contact.system") and
// returns the first element found at its end, nil when there is none.
func (n *Node) Get(path string) *Node {
	for n != nil && path != "" {
		name := path
		if i := strings.IndexByte(path, '.'); i >= 0 {
			name, path = path[:i], path[i+1:]
		} else {
			path = ""
		}
		n = n.Kid(name)
	}
	return n
}

// Find returns every element at the end of a dotted path, following every
// repetition on the way.
func (n *Node) Find(path string) []*Node {
	if n == nil {
		return nil
	}
	cur := []*Node{n}
	for path != "" {
		name := path
		if i := strings.IndexByte(path, '.'); i >= 0 {
			name, path = path[:i], path[i+1:]
		} else {
			path = ""
		}
		var next []*Node
		for _, c := range cur {
			for _, k := range c.Kids {
				if k.Name == name {
					next = append(next, k)
				}
			}
		}
		cur = next
	}
	return cur
}

// Val returns the value at the end of a dotted path and whether it is
// present.
func (n *Node) Val(path string) (string, bool) {
	k := n.Get(path)
	if k == nil || !k.HasValue {
		return "", false
	}
	return k.Value, true
}

// Ext returns the extensions of n with the given url.
func (n *Node) Ext(url string) []*Node {
	if n == nil {
		return nil
	}
	var out []*Node
	for _, k := range n.Kids {
		if (k.Name == "extension" || k.Name == "modifierExtension") && k.URL == url {
			out = append(out, k)
		}
	}
	return out
}

// Present reports whether the element occurs with a value or children (an
// empty element counts as absent).
func (n *Node) Present() bool {
	return n != nil && (n.HasValue || len(n.Kids) > 0)
}

// Resource returns the resource holding n (n itself when it is one).
func (n *Node) Resource() *Node {
	for ; n != nil; n = n.Parent {
		if n.Type != "" {
			return n
		}
	}
	return nil
}

// Path is the FHIR path of n within its resource, e.g.
// "Procedure.outcome.coding"; an extension is written extension(url).
func (n *Node) Path() string {
	var names []string
	for m := n; m != nil; m = m.Parent {
		if m.Type != "" {
			names = append(names, m.Type)
			break
		}
		switch {
		case (m.Name == "extension" || m.Name == "modifierExtension") && m.URL != "":
			names = append(names, m.Name+"("+shortURL(m.URL)+")")
		default:
			names = append(names, m.Name)
		}
	}
	for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
		names[i], names[j] = names[j], names[i]
	}
	return strings.Join(names, ".")
}

// shortURL keeps the last segment of a StructureDefinition url
// ("Extension-RoutingDemographics-1"), which names it well enough in a path.
func shortURL(u string) string {
	if i := strings.LastIndexByte(u, '/'); i >= 0 && i < len(u)-1 {
		return u[i+1:]
	}
	return u
}

// Line returns the 1-based line of the body where n starts (0 for nil).
func (d *Doc) Line(n *Node) int {
	if d == nil || n == nil {
		return 0
	}
	if d.lines == nil {
		d.lines = append(make([]int, 0, 64), 0)
		for i := 0; i < len(d.src); i++ {
			if d.src[i] == '\n' {
				d.lines = append(d.lines, i+1)
			}
		}
	}
	return sort.SearchInts(d.lines, n.Offset+1)
}

// Entry returns the entry holding n, if any.
func (d *Doc) EntryOf(n *Node) (Entry, bool) {
	for m := n; m != nil; m = m.Parent {
		if m.Name == "entry" && m.Parent == d.Root && d.Root != nil {
			for _, e := range d.Entries {
				if e.Node == m {
					return e, true
				}
			}
		}
	}
	return Entry{}, false
}

// docBuilder grows a Doc from the collector's element events.
type docBuilder struct {
	doc   *Doc
	stack []*Node
	// at is the offset of the element the reader opens next.
	at int
	// merge says the next element opened is a JSON "_name" member.
	merge bool
	slab  []Node
}

func (d *docBuilder) alloc() *Node {
	if len(d.slab) == 0 {
		d.slab = make([]Node, 64)
	}
	n := &d.slab[0]
	d.slab = d.slab[1:]
	return n
}

func (d *docBuilder) top() *Node {
	if len(d.stack) == 0 {
		return nil
	}
	return d.stack[len(d.stack)-1]
}

// open starts an element as the child of the innermost one.
func (d *docBuilder) open(name, space string) *Node {
	parent := d.top()
	if d.merge && parent != nil {
		d.merge = false
		// "_name" gives the id and extensions of the primitive "name":
		// merge into the first such sibling not yet merged.
		for _, k := range parent.Kids {
			if k.Name == name && k.HasValue && len(k.Kids) == 0 && k.Attrs == nil {
				d.stack = append(d.stack, k)
				return k
			}
		}
	}
	d.merge = false
	n := d.alloc()
	n.Name, n.Space, n.Offset, n.Parent = name, space, d.at, parent
	if parent != nil {
		parent.Kids = append(parent.Kids, n)
	} else if d.doc.Root == nil {
		d.doc.Root = n
	}
	d.stack = append(d.stack, n)
	return n
}

func (d *docBuilder) close() *Node {
	n := d.top()
	d.stack = d.stack[:len(d.stack)-1]
	return n
}

// finish fills the entries once the document has ended.
func (d *docBuilder) finish() *Doc {
	doc := d.doc
	if doc.Root != nil && doc.Root.Type == "" {
		doc.Root = nil // an ITK wrapper root
	}
	if doc.Root == nil {
		return doc
	}
	for i, e := range doc.Root.All("entry") {
		en := Entry{Index: i, Node: e}
		en.FullURL, _ = e.Val("fullUrl")
		if r := e.Kid("resource"); r != nil {
			for _, k := range r.Kids {
				if k.Type != "" {
					en.Resource = k
					break
				}
			}
		}
		doc.Entries = append(doc.Entries, en)
	}
	return doc
}

// Walk calls f for n and every element below it, in document order; when f
// returns false the element's children are skipped.
func (n *Node) Walk(f func(*Node) bool) {
	if n == nil || !f(n) {
		return
	}
	for _, k := range n.Kids {
		k.Walk(f)
	}
}
