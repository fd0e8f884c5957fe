package mockspine_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/mockspine"
)

func TestJournalFileSurvivesRestartAndTornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := mockspine.OpenJournal(path)
	require.NoError(t, err)
	for i := 0; i < 3; i++ {
		e := &mockspine.Entry{Method: "POST", Path: "/x", Header: http.Header{"A": {"b"}}, Response: mockspine.Reply{Status: 202}}
		require.NoError(t, j.Append(e))
	}
	require.NoError(t, j.Close())

	// A crash mid-write leaves half a line.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"id":"r4","seq":4,"method":"PO`)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	entries, err := mockspine.ReadJournal(path)
	require.NoError(t, err)
	assert.Len(t, entries, 3)

	j, err = mockspine.OpenJournal(path)
	require.NoError(t, err)
	assert.Len(t, j.List(0), 3)
	require.NoError(t, j.Append(&mockspine.Entry{Method: "POST", Path: "/y"}))
	require.NoError(t, j.Close())

	entries, err = mockspine.ReadJournal(path)
	require.NoError(t, err)
	require.Len(t, entries, 4)
	assert.Equal(t, "r4", entries[3].ID)
	assert.Equal(t, "/y", entries[3].Path)
}

func TestJournalRefusesDamageBeforeTheLastLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	require.NoError(t, os.WriteFile(path, []byte("{\"id\":\"r1\",\"seq\":1}\nnot json\n{\"id\":\"r2\",\"seq\":2}\n"), 0o644))
	_, err := mockspine.OpenJournal(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 2")
}

func TestJournalBodyRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := mockspine.OpenJournal(path)
	require.NoError(t, err)
	for _, body := range [][]byte{[]byte("<Bundle/>"), {0xff, 0xfe, 0x00, 'x'}} {
		e := &mockspine.Entry{Method: "POST", Path: "/p"}
		mockspine.SetEntryBody(e, body)
		require.NoError(t, j.Append(e))
	}
	require.NoError(t, j.Close())
	entries, err := mockspine.ReadJournal(path)
	require.NoError(t, err)
	require.Len(t, entries, 2)
	r0, err := entries[0].Request()
	require.NoError(t, err)
	assert.Equal(t, "<Bundle/>", r0.Body)
	r1, err := entries[1].Request()
	require.NoError(t, err)
	assert.Equal(t, "\xff\xfe\x00x", r1.Body)
	assert.True(t, entries[1].BodyBase64)
}

func TestJournalConcurrentAppends(t *testing.T) {
	j, err := mockspine.OpenJournal(filepath.Join(t.TempDir(), "j.jsonl"))
	require.NoError(t, err)
	defer j.Close()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 25; k++ {
				assert.NoError(t, j.Append(&mockspine.Entry{Method: "POST"}))
			}
		}()
	}
	wg.Wait()
	entries := j.List(0)
	require.Len(t, entries, 200)
	seen := map[string]bool{}
	for _, e := range entries {
		assert.False(t, seen[e.ID])
		seen[e.ID] = true
	}
}

// A judged publish, its verdicts packed by their place in the catalogue,
// comes back from the journal exactly as appended.
func TestJournalKeepsJudgedVerdicts(t *testing.T) {
	w := defaultWorld(t)
	body := string(fixtureMessage(t, "xml"))
	jd := &mockspine.Judge{Profile: mockspine.Profile2019, World: w}
	cases := map[string]http.Header{
		"conforming": publishHeader(t, w, "xml"),
		"no token":   {"Content-Type": {"application/fhir+xml"}},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			j, err := jd.Evaluate(context.Background(), mockspine.Request{Method: http.MethodPost, Path: mockspine.PublishPath, Header: h, Body: body})
			require.NoError(t, err)
			e := mockspine.Entry{Method: http.MethodPost, Path: mockspine.PublishPath, Header: h, Body: body, Verdicts: j.Verdicts,
				Response: mockspine.Reply{Status: j.Response.Status, Header: j.Response.Header, Body: string(j.Response.Body)}}
			jr := mockspine.NewJournal()
			require.NoError(t, jr.Append(&e))
			got, ok := jr.Get(e.ID)
			require.True(t, ok)
			assert.Equal(t, e, got)
		})
	}
}
