package mockspine_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/mediatype"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
	"github.com/nems-harness/nems-harness/publish"
)

// defaultWorld loads the embedded fixtures or stops the test.
func defaultWorld(tb testing.TB) *world.World {
	tb.Helper()
	w, err := fixtures.Default()
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

// publishHeader returns the headers of a conforming publish of
// vaccinations-1 in a format ("xml" or "json"), with a fresh JWT.
func publishHeader(tb testing.TB, w *world.World, format string) http.Header {
	tb.Helper()
	jwt, err := publish.Token(sender, "https://nems.example", time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	ct := "application/fhir+xml"
	if format == "json" {
		ct = "application/fhir+json"
	}
	return publish.Headers(sender, w.NEMSASID(), "vaccinations-1", jwt, ct)
}

// fixtureMessage is the vaccinations-1 "new" example in a format.
func fixtureMessage(tb testing.TB, format string) []byte {
	tb.Helper()
	b, err := publish.Message("vaccinations-1", "new", format, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// bigXMLBundle grows the vaccinations-1 XML example to just under size
// bytes by repeating every entry after the MessageHeader. Each repeated
// Patient keeps its valid, traced NHS number, so every rule runs over the
// whole message.
func bigXMLBundle(tb testing.TB, size int) []byte {
	tb.Helper()
	msg := fixtureMessage(tb, "xml")
	const endEntry = "</entry>"
	first := bytes.Index(msg, []byte(endEntry))
	last := bytes.LastIndex(msg, []byte(endEntry))
	if first < 0 || last <= first {
		tb.Fatal("the example message has no entries to repeat")
	}
	head := msg[:first+len(endEntry)]
	unit := msg[first+len(endEntry) : last+len(endEntry)]
	tail := msg[last+len(endEntry):]
	var b bytes.Buffer
	b.Grow(size)
	b.Write(head)
	for b.Len()+len(unit)+len(tail) <= size {
		b.Write(unit)
	}
	b.Write(tail)
	return b.Bytes()
}

// bigJSONBundle does the same in JSON.
func bigJSONBundle(tb testing.TB, size int) []byte {
	tb.Helper()
	var doc map[string]any
	if err := json.Unmarshal(fixtureMessage(tb, "json"), &doc); err != nil {
		tb.Fatal(err)
	}
	entries := doc["entry"].([]any)
	unit, err := json.Marshal(entries[1:])
	if err != nil {
		tb.Fatal(err)
	}
	out := entries
	base, _ := json.Marshal(doc)
	for n := len(base) + len(unit); n+len(unit) <= size; n += len(unit) {
		out = append(out, entries[1:]...)
	}
	doc["entry"] = out
	b, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	if len(b) > size {
		tb.Fatalf("JSON bundle came out at %d bytes, over %d", len(b), size)
	}
	return b
}

// newTestServer builds a mock over the embedded world.
func newTestServer(tb testing.TB, j *mockspine.Journal) *mockspine.Server {
	tb.Helper()
	s, err := mockspine.NewServer(mockspine.Config{World: defaultWorld(tb), Journal: j})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// outcomeFormat is the format an answer's Content-Type announces.
func outcomeFormat(contentType string) mediatype.Format {
	if bytes.Contains([]byte(contentType), []byte("json")) {
		return mediatype.JSON
	}
	return mediatype.XML
}

// assertAcceptedBody asserts what a 202 may carry: nothing, or an
// OperationOutcome of warning (content rules, report mode) and information
// (DEPRECATED) issues only.
func assertAcceptedBody(t testing.TB, body []byte, contentType string, msgAndArgs ...any) {
	t.Helper()
	if len(body) == 0 {
		return
	}
	o, err := mockspine.ParseOperationOutcome(body, outcomeFormat(contentType))
	if !assert.NoError(t, err, msgAndArgs...) {
		return
	}
	for _, is := range o.Issues {
		assert.Contains(t, []string{"warning", "information"}, is.Severity, msgAndArgs...)
	}
}
