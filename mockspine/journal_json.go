package mockspine

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nems-harness/nems-harness/internal/content"
)

// A journal file line is an Entry as encoding/json marshals it, HTML left
// unescaped. encoding/json finds its way through the entry by reflection,
// which costs more than judging some requests; appendEntryJSON writes the
// same bytes directly. It knows the entry's types field by field, so it
// is used only while they are as it knows them (entryJSONKnown, checked
// once at start): a field added, renamed or given a marshaller sends the
// journal back to encoding/json, and TestEntryJSONKnowsEveryField fails.

// entryJSONFields is every field of the types a journal line holds, as
// appendEntryJSON writes them: name, type and tag.
var entryJSONFields = map[reflect.Type][]string{
	reflect.TypeFor[Entry](): {
		`ID string json:"id"`,
		`Seq uint64 json:"seq"`,
		`Received time.Time json:"received"`,
		`Remote string json:"remote,omitempty"`,
		`Method string json:"method"`,
		`Path string json:"path"`,
		`Query string json:"query,omitempty"`,
		`Header http.Header json:"header"`,
		`HeaderBytes map[string][]string json:"headerBytes,omitempty"`,
		`Body string json:"body"`,
		`BodyBase64 bool json:"bodyBase64,omitempty"`,
		`BodyTruncated bool json:"bodyTruncated,omitempty"`,
		`BodyError string json:"bodyError,omitempty"`,
		`TLS bool json:"tls,omitempty"`,
		`ClientCertificates []string json:"clientCertificates,omitempty"`,
		`JWT *mockspine.JWTInfo json:"jwt,omitempty"`,
		`Profile mockspine.Profile json:"profile,omitempty"`,
		`Verdicts []mockspine.Verdict json:"verdicts,omitempty"`,
		`Response mockspine.Reply json:"response"`,
		`Handshake *mockspine.Handshake json:"handshake,omitempty"`,
		`Run string json:"run,omitempty"`,
		`Content mockspine.ContentMode json:"content,omitempty"`,
	},
	reflect.TypeFor[JWTInfo](): {
		`Header json.RawMessage json:"header,omitempty"`,
		`Claims json.RawMessage json:"claims,omitempty"`,
	},
	reflect.TypeFor[Verdict](): {
		`Rule string json:"rule"`,
		`Outcome mockspine.Outcome json:"outcome"`,
		`Reason string json:"reason,omitempty"`,
		`Answer *mockspine.Answer json:"answer,omitempty"`,
		`Publisher mockspine.Outcome json:"publisher,omitempty"`,
		`Severity string json:"severity,omitempty"`,
		`Findings []content.Finding json:"findings,omitempty"`,
		`alt int8 `,
		`notNeeded bool `,
	},
	reflect.TypeFor[Answer](): {
		`Status int json:"status"`,
		`Code mockspine.SpineCode json:"spineCode"`,
		`IssueType string json:"issueType"`,
	},
	reflect.TypeFor[SpineCode](): {
		`Code string json:"code"`,
		`Display string json:"display"`,
	},
	reflect.TypeFor[content.Finding](): {
		`Entry int json:"entry"`,
		`Path string json:"path,omitempty"`,
		`Line int json:"line,omitempty"`,
		`Reason string json:"reason"`,
		`Excerpt string json:"excerpt,omitempty"`,
	},
	reflect.TypeFor[Reply](): {
		`Status int json:"status"`,
		`Header http.Header json:"header,omitempty"`,
		`Body string json:"body,omitempty"`,
	},
	reflect.TypeFor[Handshake](): {
		`Refused bool json:"refused"`,
		`Reason string json:"reason"`,
		`Subject string json:"subject,omitempty"`,
		`Serial string json:"serial,omitempty"`,
	},
	// Named strings: no fields, and no marshaller either.
	reflect.TypeFor[Profile]():     nil,
	reflect.TypeFor[Outcome]():     nil,
	reflect.TypeFor[ContentMode](): nil,
}

