package loadtest

import (
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/nems-harness/nems-harness/publish"
)

// WrkScript writes a script for wrk (https://github.com/wg/wrk), an HTTP
// load generator much faster than this package's, so that the mock can be
// compared with a bare handler by a generator that is not the bottleneck.
// The script sends cfg's publish to target with a fresh MessageHeader id
// and focus identifier each request (see Fresh): wrk's threads and runs started in different
// seconds never repeat an id. The JWT is minted at now and valid for five
// minutes, so a script is written for each run.
func WrkScript(w io.Writer, cfg Config, target string, now time.Time) error {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return fmt.Errorf("target %q is not a URL", target)
	}
	if cfg.Body == nil {
		if cfg.Body, cfg.ContentType, cfg.EventCode, err = Message(); err != nil {
			return err
		}
	}
	f, err := NewFresh(cfg.Body)
	if err != nil {
		return fmt.Errorf("fresh MessageHeader ids: %w", err)
	}
	for _, t := range f.Tokens {
		if len(t) < freshWidth {
			return fmt.Errorf("%q (the MessageHeader id or the focus identifier) is shorter than %d characters: the script counts in its last %d", t, freshWidth, freshWidth)
		}
	}
	if cfg.Audience == "" {
		cfg.Audience = "https://clinicals.spineservices.nhs.uk"
	}
	jwt, err := publish.Token(cfg.Sender, cfg.Audience, now)
	if err != nil {
		return fmt.Errorf("minting the JWT: %w", err)
	}
	h := publish.Headers(cfg.Sender, cfg.NEMSASID, cfg.EventCode, jwt, cfg.ContentType)
	var head strings.Builder
	fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: %s\r\n", u.RequestURI(), u.Host)
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		name := k
		if s, ok := spineSpelling[k]; ok {
			name = s
		}
		for _, v := range h[k] {
			fmt.Fprintf(&head, "%s: %s\r\n", name, v)
		}
	}
	fmt.Fprintf(&head, "Content-Length: %d\r\n\r\n", len(cfg.Body))

	var b strings.Builder
	fmt.Fprintf(&b, "-- A wrk script written by nems-harness load --wrk-script at %s.\n", now.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "-- It publishes a %s message to %s, each request with its own\n", cfg.EventCode, target)
	b.WriteString("-- MessageHeader id and record. Its JWT is valid for five minutes: write a new script for each run.\n\n")
	fmt.Fprintf(&b, "local head = %s\n", luaQuote(head.String()))
	// parts[k] is followed by the token which[k] (a Lua index, from 1).
	b.WriteString("local parts = {\n")
	for _, p := range f.parts {
		fmt.Fprintf(&b, "  %s,\n", luaQuote(string(p)))
	}
	b.WriteString("}\nlocal which = {")
	for k, w := range f.which {
		if k > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d", w+1)
	}
	b.WriteString("}\nlocal prefixes = {")
	for k, t := range f.Tokens {
		if k > 0 {
			b.WriteString(", ")
		}
		b.WriteString(luaQuote(t[:len(t)-freshWidth]))
	}
	b.WriteString("}\n\n")
	b.WriteString(`-- Each thread counts its own ids from a base that also depends on the
-- second the run started, so no two threads or runs send the same id.
local threads = 0
function setup(thread)
  thread:set("base", (os.time() % 65536) * 4294967296 + threads * 268435456)
  threads = threads + 1
end

local n = 0
local floor = math.floor
local format = string.format
function request()
  n = n + 1
  local x = (base or 0) + n
  local count = format("%06x%06x", floor(x / 16777216) % 16777216, x % 16777216)
  local out = { head }
  for i = 1, #which do
    out[#out + 1] = parts[i]
    out[#out + 1] = prefixes[which[i]] .. count
  end
  out[#out + 1] = parts[#parts]
  return table.concat(out)
end

-- No response() function: wrk then does not hand each answer to Lua, which
-- would slow it. An answer other than 2xx shows in wrk's summary as
-- "Non-2xx or 3xx responses".
`)
	_, err = io.WriteString(w, b.String())
	return err
}

// spineSpelling writes the Spine headers as the specification spells them
// (names are case-insensitive; this is for the people reading the script).
var spineSpelling = map[string]string{"Fromasid": "fromASID", "Toasid": "toASID", "Interactionid": "InteractionID"}

// luaQuote quotes s as a Lua string literal, escaping every byte that is
// not printable ASCII, so any body survives.
func luaQuote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8 + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c >= 0x7f:
			// Three digits, so a following digit is not read as part of it.
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
