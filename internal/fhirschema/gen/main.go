// Command gen derives the fhirschema package's tables from the FHIR STU3
// schemas (fhir-single.xsd, fhir-xhtml.xsd and xml.xsd, FHIR v3.0.1).
//
// Usage (run by go generate in internal/fhirschema):
//
//	go run ./gen -xsd ../../../shared/nems/fhir-stu3-xsd -out tables_gen.go
//
// It writes every complex type of fhir-single.xsd, every XHTML element
// reachable from Narrative's div, and every simple type they use. Content
// models are flattened into a sequence of particles, each particle a choice
// of one or more elements; an XSD construct the tables cannot express
// exactly stops the generator, except the two XHTML models documented in
// the package (map, nested choices), which are made more lenient.
package main

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

func main() {
	dir := flag.String("xsd", "", "directory holding fhir-single.xsd, fhir-xhtml.xsd and xml.xsd")
	out := flag.String("out", "tables_gen.go", "Go file to write")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "gen: -xsd DIR is required (the folder of fhir-single.xsd)")
		os.Exit(2)
	}
	src, err := Generate(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// node is one element of a schema document.
type node struct {
	XMLName xml.Name
	Attr    []xml.Attr `xml:",any,attr"`
	Kids    []*node    `xml:",any"`
	Text    string     `xml:",chardata"`
}

func (n *node) get(name string) string {
	for _, a := range n.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

func (n *node) has(name string) bool {
	for _, a := range n.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return true
		}
	}
	return false
}

func (n *node) kind() string { return n.XMLName.Local }

// schema is one schema document; key is the short name of its target
// namespace ("fhir", "xhtml", "xml").
type schema struct {
	key                                   string
	complex, simple, elems, groups, attrs map[string]*node
	attrGroups                            map[string]*node
}

func load(path, key string) (*schema, *node, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var root node
	if err := xml.Unmarshal(b, &root); err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", filepath.Base(path), err)
	}
	s := &schema{key: key, complex: map[string]*node{}, simple: map[string]*node{}, elems: map[string]*node{},
		groups: map[string]*node{}, attrs: map[string]*node{}, attrGroups: map[string]*node{}}
	for _, k := range root.Kids {
		name := k.get("name")
		switch k.kind() {
		case "complexType":
			s.complex[name] = k
		case "simpleType":
			s.simple[name] = k
		case "element":
			s.elems[name] = k
		case "group":
			s.groups[name] = k
		case "attribute":
			s.attrs[name] = k
		case "attributeGroup":
			s.attrGroups[name] = k
		}
	}
	return s, &root, nil
}

// qname is a resolved schema name: ns is "fhir", "xhtml", "xml" or "xs".
type qname struct{ ns, local string }

func (q qname) String() string { return q.ns + ":" + q.local }

func (s *schema) resolve(ref string) qname {
	if i := strings.IndexByte(ref, ':'); i >= 0 {
		return qname{ref[:i], ref[i+1:]}
	}
	return qname{s.key, ref}
}

// Generated model, as written to the tables.

type alt struct {
	name     string
	ns       string // "fhir" or "xhtml"
	typ      string // type key
	min, max int    // max -1 = unbounded
}

type particle struct {
	min, max int
	alts     []alt
}

type attr struct {
	name     string // "xml:lang" for the xml namespace
	simple   string // simple type key
	required bool
	fixed    string
	hasFixed bool
}

type ctype struct {
	key, name, fhir string
	kind            string
	parts           []particle
	attrs           []attr
	mixed           bool
}

type simple struct {
	key      string
	builtin  string // xs builtin at the root of the derivation, "" for a union
	union    []string
	patterns [][]string // one slice per derivation step; each step's patterns are ORed
	enums    []string
	minLen   int
	maxLen   int
	length   int
	minIncl  string
	maxIncl  string
}

type gen struct {
	fhir, xhtml, xmlns *schema
	types              map[string]*ctype
	order              []string
	simples            map[string]*simple
	simpleOrder        []string
	pending            []func() error
	anon               int
}

func (g *gen) schemaOf(ns string) (*schema, error) {
	switch ns {
	case "fhir":
		return g.fhir, nil
	case "xhtml":
		return g.xhtml, nil
	case "xml":
		return g.xmlns, nil
	}
	return nil, fmt.Errorf("no schema for namespace %q", ns)
}