// entryJSONKnown says whether the types are as appendEntryJSON knows them.
var entryJSONKnown = entryJSONDiffers() == ""

// entryJSONDiffers says how the types differ from what appendEntryJSON
// knows, "" when they do not.
func entryJSONDiffers() string {
	marshaler := reflect.TypeFor[json.Marshaler]()
	textMarshaler := reflect.TypeFor[encoding.TextMarshaler]()
	for t, want := range entryJSONFields {
		for _, u := range []reflect.Type{t, reflect.PointerTo(t)} {
			if u.Implements(marshaler) || u.Implements(textMarshaler) {
				return fmt.Sprintf("%s has a marshaller", u)
			}
		}
		var got []string
		if t.Kind() == reflect.Struct {
			for i := range t.NumField() {
				f := t.Field(i)
				got = append(got, fmt.Sprintf("%s %s %s", f.Name, f.Type, f.Tag))
			}
		}
		if !slices.Equal(got, want) {
			return fmt.Sprintf("%s has fields %q, not %q", t, got, want)
		}
	}
	return ""
}

// appendEntryJSON appends e as encoding/json marshals it with HTML left
// unescaped, without the newline that ends a line. With omitBody the
// body's value is left out, its quotes kept: bodyAt is where it goes. It
// declines (ok false) what encoding/json refuses, a time it cannot write
// or a token section that is not JSON, and leaves the refusal to it.
func appendEntryJSON(b []byte, e *Entry, omitBody bool) (out []byte, bodyAt int, ok bool) {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, e.ID)
	b = append(b, `,"seq":`...)
	b = strconv.AppendUint(b, e.Seq, 10)
	b = append(b, `,"received":"`...)
	b, err := e.Received.AppendText(b)
	if err != nil {
		return b, 0, false
	}
	b = append(b, '"')
	b = appendJSONField(b, "remote", e.Remote, true)
	b = appendJSONField(b, "method", e.Method, false)
	b = appendJSONField(b, "path", e.Path, false)
	b = appendJSONField(b, "query", e.Query, true)
	b = append(b, `,"header":`...)
	b = appendJSONHeader(b, e.Header)
	if len(e.HeaderBytes) > 0 {
		b = append(b, `,"headerBytes":`...)
		b = appendJSONHeader(b, e.HeaderBytes)
	}
	b = append(b, `,"body":"`...)
	bodyAt = len(b)
	if !omitBody {
		b = appendJSONStringContent(b, e.Body)
	}
	b = append(b, '"')
	b = appendJSONFlag(b, "bodyBase64", e.BodyBase64)
	b = appendJSONFlag(b, "bodyTruncated", e.BodyTruncated)
	b = appendJSONField(b, "bodyError", e.BodyError, true)
	b = appendJSONFlag(b, "tls", e.TLS)
	if len(e.ClientCertificates) > 0 {
		b = append(b, `,"clientCertificates":`...)
		b = appendJSONStrings(b, e.ClientCertificates)
	}
	if e.JWT != nil {
		b = append(b, `,"jwt":{`...)
		first := true
		for _, s := range []struct {
			name string
			raw  json.RawMessage
		}{{"header", e.JWT.Header}, {"claims", e.JWT.Claims}} {
			if len(s.raw) == 0 {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, '"')
			b = append(b, s.name...)
			b = append(b, `":`...)
			if b, ok = appendCompactJSON(b, s.raw); !ok {
				return b, 0, false
			}
		}
		b = append(b, '}')
	}
	b = appendJSONField(b, "profile", string(e.Profile), true)
	if len(e.Verdicts) > 0 {
		b = append(b, `,"verdicts":[`...)
		for i := range e.Verdicts {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendVerdictJSON(b, &e.Verdicts[i])
		}
		b = append(b, ']')
	}
	b = append(b, `,"response":{"status":`...)
	b = strconv.AppendInt(b, int64(e.Response.Status), 10)
	if len(e.Response.Header) > 0 {
		b = append(b, `,"header":`...)
		b = appendJSONHeader(b, e.Response.Header)
	}
	b = appendJSONField(b, "body", e.Response.Body, true)
	b = append(b, '}')
	if h := e.Handshake; h != nil {
		b = append(b, `,"handshake":{"refused":`...)
		b = strconv.AppendBool(b, h.Refused)
		b = append(b, `,"reason":`...)
		b = appendJSONString(b, h.Reason)
		b = appendJSONField(b, "subject", h.Subject, true)
		b = appendJSONField(b, "serial", h.Serial, true)
		b = append(b, '}')
	}
	b = appendJSONField(b, "run", e.Run, true)
	b = appendJSONField(b, "content", string(e.Content), true)
	return append(b, '}'), bodyAt, true
}

