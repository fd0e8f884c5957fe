package mockspine

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/internal/content"
)

// encodingJSONLine is a journal line as encoding/json writes it.
func encodingJSONLine(t testing.TB, e *Entry) ([]byte, error) {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(e)
	return b.Bytes(), err
}

// assertLikeEncodingJSON checks that appendEntryJSON writes what
// encoding/json writes, with the body in place and left out.
func assertLikeEncodingJSON(t *testing.T, e *Entry) {
	t.Helper()
	want, err := encodingJSONLine(t, e)
	require.NoError(t, err)
	got, bodyAt, ok := appendEntryJSON(nil, e, false)
	require.True(t, ok)
	assert.Equal(t, string(want), string(got)+"\n")
	cut, cutAt, ok := appendEntryJSON([]byte("prefix"), e, true)
	require.True(t, ok)
	assert.Equal(t, bodyAt, cutAt-len("prefix"))
	whole := string(cut[len("prefix"):cutAt]) + string(appendJSONStringContent(nil, e.Body)) + string(cut[cutAt:])
	assert.Equal(t, string(want), whole+"\n", "the body put in its place")
}

// The types a journal line holds are as appendEntryJSON knows them; a
// field added or changed must be written by it too (then listed in
// entryJSONFields).
func TestEntryJSONKnowsEveryField(t *testing.T) {
	assert.Empty(t, entryJSONDiffers())
	assert.True(t, entryJSONKnown)
}

// A journal line is byte for byte what encoding/json writes, whatever the
// entry holds.
func TestEntryJSONAsEncodingJSON(t *testing.T) {
	odd := "a\x00\x01\x1f\"\\/<>&\b\f\n\r\t\u2028\u2029\xff\xfe\xc3 é 😀 \x7f end"
	full := Entry{
		ID: "r7", Seq: 7,
		Received: time.Date(2025, 3, 4, 5, 6, 7, 890, time.UTC),
		Remote:   "127.0.0.1:5555", Method: "POST", Path: PublishPath, Query: "a=1&b",
		Header: http.Header{"Content-Type": {"application/fhir+xml"}, "X-Many": {"a", "", "b"}, "X-None": {}, "X-Nil": nil,
			"A-First": {odd}, odd: {"key"}},
		HeaderBytes:        map[string][]string{"X-Raw": {"/w=="}},
		Body:               "<Bundle>" + odd + "</Bundle>",
		BodyBase64:         true,
		BodyTruncated:      true,
		BodyError:          "unexpected EOF",
		TLS:                true,
		ClientCertificates: []string{"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", ""},
		JWT:                &JWTInfo{Header: json.RawMessage(`{"alg":"none"}`), Claims: json.RawMessage(" {\n \"iss\" : \"a b\",\t\"n\": [1, 2.5e3, null, true] }\n")},
		Profile:            Profile2019,
		Verdicts: []Verdict{
			{Rule: "HDR-TOASID", Outcome: Fail, Reason: "toASID ✗ \x00 wrong", Answer: &Answer{Status: 403, Code: codeASIDCheckFailed, IssueType: IssueForbidden}},
			{Rule: "JWT-FORMAT", Outcome: Pass, Reason: "fine"},
			{Rule: "X", Outcome: NotAssessed, Answer: &Answer{Status: -1}},
			{Rule: "EVT-LIFECYCLE", Outcome: Fail, Severity: "warning", Publisher: "odd", Findings: []content.Finding{
				{Entry: 0, Path: "MessageHeader", Line: 12, Reason: "a new after a new", Excerpt: "new"},
				{Entry: -1, Reason: odd},
			}},
			{Rule: "HDR-FROMASID", Outcome: "strange", Severity: "severe", Publisher: Pass, Findings: []content.Finding{}},
			{Rule: "", Outcome: ""},
		},
		Response:  Reply{Status: 403, Header: http.Header{"Content-Type": {"application/fhir+xml"}, "Retry-After": {"1"}}, Body: "<OperationOutcome/>" + odd},
		Handshake: &Handshake{Refused: true, Reason: odd, Subject: "CN=x", Serial: "01"},
		Run:       "0123456789abcdef",
		Content:   ContentReject,
	}
	cases := map[string]Entry{
		"full":  full,
		"zero":  {},
		"empty": {Header: http.Header{}, HeaderBytes: map[string][]string{}, ClientCertificates: []string{}, Verdicts: []Verdict{}, JWT: &JWTInfo{}, Response: Reply{Header: http.Header{}}},
		"jwt without claims": {JWT: &JWTInfo{Header: json.RawMessage(`{}`), Claims: json.RawMessage{}},
			Handshake: &Handshake{}},
		"local time":  {Received: time.Date(2025, 3, 4, 5, 6, 7, 123456789, time.FixedZone("", -(3*3600+30*60)))},
		"year 0":      {Received: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)},
		"large seq":   {Seq: 1<<64 - 1, Response: Reply{Status: -200}},
		"many fields": {Header: manyFields(40)},
	}
	for name, e := range cases {
		t.Run(name, func(t *testing.T) { assertLikeEncodingJSON(t, &e) })
	}
}

// manyFields is a header of n fields, more than a request usually sends.
func manyFields(n int) http.Header {
	h := http.Header{}
	for i := range n {
		h.Add(strings.Repeat("X", n-i), strings.Repeat("v", i))
	}
	return h
}

// What encoding/json refuses, appendEntryJSON declines, so that the
// journal reports encoding/json's error.
func TestEntryJSONDeclines(t *testing.T) {
	cases := map[string]Entry{
		"year 10000":       {Received: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		"negative year":    {Received: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)},
		"header not JSON":  {JWT: &JWTInfo{Header: json.RawMessage(`{"alg":`)}},
		"claims not JSON":  {JWT: &JWTInfo{Header: json.RawMessage(`{}`), Claims: json.RawMessage(`{} {}`)}},
		"claims with junk": {JWT: &JWTInfo{Claims: json.RawMessage("\x00")}},
	}
	for name, e := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, ok := appendEntryJSON(nil, &e, false)
			assert.False(t, ok)
			_, err := encodingJSONLine(t, &e)
			assert.Error(t, err)
		})
	}
}

func FuzzEntryJSON(f *testing.F) {
	f.Add("r1", "POST", "X-A", "v", "<Bundle/>", "reason", `{"a":1}`, 202, int64(0))
	f.Add("", "", "", "", "\xff\u2028", "\x00", " [ ] ", -1, int64(1e18))
	f.Fuzz(func(t *testing.T, id, method, key, value, body, reason, raw string, status int, nanos int64) {
		e := Entry{ID: id, Method: method, Received: time.Unix(0, nanos).UTC(), Header: http.Header{key: {value, reason}},
			Body: body, JWT: &JWTInfo{Claims: json.RawMessage(raw)},
			Verdicts: []Verdict{{Rule: key, Outcome: Outcome(value), Reason: reason, Findings: []content.Finding{{Entry: status, Reason: body, Line: status}}}},
			Response: Reply{Status: status, Header: http.Header{value: {key}}, Body: reason}}
		want, err := encodingJSONLine(t, &e)
		got, _, ok := appendEntryJSON(nil, &e, false)
		if err != nil {
			if ok {
				t.Fatalf("encoding/json refuses the entry (%v), appendEntryJSON wrote %q", err, got)
			}
			return
		}
		if !ok {
			t.Fatalf("appendEntryJSON declined an entry encoding/json writes: %q", want)
		}
		if string(got)+"\n" != string(want) {
			t.Fatalf("got  %q\nwant %q", got, want)
		}
	})
}
