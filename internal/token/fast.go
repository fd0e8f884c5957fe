package token

import (
	"encoding/base64"
	"encoding/json"
	"github.com/nems-harness/nems-harness/internal/jsonstr"
	"strconv"
	"strings"
	"unicode/utf8"
)

// parseFast decodes a token that meets every requirement of Parse in one
// pass over each section, without the checks' repeated decoding. It
// declines (ok false) anything unusual, well-formed or not: a section that
// is not canonical base64url, invalid UTF-8, JSON that is not one object,
// a repeated name at any depth, nesting beyond fastMaxDepth, a header number
// beyond float64, or a header that breaks the JOSE rules. Parse then goes
// the checked way, which accepts or refuses the token and says why.
//
// A token it accepts decodes as the checked way decodes it: the header as
// encoding/json decodes into map[string]any, the claims likewise with
// numbers as json.Number (FuzzParseFast holds it to that).
func parseFast(raw string) (*Token, bool) {
	h, rest, ok := strings.Cut(raw, ".")
	if !ok {
		return nil, false
	}
	p, sig, ok := strings.Cut(rest, ".")
	if !ok || sig != "" || h == "" || p == "" {
		return nil, false
	}
	// Both sections are decoded into one buffer, read as one string: the
	// decoded JSON and the strings sliced from it cost two allocations in
	// all, not two a section.
	hn, pn := fastEncoding.DecodedLen(len(h)), fastEncoding.DecodedLen(len(p))
	buf := make([]byte, hn+pn)
	if !decodeFast(buf[:hn], h) || !decodeFast(buf[hn:], p) {
		return nil, false
	}
	if !utf8.Valid(buf[:hn]) || !utf8.Valid(buf[hn:]) {
		return nil, false
	}
	text := string(buf)
	hv, ok := decodeObject(text[:hn], false)
	if !ok || checkHeader(hv) != nil {
		return nil, false
	}
	cv, ok := decodeObject(text[hn:], true)
	if !ok {
		return nil, false
	}
	return &Token{Raw: raw, Header: hv, Claims: cv,
		HeaderJSON: json.RawMessage(buf[:hn:hn]), ClaimsJSON: json.RawMessage(buf[hn:])}, true
}

// fastEncoding is canonical unpadded base64url.
var fastEncoding = base64.RawURLEncoding.Strict()

// decodeFast decodes seg, canonical unpadded base64url, into dst, which is
// exactly as long as seg decodes to. The decoder refuses every byte
// outside the alphabet but the line breaks, which it skips: those are
// looked for first.
func decodeFast(dst []byte, seg string) bool {
	if strings.IndexByte(seg, '\n') >= 0 || strings.IndexByte(seg, '\r') >= 0 {
		return false
	}
	n, err := fastEncoding.Decode(dst, []byte(seg))
	return err == nil && n == len(dst)
}

// fastMaxDepth bounds the nesting parseFast decodes itself.
const fastMaxDepth = 64

// decodeObject decodes s, which must hold one JSON object without
// repeated names, into a map. Strings are sliced from s.
func decodeObject(s string, numbers bool) (map[string]any, bool) {
	d := fastDecoder{s: s, numbers: numbers}
	d.space()
	if d.i >= len(d.s) || d.s[d.i] != '{' {
		return nil, false
	}
	v, ok := d.value(0)
	if !ok {
		return nil, false
	}
	d.space()
	if d.i != len(d.s) {
		return nil, false
	}
	return v.(map[string]any), true
}

type fastDecoder struct {
	s       string
	i       int
	numbers bool // numbers as json.Number, else float64
}

func (d *fastDecoder) space() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *fastDecoder) value(depth int) (any, bool) {
	if d.i >= len(d.s) || depth >= fastMaxDepth {
		return nil, false
	}
	switch c := d.s[d.i]; {
	case c == '{':
		return d.object(depth + 1)
	case c == '[':
		return d.array(depth + 1)
	case c == '"':
		s, ok := d.str()
		return boxed(s), ok
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return d.number()
	}
	return nil, false
}

// member is a name and value of an object being decoded.
type member struct {
	name  string
	value any
}

// object decodes an object. Its members are gathered first, so that the
// map is made at its size rather than grown (a token's claims pass the
// eight a map holds before it grows).
func (d *fastDecoder) object(depth int) (any, bool) {
	d.i++ // '{'
	var room [12]member
	members := room[:0]
	d.space()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return map[string]any{}, true
	}
	for {
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return nil, false
		}
		k, ok := d.str()
		if !ok {
			return nil, false
		}
		d.space()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return nil, false
		}
		d.i++
		d.space()
		v, ok := d.value(depth)
		if !ok {
			return nil, false
		}
		members = append(members, member{k, v})
		d.space()
		if d.i >= len(d.s) {
			return nil, false
		}
		switch d.s[d.i] {
		case ',':
			d.i++
			d.space()
		case '}':
			d.i++
			m := make(map[string]any, len(members))
			for i, mb := range members {
				m[mb.name] = mb.value
				if len(m) != i+1 { // a repeated name
					return nil, false
				}
			}
			return m, true
		default:
			return nil, false
		}
	}
}

func (d *fastDecoder) array(depth int) (any, bool) {
	d.i++ // '['
	a := []any{}
	d.space()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return a, true
	}
	for {
		v, ok := d.value(depth)
		if !ok {
			return nil, false
		}
		a = append(a, v)
		d.space()
		if d.i >= len(d.s) {
			return nil, false
		}
		switch d.s[d.i] {
		case ',':
			d.i++
			d.space()
		case ']':
			d.i++
			return a, true
		default:
			return nil, false
		}
	}
}

func (d *fastDecoder) literal(lit string) bool {
	if !strings.HasPrefix(d.s[d.i:], lit) {
		return false
	}
	d.i += len(lit)
	return true
}

// number reads '-'? ('0' | [1-9][0-9]*) ('.' [0-9]+)? ([eE] [+-]? [0-9]+)?
func (d *fastDecoder) number() (any, bool) {
	s, start := d.s, d.i
	i := d.i
	digits := func() bool {
		from := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		return i > from
	}
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case !digits():
		return nil, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return nil, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return nil, false
		}
	}
	d.i = i
	lit := s[start:i]
	if d.numbers {
		return json.Number(lit), true
	}
	f, err := strconv.ParseFloat(lit, 64)
	return f, err == nil
}

// The values every conforming token sends, held as interface values once:
// a string made an interface value is otherwise copied to the heap.
var (
	boxedNone       any = "none"
	boxedJWT        any = "JWT"
	boxedDirectCare any = "directcare"
	boxedScope      any = "patient/Bundle.write"
)

// boxed is s as an interface value, one made once for a value every
// conforming token sends.
func boxed(s string) any {
	switch s {
	case "none":
		return boxedNone
	case "JWT":
		return boxedJWT
	case "directcare":
		return boxedDirectCare
	case "patient/Bundle.write":
		return boxedScope
	}
	return s
}

// str reads a string, unescaping as encoding/json does (half a surrogate
// pair gives U+FFFD).
func (d *fastDecoder) str() (string, bool) {
	s := d.s
	start := d.i + 1
	i := start
	for ; i < len(s); i++ {
		c := s[i]
		if c == '"' {
			d.i = i + 1
			return s[start:i], true
		}
		if c == '\\' {
			break
		}
		if c < ' ' {
			return "", false
		}
	}
	buf, next, err := jsonstr.Unescape([]byte(s[start:i]), s, i)
	if err != nil {
		return "", false
	}
	d.i = next
	return string(buf), true
}
