package steps

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"
)

// MaxEvidenceBody is the longest body kept in evidence; longer bodies are
// shortened, with a note of their full size.
const MaxEvidenceBody = 64 << 10

// DumpRequest writes a request as it goes on the wire (HTTP/1.1 style: start
// line, headers in name order, a blank line, the body).
func DumpRequest(method, target string, h http.Header, body []byte) string {
	var b strings.Builder
	path, host := target, ""
	if i := strings.Index(target, "://"); i >= 0 {
		rest := target[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			host, path = rest[:j], rest[j:]
		} else {
			host, path = rest, "/"
		}
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", method, path)
	if host != "" {
		fmt.Fprintf(&b, "Host: %s\r\n", host)
	}
	h = h.Clone()
	if h == nil {
		h = http.Header{}
	}
	if len(body) > 0 || method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
		h.Set("Content-Length", fmt.Sprint(len(body)))
	}
	writeHeaders(&b, h)
	b.WriteString("\r\n")
	b.WriteString(evidenceBody(body))
	return b.String()
}

// DumpResponse writes a response as it came off the wire.
func DumpResponse(proto, status string, h http.Header, body []byte) string {
	var b strings.Builder
	if proto == "" {
		proto = "HTTP/1.1"
	}
	fmt.Fprintf(&b, "%s %s\r\n", proto, status)
	writeHeaders(&b, h)
	b.WriteString("\r\n")
	b.WriteString(evidenceBody(body))
	return b.String()
}

func writeHeaders(b *strings.Builder, h http.Header) {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s: %s\r\n", k, v)
		}
	}
}

// evidenceBody is the body as text, shortened beyond MaxEvidenceBody.
func evidenceBody(body []byte) string {
	if len(body) <= MaxEvidenceBody {
		return string(body)
	}
	cut := MaxEvidenceBody
	for cut > 0 && !utf8.RuneStart(body[cut]) {
		cut--
	}
	return fmt.Sprintf("%s\n[… body shortened for the evidence: %d of %d bytes shown]", body[:cut], cut, len(body))
}