// Generate reads the schemas in dir and returns the gofmt'ed tables.
func Generate(dir string) ([]byte, error) {
	fs, root, err := load(filepath.Join(dir, "fhir-single.xsd"), "fhir")
	if err != nil {
		return nil, err
	}
	xs, _, err := load(filepath.Join(dir, "fhir-xhtml.xsd"), "xhtml")
	if err != nil {
		return nil, err
	}
	ms, _, err := load(filepath.Join(dir, "xml.xsd"), "xml")
	if err != nil {
		return nil, err
	}
	g := &gen{fhir: fs, xhtml: xs, xmlns: ms, types: map[string]*ctype{}, simples: map[string]*simple{}}
	names := make([]string, 0, len(fs.complex))
	for n := range fs.complex {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, err := g.complexType(qname{"fhir", n}); err != nil {
			return nil, err
		}
	}
	if _, err := g.elementType(qname{"xhtml", "div"}); err != nil {
		return nil, err
	}
	for len(g.pending) > 0 {
		p := g.pending[0]
		g.pending = g.pending[1:]
		if err := p(); err != nil {
			return nil, err
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, "fhir-single.xsd"))
	if err != nil {
		return nil, err
	}
	return g.write(root, notice(raw))
}

// complexType returns the key of a named complex type, building it once.
func (g *gen) complexType(q qname) (string, error) {
	key := q.String()
	if _, ok := g.types[key]; ok {
		return key, nil
	}
	s, err := g.schemaOf(q.ns)
	if err != nil {
		return "", err
	}
	n := s.complex[q.local]
	if n == nil {
		return "", fmt.Errorf("complex type %s not found", key)
	}
	t := &ctype{key: key, name: q.local}
	g.types[key] = t
	g.order = append(g.order, key)
	g.pending = append(g.pending, func() error { return g.fill(t, s, n) })
	return key, nil
}

// elementType returns the type key of a top-level element: its named type,
// or its anonymous type keyed by the element.
func (g *gen) elementType(q qname) (string, error) {
	s, err := g.schemaOf(q.ns)
	if err != nil {
		return "", err
	}
	e := s.elems[q.local]
	if e == nil {
		return "", fmt.Errorf("element %s not found", q)
	}
	if tn := e.get("type"); tn != "" {
		return g.complexType(s.resolve(tn))
	}
	var ct *node
	for _, k := range e.Kids {
		if k.kind() == "complexType" {
			ct = k
		}
	}
	if ct == nil {
		return "", fmt.Errorf("element %s has no type", q)
	}
	key := q.ns + ":element:" + q.local
	if _, ok := g.types[key]; ok {
		return key, nil
	}
	t := &ctype{key: key, name: q.local}
	g.types[key] = t
	g.order = append(g.order, key)
	g.pending = append(g.pending, func() error { return g.fill(t, s, ct) })
	return key, nil
}

func occurs(n *node) (int, int, error) {
	min, max := 1, 1
	if v := n.get("minOccurs"); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil {
			return 0, 0, fmt.Errorf("minOccurs %q", v)
		}
		min = m
	}
	if v := n.get("maxOccurs"); v != "" {
		if v == "unbounded" {
			max = -1
		} else {
			m, err := strconv.Atoi(v)
			if err != nil {
				return 0, 0, fmt.Errorf("maxOccurs %q", v)
			}
			max = m
		}
	}
	return min, max, nil
}

// fill computes a complex type's particles, attributes and kind.
func (g *gen) fill(t *ctype, s *schema, n *node) error {
	parts, attrs, mixed, base, err := g.content(s, n, t.key)
	if err != nil {
		return fmt.Errorf("type %s: %w", t.key, err)
	}
	t.parts, t.attrs, t.mixed = parts, attrs, mixed
	// The validator finds a child by name: a name must be unique in a
	// content model (the schema's Unique Particle Attribution makes it so).
	seen := map[string]bool{}
	for _, p := range parts {
		for _, a := range p.alts {
			if k := a.name; seen[k] {
				return fmt.Errorf("type %s: element %s occurs twice in its content model", t.key, a.name)
			} else {
				seen[k] = true
			}
		}
	}
	switch {
	case strings.HasPrefix(t.key, "xhtml:"):
		t.kind = "kindXHTML"
		t.fhir = "xhtml"
	case t.name == "ResourceContainer":
		t.kind = "kindContainer"
		t.fhir = "ResourceContainer"
	case base["Resource"]:
		t.kind = "kindResource"
		t.fhir = t.name
	default:
		t.kind = "kindComplex"
		t.fhir = t.name
		for _, a := range attrs {
			if a.name == "value" {
				t.kind = "kindPrimitive"
				t.fhir = primitiveName(t.name, a.simple)
			}
		}
	}
	return nil
}

