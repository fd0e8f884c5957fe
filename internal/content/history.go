package content

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/maphash"
	"strings"
	"sync"
	"unicode/utf8"
)

// Facts are what the journal rules remember of an accepted message.
type Facts struct {
	// Ref names the exchange for people ("request 12"); set by whoever
	// records the facts.
	Ref string
	// MessageID is MessageHeader.id.
	MessageID string
	Event     string
	Type      string // new, update, delete
	// VersionID and LastUpdated are MessageHeader.meta's ("" when absent).
	VersionID   string
	LastUpdated string
	Focus       FocusKey
	Sequence    SequenceKey
}

// FocusKey is (event, identifier system, identifier value) of the focus
// resource's identifier; zero when the focus has no identifier.
type FocusKey struct{ Event, System, Value string }

// SequenceKey is (sender ASID, routing NHS number, event); zero when the
// ASID or the NHS number is unknown.
type SequenceKey struct{ ASID, NHSNumber, Event string }

// DefaultRef is how a message is named in the reasons when nothing better
// is known: "the new message 4A61985A-…". Memory keeps such a Ref as a flag.
func DefaultRef(typ, messageID string) string {
	return "the " + typ + " message " + messageID
}

// isDefaultRef reports whether ref is DefaultRef(typ, id), without building
// it.
func isDefaultRef(ref, typ, id string) bool {
	const pre, mid = "the ", " message "
	return len(ref) == len(pre)+len(typ)+len(mid)+len(id) && strings.HasPrefix(ref, pre) &&
		ref[len(pre):len(pre)+len(typ)] == typ && ref[len(pre)+len(typ):len(ref)-len(id)] == mid && strings.HasSuffix(ref, id)
}

// History is the earlier accepted messages of the same run, or the latest
// of them: a History may forget the oldest (see Memory), and then says so.
type History interface {
	// SeenMessageID returns an earlier message with this MessageHeader.id
	// (compared case-insensitively), the latest such.
	SeenMessageID(id string) (Facts, bool)
	// LastByFocus and LastBySequence return the latest earlier message with
	// the key.
	LastByFocus(k FocusKey) (Facts, bool)
	LastBySequence(k SequenceKey) (Facts, bool)
	// Len is how many messages it holds.
	Len() int
	// Forgotten is how many earlier accepted messages of the run it no
	// longer holds (the oldest): 0 while it knows the whole run.
	Forgotten() int
}

// known is what a History knows, as the start of a journal rule's reason:
// "history of this run only: " while it holds the whole run; once it has
// forgotten the oldest, how many of the latest it holds.
func known(h History) string {
	if f := h.Forgotten(); f > 0 {
		return fmt.Sprintf("history of this run only, the latest %d accepted messages (%d earlier forgotten): ", h.Len(), f)
	}
	return noHistory
}

// DefaultHistoryLimit and DefaultHistoryBytes bound what a Memory holds:
// the latest this many accepted messages, in about this many bytes. The
// count is the journal's (DefaultJournalLimit in mockspine), so the rules
// remember at least what the journal holds in memory; a typical message
// costs some 250 bytes, so the byte bound (25 MB for 100,000 of them) is
// reached first only by messages whose ids or keys are kilobytes long.
const (
	DefaultHistoryLimit = 100_000
	DefaultHistoryBytes = 64 << 20
)

// recordCost is what a message held costs besides its packed facts: its
// slot in the ring and its three index entries.
const recordCost = 128

