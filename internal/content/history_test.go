package content

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// synthFacts is the i-th message of a run of vaccinations: ids and focus
// records of its own, the sender and patient one of a few (keys of, a, b
// and c choices: small choices make keys repeat).
func synthFacts(i, ids, focus, seq int) Facts {
	f := Facts{MessageID: fmt.Sprintf("%08X-5EB3-5F05-BDF6-1324AC887701", i%ids), Event: Vaccinations, Type: []string{"new", "update", "delete"}[i%3],
		VersionID: strconv.Itoa(i), LastUpdated: "2024-05-14T11:00:00+00:00",
		Focus:    FocusKey{Vaccinations, "https://fhir.example/Id/event-record", "IMM-" + strconv.Itoa(i%focus)},
		Sequence: SequenceKey{"200000000115", strconv.Itoa(9000000000 + i%seq), Vaccinations}}
	f.Ref = DefaultRef(f.Type, f.MessageID)
	if i%7 == 0 {
		f.Ref = "request " + strconv.Itoa(i) // a Ref of its own
	}
	if i%11 == 0 {
		f.Sequence = SequenceKey{} // no sequence key
	}
	return f
}

// window is the reference a Memory is held to: every message recorded,
// looked up by scanning the latest `held` of them.
type window struct {
	all  []Facts
	held int
}

func (w *window) last(match func(Facts) bool) (Facts, bool) {
	for i := len(w.all) - 1; i >= len(w.all)-w.held; i-- {
		if match(w.all[i]) {
			return w.all[i], true
		}
	}
	return Facts{}, false
}

// TestMemoryBound fills Memories past their bounds, with hashes cut so that
// keys collide (down to every key on one hash), and holds every look-up to
// a scan of the latest messages: the bound holds, and nothing is found that
// was forgotten, nor missed that is held.
func TestMemoryBound(t *testing.T) {
	cases := []struct {
		name              string
		limit, bytes      int
		mask              uint64
		n, ids, foc, seqs int
	}{
		{"under the bound", 100, 1 << 20, ^uint64(0), 60, 1000, 1000, 1000},
		{"past the count", 50, 1 << 20, ^uint64(0), 400, 1000, 1000, 1000},
		{"keys repeat", 50, 1 << 20, ^uint64(0), 400, 37, 13, 5},
		{"past the bytes", 1000, 40 * (recordCost + 150), ^uint64(0), 400, 1000, 100, 10},
		{"hashes collide", 50, 1 << 20, 3, 400, 37, 13, 5},
		{"one hash for all", 20, 1 << 20, 0, 200, 1000, 9, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := NewMemoryLimited(c.limit, c.bytes)
			h.mask = c.mask
			var w window
			r := rand.New(rand.NewPCG(1, 2))
			for i := range c.n {
				f := synthFacts(i, c.ids, c.foc, c.seqs)
				h.Record(f)
				w.all = append(w.all, f)
				w.held = h.Len()
				require.LessOrEqual(t, h.Len(), c.limit, "count bound")
				require.LessOrEqual(t, h.bytes, c.bytes, "byte bound")
				require.Equal(t, len(w.all)-h.Len(), h.Forgotten())
				// Look up keys of messages held, forgotten and never sent.
				for range 4 {
					k := synthFacts(r.IntN(i+20), c.ids, c.foc, c.seqs)
					id := k.MessageID
					if r.IntN(2) == 0 {
						id = strings.ToLower(id)
					}
					got, ok := h.SeenMessageID(id)
					want, wok := w.last(func(g Facts) bool { return strings.EqualFold(g.MessageID, id) })
					require.Equal(t, wok, ok, "id %s", id)
					assert.Equal(t, want, got, "id %s", id)
					got, ok = h.LastByFocus(k.Focus)
					want, wok = w.last(func(g Facts) bool { return g.Focus == k.Focus })
					require.Equal(t, wok, ok, "focus %v", k.Focus)
					assert.Equal(t, want, got)
					got, ok = h.LastBySequence(k.Sequence)
					want, wok = w.last(func(g Facts) bool { return g.Sequence != (SequenceKey{}) && g.Sequence == k.Sequence })
					require.Equal(t, wok, ok, "sequence %v", k.Sequence)
					assert.Equal(t, want, got)
				}
			}
			if c.n > c.limit {
				assert.Positive(t, h.Forgotten(), "the oldest are forgotten")
			}
			// The indexes hold no key of a message forgotten.
			assert.LessOrEqual(t, len(h.ids.byHash)+len(h.ids.other), h.Len())
			assert.LessOrEqual(t, len(h.focus.byHash)+len(h.focus.other), h.Len())
			assert.LessOrEqual(t, len(h.seq.byHash)+len(h.seq.other), h.Len())
		})
	}
}

// TestMemoryRuns: a new run forgets the old one's messages; following the
// same run, or one not named, keeps them.
func TestMemoryRuns(t *testing.T) {
	h := NewMemory()
	first := h.Run()
	require.Len(t, first, 16)
	h.Record(synthFacts(1, 10, 10, 10))
	h.Follow(first)
	h.Follow("")
	assert.Equal(t, 1, h.Len(), "the same run")
	h.Follow("0123456789abcdef")
	assert.Equal(t, 0, h.Len(), "another run")
	assert.Equal(t, "0123456789abcdef", h.Run())
	h.Record(synthFacts(1, 10, 10, 10))
	h.Reset()
	assert.Equal(t, 0, h.Len())
	assert.NotEqual(t, "0123456789abcdef", h.Run(), "Reset starts a run")
	assert.NotEqual(t, first, h.Run())
}