// primitiveName is the FHIR primitive type a value attribute's type stands
// for: the primitive itself, "code" for the enumerated code lists, "string"
// for the one string-patterned type (SampledDataDataType).
func primitiveName(typeName, simpleKey string) string {
	switch {
	case strings.HasSuffix(simpleKey, "-list"):
		return "code"
	case simpleKey == "fhir:"+typeName+"-primitive" && typeName != "SampledDataDataType":
		return typeName
	}
	return "string"
}

// content flattens a complexType node. base records the names of the
// types it derives from.
func (g *gen) content(s *schema, n *node, ctx string) ([]particle, []attr, bool, map[string]bool, error) {
	var parts []particle
	var attrs []attr
	base := map[string]bool{}
	mixed := n.get("mixed") == "true"
	for _, k := range n.Kids {
		switch k.kind() {
		case "annotation":
		case "sequence", "choice", "group":
			ps, err := g.particles(s, k, ctx)
			if err != nil {
				return nil, nil, false, nil, err
			}
			parts = append(parts, ps...)
		case "attribute", "attributeGroup":
			as, err := g.attributes(s, k, ctx)
			if err != nil {
				return nil, nil, false, nil, err
			}
			attrs = append(attrs, as...)
		case "complexContent":
			if k.get("mixed") == "true" {
				mixed = true
			}
			var ext *node
			for _, kk := range k.Kids {
				if kk.kind() == "extension" {
					ext = kk
				} else if kk.kind() != "annotation" {
					return nil, nil, false, nil, fmt.Errorf("complexContent/%s not supported", kk.kind())
				}
			}
			if ext == nil {
				return nil, nil, false, nil, fmt.Errorf("complexContent without extension")
			}
			bq := s.resolve(ext.get("base"))
			bs, err := g.schemaOf(bq.ns)
			if err != nil {
				return nil, nil, false, nil, err
			}
			bn := bs.complex[bq.local]
			if bn == nil {
				return nil, nil, false, nil, fmt.Errorf("base %s not found", bq)
			}
			bp, ba, bm, bb, err := g.content(bs, bn, ctx)
			if err != nil {
				return nil, nil, false, nil, err
			}
			base[bq.local] = true
			for b := range bb {
				base[b] = true
			}
			mixed = mixed || bm
			parts = append(parts, bp...)
			attrs = append(attrs, ba...)
			ep, ea, _, _, err := g.content(s, ext, ctx)
			if err != nil {
				return nil, nil, false, nil, err
			}
			parts = append(parts, ep...)
			attrs = append(attrs, ea...)
		default:
			return nil, nil, false, nil, fmt.Errorf("%s not supported", k.kind())
		}
	}
	return parts, attrs, mixed, base, nil
}

// particles flattens a sequence, choice or group reference into particles.
func (g *gen) particles(s *schema, n *node, ctx string) ([]particle, error) {
	min, max, err := occurs(n)
	if err != nil {
		return nil, err
	}
	switch n.kind() {
	case "group":
		q := s.resolve(n.get("ref"))
		gs, err := g.schemaOf(q.ns)
		if err != nil {
			return nil, err
		}
		gn := gs.groups[q.local]
		if gn == nil {
			return nil, fmt.Errorf("group %s not found", q)
		}
		var ps []particle
		for _, k := range gn.Kids {
			if k.kind() == "annotation" {
				continue
			}
			kp, err := g.particles(gs, k, ctx)
			if err != nil {
				return nil, err
			}
			ps = append(ps, kp...)
		}
		if min != 1 || max != 1 {
			if len(ps) != 1 || ps[0].min > 1 || ps[0].max != 1 {
				return nil, fmt.Errorf("group %s with occurrence %d..%d not supported", q, min, max)
			}
			ps[0].min *= min
			ps[0].max = max
		}
		return ps, nil
	case "sequence":
		if min != 1 || max != 1 {
			return nil, fmt.Errorf("sequence with occurrence %d..%d not supported", min, max)
		}
		var ps []particle
		for _, k := range n.Kids {
			switch k.kind() {
			case "annotation":
			case "element":
				a, err := g.element(s, k, ctx)
				if err != nil {
					return nil, err
				}
				emin, emax, err := occurs(k)
				if err != nil {
					return nil, err
				}
				a.min, a.max = 1, 1
				ps = append(ps, particle{min: emin, max: emax, alts: []alt{a}})
			default:
				kp, err := g.particles(s, k, ctx)
				if err != nil {
					return nil, err
				}
				ps = append(ps, kp...)
			}
		}
		return ps, nil
	case "choice":
		p := particle{min: min, max: max}
		if err := g.choiceAlts(s, n, ctx, &p); err != nil {
			return nil, err
		}
		return []particle{p}, nil
	}
	return nil, fmt.Errorf("%s not supported in a content model", n.kind())
}

