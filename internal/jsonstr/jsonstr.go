// Package jsonstr unescapes JSON string literals exactly as encoding/json
// does, for the hand-written scanners on the request path (the FHIR JSON
// reader and the JWT fast path).
package jsonstr

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Error says where a string literal went wrong: Off is the offending byte's
// offset (len(s) for an unexpected end), Context how encoding/json words it.
type Error struct {
	Off     int
	Context string
}

// Unescape appends to buf the rest of the string literal whose next
// unread byte is s[i], and returns buf and the offset just past the closing
// quote. A \u escape of half a surrogate pair without its other half gives
// U+FFFD, as in encoding/json.
func Unescape(buf []byte, s string, i int) ([]byte, int, *Error) {
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			return buf, i + 1, nil
		case c < ' ':
			return buf, 0, &Error{i, "in string literal"}
		case c != '\\':
			buf = append(buf, c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return buf, 0, &Error{len(s), ""}
		}
		switch e := s[i+1]; e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, err := hex4(s, i+2)
			if err != nil {
				return buf, 0, err
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if strings.HasPrefix(s[i:], `\u`) {
					r2, err := hex4(s, i+2)
					if err != nil {
						return buf, 0, err
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						buf = utf8.AppendRune(buf, dec)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			buf = utf8.AppendRune(buf, r)
			continue
		default:
			return buf, 0, &Error{i + 1, "in string escape code"}
		}
		i += 2
	}
	return buf, 0, &Error{len(s), ""}
}

// hex4 reads the four hexadecimal digits of a \u escape at s[i:].
func hex4(s string, i int) (rune, *Error) {
	var v rune
	for k := i; k < i+4; k++ {
		if k >= len(s) {
			return 0, &Error{len(s), ""}
		}
		c := s[k]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, &Error{k, `in \u hexadecimal character escape`}
		}
		v = v<<4 | rune(c)
	}
	return v, nil
}