// Memory is a History kept in memory, bounded: it holds the latest
// accepted messages of the run, at most a count and a number of bytes of
// them, and forgets the oldest first (Forgotten counts them, and the rules
// that remember say so in their reasons). It is safe for concurrent use.
//
// Each message is held as one string, its facts packed; the indexes map a
// 64-bit hash of a key (with a seed of the Memory's own) to the number of
// the latest message holding it. Every look-up compares the key with the
// message's, so a hash that two keys share never gives a wrong answer: the
// second key is indexed by itself, in a map that is nearly always empty.
type Memory struct {
	mu sync.Mutex
	// turn orders the messages judged against the memory (see Turn).
	turn             sync.Mutex
	limit, byteLimit int
	seed             maphash.Seed
	// mask cuts the hashes (all ones; tests narrow it to make keys
	// collide).
	mask uint64

	// ring holds the packed facts of the messages held, oldest first at
	// ring[head]; the newest is message number total (the first message
	// of the run is 1).
	ring       []string
	head, held int
	bytes      int
	total      uint64

	ids   keyIndex[string]
	focus keyIndex[FocusKey]
	seq   keyIndex[SequenceKey]

	// run names the run the messages belong to (see Run).
	run string
}

// NewMemory returns an empty History with the default bounds, for a new
// run.
func NewMemory() *Memory {
	return NewMemoryLimited(DefaultHistoryLimit, DefaultHistoryBytes)
}

// NewMemoryLimited returns an empty History holding the latest messages
// at most, in about bytes (values below 1 take the defaults). The newest
// message is always held.
func NewMemoryLimited(messages, bytes int) *Memory {
	if messages < 1 {
		messages = DefaultHistoryLimit
	}
	if bytes < 1 {
		bytes = DefaultHistoryBytes
	}
	h := &Memory{limit: messages, byteLimit: bytes, seed: maphash.MakeSeed(), mask: ^uint64(0)}
	h.reset(newRunID())
	return h
}

func newRunID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

func (h *Memory) reset(run string) {
	h.ring, h.head, h.held, h.bytes, h.total = nil, 0, 0, 0, 0
	h.ids = keyIndex[string]{byHash: map[uint64]uint64{}}
	h.focus = keyIndex[FocusKey]{byHash: map[uint64]uint64{}}
	h.seq = keyIndex[SequenceKey]{byHash: map[uint64]uint64{}}
	h.run = run
}

// Run names the run whose messages the Memory holds: a random id, new with
// every Reset. A journal entry records it, so that judging a journal again
// starts a new history where the mock started a new run (see Follow).
func (h *Memory) Run() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.run
}

// Follow makes the Memory the history of run: when run is another than the
// one it holds, it forgets every message and takes run's name. An empty run
// (an entry recorded before runs were named) continues the current one.
func (h *Memory) Follow(run string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if run != "" && run != h.run {
		h.reset(run)
	}
}

// Reset forgets every message and starts a new run.
func (h *Memory) Reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reset(newRunID())
}

// Len implements History: the messages held.
func (h *Memory) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.held
}

// Forgotten implements History.
func (h *Memory) Forgotten() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return int(h.total) - h.held
}

// Record remembers an accepted message, forgetting the oldest while a bound
// is passed. It copies what it keeps: f may alias a body.
func (h *Memory) Record(f Facts) { h.record("", f) }

// RecordIn is Record if run is still the Memory's run: a message judged
// while its run ended (the journal was cleared meanwhile) belongs to that
// run, as its journal entry says, not to the next.
func (h *Memory) RecordIn(run string, f Facts) { h.record(run, f) }

func (h *Memory) record(run string, f Facts) {
	data := packFacts(&f)
	h.mu.Lock()
	defer h.mu.Unlock()
	if run != "" && run != h.run {
		return
	}
	if h.held == len(h.ring) {
		h.grow()
	}
	h.ring[(h.head+h.held)%len(h.ring)] = data
	h.held++
	h.bytes += len(data) + recordCost
	h.total++
	n := h.total
	// The keys are read back from the packed copy, which the index then
	// shares (f's strings may alias a body).
	g, _ := unpackFacts(data)
	if g.MessageID != "" {
		h.ids.put(h.idSum(g.MessageID), n, func(m uint64) bool { return foldEqual(h.at(m).MessageID, g.MessageID) },
			func() string { return strings.ToLower(g.MessageID) })
	}
	if g.Focus != (FocusKey{}) {
		h.focus.put(h.focusSum(g.Focus), n, func(m uint64) bool { return h.at(m).Focus == g.Focus },
			func() FocusKey { return g.Focus })
	}
	if g.Sequence != (SequenceKey{}) {
		h.seq.put(h.seqSum(g.Sequence), n, func(m uint64) bool { return h.at(m).Sequence == g.Sequence },
			func() SequenceKey { return g.Sequence })
	}
	for h.held > 1 && (h.held > h.limit || h.bytes > h.byteLimit) {
		h.forgetOldest()
	}
}

