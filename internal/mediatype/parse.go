package mediatype

import (
	"errors"
	"fmt"
	"strings"
)

// failKind says why parse did not yield a usable media type.
type failKind uint8

const (
	failNone       failKind = iota
	failEmpty               // nothing but whitespace
	failSyntax              // not a media type at all: msg and pos say why
	failParam               // a parameter other than charset (and q in Accept): detail is its name
	failCharset             // charset other than utf-8: detail is the value as sent
	failDupCharset          // charset given twice
	failQ                   // Accept only: a q value that is not a qvalue: detail is the value
)

// mediaRange is one parsed media type or Accept media range. Its strings are
// substrings of the input, so parsing does not allocate.
type mediaRange struct {
	typ, sub string
	charset  bool // charset=utf-8 was given
	q        int  // weight in thousandths; 1000 when absent
	fail     failKind
	msg      string // failSyntax: what was expected
	pos      int    // failSyntax: byte offset in the input
	detail   string
}

// tchar marks the characters of an RFC 9110 token.
var tchar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

func skipOWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

func scanToken(s string, i int) int {
	for i < len(s) && tchar[s[i]] {
		i++
	}
	return i
}

// scanQuoted reads the quoted-string starting at s[i] == '"' and returns the
// offset just past its closing quote. On failure it returns the offset of the
// problem and a description of it.
func scanQuoted(s string, i int) (int, string) {
	for k := i + 1; k < len(s); k++ {
		c := s[k]
		switch {
		case c == '"':
			return k + 1, ""
		case c == '\\':
			k++
			if k == len(s) {
				return i, "unterminated quoted string"
			}
			if c2 := s[k]; c2 != '\t' && (c2 < 0x20 || c2 == 0x7f) {
				return k, "invalid character after '\\' in quoted string"
			}
		case c == '\t' || c >= 0x20 && c != 0x7f:
			// qdtext or obs-text
		default:
			return k, "invalid character in quoted string"
		}
	}
	return i, "unterminated quoted string"
}

