package content

import (
	"encoding/binary"
	"strings"
	"unsafe"

	"github.com/nems-harness/nems-harness/internal/fhir"
)

// Event is what the catalogue knows of a publishable event.
type Event struct {
	Code, Display string
	// Focus is the resource type MessageHeader.focus refers to.
	Focus string
	// Types are the message event types the event's page allows.
	Types []string
	// Resources are the resource types the event's page lists
	// (EVT-UNLISTED; the counts are the event's *-RESOURCES rule).
	Resources []string
}

// Events are the five publishable events (RULES-CONTENT.md "The five
// events").
var events = []Event{
	{Vaccinations, "Vaccinations", "Immunization", []string{"new", "update", "delete"},
		[]string{"MessageHeader", "Immunization", "Patient", "Organization", "Encounter", "HealthcareService", "Practitioner", "PractitionerRole", "Location"}},
	{ProfContacts, "Professional Contacts", "EpisodeOfCare", []string{"new", "update", "delete"},
		[]string{"MessageHeader", "EpisodeOfCare", "Patient", "Organization", "CareTeam", "Practitioner", "PractitionerRole"}},
	{BloodSpot, "Blood Spot Test Outcome", "Encounter", []string{"new", "delete"},
		[]string{"MessageHeader", "Encounter", "Organization", "Patient", "DiagnosticReport", "HealthcareService", "Location", "Procedure", "Communication"}},
	{Hearing, "Newborn Hearing", "Encounter", []string{"new", "delete"},
		[]string{"MessageHeader", "Encounter", "Organization", "Patient", "Observation", "Location", "Practitioner", "PractitionerRole", "HealthcareService", "Procedure", "Communication"}},
	{NIPE, "NIPE outcome", "Encounter", []string{"new", "delete"},
		[]string{"MessageHeader", "Encounter", "Organization", "Patient", "Practitioner", "Procedure", "HealthcareService", "Location", "PractitionerRole", "Observation", "Communication"}},
}

// LookupEvent finds a publishable event by code.
func LookupEvent(code string) (Event, bool) {
	for _, e := range events {
		if e.Code == code {
			return e, true
		}
	}
	return Event{}, false
}

// Context is what a message is judged with besides itself.
type Context struct {
	Profile string
	// SenderASID is the fromASID header, or the ASID of the JWT's
	// requesting_system when the header is absent ("" when neither).
	SenderASID string
	// History is the earlier accepted messages of the run; nil means none
	// is kept (the journal rules are not assessed).
	History History
	// Body is the message as sent, for the schema validation of EVT-ORDER.
	Body string
}

// Message is one event message, indexed for the checks.
type Message struct {
	Context
	Doc    *fhir.Doc
	Bundle *fhir.Bundle
	// Event is the MessageHeader event code; Type the message event type.
	Event string
	Type  string
	// Header is the MessageHeader (the first entry's resource).
	Header fhir.Node
	// Focus is the resource MessageHeader.focus resolves to, else the first
	// entry of the event's focus type; Patient the Patient the focus refers
	// to, else the first Patient entry. Either may be nil.
	Focus, Patient fhir.Node

	// cat is the catalogue judging the message (EVT-UNLISTED reads the
	// event's resource list from it).
	cat  *Catalogue
	pass *schemaPass // the XML schema pass, once run
	// types are the entries' resources by type, in order of first
	// appearance (a message has a dozen types at most: a list is quicker
	// than a map).
	types []typeGroup
	// byFullURL gives the entry index of a fullUrl, -1 when two entries
	// share it; built on first use, and only for a message of many
	// entries (a few are looked through).
	byFullURL map[string]int
	// entryOf gives the entry index of an entry's resource; built on the
	// first finding.
	entryOf map[fhir.Node]int
	// tails are the entries' tailKeys of their fullUrls (a message of few
	// entries), built on first use.
	tails  []uint64
	idx    *index // the element index, built on first use
	report Report // the rule being judged
	// lastSym and lastGroup are groupOf's last answer.
	lastSym   sym
	lastGroup int
	// facts are for the journal rules, worked out once.
	facts    *Facts
	factsVal Facts
	// groupsReady says readyGroups has run.
	groupsReady bool
	// Room for the types and resources of a usual message.
	typesArr [12]typeGroup
	nodesArr [16]fhir.Node
	tailsArr [manyEntries]uint64
}