// grow doubles the ring (up to the limit), keeping the messages in order.
func (h *Memory) grow() {
	ring := make([]string, min(max(64, 2*len(h.ring)), h.limit+1))
	for i := range h.held {
		ring[i] = h.ring[(h.head+i)%len(h.ring)]
	}
	h.ring, h.head = ring, 0
}

// forgetOldest drops the oldest message, and its keys where it is the
// latest with them.
func (h *Memory) forgetOldest() {
	n := h.total - uint64(h.held) + 1
	data := h.ring[h.head]
	g, _ := unpackFacts(data)
	if g.MessageID != "" {
		h.ids.drop(h.idSum(g.MessageID), n, func() string { return strings.ToLower(g.MessageID) })
	}
	if g.Focus != (FocusKey{}) {
		h.focus.drop(h.focusSum(g.Focus), n, func() FocusKey { return g.Focus })
	}
	if g.Sequence != (SequenceKey{}) {
		h.seq.drop(h.seqSum(g.Sequence), n, func() SequenceKey { return g.Sequence })
	}
	h.ring[h.head] = ""
	h.head = (h.head + 1) % len(h.ring)
	h.held--
	h.bytes -= len(data) + recordCost
}

// at returns the facts of held message n, aliasing the packed copy (a
// default Ref is not built).
func (h *Memory) at(n uint64) Facts {
	f, _ := h.unpackAt(n)
	return f
}

func (h *Memory) unpackAt(n uint64) (Facts, bool) {
	first := h.total - uint64(h.held) + 1
	return unpackFacts(h.ring[(h.head+int(n-first))%len(h.ring)])
}

// facts returns held message n's facts for a caller.
func (h *Memory) facts(n uint64) Facts {
	f, defaultRef := h.unpackAt(n)
	if defaultRef {
		f.Ref = DefaultRef(f.Type, f.MessageID)
	}
	return f
}

// SeenMessageID implements History.
func (h *Memory) SeenMessageID(id string) (Facts, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	n, ok := h.ids.get(h.idSum(id), func(m uint64) bool { return foldEqual(h.at(m).MessageID, id) },
		func() string { return strings.ToLower(id) })
	if !ok {
		return Facts{}, false
	}
	return h.facts(n), true
}

// LastByFocus implements History.
func (h *Memory) LastByFocus(k FocusKey) (Facts, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	n, ok := h.focus.get(h.focusSum(k), func(m uint64) bool { return h.at(m).Focus == k }, func() FocusKey { return k })
	if !ok {
		return Facts{}, false
	}
	return h.facts(n), true
}

// LastBySequence implements History.
func (h *Memory) LastBySequence(k SequenceKey) (Facts, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	n, ok := h.seq.get(h.seqSum(k), func(m uint64) bool { return h.at(m).Sequence == k }, func() SequenceKey { return k })
	if !ok {
		return Facts{}, false
	}
	return h.facts(n), true
}

// keyIndex maps keys to the latest held message with them: by hash, and, for
// a key whose hash another key already holds there, by the key itself.
type keyIndex[K comparable] struct {
	byHash map[uint64]uint64
	other  map[K]uint64
}

// put makes message n the latest with a key; is tells whether held message
// m has the key, key gives the key for the other map.
func (x *keyIndex[K]) put(sum, n uint64, is func(m uint64) bool, key func() K) {
	if m, taken := x.byHash[sum]; !taken || is(m) {
		x.byHash[sum] = n
		return
	}
	if x.other == nil {
		x.other = map[K]uint64{}
	}
	x.other[key()] = n
}