// isUTF8 reports whether a parameter value (token, or quoted-string with its
// quotes) is "utf-8", compared case-insensitively after unescaping.
func isUTF8(v string, quoted bool) bool {
	const want = "utf-8"
	if !quoted {
		return strings.EqualFold(v, want)
	}
	n := 0
	for k := 1; k < len(v)-1; k++ {
		c := v[k]
		if c == '\\' {
			k++
			c = v[k]
		}
		if n == len(want) || lower(c) != want[n] {
			return false
		}
		n++
	}
	return n == len(want)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// unquote returns the content of a quoted-string (or a token unchanged).
func unquote(v string) string {
	if len(v) < 2 || v[0] != '"' {
		return v
	}
	var b strings.Builder
	for k := 1; k < len(v)-1; k++ {
		if v[k] == '\\' {
			k++
		}
		b.WriteByte(v[k])
	}
	return b.String()
}

// parseQ reads an RFC 9110 qvalue ("0", "0.5", "1.000" …) in thousandths.
func parseQ(v string) (int, bool) {
	if v == "" || v[0] != '0' && v[0] != '1' {
		return 0, false
	}
	q := int(v[0]-'0') * 1000
	if len(v) == 1 {
		return q, true
	}
	if v[1] != '.' || len(v) > 5 {
		return 0, false
	}
	scale := 100
	for k := 2; k < len(v); k++ {
		c := v[k]
		if c < '0' || c > '9' {
			return 0, false
		}
		q += int(c-'0') * scale
		scale /= 10
	}
	if q > 1000 {
		return 0, false
	}
	return q, true
}

// parse reads one media type (Content-Type) or, with accept set, one media
// range of an Accept list (then "q" ends the media type parameters and
// whatever follows it is ignored, as accept extensions).
func parse(s string, accept bool) (m mediaRange) {
	m.q = 1000
	syntax := func(msg string, pos int) mediaRange {
		m.fail, m.msg, m.pos = failSyntax, msg, pos
		return m
	}
	i := skipOWS(s, 0)
	if i == len(s) {
		m.fail = failEmpty
		return m
	}
	j := scanToken(s, i)
	if j == i {
		return syntax("expected a type such as \"application\"", i)
	}
	m.typ = s[i:j]
	if j == len(s) || s[j] != '/' {
		return syntax("expected \"/\" after the type", j)
	}
	i = j + 1
	j = scanToken(s, i)
	if j == i {
		return syntax("expected a subtype after \"/\"", i)
	}
	m.sub = s[i:j]
	i = j

	var paramFail failKind
	var paramDetail string
	sawCharset := false
	for {
		i = skipOWS(s, i)
		if i == len(s) {
			break
		}
		if s[i] != ';' {
			return syntax("expected \";\" before a parameter", i)
		}
		i = skipOWS(s, i+1)
		if i == len(s) || s[i] == ';' {
			continue // RFC 9110 allows empty parameters
		}
		j = scanToken(s, i)
		if j == i {
			return syntax("expected a parameter name", i)
		}
		name := s[i:j]
		// RFC 9110 section 5.6.6: parameter = parameter-name "="
		// parameter-value, with no whitespace around "=" (and so for the
		// weight "q=" of an Accept element, section 12.4.2).
		i = j
		if k := skipOWS(s, i); k > i && k < len(s) && s[k] == '=' {
			return syntax("whitespace is not allowed before \"=\" in parameter "+quote(name)+" (RFC 9110)", i)
		}
		if i == len(s) || s[i] != '=' {
			return syntax("expected \"=\" after parameter name "+quote(name), i)
		}
		i++
		if i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			return syntax("whitespace is not allowed after \"=\" in parameter "+quote(name)+" (RFC 9110)", i)
		}
		quoted := i < len(s) && s[i] == '"'
		if quoted {
			end, problem := scanQuoted(s, i)
			if problem != "" {
				return syntax(problem, end)
			}
			j = end
		} else {
			j = scanToken(s, i)
			if j == i {
				return syntax("expected a value for parameter "+quote(name), i)
			}
		}
		val := s[i:j]
		i = j

		switch {
		case accept && strings.EqualFold(name, "q"):
			q, ok := parseQ(val)
			switch {
			case paramFail != failNone:
				m.fail, m.detail = paramFail, paramDetail
			case !ok || quoted:
				m.fail, m.detail = failQ, val
			default:
				m.q = q
			}
			return m
		case strings.EqualFold(name, "charset"):
			if paramFail == failNone {
				switch {
				case sawCharset:
					paramFail = failDupCharset
				case isUTF8(val, quoted):
					m.charset = true
				default:
					paramFail, paramDetail = failCharset, val
				}
			}
			sawCharset = true
		default:
			if paramFail == failNone {
				paramFail, paramDetail = failParam, name
			}
		}
	}
	m.fail, m.detail = paramFail, paramDetail
	return m
}

// quote is strconv.Quote for the ASCII strings of this package, kept cheap
// because it builds syntax messages only on failure paths.
func quote(s string) string { return `"` + s + `"` }

func (m *mediaRange) syntaxError(value string) error {
	if m.pos < len(value) {
		return fmt.Errorf("malformed media type %q: %s, found %q at offset %d", value, m.msg, value[m.pos], m.pos)
	}
	return fmt.Errorf("malformed media type %q: %s, found the end of the value", value, m.msg)
}

// paramError describes a parameter problem found by parse, or returns nil.
func (m *mediaRange) paramError() error {
	switch m.fail {
	case failParam:
		return fmt.Errorf("parameter %q is not allowed; only charset=utf-8", m.detail)
	case failCharset:
		return fmt.Errorf("charset %q is not supported; only utf-8", unquote(m.detail))
	case failDupCharset:
		return errors.New(`parameter "charset" is given more than once; only one charset=utf-8 is allowed`)
	case failQ:
		return fmt.Errorf("q value %q is not a qvalue between 0 and 1 with at most three decimals", m.detail)
	}
	return nil
}
