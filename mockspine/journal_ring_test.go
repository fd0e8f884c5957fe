package mockspine_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/mockspine"
)

// TestJournalKeepsTheNewestInOrder: past its entry bound the journal
// forgets the oldest, one for one, and lists and finds the rest in order.
func TestJournalKeepsTheNewestInOrder(t *testing.T) {
	j := mockspine.NewJournal()
	mockspine.SetJournalLimits(j, 5, 1<<30)
	for i := 1; i <= 203; i++ {
		require.NoError(t, j.Append(&mockspine.Entry{Method: "POST", Path: fmt.Sprint(i)}))
		entries := j.List(0)
		require.Len(t, entries, min(i, 5))
		assert.Equal(t, fmt.Sprint(i), entries[len(entries)-1].Path)
	}
	var seqs []uint64
	for _, e := range j.List(0) {
		seqs = append(seqs, e.Seq)
	}
	assert.Equal(t, []uint64{199, 200, 201, 202, 203}, seqs)
	assert.Len(t, j.List(200), 3)
	assert.Empty(t, j.List(203))
	assert.Len(t, j.List(3), 5)

	e, ok := j.Get("r201")
	require.True(t, ok)
	assert.Equal(t, "201", e.Path)
	_, ok = j.Get("r198")
	assert.False(t, ok, "forgotten")

	j.Clear()
	assert.Empty(t, j.List(0))
	require.NoError(t, j.Append(&mockspine.Entry{Method: "POST"}))
	entries := j.List(0)
	require.Len(t, entries, 1)
	assert.Equal(t, uint64(204), entries[0].Seq)
}