// choiceAlts adds the alternatives of a choice to p. A nested choice or
// group is merged into p; a nested choice that repeats makes p repeat
// (more lenient than the schema: see the package documentation).
func (g *gen) choiceAlts(s *schema, n *node, ctx string, p *particle) error {
	for _, k := range n.Kids {
		switch k.kind() {
		case "annotation":
		case "element":
			a, err := g.element(s, k, ctx)
			if err != nil {
				return err
			}
			a.min, a.max, err = occurs(k)
			if err != nil {
				return err
			}
			p.alts = append(p.alts, a)
		case "choice":
			min, max, err := occurs(k)
			if err != nil {
				return err
			}
			if max != 1 {
				p.max = -1
			}
			if min == 0 {
				p.min = 0
			}
			if err := g.choiceAlts(s, k, ctx, p); err != nil {
				return err
			}
		case "group":
			min, max, err := occurs(k)
			if err != nil {
				return err
			}
			if min != 1 || max != 1 {
				return fmt.Errorf("group in choice with occurrence %d..%d not supported", min, max)
			}
			q := s.resolve(k.get("ref"))
			gs, err := g.schemaOf(q.ns)
			if err != nil {
				return err
			}
			gn := gs.groups[q.local]
			if gn == nil {
				return fmt.Errorf("group %s not found", q)
			}
			for _, gk := range gn.Kids {
				switch gk.kind() {
				case "annotation":
				case "choice":
					if err := g.choiceAlts(gs, gk, ctx, p); err != nil {
						return err
					}
				default:
					return fmt.Errorf("group %s holds %s inside a choice: not supported", q, gk.kind())
				}
			}
		default:
			return fmt.Errorf("%s in a choice not supported", k.kind())
		}
	}
	return nil
}

// element resolves a local element declaration or reference.
func (g *gen) element(s *schema, n *node, ctx string) (alt, error) {
	if ref := n.get("ref"); ref != "" {
		q := s.resolve(ref)
		tk, err := g.elementType(q)
		if err != nil {
			return alt{}, err
		}
		return alt{name: q.local, ns: q.ns, typ: tk}, nil
	}
	name, tn := n.get("name"), n.get("type")
	if name == "" || tn == "" {
		return alt{}, fmt.Errorf("local element without name and type in %s", ctx)
	}
	tk, err := g.complexType(s.resolve(tn))
	if err != nil {
		return alt{}, err
	}
	return alt{name: name, ns: s.key, typ: tk}, nil
}