type typeGroup struct {
	typ   string
	nodes []fhir.Node
	// sym is typ's symbol (symNone for a type the rules do not name).
	sym sym
	// the is the position in nodes of the message's one resource of the
	// type (The): the focus, the Patient, else the first.
	the int32
	// off is where the nodes' index positions start in index.gpos.
	off int32
}

// manyEntries is the number of entries beyond which fullUrls are looked
// up in a map.
const manyEntries = 16

// NewMessage indexes a message read by fhir.ReadDoc. The event and message
// event type are MSG-BUNDLE's: those the Bundle facts name.
func NewMessage(doc *fhir.Doc, b *fhir.Bundle, c Context) *Message {
	m := &Message{Context: c, Doc: doc, Bundle: b}
	m.types = m.typesArr[:0]
	if b != nil && b.Header != nil {
		m.Event, m.Type = b.Header.EventCode, b.Header.MessageEventType
	}
	// Two passes: count each type's resources, then share one array.
	var countsArr [len(m.typesArr)]int
	counts := countsArr[:0]
	n := 0
	for _, e := range doc.Entries {
		if !e.Resource.Ok() {
			continue
		}
		n++
		t := e.Resource.Type()
		k := m.group(t)
		if k < 0 {
			m.types = append(m.types, typeGroup{typ: t})
			counts = append(counts, 0)
			k = len(m.types) - 1
		}
		counts[k]++
	}
	all := m.nodesArr[:]
	if n > len(all) {
		all = make([]fhir.Node, n)
	}
	for k := range m.types {
		m.types[k].nodes, all = all[:0:counts[k]], all[counts[k]:]
	}
	for _, e := range doc.Entries {
		if e.Resource.Ok() {
			k := m.group(e.Resource.Type())
			m.types[k].nodes = append(m.types[k].nodes, e.Resource)
		}
	}
	if len(doc.Entries) > 0 && doc.Entries[0].Resource.Ok() && doc.Entries[0].Resource.Type() == "MessageHeader" {
		m.Header = doc.Entries[0].Resource
	}
	ev, _ := LookupEvent(m.Event)
	if m.Header.Ok() {
		if t, ok := m.Target(m.Header.Kid("focus")); ok && t.Type() == ev.Focus {
			m.Focus = t
		}
	}
	if !m.Focus.Ok() && ev.Focus != "" {
		m.Focus = m.First(ev.Focus)
	}
	if m.Focus.Ok() {
		for _, p := range []string{"patient", "subject"} {
			if t, ok := m.Target(m.Focus.Kid(p)); ok && t.Type() == "Patient" {
				m.Patient = t
				break
			}
		}
	}
	if !m.Patient.Ok() {
		m.Patient = m.First("Patient")
	}
	return m
}

// readyGroups works out the groups' symbols and their one resource (The),
// once: for the rules, which look groups up by symbol in the index, whose
// cache of the message's names knows the types.
func (m *Message) readyGroups(x *index) {
	if m.groupsReady {
		return
	}
	m.groupsReady = true
	for k := range m.types {
		g := &m.types[k]
		g.sym, _ = x.name(g.typ)
		t := m.The(g.typ)
		for i, n := range g.nodes {
			if n == t {
				g.the = int32(i)
				break
			}
		}
	}
}

