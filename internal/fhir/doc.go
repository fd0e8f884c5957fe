package fhir

import (
	"sort"
	"strings"
	"unsafe"

	"github.com/nems-harness/nems-harness/internal/fhirschema"
)

// Doc is the whole message as a tree of elements, built by ReadDoc in the
// same pass that gathers the Bundle facts. XML and JSON give the same tree:
//
//   - an element is a Node named as in FHIR XML (a JSON member "system":
//     "x" and <system value="x"/> both give a Node "system" with value "x");
//     a JSON array gives one Node per item;
//   - an extension's url is Node.URL (an XML attribute, a JSON member);
//   - a resource is a Node named by its type, with Type set; in an entry it
//     is the only child of the entry's "resource" Node (as in XML), and a
//     JSON resource's resourceType member gives no Node;
//   - a JSON primitive's "_name" member is merged into the Node of "name",
//     whichever comes first, and item by item for arrays (a null item
//     stands for the item that only the other member gives);
//   - elements outside the FHIR namespace (the XHTML of a narrative) are
//     kept with Space set to their namespace.
//
// The tree is compact (28 bytes an element, in one array) because it is
// built for every request: values are kept as positions in the reader's
// copy of the body, which the Doc holds, and names as indexes in the
// schema's table of names (fhirschema.Names), shared by every Doc.
type Doc struct {
	Format string // FormatXML or FormatJSON
	// Root is the top-level resource (the Bundle); not Ok for an ITK
	// wrapper.
	Root Node
	// Entries are the root Bundle's entries, in order.
	Entries []Entry
	// SchemaChecked says an XML body was validated against the FHIR STU3
	// schema in the reading pass: Schema holds its errors (none: valid)
	// and Times its dateTime and instant values, typed by the schema.
	SchemaChecked bool
	Schema        []fhirschema.Error
	Times         []TypedValue

	src string
	// nodes holds the elements, in an array sized from the body; those
	// that do not fit go to chunks of moreSize in more. (An array that grew
	// would hold the old copy and the new at once, and a body of dense
	// elements is then a few times the size of its tree.)
	nodes []dnode
	more  [][]dnode
	count int32
	// names are the element names the schema does not have, indexed
	// from len(schemaNames) on.
	names []string
	strs  []string // values that are not slices of the body
	extra map[int32]*extra
	lines []int32 // offsets of line starts, built on first use
}

// schemaNames are the names every Doc shares (fhirschema.Names).
var schemaNames = fhirschema.Names()

// dnode is one element, in Doc.nodes; links are indexes there, -1 for none.
type dnode struct {
	parent, first, next int32
	off                 int32 // where the element starts in the body
	val                 span  // the value, or an extension's url (flagURL)
	// name indexes schemaNames, then Doc.names; manyNames means the name
	// is in Doc.extra (a document with more distinct names than fit).
	name  uint16
	flags uint16
}

const manyNames = ^uint16(0)

// span is a string of the body (off, n), or, when n is strMark, strs[off].
type span struct{ off, n uint32 }

const strMark = ^uint32(0)

const (
	flagValue    uint16 = 1 << iota // the element has a value
	flagURL                         // val holds the url
	flagResource                    // the element is a resource
	flagHidden                      // a JSON extension's url member: not a child
	flagExtra                       // Doc.extra holds more
	// JSON pairs: the element was given by a primitive member "name"
	// (or is a null item of one: hidden until "_name" gives it), or by a
	// "_name" member; flagPrim|flagUnder once the two are merged.
	flagPrim
	flagUnder
)

// extra holds what few elements have.
type extra struct {
	name  string
	space string
	url   string // when the element has a value too
	attrs []Attr
}

// TypedValue is a value the schema pass typed: its FHIR type ("dateTime",
// "instant"), its path as fhirschema.Error spells it, line and entry.
type TypedValue struct {
	Value, Type, Path string
	Line, Entry       int
}

// Entry is one Bundle.entry.
type Entry struct {
	Index   int
	FullURL string
	// Node is the entry element; Resource its resource (not Ok when absent).
	Node     Node
	Resource Node
}

// Node is one element of a message: a handle into its Doc. The zero Node
// stands for an absent element: every method answers "nothing" on it.
type Node struct {
	d *Doc
	i int32
}

// Attr is an XML attribute: its local name, its namespace when prefixed.
type Attr struct {
	Space, Name, Value string
}

// Ok reports whether the node is an element (not the absent one).
func (n Node) Ok() bool { return n.d != nil }

func (n Node) nd() *dnode { return n.d.at(n.i) }