func (g *gen) attributes(s *schema, n *node, ctx string) ([]attr, error) {
	if n.kind() == "attributeGroup" {
		q := s.resolve(n.get("ref"))
		gs, err := g.schemaOf(q.ns)
		if err != nil {
			return nil, err
		}
		gn := gs.attrGroups[q.local]
		if gn == nil {
			return nil, fmt.Errorf("attribute group %s not found", q)
		}
		var as []attr
		for _, k := range gn.Kids {
			if k.kind() == "attribute" || k.kind() == "attributeGroup" {
				ka, err := g.attributes(gs, k, q.String())
				if err != nil {
					return nil, err
				}
				as = append(as, ka...)
			}
		}
		return as, nil
	}
	decl, ds, name := n, s, n.get("name")
	if ref := n.get("ref"); ref != "" {
		q := s.resolve(ref)
		rs, err := g.schemaOf(q.ns)
		if err != nil {
			return nil, err
		}
		decl, ds = rs.attrs[q.local], rs
		if decl == nil {
			return nil, fmt.Errorf("attribute %s not found", q)
		}
		name = q.ns + ":" + q.local
	}
	a := attr{name: name, required: n.get("use") == "required"}
	if n.has("fixed") {
		a.fixed, a.hasFixed = n.get("fixed"), true
	}
	var err error
	switch {
	case decl.get("type") != "":
		a.simple, err = g.simpleType(ds.resolve(decl.get("type")))
	default:
		var st *node
		for _, k := range decl.Kids {
			if k.kind() == "simpleType" {
				st = k
			}
		}
		if st == nil {
			a.simple, err = g.simpleType(qname{"xs", "anySimpleType"})
		} else {
			key := ctx + "@" + name
			if n.get("ref") != "" {
				key = name
			}
			a.simple, err = g.simpleNode(key, ds, st)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("attribute %s: %w", name, err)
	}
	return []attr{a}, nil
}

func (g *gen) simpleType(q qname) (string, error) {
	key := q.String()
	if _, ok := g.simples[key]; ok {
		return key, nil
	}
	if q.ns == "xs" {
		sp := &simple{key: key, builtin: q.local, minLen: -1, maxLen: -1, length: -1}
		g.simples[key] = sp
		g.simpleOrder = append(g.simpleOrder, key)
		return key, nil
	}
	s, err := g.schemaOf(q.ns)
	if err != nil {
		return "", err
	}
	n := s.simple[q.local]
	if n == nil {
		return "", fmt.Errorf("simple type %s not found", q)
	}
	return g.simpleNode(key, s, n)
}

// simpleNode builds a simple type from its definition.
func (g *gen) simpleNode(key string, s *schema, n *node) (string, error) {
	if _, ok := g.simples[key]; ok {
		return key, nil
	}
	sp := &simple{key: key, minLen: -1, maxLen: -1, length: -1}
	g.simples[key] = sp
	for _, k := range n.Kids {
		switch k.kind() {
		case "annotation":
		case "union":
			for _, m := range strings.Fields(k.get("memberTypes")) {
				mk, err := g.simpleType(s.resolve(m))
				if err != nil {
					return "", err
				}
				sp.union = append(sp.union, mk)
			}
			for _, kk := range k.Kids {
				if kk.kind() == "simpleType" {
					g.anon++
					mk, err := g.simpleNode(fmt.Sprintf("%s#%d", key, g.anon), s, kk)
					if err != nil {
						return "", err
					}
					sp.union = append(sp.union, mk)
				}
			}
		case "restriction":
			var bk string
			var err error
			if b := k.get("base"); b != "" {
				bk, err = g.simpleType(s.resolve(b))
			} else {
				for _, kk := range k.Kids {
					if kk.kind() == "simpleType" {
						g.anon++
						bk, err = g.simpleNode(fmt.Sprintf("%s#%d", key, g.anon), s, kk)
					}
				}
			}
			if err != nil {
				return "", err
			}
			if bk == "" {
				return "", fmt.Errorf("simple type %s: restriction without base", key)
			}
			b := g.simples[bk]
			sp.builtin, sp.union = b.builtin, b.union
			sp.patterns = append([][]string(nil), b.patterns...)
			sp.enums = b.enums
			sp.minLen, sp.maxLen, sp.length, sp.minIncl, sp.maxIncl = b.minLen, b.maxLen, b.length, b.minIncl, b.maxIncl
			var pats, enums []string
			for _, f := range k.Kids {
				v := f.get("value")
				switch f.kind() {
				case "annotation", "simpleType":
				case "pattern":
					re, err := translatePattern(v)
					if err != nil {
						return "", fmt.Errorf("simple type %s: %w", key, err)
					}
					pats = append(pats, re)
				case "enumeration":
					enums = append(enums, v)
				case "minLength":
					sp.minLen, _ = strconv.Atoi(v)
				case "maxLength":
					sp.maxLen, _ = strconv.Atoi(v)
				case "length":
					sp.length, _ = strconv.Atoi(v)
				case "minInclusive":
					sp.minIncl = v
				case "maxInclusive":
					sp.maxIncl = v
				default:
					return "", fmt.Errorf("simple type %s: facet %s not supported", key, f.kind())
				}
			}
			if len(pats) > 0 {
				sp.patterns = append(sp.patterns, pats)
			}
			if enums != nil {
				sp.enums = enums
			}
		case "list":
			return "", fmt.Errorf("simple type %s: list not supported", key)
		default:
			return "", fmt.Errorf("simple type %s: %s not supported", key, k.kind())
		}
	}
	g.simpleOrder = append(g.simpleOrder, key)
	return key, nil
}

// translatePattern turns an XSD regular expression into an anchored Go
// (RE2) one: \s and \d take their XSD meanings, ^ and $ are literal.
func translatePattern(p string) (string, error) {
	var b strings.Builder
	b.WriteString(`^(?:`)
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\':
			if i+1 >= len(p) {
				return "", fmt.Errorf("pattern %q ends with a backslash", p)
			}
			i++
			switch e := p[i]; e {
			case 's':
				if inClass {
					b.WriteString(`\x20\t\n\r`)
				} else {
					b.WriteString(`[\x20\t\n\r]`)
				}
			case 'd':
				b.WriteString(`\p{Nd}`)
			case '-', '.', '\\', '[', ']', '(', ')', '{', '}', '*', '+', '?', '|', '^', '$':
				b.WriteByte('\\')
				b.WriteByte(e)
			default:
				return "", fmt.Errorf("pattern %q: escape \\%c not supported", p, e)
			}
		case c == '[':
			if inClass {
				return "", fmt.Errorf("pattern %q: class subtraction not supported", p)
			}
			inClass = true
			b.WriteByte(c)
			if i+1 < len(p) && p[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
		case c == ']':
			inClass = false
			b.WriteByte(c)
		case c == '^' || c == '$':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteString(`)$`)
	return b.String(), nil
}

// write emits the Go source of the tables.
func (g *gen) write(root *node, notice string) ([]byte, error) {
	typeID := map[string]int{}
	// Type 0 is the "no type" sentinel.
	for i, k := range g.order {
		typeID[k] = i + 1
	}
	simpleID := map[string]int{}
	for i, k := range g.simpleOrder {
		simpleID[k] = i
	}
	var b bytes.Buffer
	b.WriteString("// Code generated by fhirschema/gen from fhir-single.xsd, fhir-xhtml.xsd and xml.xsd; DO NOT EDIT.\n\n")
	b.WriteString(notice)
	b.WriteString("\npackage fhirschema\n\n")
	fmt.Fprintf(&b, "// schemaVersion is the version attribute of fhir-single.xsd.\nconst schemaVersion = %q\n\n", root.get("version"))

	b.WriteString("var simpleTable = [...]simpleDef{\n")
	for _, k := range g.simpleOrder {
		s := g.simples[k]
		fmt.Fprintf(&b, "\t{name: %q", k)
		if s.builtin != "" {
			fmt.Fprintf(&b, ", builtin: %s", builtinConst(s.builtin))
		}
		if len(s.union) > 0 {
			b.WriteString(", union: []uint16{")
			for i, m := range s.union {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "%d", simpleID[m])
			}
			b.WriteString("}")
		}
		if len(s.patterns) > 0 {
			b.WriteString(", patterns: [][]string{")
			for i, step := range s.patterns {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("{")
				for j, p := range step {
					if j > 0 {
						b.WriteString(", ")
					}
					fmt.Fprintf(&b, "`%s`", p)
				}
				b.WriteString("}")
			}
			b.WriteString("}")
		}
		if s.enums != nil {
			b.WriteString(", enums: []string{")
			for i, e := range s.enums {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "%q", e)
			}
			b.WriteString("}")
		}
		fmt.Fprintf(&b, ", minLen: %d, maxLen: %d, length: %d", s.minLen, s.maxLen, s.length)
		if s.minIncl != "" || s.maxIncl != "" {
			fmt.Fprintf(&b, ", minIncl: %q, maxIncl: %q", s.minIncl, s.maxIncl)
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n\n")

	// Models and attribute sets are shared between types with equal ones.
	modelID := map[string]int{}
	var models []string
	attrID := map[string]int{}
	var attrSets []string
	typeModel := map[string]int{}
	typeAttrs := map[string]int{}
	for _, k := range g.order {
		t := g.types[k]
		var m strings.Builder
		m.WriteString("{parts: []partDef{")
		first := 0
		for i, p := range t.parts {
			if i > 0 {
				m.WriteString(", ")
			}
			fmt.Fprintf(&m, "{%d, %d, %d, %d}", p.min, p.max, first, len(p.alts))
			first += len(p.alts)
		}
		m.WriteString("}, elems: []elemDef{\n")
		for i, p := range t.parts {
			for _, a := range p.alts {
				ns := "nsFHIR"
				if a.ns == "xhtml" {
					ns = "nsXHTML"
				}
				fmt.Fprintf(&m, "\t\t{%q, %s, %d, %d, %d, %d}, // %s\n", a.name, ns, typeID[a.typ], a.min, a.max, i, a.typ)
			}
		}
		m.WriteString("\t}}")
		ms := m.String()
		id, ok := modelID[ms]
		if !ok {
			id = len(models)
			modelID[ms] = id
			models = append(models, ms)
		}
		typeModel[k] = id
		var as strings.Builder
		as.WriteString("{")
		for i, a := range t.attrs {
			if i > 0 {
				as.WriteString(", ")
			}
			fmt.Fprintf(&as, "{name: %q, simple: %d, required: %t", a.name, simpleID[a.simple], a.required)
			if a.hasFixed {
				fmt.Fprintf(&as, ", fixed: %q, hasFixed: true", a.fixed)
			}
			as.WriteString("}")
		}
		as.WriteString("}")
		ass := as.String()
		aid, ok := attrID[ass]
		if !ok {
			aid = len(attrSets)
			attrID[ass] = aid
			attrSets = append(attrSets, ass)
		}
		typeAttrs[k] = aid
	}
	b.WriteString("var modelTable = [...]modelDef{\n")
	for i, m := range models {
		fmt.Fprintf(&b, "\t%d: %s,\n", i, m)
	}
	b.WriteString("}\n\n")
	b.WriteString("var attrTable = [...][]attrDef{\n")
	for i, a := range attrSets {
		fmt.Fprintf(&b, "\t%d: %s,\n", i, a)
	}
	b.WriteString("}\n\n")
	b.WriteString("var typeTable = [...]typeDef{\n\t0: {},\n")
	for _, k := range g.order {
		t := g.types[k]
		fmt.Fprintf(&b, "\t%d: {name: %q, fhir: %q, kind: %s, model: %d, attrs: %d, mixed: %t},\n",
			typeID[k], t.name, t.fhir, t.kind, typeModel[k], typeAttrs[k], t.mixed)
	}
	b.WriteString("}\n\n")
	// The resource elements (top-level FHIR elements), by name.
	var res []string
	for n := range g.fhir.elems {
		res = append(res, n)
	}
	sort.Strings(res)
	b.WriteString("// resourceTable maps each top-level element of fhir-single.xsd to its type.\nvar resourceTable = map[string]uint16{\n")
	for _, n := range res {
		tn := g.fhir.elems[n].get("type")
		fmt.Fprintf(&b, "\t%q: %d,\n", n, typeID["fhir:"+tn])
	}
	b.WriteString("}\n\n")
	b.WriteString("// typeByName maps each named FHIR complex type to its entry.\nvar typeByName = map[string]uint16{\n")
	var named []string
	for _, k := range g.order {
		if strings.HasPrefix(k, "fhir:") {
			named = append(named, k)
		}
	}
	sort.Strings(named)
	for _, k := range named {
		fmt.Fprintf(&b, "\t%q: %d,\n", strings.TrimPrefix(k, "fhir:"), typeID[k])
	}
	b.WriteString("}\n\n")
	fmt.Fprintf(&b, "// divType is the type of Narrative's xhtml:div.\nconst divType = %d\n", typeID["xhtml:element:div"])
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting the tables: %w", err)
	}
	return src, nil
}

func builtinConst(b string) string {
	return "xs" + strings.ToUpper(b[:1]) + b[1:]
}

// notice returns the HL7 licence notice at the top of fhir-single.xsd as
// Go comments: the tables derive from that file, whose licence asks that the
// notice be kept with source derived from it.
func notice(xsd []byte) string {
	start := bytes.Index(xsd, []byte("<!--"))
	end := bytes.Index(xsd, []byte("-->"))
	if start < 0 || end < start {
		return ""
	}
	var b strings.Builder
	b.WriteString("// The tables derive from fhir-single.xsd, which carries this notice:\n//\n")
	text := strings.Trim(strings.ReplaceAll(string(xsd[start+4:end]), "\r", ""), "\n ")
	for _, line := range strings.Split("  "+text, "\n") {
		line = strings.TrimRight(line, " ")
		if line == "" {
			b.WriteString("//\n")
			continue
		}
		b.WriteString("//  " + strings.TrimPrefix(line, "  ") + "\n")
	}
	return b.String()
}
