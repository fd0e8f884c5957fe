package dashboard

import (
	"encoding/base64"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/nems-harness/nems-harness/mockspine"
)

// curlDefaults are the header fields curl sends of its own accord; when the
// request did not carry one, curl is told to leave it out, so that the
// command sends the request as it was recorded.
var curlDefaults = []string{"Accept", "Content-Type", "Expect", "User-Agent"}

// curlCommand is a shell command (POSIX sh) that sends the recorded
// request again to base (scheme://host): the same method, path and query,
// header fields and body, byte for byte. A body that is not text is
// piped in through base64 -d. Over TLS the command names the certificate
// files to present, as placeholders to fill in.
func curlCommand(e *mockspine.Entry, base string) string {
	target := e.Path
	if e.Query != "" {
		target += "?" + e.Query
	}
	var parts []string
	add := func(s ...string) { parts = append(parts, s...) }
	var input string
	body := e.Body
	switch {
	case e.BodyBase64:
		input = "printf '%s' " + shellQuote(body) + " | base64 -d | "
	case body != "" && (strings.ContainsRune(body, 0) || !utf8.ValidString(body)):
		input = "printf '%s' " + shellQuote(base64Std(body)) + " | base64 -d | "
	case body != "":
		input = "printf '%s' " + shellQuote(body) + " | "
	}
	add("curl", "--silent", "--show-error", "--include", "--http1.1", "--request", shellQuote(e.Method))
	if e.TLS || strings.HasPrefix(base, "https:") {
		add("--cacert", "ca.pem", "--cert", "endpoint.pem", "--key", "endpoint-key.pem")
	}
	names := make([]string, 0, len(e.Header))
	for k := range e.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		// curl writes Content-Length from the body, and Host from the URL.
		if strings.EqualFold(k, "Content-Length") || strings.EqualFold(k, "Host") {
			continue
		}
		for _, v := range e.Header[k] {
			if v == "" {
				add("--header", shellQuote(k+";")) // curl's form for an empty value
			} else {
				add("--header", shellQuote(k+": "+v))
			}
		}
	}
	for _, k := range curlDefaults {
		if _, sent := e.Header[http.CanonicalHeaderKey(k)]; !sent {
			add("--header", shellQuote(k+":"))
		}
	}
	if input != "" {
		add("--data-binary", "@-")
	}
	add(shellQuote(base + target))
	return input + strings.Join(parts, " ")
}

// shellQuote quotes s for a POSIX shell: in single quotes, each single
// quote written as '\”.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@=,+", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