// groupOf is the position in m.types of the type with symbol s, -1 for
// none.
func (m *Message) groupOf(s sym) int {
	if s == symNone {
		return -1
	}
	if !m.groupsReady {
		m.readyGroups(m.index())
	}
	if m.lastSym == s {
		return m.lastGroup // rows of a rule mostly judge one type
	}
	for k := range m.types {
		if m.types[k].sym == s {
			m.lastSym, m.lastGroup = s, k
			return k
		}
	}
	return -1
}

// group is the position of a type in m.types, -1 for none.
func (m *Message) group(typ string) int {
	for k := range m.types {
		if m.types[k].typ == typ {
			return k
		}
	}
	return -1
}

// Resources returns the entries' resources of a type, in order.
func (m *Message) Resources(typ string) []fhir.Node {
	if k := m.group(typ); k >= 0 {
		return m.types[k].nodes
	}
	return nil
}

// First returns the first entry's resource of a type, nil when none.
func (m *Message) First(typ string) fhir.Node {
	if rs := m.Resources(typ); len(rs) > 0 {
		return rs[0]
	}
	return fhir.Node{}
}

// The returns the message's one resource of a type: the focus or the
// Patient when of that type, else the first.
func (m *Message) The(typ string) fhir.Node {
	switch {
	case m.Focus.Ok() && m.Focus.Type() == typ:
		return m.Focus
	case typ == "Patient":
		return m.Patient
	}
	return m.First(typ)
}

// instances are the resources of a type (of symbol s) a row or check
// judges: every one, or the message's one (The) when the is set.
func (m *Message) instances(s sym, the bool) []fhir.Node {
	k := m.groupOf(s)
	if k < 0 {
		return nil
	}
	g := &m.types[k]
	if the {
		return g.nodes[g.the : g.the+1]
	}
	return g.nodes
}

// instancesAt is instances with the resources' positions in the index
// (which it builds), and the first one's slot there (index.kids).
func (m *Message) instancesAt(s sym, the bool) ([]fhir.Node, []int32, int) {
	x := m.idx
	if x == nil || x.tab != symbols.tab.Load() {
		x = m.index()
	}
	k := m.groupOf(s)
	if k < 0 {
		return nil, nil, 0
	}
	g := &m.types[k]
	pos := x.gpos[g.off : int(g.off)+len(g.nodes)]
	if the {
		return g.nodes[g.the : g.the+1], pos[g.the : g.the+1], int(g.off + g.the)
	}
	return g.nodes, pos, int(g.off)
}

// Entry returns the index of the entry holding n, -1 when none does.
func (m *Message) Entry(n fhir.Node) int {
	if m.entryOf == nil {
		m.entryOf = make(map[fhir.Node]int, len(m.Doc.Entries))
		for _, e := range m.Doc.Entries {
			if e.Resource.Ok() {
				m.entryOf[e.Resource] = e.Index
			}
		}
	}
	for r := n; r.Ok(); r = r.Parent() {
		if r.Type() != "" {
			if i, ok := m.entryOf[r]; ok {
				return i
			}
		}
	}
	return -1
}

// entryByURL is the entry index of a fullUrl, -1 when two entries share
// it; false when none has it.
func (m *Message) entryByURL(v string) (int, bool) {
	es := m.Doc.Entries
	if len(es) <= manyEntries {
		if m.tails == nil {
			m.tails = m.tailsArr[:0]
			for _, e := range es {
				m.tails = append(m.tails, tailKey(e.FullURL))
			}
		}
		if v == "" {
			return -1, false
		}
		found, k := -1, tailKey(v)
		for j, t := range m.tails {
			// fullUrls share their start (urn:uuid:): their ends first.
			if t == k && es[j].FullURL == v {
				if found >= 0 {
					return -1, true
				}
				found = es[j].Index
			}
		}
		return found, found >= 0
	}
	if m.byFullURL == nil {
		m.byFullURL = make(map[string]int, len(es))
		for _, e := range es {
			if e.FullURL != "" {
				if _, dup := m.byFullURL[e.FullURL]; dup {
					m.byFullURL[e.FullURL] = -1
				} else {
					m.byFullURL[e.FullURL] = e.Index
				}
			}
		}
	}
	i, ok := m.byFullURL[v]
	return i, ok
}