const moreSize = 1024

// at returns element i.
func (d *Doc) at(i int32) *dnode {
	if uint32(i) < uint32(len(d.nodes)) {
		return &d.nodes[i]
	}
	return d.atMore(i)
}

func (d *Doc) atMore(i int32) *dnode {
	j := int(i) - len(d.nodes)
	return &d.more[j/moreSize][j%moreSize]
}

// add appends an element, the child of parent starting at off, and
// returns its index and the element. It is written in place, field by
// field (a composite copied in stalls on reading back what was just
// written).
func (d *Doc) add(parent, off int32, flags uint16) (int32, *dnode) {
	i := d.count
	d.count++
	var n *dnode
	if k := len(d.nodes); k < cap(d.nodes) {
		d.nodes = d.nodes[:k+1]
		n = &d.nodes[k]
	} else {
		j := int(i) - len(d.nodes)
		if j%moreSize == 0 {
			d.more = append(d.more, make([]dnode, 0, moreSize))
		}
		c := &d.more[j/moreSize]
		*c = (*c)[:len(*c)+1]
		n = &(*c)[len(*c)-1]
	}
	*n = dnode{}
	n.parent, n.first, n.next, n.off, n.flags = parent, -1, -1, off, flags
	return i, n
}

// nameOf returns the name of element i, whose name index is id.
func (d *Doc) nameOf(i int32, id uint16) string {
	if int(id) < len(schemaNames) {
		return schemaNames[id]
	}
	if id != manyNames {
		return d.names[int(id)-len(schemaNames)]
	}
	return d.extra[i].name
}

func (n Node) str(s span) string {
	if s.n == strMark {
		return n.d.strs[s.off]
	}
	return n.d.src[s.off : s.off+s.n]
}

// Name is the element's name (the resource type for a resource).
func (n Node) Name() string {
	if n.d == nil {
		return ""
	}
	id := n.d.at(n.i).name
	if int(id) < len(schemaNames) {
		return schemaNames[id]
	}
	return n.d.nameOf(n.i, id)
}

// Value is the element's value ("" when it has none).
func (n Node) Value() string {
	if !n.Ok() || n.nd().flags&flagValue == 0 {
		return ""
	}
	return n.str(n.nd().val)
}

// HasValue reports whether the element has a value.
func (n Node) HasValue() bool { return n.Ok() && n.nd().flags&flagValue != 0 }

// URL is an extension's url ("" for none).
func (n Node) URL() string {
	if !n.Ok() {
		return ""
	}
	d := n.nd()
	switch {
	case d.flags&flagURL != 0:
		return n.str(d.val)
	case d.flags&flagExtra != 0:
		return n.d.extra[n.i].url
	}
	return ""
}

// Space is the XML namespace of an element outside FHIR's, else "".
func (n Node) Space() string {
	if !n.Ok() || n.nd().flags&flagExtra == 0 {
		return ""
	}
	return n.d.extra[n.i].space
}

// Attrs are an XML element's attributes other than value, url and
// namespace declarations (id among them), in document order.
func (n Node) Attrs() []Attr {
	if !n.Ok() || n.nd().flags&flagExtra == 0 {
		return nil
	}
	return n.d.extra[n.i].attrs
}

// Type is the resource type when the element is a resource, else "".
func (n Node) Type() string {
	if !n.Ok() || n.nd().flags&flagResource == 0 {
		return ""
	}
	return n.Name()
}

// Offset is the byte offset where the element starts in the body (its
// start tag; in JSON, its value).
func (n Node) Offset() int {
	if !n.Ok() {
		return 0
	}
	return int(n.nd().off)
}

// Parent is the enclosing element (not Ok for the root).
func (n Node) Parent() Node {
	if !n.Ok() || n.nd().parent < 0 {
		return Node{}
	}
	return Node{n.d, n.nd().parent}
}

// First is the first child; Next the next sibling (not Ok when none).
func (n Node) First() Node {
	if !n.Ok() {
		return Node{}
	}
	return n.visible(n.nd().first)
}

// Next is the next sibling (not Ok when none).
func (n Node) Next() Node {
	if !n.Ok() {
		return Node{}
	}
	return n.visible(n.nd().next)
}

func (n Node) visible(i int32) Node {
	for i >= 0 && n.d.at(i).flags&flagHidden != 0 {
		i = n.d.at(i).next
	}
	if i < 0 {
		return Node{}
	}
	return Node{n.d, i}
}

