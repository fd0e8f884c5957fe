package supplier

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/nems-harness/nems-harness/mockspine"
)

// entryBody is an entry's body as sent (decoded when it was recorded as
// base64).
func entryBody(e mockspine.Entry) string {
	if !e.BodyBase64 {
		return e.Body
	}
	b, err := base64.StdEncoding.DecodeString(e.Body)
	if err != nil {
		return e.Body
	}
	return string(b)
}

// about reports whether a request is about the patient: its body carries
// the NHS number, or (for a system that garbles the number) both the family
// name and the birth date PDS holds.
func about(e mockspine.Entry, p Patient) bool {
	body := entryBody(e)
	if strings.Contains(body, p.NHSNumber) {
		return true
	}
	if p.Family == "" || p.BirthDate == "" {
		return false
	}
	return strings.Contains(strings.ToUpper(body), strings.ToUpper(p.Family)) && strings.Contains(body, p.BirthDate)
}

// isPublish reports whether the mock judged the request as a publish (it
// came to a publish path with POST).
func isPublish(e mockspine.Entry) bool { return e.Verdicts != nil && e.Handshake == nil }

// PublisherVerdicts returns an entry's verdicts as they bear on the
// publisher: each outcome as Verdict.PublisherOutcome gives it. Where the
// two differ is the rule's catalogue property (Rule.Publisher), applied by
// the mock when it judged the request (MIME-DEFAULT: a request naming both
// Content-Type and Accept, both accepted, needed no default, and so kept
// the rule).
func PublisherVerdicts(e mockspine.Entry) []mockspine.Verdict {
	out := make([]mockspine.Verdict, len(e.Verdicts))
	for i, v := range e.Verdicts {
		v.Outcome = v.PublisherOutcome()
		out[i] = v
	}
	return out
}

// PublisherView returns copies of entries with PublisherVerdicts.
func PublisherView(entries []mockspine.Entry) []mockspine.Entry {
	out := make([]mockspine.Entry, len(entries))
	for i, e := range entries {
		out[i] = e
		if e.Verdicts != nil {
			out[i].Verdicts = PublisherVerdicts(e)
		}
	}
	return out
}

func verdictOf(vs []mockspine.Verdict, id string) mockspine.Verdict {
	for _, v := range vs {
		if v.Rule == id {
			return v
		}
	}
	return mockspine.Verdict{Rule: id}
}

// requestDump is a request as an attachment: start line, one line per
// header value (sorted by name), a blank line and the body as sent.
func requestDump(e mockspine.Entry) string {
	target := e.Path
	if e.Query != "" {
		target += "?" + e.Query
	}
	body := e.Body
	if e.BodyBase64 {
		body = "(body is not UTF-8; base64) " + body
	}
	if e.BodyTruncated {
		body += fmt.Sprintf("\n[the body was larger than %d bytes; the rest was not read]", mockspine.MaxBody)
	}
	return dump(e.Method+" "+target, e.Header, body)
}

// responseDump is the mock's answer as an attachment.
func responseDump(e mockspine.Entry) string {
	r := e.Response
	return dump(fmt.Sprintf("HTTP %d %s", r.Status, http.StatusText(r.Status)), r.Header, r.Body)
}

func dump(start string, h http.Header, body string) string {
	var b strings.Builder
	b.WriteString(start)
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range h[k] {
			b.WriteString("\n" + k + ": " + v)
		}
	}
	b.WriteString("\n\n")
	b.WriteString(body)
	return b.String()
}

// jwtDump is the decoded JWT (header and claims) as indented JSON, or a
// note saying why there is none.
func jwtDump(e mockspine.Entry) string {
	if e.JWT == nil {
		return "(no JWT could be decoded from the Authorization header)"
	}
	var b bytes.Buffer
	b.WriteString("header:\n")
	b.Write(indentJSON(e.JWT.Header))
	b.WriteString("\nclaims:\n")
	b.Write(indentJSON(e.JWT.Claims))
	b.WriteString("\n")
	return b.String()
}

func indentJSON(raw json.RawMessage) []byte {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return raw
	}
	return b.Bytes()
}

// verdictsDump lists every rule's verdict on a request, one per line.
func verdictsDump(e mockspine.Entry) string {
	if h := e.Handshake; h != nil {
		return fmt.Sprintf("%s from %s: %s", e.ID, e.Remote, h)
	}
	if !isPublish(e) {
		return fmt.Sprintf("%s %s was not judged: it is not a publish (POST %s); the mock answered HTTP %d",
			e.Method, e.Path, mockspine.PublishPath, e.Response.Status)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "request %s, profile %s\n", e.ID, e.Profile)
	for _, v := range PublisherVerdicts(e) {
		fmt.Fprintf(&b, "%-13s %-17s %s\n", label(v.Outcome), v.Rule, v.Reason)
	}
	return b.String()
}

func label(o mockspine.Outcome) string {
	switch o {
	case mockspine.Pass:
		return "PASS"
	case mockspine.Fail:
		return "FAIL"
	}
	return "NOT ASSESSED"
}

// summary is a one-line description of a request and its answer.
func summary(e mockspine.Entry) string {
	if h := e.Handshake; h != nil {
		return fmt.Sprintf("%s from %s: %s", e.ID, e.Remote, h)
	}
	var failed []string
	for _, v := range PublisherVerdicts(e) {
		if v.Outcome == mockspine.Fail {
			failed = append(failed, v.Rule)
		}
	}
	s := fmt.Sprintf("%s %s %s → HTTP %d", e.ID, e.Method, e.Path, e.Response.Status)
	if len(failed) > 0 {
		s += " (failed " + strings.Join(failed, ", ") + ")"
	}
	return s
}
