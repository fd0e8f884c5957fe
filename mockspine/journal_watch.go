package mockspine

import (
	"sort"
	"sync"
	"sync/atomic"
)

// A live view of the journal (the dashboard) watches it: every entry kept is
// offered to each watcher as it is appended. Watching costs the publish path
// next to nothing: with no watcher, one atomic load; with watchers, a
// non-blocking send of a few words to each. The entry handed over is the
// packed one the journal holds, which nothing changes afterwards, so a
// watcher unpacks it in its own time, outside the journal's lock.

// Held is an entry as the journal holds it in memory: cheap to pass around,
// unpacked on demand. Its Seq and ID are at hand without unpacking.
type Held struct{ se storedEntry }

// Seq is the entry's sequence number.
func (h Held) Seq() uint64 { return h.se.seq }

// ID is the entry's ID.
func (h Held) ID() string { return h.se.id }

// Entry unpacks the entry: a copy sharing nothing with the journal.
func (h Held) Entry() Entry { return h.se.unpack() }

// Watch receives the entries appended to a journal after it was made. Its
// buffer is bounded: a watcher that falls behind by more than the buffer is
// marked lagging and receives nothing more (it should start again from a
// fresh listing), so that a slow reader never holds a publish.
type Watch struct {
	c      chan Held
	lagged atomic.Bool
	lag    chan struct{} // closed when the watch starts lagging
	w      *watchers
}

// Entries delivers the entries appended, in about the order they were
// appended (concurrent appends may arrive in either order; Seq orders them).
func (w *Watch) Entries() <-chan Held { return w.c }

// Lagging is closed once the watcher has fallen behind and missed an entry.
func (w *Watch) Lagging() <-chan struct{} { return w.lag }

// Close stops the watch.
func (w *Watch) Close() { w.w.remove(w) }

// watchers are a journal's watches. The zero value has none.
type watchers struct {
	n    atomic.Int32
	mu   sync.Mutex
	subs map[*Watch]struct{}
}

// Watch starts watching the journal, with room for buffer entries not yet
// received (at least 1). Entries appended before the call are not
// delivered: list them with Recent after calling Watch, and skip the
// delivered ones already listed (by Seq), so that none is missed.
func (j *Journal) Watch(buffer int) *Watch {
	w := &Watch{c: make(chan Held, max(1, buffer)), lag: make(chan struct{}), w: &j.watch}
	j.watch.mu.Lock()
	if j.watch.subs == nil {
		j.watch.subs = map[*Watch]struct{}{}
	}
	j.watch.subs[w] = struct{}{}
	j.watch.n.Add(1)
	j.watch.mu.Unlock()
	return w
}

func (ws *watchers) remove(w *Watch) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if _, ok := ws.subs[w]; ok {
		delete(ws.subs, w)
		ws.n.Add(-1)
	}
}

// notify offers an appended entry to every watcher, never waiting.
func (ws *watchers) notify(se storedEntry) {
	if ws.n.Load() == 0 {
		return
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for w := range ws.subs {
		if w.lagged.Load() {
			continue
		}
		select {
		case w.c <- Held{se}:
		default:
			w.lagged.Store(true)
			close(w.lag)
		}
	}
}

// Recent returns up to n of the entries held with a sequence number below
// before (0 means no bound), newest first, and how many entries are held
// in all. Only the packed entries are copied under the journal's lock.
func (j *Journal) Recent(before uint64, n int) ([]Held, int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	end := j.held // entries at end and after are not below before
	if before != 0 && !j.unordered {
		end = sort.Search(j.held, func(i int) bool { return j.at(i).seq >= before })
	}
	var out []Held
	for i := end - 1; i >= 0 && len(out) < n; i-- {
		if se := j.at(i); before == 0 || se.seq < before {
			out = append(out, Held{*se})
		}
	}
	return out, j.held
}

// heldChunk is how many entries Held copies per hold of the lock, so that
// a reader going through 100,000 entries never holds a publish for long.
const heldChunk = 1024

// Held returns every entry held, oldest first, for a reader that goes
// through them all (counting verdicts, writing them out) without holding
// the journal meanwhile: they are copied a chunk at a time. An entry
// forgotten meanwhile is left out; one appended meanwhile may be in.
func (j *Journal) Held() []Held {
	var out []Held
	var since uint64
	for {
		j.mu.Lock()
		if j.unordered { // rare: a journal file written out of order
			out = make([]Held, j.held)
			for i := range out {
				out[i] = Held{*j.at(i)}
			}
			j.mu.Unlock()
			return out
		}
		first := sort.Search(j.held, func(i int) bool { return j.at(i).seq > since })
		last := min(j.held, first+heldChunk)
		for i := first; i < last; i++ {
			out = append(out, Held{*j.at(i)})
		}
		more := last < j.held
		j.mu.Unlock()
		if !more {
			return out
		}
		since = out[len(out)-1].Seq()
	}
}

// HeldCount is how many entries the journal holds in memory.
func (j *Journal) HeldCount() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.held
}
