package loadtest

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/nems-harness/nems-harness/internal/fhir"
)

// Fresh makes each request of a load a new message about a new record, as a
// publisher's traffic is: the MessageHeader id and the focus resource's
// identifier value, wherever they occur in the body (an id also in its
// entry's fullUrl), are replaced by values whose last digits count the
// requests. Sending one message again and again would make the mock judge
// every repeat a reused id (EVT-MSGID-UNIQUE) and a second "new" for the
// same record (EVT-LIFECYCLE), and remember nothing new: the load would
// measure a path no real traffic takes.
type Fresh struct {
	// Tokens are the values replaced: the MessageHeader id first, then the
	// focus identifier value when the body has one.
	Tokens []string
	// parts are the body cut at every occurrence of a token; which[k] is
	// the token between parts[k] and parts[k+1].
	parts [][]byte
	which []int
}

// freshWidth is how many of a token's last characters count the requests.
const freshWidth = 12

// NewFresh finds the MessageHeader id (and the focus identifier value) of
// body, XML or JSON, and prepares the per-request bodies, which keep the
// original's length.
func NewFresh(body []byte) (*Fresh, error) {
	format := "xml"
	if t := bytes.TrimLeft(body, " \t\r\n\xef\xbb\xbf"); len(t) > 0 && t[0] == '{' {
		format = "json"
	}
	_, doc, err := fhir.ReadDoc(body, format)
	if err != nil {
		return nil, fmt.Errorf("reading the message: %w", err)
	}
	if len(doc.Entries) == 0 || doc.Entries[0].Resource.Name() != "MessageHeader" {
		return nil, errors.New("the message's first entry is not a MessageHeader")
	}
	mh := doc.Entries[0].Resource
	id, ok := mh.Val("id")
	if !ok || id == "" {
		return nil, errors.New("the MessageHeader has no id")
	}
	f := &Fresh{Tokens: []string{id}}
	if ref, ok := mh.Val("focus.reference"); ok {
		for _, e := range doc.Entries {
			if e.FullURL == ref && e.FullURL != "" {
				if v, ok := e.Resource.Val("identifier.value"); ok && v != "" && v != id {
					f.Tokens = append(f.Tokens, v)
				}
			}
		}
	}
	f.cut(body)
	return f, nil
}

// cut splits body at every occurrence of every token.
func (f *Fresh) cut(body []byte) {
	type hit struct{ at, token int }
	var hits []hit
	for k, t := range f.Tokens {
		for off := 0; ; {
			i := bytes.Index(body[off:], []byte(t))
			if i < 0 {
				break
			}
			hits = append(hits, hit{off + i, k})
			off += i + len(t)
		}
	}
	sort.Slice(hits, func(a, b int) bool { return hits[a].at < hits[b].at })
	last := 0
	for _, h := range hits {
		if h.at < last { // overlapping tokens: keep the first
			continue
		}
		f.parts = append(f.parts, body[last:h.at])
		f.which = append(f.which, h.token)
		last = h.at + len(f.Tokens[h.token])
	}
	f.parts = append(f.parts, body[last:])
}

// Body returns the body of request i (the counter wraps at 16^12).
func (f *Fresh) Body(i int64) []byte {
	vals := make([]string, len(f.Tokens))
	n := 0
	for k := range f.Tokens {
		vals[k] = f.TokenFor(k, i)
	}
	for k, p := range f.parts {
		n += len(p)
		if k < len(f.which) {
			n += len(vals[f.which[k]])
		}
	}
	out := make([]byte, 0, n)
	for k, p := range f.parts {
		out = append(out, p...)
		if k < len(f.which) {
			out = append(out, vals[f.which[k]]...)
		}
	}
	return out
}

// IDFor is the MessageHeader id of request i.
func (f *Fresh) IDFor(i int64) string { return f.TokenFor(0, i) }

// TokenFor is token k's value in request i: its last (up to) 12 characters
// replaced by i in hexadecimal.
func (f *Fresh) TokenFor(k int, i int64) string {
	t := f.Tokens[k]
	w := min(freshWidth, len(t))
	hex := strconv.FormatUint(uint64(i), 16)
	if len(hex) > w {
		hex = hex[len(hex)-w:]
	}
	return t[:len(t)-w] + strings.Repeat("0", w-len(hex)) + hex
}
