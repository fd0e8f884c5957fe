package mockspine

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"unicode/utf8"
)

// noteRawHeader records, in HeaderBytes, the request header fields whose
// values are not UTF-8. JSON (the journal file, the admin API) can only
// carry text, and would replace each invalid byte with U+FFFD; with the
// fields kept as sent, the request is judged again exactly as it came.
func (e *Entry) noteRawHeader() {
	e.HeaderBytes = nil
	for k, vs := range e.Header {
		if allValid(vs) {
			continue
		}
		enc := make([]string, len(vs))
		for i, v := range vs {
			enc[i] = base64.StdEncoding.EncodeToString([]byte(v))
		}
		if e.HeaderBytes == nil {
			e.HeaderBytes = map[string][]string{}
		}
		e.HeaderBytes[k] = enc
	}
}

func allValid(vs []string) bool {
	for _, v := range vs {
		if !utf8.ValidString(v) {
			return false
		}
	}
	return true
}

// requestHeader is the request header as sent: Header, with the fields
// HeaderBytes holds restored byte for byte.
func (e *Entry) requestHeader() (http.Header, error) {
	h := e.Header.Clone()
	for k, enc := range e.HeaderBytes {
		vs := make([]string, len(enc))
		for i, s := range enc {
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, fmt.Errorf("entry %s: header %s: %w", e.ID, k, err)
			}
			vs[i] = string(b)
		}
		if h == nil {
			h = http.Header{}
		}
		h[k] = vs
	}
	return h, nil
}