func appendVerdictJSON(b []byte, v *Verdict) []byte {
	b = append(b, `{"rule":`...)
	b = appendJSONString(b, v.Rule)
	b = appendJSONField(b, "outcome", string(v.Outcome), false)
	b = appendJSONField(b, "reason", v.Reason, true)
	if a := v.Answer; a != nil {
		b = append(b, `,"answer":{"status":`...)
		b = strconv.AppendInt(b, int64(a.Status), 10)
		b = append(b, `,"spineCode":{"code":`...)
		b = appendJSONString(b, a.Code.Code)
		b = appendJSONField(b, "display", a.Code.Display, false)
		b = append(b, '}')
		b = appendJSONField(b, "issueType", a.IssueType, false)
		b = append(b, '}')
	}
	b = appendJSONField(b, "publisher", string(v.Publisher), true)
	b = appendJSONField(b, "severity", v.Severity, true)
	if len(v.Findings) > 0 {
		b = append(b, `,"findings":[`...)
		for i, f := range v.Findings {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"entry":`...)
			b = strconv.AppendInt(b, int64(f.Entry), 10)
			b = appendJSONField(b, "path", f.Path, true)
			if f.Line != 0 {
				b = append(b, `,"line":`...)
				b = strconv.AppendInt(b, int64(f.Line), 10)
			}
			b = appendJSONField(b, "reason", f.Reason, false)
			b = appendJSONField(b, "excerpt", f.Excerpt, true)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendJSONField appends ,"name":value; with omitEmpty, nothing for "".
func appendJSONField(b []byte, name, value string, omitEmpty bool) []byte {
	if omitEmpty && value == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendJSONString(b, value)
}

// appendJSONFlag appends ,"name":true, or nothing for false (omitempty).
func appendJSONFlag(b []byte, name string, f bool) []byte {
	if !f {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	return append(b, `":true`...)
}

// appendJSONHeader appends a header as encoding/json writes a map of
// string slices: keys sorted, a nil map or slice as null.
func appendJSONHeader(b []byte, h map[string][]string) []byte {
	if h == nil {
		return append(b, "null"...)
	}
	var room [16]string
	keys := room[:0]
	for k := range h {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, strings.Compare)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONStrings(b, h[k])
	}
	return append(b, '}')
}

// appendJSONStrings appends a string slice, nil as null.
func appendJSONStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendCompactJSON appends raw JSON compacted, as encoding/json writes a
// json.RawMessage; ok is false for anything that is not JSON.
func appendCompactJSON(b []byte, raw []byte) ([]byte, bool) {
	if json.Valid(raw) && !bytes.ContainsAny(raw, " \t\r\n") {
		return append(b, raw...), true
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return b, false
	}
	return append(b, buf.Bytes()...), true
}

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendJSONStringContent(b, s)
	return append(b, '"')
}

// appendJSONStringContent appends s escaped as the inside of a JSON string,
// exactly as encoding/json does without HTML escaping.
func appendJSONStringContent(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			if r == utf8.RuneError {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}