// get returns the latest held message with a key. The hash map's message,
// when it has the key, is the latest: a key goes to the other map only
// while the hash map holds another key.
func (x *keyIndex[K]) get(sum uint64, is func(m uint64) bool, key func() K) (uint64, bool) {
	if m, ok := x.byHash[sum]; ok && is(m) {
		return m, true
	}
	if x.other == nil {
		return 0, false
	}
	m, ok := x.other[key()]
	return m, ok
}

// drop forgets message n under its key, where it is still the latest.
func (x *keyIndex[K]) drop(sum, n uint64, key func() K) {
	if m, ok := x.byHash[sum]; ok && m == n {
		delete(x.byHash, sum)
	}
	if x.other == nil {
		return
	}
	k := key()
	if m, ok := x.other[k]; ok && m == n {
		delete(x.other, k)
		if len(x.other) == 0 {
			x.other = nil
		}
	}
}

// idSum hashes a MessageHeader.id as compared: case-insensitively.
func (h *Memory) idSum(id string) uint64 {
	var buf [64]byte
	if b, ok := asciiLower(buf[:0], id); ok {
		return maphash.Bytes(h.seed, b) & h.mask
	}
	return maphash.String(h.seed, strings.ToLower(id)) & h.mask
}

func (h *Memory) focusSum(k FocusKey) uint64 { return h.sum(k.Event, k.System, k.Value) }

func (h *Memory) seqSum(k SequenceKey) uint64 { return h.sum(k.ASID, k.NHSNumber, k.Event) }

// sum hashes three strings, each with its length, so that no two keys
// give the same bytes.
func (h *Memory) sum(a, b, c string) uint64 {
	var mh maphash.Hash
	mh.SetSeed(h.seed)
	for _, s := range [3]string{a, b, c} {
		var l [binary.MaxVarintLen64]byte
		_, _ = mh.Write(l[:binary.PutUvarint(l[:], uint64(len(s)))])
		_, _ = mh.WriteString(s)
	}
	return mh.Sum64() & h.mask
}