// TestMemoryForgetsHonestly judges the rules that remember against a
// Memory holding two messages and against one holding all: where the
// message the verdict needs was forgotten, the rule does not fail and
// says how much it knows.
func TestMemoryForgetsHonestly(t *testing.T) {
	focus := func(v string) mutation {
		return mutation{`<value value="IMM-2024-031158"/>`, `<value value="` + v + `"/>`}
	}
	msgID := func(b []byte, id string) []byte {
		return []byte(strings.Replace(string(b), `<id value="`+headerID(t, b)+`"/>`, `<id value="`+id+`"/>`, 1))
	}
	first := msgID(mutate(t, vac), "id-1")
	other := func(n string) []byte { return msgID(mutate(t, vac, focus("IMM-"+n)), "id-"+n) }
	update := msgID(mutate(t, "vaccinations-1-update.xml"), "id-update")
	const forgot = "history of this run only, the latest 2 accepted messages"
	type want struct {
		rule    string
		all     Outcome // with every message held
		bounded Outcome
		reason  string // in the bounded verdict's reason
	}
	steps := []struct {
		body []byte
		want []want
	}{
		{first, nil},
		{other("2"), nil},
		{other("3"), []want{{"EVT-MSGID-UNIQUE", Pass, Pass, ""}}}, // nothing forgotten yet
		// The new of the record is forgotten: no life-cycle verdict.
		{update, []want{
			{"EVT-LIFECYCLE", Pass, NotAssessed, forgot + " (1 earlier forgotten): no earlier message about this record"},
			{"EVT-LASTUPDATED-ORDER", Pass, NotAssessed, forgot},
			{"EVT-MSGID-UNIQUE", Pass, Pass, "1 instance judged; " + forgot + " (1 earlier forgotten)"},
		}},
		// An id used by a forgotten message is not known to be reused; one
		// held is.
		{msgID(other("4"), "ID-1"), []want{{"EVT-MSGID-UNIQUE", Fail, Pass, forgot}}},
		{msgID(other("5"), "id-update"), []want{{"EVT-MSGID-UNIQUE", Fail, Fail, "already used by the update message id-update"}}},
	}
	cat, err := NewCatalogue(Generic())
	require.NoError(t, err)
	all, bounded := NewMemory(), NewMemoryLimited(2, 0)
	for i, s := range steps {
		for _, h := range []*Memory{all, bounded} {
			m := load(t, s.body, "xml")
			m.Context = Context{Profile: Profile2019, SenderASID: "200000000115", History: h, Body: string(s.body)}
			res := cat.Judge(m)
			for _, w := range s.want {
				r, ok := cat.Rule(w.rule)
				require.True(t, ok)
				got := res[slicesIndex(cat.Rules(), r)]
				if h == all {
					assert.Equal(t, w.all, got.Outcome, "step %d %s, all held: %s", i, w.rule, got.Summary())
					continue
				}
				assert.Equal(t, w.bounded, got.Outcome, "step %d %s, 2 held: %s", i, w.rule, got.Summary())
				assert.Contains(t, got.Summary(), w.reason, "step %d %s", i, w.rule)
			}
			f := m.Facts()
			f.Ref = DefaultRef(f.Type, f.MessageID)
			h.Record(f)
		}
	}
}

func slicesIndex(rules []*Rule, r *Rule) int {
	for i, x := range rules {
		if x == r {
			return i
		}
	}
	return -1
}

// TestMemorySize measures what a message held costs (set
// NEMS_HISTORY_SIZE=1 to print it); the bound is what keeps it finite.
func TestMemorySize(t *testing.T) {
	const n = 100_000
	facts := make([]Facts, n)
	for i := range facts {
		facts[i] = synthFacts(i, n, n, n)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	h := NewMemory()
	for _, f := range facts {
		h.Record(f)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(facts) // the Memory holds copies: only they are counted
	per := int(after.HeapAlloc-before.HeapAlloc) / n
	t.Logf("%d messages held: %d bytes a message (the byte bound counts %d)", h.Len(), per, h.bytes/n)
	assert.Less(t, per, 400, "a message held costs about 250 bytes")
	runtime.KeepAlive(h)
}

// TestMemoryIDsCaseInsensitive: ids are compared lower-cased, ASCII or not,
// short or long.
func TestMemoryIDsCaseInsensitive(t *testing.T) {
	long := strings.Repeat("AbC-", 40)
	cases := []struct {
		recorded, asked string
		seen            bool
	}{
		{"4A61985A-5EB3", "4a61985a-5eb3", true},
		{"4a61985a-5eb3", "4A61985A-5EB3", true},
		{"ÄRZTE-1", "ärzte-1", true},
		{"ärzte-1", "ÄRZTE-1", true},
		{long, strings.ToLower(long), true},
		{long, strings.ToUpper(long), true},
		{"4A61985A-5EB3", "4A61985A-5EB4", false},
		{"ÄRZTE-1", "ARZTE-1", false},
		{long, long + "x", false},
	}
	for _, c := range cases {
		h := NewMemory()
		h.Record(Facts{MessageID: c.recorded, Event: Vaccinations, Type: "new"})
		f, ok := h.SeenMessageID(c.asked)
		assert.Equal(t, c.seen, ok, "%q recorded, %q asked", c.recorded, c.asked)
		if ok {
			assert.Equal(t, c.recorded, f.MessageID)
			assert.Empty(t, f.Ref, "no Ref recorded")
		}
	}
}
