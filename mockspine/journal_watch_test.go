package mockspine_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/mockspine"
)

func appendN(t *testing.T, j *mockspine.Journal, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		e := &mockspine.Entry{Method: "POST", Path: fmt.Sprintf("/p%d", i), Header: http.Header{"X-N": {fmt.Sprint(i)}},
			Response: mockspine.Reply{Status: 202}}
		require.NoError(t, j.Append(e))
	}
}

// TestWatchDeliversEntriesAppendedAfterIt: a watcher sees each later entry
// once, unpacked whole, and none from before it started.
func TestWatchDeliversEntriesAppendedAfterIt(t *testing.T) {
	j := mockspine.NewJournal()
	appendN(t, j, 2)
	w := j.Watch(10)
	defer w.Close()
	appendN(t, j, 3)
	for want := uint64(3); want <= 5; want++ {
		h := <-w.Entries()
		assert.Equal(t, want, h.Seq())
		assert.Equal(t, fmt.Sprintf("r%d", want), h.ID())
		e := h.Entry()
		assert.Equal(t, h.ID(), e.ID)
		assert.Equal(t, fmt.Sprint(want-3), e.Header.Get("X-N"))
	}
	select {
	case h := <-w.Entries():
		t.Fatalf("unexpected entry %s", h.ID())
	default:
	}
}

// TestWatchThatFallsBehindLagsAndNeverBlocks: a watcher nobody reads fills
// its buffer, is marked lagging, and appends go on regardless.
func TestWatchThatFallsBehindLagsAndNeverBlocks(t *testing.T) {
	j := mockspine.NewJournal()
	w := j.Watch(4)
	defer w.Close()
	appendN(t, j, 50) // would block here if a full buffer held Append
	select {
	case <-w.Lagging():
	default:
		t.Fatal("the watch should be lagging")
	}
	assert.Len(t, w.Entries(), 4)
	assert.Equal(t, uint64(50), j.Last())
}

// TestWatchClosedReceivesNothing and Recent/Held list what is held.
func TestWatchClosedAndRecent(t *testing.T) {
	j := mockspine.NewJournal()
	w := j.Watch(4)
	w.Close()
	w.Close() // twice is harmless
	appendN(t, j, 6)
	assert.Len(t, w.Entries(), 0)

	recent, held := j.Recent(0, 3)
	assert.Equal(t, 6, held)
	require.Len(t, recent, 3)
	assert.Equal(t, []string{"r6", "r5", "r4"}, []string{recent[0].ID(), recent[1].ID(), recent[2].ID()})
	older, _ := j.Recent(3, 10)
	require.Len(t, older, 2)
	assert.Equal(t, "r2", older[0].ID())
	all := j.Held()
	require.Len(t, all, 6)
	mid, _ := j.Recent(5, 2)
	assert.Equal(t, []string{"r4", "r3"}, []string{mid[0].ID(), mid[1].ID()})
	assert.Equal(t, "r1", all[0].ID())
	assert.Equal(t, 6, j.HeldCount())
	j.Clear()
	assert.Equal(t, 0, j.HeldCount())
}

// TestWatchConcurrentAppends: no entry is lost or duplicated when many
// publishers append at once and a watcher started before them reads.
func TestWatchConcurrentAppends(t *testing.T) {
	j := mockspine.NewJournal()
	w := j.Watch(1000)
	defer w.Close()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				_ = j.Append(&mockspine.Entry{Method: "POST", Path: "/p"})
			}
		}()
	}
	wg.Wait()
	seen := map[uint64]bool{}
	for len(w.Entries()) > 0 {
		h := <-w.Entries()
		assert.False(t, seen[h.Seq()], "entry %d twice", h.Seq())
		seen[h.Seq()] = true
	}
	assert.Len(t, seen, 800)
}

// BenchmarkJournalAppendWatched appends a typical entry (10 KB body, a
// verdict per rule) to a memory journal with no watcher, with one that
// keeps up, and with one that stopped reading: the watchers cost the
// append next to nothing.
func BenchmarkJournalAppendWatched(b *testing.B) {
	w := defaultWorld(b)
	jd := &mockspine.Judge{Profile: mockspine.Profile2019, World: w}
	body := fixtureMessage(b, "xml")
	h := publishHeader(b, w, "xml")
	jm, err := jd.Evaluate(context.Background(), mockspine.Request{Method: http.MethodPost, Path: mockspine.PublishPath, Header: h, Body: string(body)})
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{"none", "reading", "stalled"} {
		b.Run(mode, func(b *testing.B) {
			j := mockspine.NewJournal()
			switch mode {
			case "reading":
				wt := j.Watch(512)
				defer wt.Close()
				go func() {
					for range wt.Entries() {
					}
				}()
			case "stalled":
				wt := j.Watch(512)
				defer wt.Close()
			}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					e := &mockspine.Entry{Method: http.MethodPost, Path: mockspine.PublishPath, Header: h,
						Verdicts: jm.Verdicts, Response: mockspine.Reply{Status: http.StatusAccepted}}
					mockspine.SetEntryBody(e, body)
					if err := j.Append(e); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// TestHeldGoesThroughMoreThanAChunk: Held lists every entry, in order,
// when there are more than it copies per hold of the lock.
func TestHeldGoesThroughMoreThanAChunk(t *testing.T) {
	j := mockspine.NewJournal()
	for i := 0; i < 2500; i++ {
		require.NoError(t, j.Append(&mockspine.Entry{Method: "POST", Path: "/p"}))
	}
	all := j.Held()
	require.Len(t, all, 2500)
	for i, h := range all {
		require.Equal(t, uint64(i+1), h.Seq())
	}
}

// A live view watches the journal: it lists what is held, then receives
// each request appended afterwards.
func ExampleJournal_Watch() {
	j := mockspine.NewJournal()
	_ = j.Append(&mockspine.Entry{Method: "POST", Path: mockspine.PublishPath})

	w := j.Watch(16)
	defer w.Close()
	held, count := j.Recent(0, 10)
	fmt.Println("held:", count, held[0].ID())

	_ = j.Append(&mockspine.Entry{Method: "POST", Path: mockspine.PublishPath, Response: mockspine.Reply{Status: 202}})
	h := <-w.Entries()
	e := h.Entry()
	fmt.Println("new:", h.ID(), e.Response.Status)
	// Output:
	// held: 1 r1
	// new: r2 202
}
