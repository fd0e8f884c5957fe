package mockspine

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/internal/content"
)

// The journal holds entries packed: what it gives back is the entry it was
// given, to the last nil.
func TestPackedEntriesRoundTrip(t *testing.T) {
	full := Entry{
		Received: time.Date(2025, 3, 4, 5, 6, 7, 890, time.UTC),
		Remote:   "127.0.0.1:5555", Method: "POST", Path: PublishPath, Query: "a=1&b",
		Header:             http.Header{"Content-Type": {"application/fhir+xml"}, "X-Many": {"a", "", "b"}, "X-None": {}, "X-Nil": nil},
		Body:               "<Bundle/>",
		BodyBase64:         true,
		BodyTruncated:      true,
		TLS:                true,
		ClientCertificates: []string{"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", ""},
		JWT:                &JWTInfo{Header: json.RawMessage(`{"alg":"none"}`), Claims: json.RawMessage{}},
		Profile:            Profile2019,
		Verdicts: []Verdict{
			{Rule: "HDR-TOASID", Outcome: Fail, Reason: "toASID ✗ \x00 wrong", Answer: &Answer{Status: 403, Code: codeASIDCheckFailed, IssueType: IssueForbidden}},
			{Rule: "JWT-FORMAT", Outcome: Pass, Reason: "fine"},
			{Rule: "X", Outcome: NotAssessed, Answer: &Answer{Status: -1}},
			{Rule: "EVT-LIFECYCLE", Outcome: Fail, Severity: "warning", Publisher: "odd", Findings: []content.Finding{{Entry: 0, Path: "MessageHeader", Line: 12, Reason: "a new after a new", Excerpt: "new"}}},
			{Rule: "HDR-FROMASID", Outcome: "strange", Severity: "severe", Publisher: Pass}, // out of catalogue order
			{Rule: "", Outcome: ""},
		},
		Run:      "0123456789abcdef",
		Content:  ContentReject,
		Response: Reply{Status: 403, Header: http.Header{"Content-Type": {"application/fhir+xml"}}, Body: "<OperationOutcome/>"},
	}
	cases := map[string]Entry{
		"full":       full,
		"zero":       {},
		"empty":      {Header: http.Header{}, ClientCertificates: []string{}, Verdicts: []Verdict{}, JWT: &JWTInfo{}, Response: Reply{Header: http.Header{}}},
		"local time": {Received: time.Date(2025, 3, 4, 5, 6, 7, 0, time.FixedZone("", 3600))},
	}
	for name, e := range cases {
		t.Run(name, func(t *testing.T) {
			se := pack(&e)
			assert.Equal(t, entrySize(&e), se.size, "the size estimate")
			se.seq, se.id = 7, "r7"
			got := se.unpack()
			want := e
			want.Seq, want.ID = 7, "r7"
			assert.True(t, got.Received.Equal(want.Received), "%v, want %v", got.Received, want.Received)
			got.Received, want.Received = time.Time{}, time.Time{}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round trip:\n got %#v\nwant %#v", got, want)
			}
		})
	}

	// Through the journal: the entries come back as appended, and changing
	// what List returned changes nothing held.
	j := NewJournal()
	e := full
	require.NoError(t, j.Append(&e))
	list := j.List(0)
	require.Len(t, list, 1)
	assert.True(t, list[0].Received.Equal(e.Received))
	list[0].Received = e.Received
	assert.True(t, reflect.DeepEqual(e, list[0]))
	list[0].Header.Set("Content-Type", "changed")
	list[0].Verdicts[0].Answer.Status = 200
	again, ok := j.Get(e.ID)
	require.True(t, ok)
	assert.Equal(t, "application/fhir+xml", again.Header.Get("Content-Type"))
	assert.Equal(t, 403, again.Verdicts[0].Answer.Status)
}

// entrySize is the journal's estimate of the memory an entry holds, for
// its byte bound, computed apart from packing.
func entrySize(e *Entry) int {
	n := 512 + len(e.Body) + len(e.Response.Body) + len(e.Remote) + len(e.Path) + len(e.Query) + len(e.BodyError) + len(e.Run) + len(e.Content)
	for _, h := range []http.Header{e.Header, e.Response.Header} {
		for k, vs := range h {
			for _, v := range vs {
				n += len(k) + len(v) + 32
			}
		}
	}
	for _, c := range e.ClientCertificates {
		n += len(c)
	}
	if e.JWT != nil {
		n += len(e.JWT.Header) + len(e.JWT.Claims)
	}
	for _, v := range e.Verdicts {
		n += 96 + len(v.Reason)
	}
	return n + handshakeSize(e.Handshake)
}

// Entries are copied into shared slabs as they are appended, a large one
// into memory of its own: whatever the sizes, every entry comes back as it
// was appended, and none shares bytes with another.
func TestPackedEntriesInSlabs(t *testing.T) {
	j := NewJournal()
	var want []Entry
	for i, size := range []int{0, 10, slabSize / 8, slabSize/4 + 1, slabSize / 5, 3, slabSize / 4, slabSize / 3, slabSize / 6, slabSize / 6, slabSize / 6, 1} {
		e := Entry{Method: "POST", Path: PublishPath, Query: strings.Repeat(string(rune('a'+i)), size),
			Verdicts: []Verdict{{Rule: catalogue[i%len(catalogue)].ID, Outcome: Pass, Reason: strings.Repeat("r", i)}}}
		require.NoError(t, j.Append(&e))
		want = append(want, e)
	}
	got := j.List(0)
	require.Len(t, got, len(want))
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("entry %d:\n got %#v\nwant %#v", i, got[i], want[i])
		}
	}
	// Small entries share slabs, one after another; what List gives back
	// keeps none of them alive.
	j.mu.Lock()
	defer j.mu.Unlock()
	shared := 0
	for i := 1; i < j.held; i++ {
		prev, se := j.at(i-1), j.at(i)
		end := uintptr(unsafe.Pointer(unsafe.StringData(prev.data))) + uintptr(len(prev.data))
		if len(se.data) > 0 && uintptr(unsafe.Pointer(unsafe.StringData(se.data))) == end {
			shared++
		}
		if q := got[i].Query; q != "" {
			at := uintptr(unsafe.Pointer(unsafe.StringData(q)))
			from := uintptr(unsafe.Pointer(unsafe.StringData(se.data)))
			assert.False(t, at >= from && at < from+uintptr(len(se.data)), "entry %d shares its slab", i)
		}
	}
	assert.Greater(t, shared, 3)
}