// tailKey mixes a string's length and its last eight bytes (one load).
func tailKey(s string) uint64 {
	if len(s) < 8 {
		k := uint64(len(s)) << 56
		for i := 0; i < len(s); i++ {
			k |= uint64(s[i]) << (8 * i)
		}
		return k
	}
	b := unsafe.Slice(unsafe.StringData(s[len(s)-8:]), 8) // a view, not a copy
	return binary.LittleEndian.Uint64(b) ^ uint64(len(s))*0x9E3779B97F4A7C15
}

// Resolution is how a Reference.reference resolves (EVT-REFS).
type Resolution int

// Resolutions.
const (
	NoReference Resolution = iota // no reference element or value
	Resolved                      // to an entry of the Bundle
	External                      // an http(s) URL matching no entry
	Contained                     // a "#id" reference (ref-1's)
	Unresolved                    // a form that should resolve and does not
)

// Resolve resolves the reference of a Reference element.
func (m *Message) Resolve(ref fhir.Node) (fhir.Node, Resolution) {
	v, ok := ref.Val("reference")
	if !ok {
		return fhir.Node{}, NoReference
	}
	return m.resolveValue(v)
}

// resolveValue resolves a Reference.reference value. Several rules
// resolve the same references: the index keeps the answers for the
// message's values, strings of its body known by address.
func (m *Message) resolveValue(v string) (fhir.Node, Resolution) {
	x := m.idx
	if x == nil {
		return m.resolveSlow(v)
	}
	p := unsafe.StringData(v)
	for k := range x.resolved {
		if r := &x.resolved[k]; r.p == p && r.n == len(v) {
			return r.node, r.how
		}
	}
	n, how := m.resolveSlow(v)
	if p != nil && len(x.resolved) < maxResolved {
		x.resolved = append(x.resolved, resolution{p, len(v), n, how})
	}
	return n, how
}

// resolution is one answer of resolveValue.
type resolution struct {
	p    *byte
	n    int
	node fhir.Node
	how  Resolution
}

// maxResolved bounds the answers kept (a look-up looks through them).
const maxResolved = 32

func (m *Message) resolveSlow(v string) (fhir.Node, Resolution) {
	if i, ok := m.entryByURL(v); ok {
		if i < 0 {
			return fhir.Node{}, Unresolved
		}
		return m.Doc.Entries[i].Resource, Resolved
	}
	switch {
	case strings.HasPrefix(v, "#"):
		return fhir.Node{}, Contained
	case strings.HasPrefix(v, "urn:uuid:"):
		return fhir.Node{}, Unresolved
	case strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://"):
		return fhir.Node{}, External
	}
	typ, id, ok := strings.Cut(v, "/")
	if !ok || typ == "" || id == "" || strings.Contains(id, "/") || typ[0] < 'A' || typ[0] > 'Z' {
		return fhir.Node{}, Unresolved
	}
	var found fhir.Node
	n := 0
	for _, e := range m.Doc.Entries {
		if u := e.FullURL; len(u) > len(v) && u[len(u)-len(v)-1] == '/' && strings.HasSuffix(u, v) {
			found, n = e.Resource, n+1
		}
	}
	if n == 1 {
		return found, Resolved
	}
	n = 0
	for _, r := range m.Resources(typ) {
		if rid, _ := r.Val("id"); rid == id {
			found, n = r, n+1
		}
	}
	if n == 1 {
		return found, Resolved
	}
	return fhir.Node{}, Unresolved
}

// Target is the resource a Reference resolves to inside the Bundle.
func (m *Message) Target(ref fhir.Node) (fhir.Node, bool) {
	if !ref.Ok() {
		return fhir.Node{}, false
	}
	t, how := m.Resolve(ref)
	return t, how == Resolved && t.Ok()
}