// asciiLower appends s lower-cased to dst when s is ASCII and fits in dst's
// capacity (strings.ToLower gives the same then), else reports false.
func asciiLower(dst []byte, s string) ([]byte, bool) {
	if len(s) > cap(dst) {
		return nil, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return nil, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst, true
}

// foldEqual reports whether strings.ToLower(a) == strings.ToLower(b),
// without building either when both are ASCII. (Not strings.EqualFold:
// it folds more pairs than lower-casing does, and the hash is of the
// lower-cased id.)
func foldEqual(a, b string) bool {
	if len(a) != len(b) {
		return lowerEqual(a, b)
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x >= utf8.RuneSelf || y >= utf8.RuneSelf {
			return lowerEqual(a, b)
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func lowerEqual(a, b string) bool {
	la, lb := strings.ToLower(a), strings.ToLower(b)
	return la == lb
}

// Packed facts: a flag byte, then length-prefixed strings: the id, event,
// type, versionId, lastUpdated; the focus key's system and value (and its
// event, when not the message's); the sequence key's ASID and NHS number
// (and event); the Ref, unless it is the default or empty.
const (
	packFocus      = 1 << iota // a focus key follows
	packFocusEvent             // ... with an event of its own
	packSeq                    // a sequence key follows
	packSeqEvent               // ... with an event of its own
	packRef                    // the Ref follows
	packDefaultRef             // the Ref is DefaultRef
)

func packFacts(f *Facts) string {
	var flags byte
	n := 1
	strs := [11]string{f.MessageID, f.Event, f.Type, f.VersionID, f.LastUpdated}
	k := 5
	if f.Focus != (FocusKey{}) {
		flags |= packFocus
		strs[k], strs[k+1] = f.Focus.System, f.Focus.Value
		k += 2
		if f.Focus.Event != f.Event {
			flags |= packFocusEvent
			strs[k] = f.Focus.Event
			k++
		}
	}
	if f.Sequence != (SequenceKey{}) {
		flags |= packSeq
		strs[k], strs[k+1] = f.Sequence.ASID, f.Sequence.NHSNumber
		k += 2
		if f.Sequence.Event != f.Event {
			flags |= packSeqEvent
			strs[k] = f.Sequence.Event
			k++
		}
	}
	switch {
	case f.Ref == "":
	case isDefaultRef(f.Ref, f.Type, f.MessageID):
		flags |= packDefaultRef
	default:
		flags |= packRef
		strs[k] = f.Ref
		k++
	}
	for _, s := range strs[:k] {
		n += uvarintLen(len(s)) + len(s)
	}
	b := make([]byte, 1, n)
	b[0] = flags
	for _, s := range strs[:k] {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return string(b)
}

func uvarintLen(n int) int {
	l := 1
	for n >= 0x80 {
		n >>= 7
		l++
	}
	return l
}

// unpackFacts reads packed facts; the strings alias data. A default Ref is
// not built: defaultRef says it was one.
func unpackFacts(data string) (f Facts, defaultRef bool) {
	flags := data[0]
	p := 1
	next := func() string {
		n, k := uvarint(data[p:])
		s := data[p+k : p+k+n]
		p += k + n
		return s
	}
	f.MessageID, f.Event, f.Type, f.VersionID, f.LastUpdated = next(), next(), next(), next(), next()
	if flags&packFocus != 0 {
		f.Focus.System, f.Focus.Value, f.Focus.Event = next(), next(), f.Event
		if flags&packFocusEvent != 0 {
			f.Focus.Event = next()
		}
	}
	if flags&packSeq != 0 {
		f.Sequence.ASID, f.Sequence.NHSNumber, f.Sequence.Event = next(), next(), f.Event
		if flags&packSeqEvent != 0 {
			f.Sequence.Event = next()
		}
	}
	switch {
	case flags&packRef != 0:
		f.Ref = next()
	case flags&packDefaultRef != 0:
		defaultRef = true
	}
	return f, defaultRef
}

// uvarint reads a length packFacts wrote.
func uvarint(s string) (int, int) {
	var n, shift uint
	for i := 0; ; i++ {
		c := s[i]
		n |= uint(c&0x7f) << shift
		if c < 0x80 {
			return int(n), i + 1
		}
		shift += 7
	}
}

// Facts returns what the journal rules remember of this message. The
// strings alias the body; Memory.Record keeps copies. (Every rule that
// remembers asks for them: they are worked out once, from the index.)
func (m *Message) Facts() Facts {
	if m.facts != nil {
		return *m.facts
	}
	x := m.index()
	f := Facts{Event: m.Event, Type: m.Type}
	h := x.at(m.Header)
	f.MessageID, _ = x.kidVal(h, symID)
	f.VersionID, _ = x.val(x.get(h, []sym{symMeta, symVersionID}))
	f.LastUpdated, _ = x.val(x.get(h, []sym{symMeta, symLastUpdated}))
	if fp := x.at(m.Focus); fp >= 0 {
		for id := fp + 1; id < x.e[fp].end; id = x.e[id].end {
			if x.e[id].sym != symIdentifier {
				continue
			}
			sys, _ := x.kidVal(id, symSystem)
			val, ok := x.kidVal(id, symValue)
			if ok {
				f.Focus = FocusKey{m.Event, sys, val}
				break
			}
		}
	}
	if nhs := m.RoutingNHSNumber(); nhs != "" && m.SenderASID != "" {
		f.Sequence = SequenceKey{m.SenderASID, nhs, m.Event}
	}
	m.factsVal = f
	m.facts = &m.factsVal
	return f
}

// RoutingNHSNumber is the value of the routing demographics nhsNumber
// sub-extension, "" when absent.
func (m *Message) RoutingNHSNumber() string {
	x := m.index()
	var rdsBuf, subBuf [2]int32
	for _, rd := range routing(m, x, rdsBuf[:0]) {
		for _, n := range x.extsOf(rd, "nhsNumber", subBuf[:0]) {
			if v, ok := x.val(x.get(n, []sym{symValueIdentifier, symValue})); ok {
				return v
			}
		}
	}
	return ""
}