// Kids returns the children, in order.
func (n Node) Kids() []Node {
	var out []Node
	for k := n.First(); k.Ok(); k = k.Next() {
		out = append(out, k)
	}
	return out
}

// Kid returns the first child named name (not Ok when there is none).
func (n Node) Kid(name string) Node {
	for k := n.First(); k.Ok(); k = k.Next() {
		if k.Name() == name {
			return k
		}
	}
	return Node{}
}

// All returns the children named name.
func (n Node) All(name string) []Node {
	var out []Node
	for k := n.First(); k.Ok(); k = k.Next() {
		if k.Name() == name {
			out = append(out, k)
		}
	}
	return out
}

// Get follows a dotted path of child names ("source.contact.system") and
// returns the first element found at its end.
func (n Node) Get(path string) Node {
	for n.Ok() && path != "" {
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

// Val returns the value at the end of a dotted path and whether it is
// present.
func (n Node) Val(path string) (string, bool) {
	k := n.Get(path)
	if !k.HasValue() {
		return "", false
	}
	return k.Value(), true
}

// Ext returns the extensions of n with the given url.
func (n Node) Ext(url string) []Node {
	var out []Node
	for k := n.First(); k.Ok(); k = k.Next() {
		if nm := k.Name(); (nm == "extension" || nm == "modifierExtension") && k.URL() == url {
			out = append(out, k)
		}
	}
	return out
}

// Present reports whether the element occurs with a value or children (an
// empty element counts as absent).
func (n Node) Present() bool {
	return n.Ok() && (n.HasValue() || n.First().Ok())
}

// Resource returns the resource holding n (n itself when it is one).
func (n Node) Resource() Node {
	for ; n.Ok(); n = n.Parent() {
		if n.nd().flags&flagResource != 0 {
			return n
		}
	}
	return Node{}
}

// Path is the FHIR path of n within its resource, e.g.
// "Procedure.outcome.coding"; an extension is written extension(name),
// with the last segment of its url.
func (n Node) Path() string {
	var names []string
	for m := n; m.Ok(); m = m.Parent() {
		if t := m.Type(); t != "" {
			names = append(names, t)
			break
		}
		nm := m.Name()
		if u := m.URL(); u != "" && (nm == "extension" || nm == "modifierExtension") {
			nm += "(" + shortURL(u) + ")"
		}
		names = append(names, nm)
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

// Walk calls f for n and every element below it, in document order; when f
// returns false the element's children are skipped.
func (n Node) Walk(f func(Node) bool) {
	if !n.Ok() || !f(n) {
		return
	}
	for k := n.First(); k.Ok(); k = k.Next() {
		k.Walk(f)
	}
}

// Index is the element's position in document order, a key for maps.
func (n Node) Index() int32 {
	if !n.Ok() {
		return -1
	}
	return n.i
}

// Line returns the 1-based line of the body where n starts (0 for none).
func (d *Doc) Line(n Node) int {
	if d == nil || !n.Ok() {
		return 0
	}
	if d.lines == nil {
		d.lines = make([]int32, 1, strings.Count(d.src, "\n")+1)
		for i := 0; ; {
			j := strings.IndexByte(d.src[i:], '\n')
			if j < 0 {
				break
			}
			i += j + 1
			d.lines = append(d.lines, int32(i))
		}
	}
	off := int32(n.Offset())
	return sort.Search(len(d.lines), func(i int) bool { return d.lines[i] > off })
}

// Len is the number of elements.
func (d *Doc) Len() int { return int(d.count) }

// docBuilder grows a Doc from the collector's element events. The
// readers keep one each, with its stacks, from one document to the next.
type docBuilder struct {
	doc *Doc
	// stack holds the open elements, each with its last child (-1 for
	// none), innermost last.
	stack []openNode
	// at is the offset of the element the reader opens next.
	at int
	// merge says the next element opened is a JSON "_name" member (or
	// an item of one).
	merge bool
	// hint is the index in schemaNames of the next element's name, when
	// the schema walker found it (-1: look it up).
	hint int32
	// partner is the element the next JSON item pairs with (the item of
	// "name" for one of "_name", or the reverse), -1 for none.
	partner int32
	local   map[string]uint16 // Doc.names, by name
	// seen caches schema names by a hash of a few of their bytes (JSON
	// names are looked up, not given by the walker). It holds only the
	// schema's strings, so it is kept from one document to the next.
	seen *[256]seenName
}

// openNode is an open element of a docBuilder and its last child.
type openNode struct{ i, last int32 }

type seenName struct {
	name string
	id   uint16
}

// bytesPerNode is a little less than the bytes of body an element takes
// in a message of the usual layout (about 46 in XML, 51 in JSON), so that
// the first array mostly holds them all.
const bytesPerNode = 44

func (d *docBuilder) begin(format, src string) {
	d.doc = &Doc{Format: format, src: src, nodes: make([]dnode, 0, len(src)/bytesPerNode+16)}
	d.stack = d.stack[:0]
	d.at, d.merge, d.hint, d.partner, d.local = 0, false, -1, -1, nil
}

// end drops the Doc (the builder is pooled, the Doc is not).
func (d *docBuilder) end() {
	*d = docBuilder{stack: reuse(d.stack, 64), seen: d.seen}
}

// span keeps a string: as a position when it is a slice of the body.
func (d *docBuilder) span(s string) span {
	src := d.doc.src
	if len(s) > 0 && len(src) > 0 {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		b := uintptr(unsafe.Pointer(unsafe.StringData(src)))
		if p >= b && p+uintptr(len(s)) <= b+uintptr(len(src)) {
			return span{uint32(p - b), uint32(len(s))}
		}
	}
	if s == "" {
		return span{}
	}
	d.doc.strs = append(d.doc.strs, strings.Clone(s))
	return span{uint32(len(d.doc.strs) - 1), strMark}
}

// name gives the index of an element name, for element i: the schema's,
// else the Doc's own; past the table's size the name is kept in
// Doc.extra.
func (d *docBuilder) name(i int32, s string) uint16 {
	if h := d.hint; h >= 0 {
		d.hint = -1
		return uint16(h)
	}
	if s == "" {
		return 0
	}
	if d.seen == nil {
		d.seen = new([256]seenName)
	}
	e := &d.seen[(uint(len(s))*131+uint(s[0])*31+uint(s[len(s)/2])*7+uint(s[len(s)-1]))&255]
	if e.name == s {
		return e.id
	}
	if n, ok := fhirschema.NameIndex(s); ok {
		e.name, e.id = schemaNames[n], uint16(n)
		return uint16(n)
	}
	if n, ok := d.local[s]; ok {
		return n
	}
	if len(schemaNames)+len(d.doc.names) >= int(manyNames) {
		d.extraOf(i).name = s
		return manyNames
	}
	if d.local == nil {
		d.local = map[string]uint16{}
	}
	n := uint16(len(schemaNames) + len(d.doc.names))
	d.doc.names = append(d.doc.names, s)
	d.local[s] = n
	return n
}

func (d *docBuilder) top() int32 {
	if len(d.stack) == 0 {
		return -1
	}
	return d.stack[len(d.stack)-1].i
}

func (d *docBuilder) extraOf(i int32) *extra {
	doc := d.doc
	if doc.extra == nil {
		doc.extra = map[int32]*extra{}
	}
	x, ok := doc.extra[i]
	if !ok {
		x = &extra{}
		doc.extra[i] = x
		doc.at(i).flags |= flagExtra
	}
	return x
}

// open starts an element as the child of the innermost one and returns
// the index of its name (see name).
func (d *docBuilder) open(name, space string) uint16 {
	parent := d.top()
	doc := d.doc
	merge, partner := d.merge, d.partner
	d.merge, d.partner = false, -1
	if partner >= 0 {
		if k := d.pair(parent, partner, name, merge); k >= 0 {
			d.hint = -1
			last := doc.at(k).first
			for last >= 0 && doc.at(last).next >= 0 {
				last = doc.at(last).next
			}
			d.stack = append(d.stack, openNode{k, last})
			return doc.at(k).name
		}
	}
	i, n := doc.add(parent, int32(d.at), 0)
	id := d.name(i, name)
	n.name = id
	if merge {
		n.flags |= flagUnder
	}
	if space != "" {
		d.extraOf(i).space = space
	}
	d.link(parent, i)
	d.stack = append(d.stack, openNode{i, -1})
	return id
}

// link makes i the last child of the innermost element, parent.
func (d *docBuilder) link(parent, i int32) {
	if parent < 0 {
		return
	}
	top := &d.stack[len(d.stack)-1]
	if l := top.last; l >= 0 {
		d.doc.at(l).next = i
	} else {
		d.doc.at(parent).first = i
	}
	top.last = i
}

// pair returns the element a JSON item named name ("_" dropped) merges into: k, when it
// is a child of parent so named, given by the other member of the pair
// ("_name" for a primitive item, under false, and the reverse) and not
// merged yet; else -1.
func (d *docBuilder) pair(parent, k int32, name string, under bool) int32 {
	doc := d.doc
	if k >= doc.count {
		return -1
	}
	n := doc.at(k)
	want, other := flagPrim, flagUnder
	if !under {
		want, other = flagUnder, flagPrim
	}
	if n.parent != parent || n.flags&want == 0 || n.flags&other != 0 || doc.nameOf(k, n.name) != name {
		return -1
	}
	n.flags = n.flags&^flagHidden | other
	return k
}

// nextPartner returns the element after k in a pair member's run of
// items (see pair), -1 when there is none.
func (d *docBuilder) nextPartner(k int32) int32 {
	if k < 0 || k >= d.doc.count {
		return -1
	}
	return d.doc.at(k).next
}

// null records a null item of a JSON array member name, inside the
// innermost element: nothing when its partner (see pair) gives the item,
// else a hidden element that keeps the place for the partner to come.
func (d *docBuilder) null(member string, partner int32) {
	name, under := underName(member)
	parent := d.top()
	if parent < 0 || partner >= 0 && d.peer(parent, partner, name, under) {
		return
	}
	flags := flagHidden | flagPrim
	if under {
		flags = flagHidden | flagUnder
	}
	i, _ := d.doc.add(parent, int32(d.at), flags)
	d.doc.at(i).name = d.name(i, name)
	d.link(parent, i)
}

// peer reports whether k is the partner of an item (see pair), without
// merging.
func (d *docBuilder) peer(parent, k int32, name string, under bool) bool {
	doc := d.doc
	if k >= doc.count {
		return false
	}
	n := doc.at(k)
	want := flagPrim
	if !under {
		want = flagUnder
	}
	return n.parent == parent && n.flags&want != 0 && doc.nameOf(k, n.name) == name
}

// prim marks the innermost element as given by a JSON primitive.
func (d *docBuilder) prim() { d.doc.at(d.top()).flags |= flagPrim }

// setValue and setURL fill element i, with strings kept by span.
func (d *docBuilder) setValue(i int32, v span) {
	n := d.doc.at(i)
	if n.flags&flagValue != 0 {
		return
	}
	if n.flags&flagURL != 0 { // the url goes aside
		u := Node{d.doc, i}.str(n.val)
		d.extraOf(i).url = u
		n = d.doc.at(i)
		n.flags &^= flagURL
	}
	n.val = v
	n.flags |= flagValue
}

func (d *docBuilder) setURL(i int32, u span) {
	n := d.doc.at(i)
	if n.flags&flagValue != 0 {
		d.extraOf(i).url = strings.Clone(Node{d.doc, i}.str(u))
		return
	}
	n.val = u
	n.flags |= flagURL
}

// setResource marks the innermost element as a resource, of type typ when
// known.
func (d *docBuilder) setResource(typ string) {
	i := d.top()
	n := d.doc.at(i)
	n.flags |= flagResource
	if typ != "" && d.doc.nameOf(i, n.name) != typ {
		nm := d.name(i, typ)
		d.doc.at(i).name = nm
	}
}

// close ends the innermost element and returns it.
func (d *docBuilder) close() int32 {
	i := d.top()
	d.stack = d.stack[:len(d.stack)-1]
	return i
}

// finish fills the entries once the document has ended.
func (d *docBuilder) finish() *Doc {
	doc := d.doc
	if doc.count == 0 || doc.at(0).flags&flagResource == 0 {
		return doc // no element, or an ITK wrapper root
	}
	doc.Root = Node{doc, 0}
	n := 0
	for k := doc.Root.First(); k.Ok(); k = k.Next() {
		if k.Name() == "entry" {
			n++
		}
	}
	if n > 0 {
		doc.Entries = make([]Entry, 0, n)
	}
	for e := doc.Root.First(); e.Ok(); e = e.Next() {
		if e.Name() != "entry" {
			continue
		}
		en := Entry{Index: len(doc.Entries), Node: e}
		en.FullURL, _ = e.Val("fullUrl")
		for k := e.Kid("resource").First(); k.Ok(); k = k.Next() {
			if k.Type() != "" {
				en.Resource = k
				break
			}
		}
		doc.Entries = append(doc.Entries, en)
	}
	return doc
}

// EntryOf returns the entry holding n, if any.
func (d *Doc) EntryOf(n Node) (Entry, bool) {
	for m := n; m.Ok(); m = m.Parent() {
		if p := m.Parent(); p.Ok() && p.i == 0 && m.Name() == "entry" {
			for _, e := range d.Entries {
				if e.Node == m {
					return e, true
				}
			}
		}
	}
	return Entry{}, false
}
