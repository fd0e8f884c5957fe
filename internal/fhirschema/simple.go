package fhirschema

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

var (
	patternsOnce sync.Once
	// compiled[i][step][k] matches simpleTable[i].patterns[step][k].
	compiled [][][]func(string) bool
)

func compilePatterns() {
	compiled = make([][][]func(string) bool, len(simpleTable))
	for i := range simpleTable {
		for _, step := range simpleTable[i].patterns {
			ms := make([]func(string) bool, len(step))
			for k, p := range step {
				if f, ok := fastMatchers[p]; ok {
					ms[k] = f
				} else {
					ms[k] = regexp.MustCompile(p).MatchString
				}
			}
			compiled[i] = append(compiled[i], ms)
		}
	}
}

// collapse applies the XSD whiteSpace facet "collapse": runs of space, tab,
// CR and LF become one space, and leading and trailing ones go. It does
// not allocate when the value is already collapsed.
func collapse(s string) string {
	for i := 0; i < len(s); i++ {
		for i+8 <= len(s) { // to the next byte that may be white space
			if m := lessBytes(load64(s, i), ' '+1); m != 0 {
				i += firstFlag(m)
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		if c := s[i]; c <= ' ' && (c == '\t' || c == '\n' || c == '\r' || (c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' '))) {
			return strings.Join(strings.FieldsFunc(s, isXMLSpace), " ")
		}
	}
	return s
}

func isXMLSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

// checkSimple reports why value is not in simple type id's lexical space
// (as an XSD processor reads it), or "" when it is.
func checkSimple(id uint16, value string) string {
	s := &simpleTable[id]
	v := value
	if len(s.union) > 0 {
		// The members are tried from the last: the most specific comes
		// last (date after gYear and gYearMonth), and values mostly are.
		ok := false
		for k := len(s.union) - 1; k >= 0; k-- {
			if checkSimple(s.union[k], value) == "" {
				ok = true
				break
			}
		}
		if !ok {
			return "not a valid value of " + displayName(s.name)
		}
		v = collapse(value)
	} else {
		if s.builtin != xsString && s.builtin != xsAnySimpleType {
			v = collapse(value)
		}
		if why := checkBuiltin(s.builtin, v); why != "" {
			return why
		}
	}
	// A value has no more characters than bytes, and one at least when
	// it has a byte: most need no count.
	if s.length < 0 && s.minLen <= 1 && (s.maxLen < 0 || len(v) <= s.maxLen) {
		if s.minLen == 1 && v == "" {
			return "must not be empty"
		}
	} else {
		n := utf8.RuneCountInString(v)
		switch {
		case s.length >= 0 && n != s.length:
			return "must be exactly " + strconv.Itoa(s.length) + " characters long"
		case s.minLen >= 0 && n < s.minLen:
			if n == 0 {
				return "must not be empty"
			}
			return "must be at least " + strconv.Itoa(s.minLen) + " characters long"
		case s.maxLen >= 0 && n > s.maxLen:
			return "must be at most " + strconv.Itoa(s.maxLen) + " characters long"
		}
	}
	if len(s.patterns) > 0 {
		patternsOnce.Do(compilePatterns)
		for _, step := range compiled[id] {
			ok := false
			for _, match := range step {
				if match(v) {
					ok = true
					break
				}
			}
			if !ok {
				return "does not match the " + displayName(s.name) + " pattern"
			}
		}
	}
	if s.enums != nil {
		found := false
		for _, e := range s.enums {
			if e == v {
				found = true
				break
			}
		}
		if !found {
			list := s.enums
			more := ""
			if len(list) > 12 {
				list, more = list[:12], ", … "+strconv.Itoa(len(s.enums)-12)+" more"
			}
			return "is not one of the codes " + displayName(s.name) + " allows (" + strings.Join(list, ", ") + more + ")"
		}
	}
	if s.minIncl != "" || s.maxIncl != "" {
		n, err := strconv.ParseInt(strings.TrimPrefix(v, "+"), 10, 64)
		if err != nil {
			return "is out of range"
		}
		if lo, err := strconv.ParseInt(s.minIncl, 10, 64); err == nil && s.minIncl != "" && n < lo {
			return "is below " + s.minIncl
		}
		if hi, err := strconv.ParseInt(s.maxIncl, 10, 64); err == nil && s.maxIncl != "" && n > hi {
			return "is above " + s.maxIncl
		}
	}
	return ""
}

// displayName is a simple type's name as messages show it.
func displayName(n string) string {
	n = strings.TrimPrefix(n, "fhir:")
	if i := strings.IndexByte(n, '#'); i >= 0 {
		n = n[:i]
	}
	return n
}

// checkBuiltin checks a (whitespace-normalised) value against an XSD
// built-in type's lexical space and value constraints.
func checkBuiltin(b builtin, v string) string {
	switch b {
	case xsNone, xsAnySimpleType, xsString, xsToken:
		return ""
	case xsAnyURI:
		if !isURI(v) {
			return "is not a URI reference (RFC 3986)"
		}
		return ""
	case xsBoolean:
		if v == "true" || v == "false" || v == "1" || v == "0" {
			return ""
		}
		return "is not a boolean (true or false)"
	case xsInt:
		digits := strings.TrimLeft(v, "+-")
		if len(v)-len(digits) > 1 || !allDigits(digits) {
			return "is not an integer"
		}
		if n, err := strconv.ParseInt(v, 10, 32); err != nil || n < -1<<31 || n > 1<<31-1 {
			return "is out of the 32-bit integer range"
		}
		return ""
	case xsPositiveInteger, xsNonNegativeInteger:
		digits := v
		if len(v) > 0 && (v[0] == '+' || v[0] == '-') {
			digits = v[1:]
		}
		if !allDigits(digits) {
			return "is not an integer"
		}
		if len(strings.TrimLeft(digits, "0")) > maxDigits {
			return "has more than 24 digits"
		}
		zero := strings.Trim(digits, "0") == ""
		if v[0] == '-' && !zero {
			return "must not be negative"
		}
		if b == xsPositiveInteger && zero {
			return "must be positive"
		}
		return ""
	case xsDecimal:
		if !isDecimal(v) {
			return "is not a decimal number"
		}
		if decimalDigits(v) > maxDigits {
			return "has more than 24 digits"
		}
		return ""
	case xsDateTime, xsDate, xsGYear, xsGYearMonth, xsTime:
		if !isDateTime(b, v) {
			return builtinInvalid(b)
		}
		return ""
	case xsBase64Binary:
		if !isBase64(v) {
			return "is not valid base64"
		}
		return ""
	case xsLanguage:
		if !isLanguage(v) {
			return "is not a language tag"
		}
		return ""
	case xsNMTOKEN:
		if !isNmtoken(v) {
			return "is not a name token"
		}
		return ""
	case xsNMTOKENS:
		// An empty list passes, as in libxml2 (the reference validator).
		if v == "" {
			return ""
		}
		for f := range strings.SplitSeq(v, " ") {
			if !isNmtoken(f) {
				return "is not a list of name tokens"
			}
		}
		return ""
	case xsNCName, xsID:
		if !isNCName(v) {
			return "is not a valid XML name (NCName)"
		}
		return ""
	case xsIDREFS:
		if v == "" {
			return ""
		}
		for f := range strings.SplitSeq(v, " ") {
			if !isNCName(f) {
				return "is not a list of XML names"
			}
		}
		return ""
	}
	return ""
}

// builtinInvalid is the (constant: union members are tried on the hot
// path) message for a value outside a date or time type.
func builtinInvalid(b builtin) string {
	switch b {
	case xsDateTime:
		return "is not a valid date-time (xs:dateTime)"
	case xsDate:
		return "is not a valid date (xs:date)"
	case xsGYear:
		return "is not a valid year (xs:gYear)"
	case xsGYearMonth:
		return "is not a valid year and month (xs:gYearMonth)"
	}
	return "is not a valid time (xs:time)"
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// maxDigits is the most significant digits libxml2, the reference
// validator, accepts in a decimal or an unbounded integer type.
const maxDigits = 24

// decimalDigits counts a decimal's digits after its leading zeros.
func decimalDigits(v string) int {
	v = strings.TrimLeft(strings.TrimLeft(v, "+-"), "0")
	return len(v) - strings.Count(v, ".")
}

func isDecimal(v string) bool {
	if v != "" && (v[0] == '+' || v[0] == '-') {
		v = v[1:]
	}
	intPart, frac, dot := strings.Cut(v, ".")
	if !dot {
		return allDigits(intPart)
	}
	if intPart == "" && frac == "" {
		return false
	}
	return (intPart == "" || allDigits(intPart)) && (frac == "" || allDigits(frac))
}

// isDateTime checks the XSD lexical forms of the date and time types:
// -?YYYY[-MM[-DD]][Thh:mm:ss[.s+]] with an optional zone (Z or ±hh:mm, at
// most 14:00), a real day of the month, hours 00-23 (or 24:00:00).
func isDateTime(b builtin, v string) bool {
	i := 0
	year, month, day := 2000, 1, 1
	if b != xsTime {
		if i < len(v) && v[i] == '-' {
			i++
		}
		j := i
		for j < len(v) && v[j] >= '0' && v[j] <= '9' {
			j++
		}
		if j-i < 4 || (j-i > 4 && v[i] == '0') {
			return false
		}
		y, err := strconv.Atoi(v[i:j])
		if err != nil || y == 0 {
			return false
		}
		year = y
		i = j
		if b != xsGYear {
			if !two(v, i+1) || v[i] != '-' {
				return false
			}
			month = atoi2(v, i+1)
			if month < 1 || month > 12 {
				return false
			}
			i += 3
		}
		if b == xsDate || b == xsDateTime {
			if !two(v, i+1) || v[i] != '-' {
				return false
			}
			day = atoi2(v, i+1)
			if day < 1 || day > daysIn(year, month) {
				return false
			}
			i += 3
		}
		if b == xsDateTime {
			if i >= len(v) || v[i] != 'T' {
				return false
			}
			i++
		}
	}
	if b == xsDateTime || b == xsTime {
		if !two(v, i) || !two(v, i+3) || !two(v, i+6) || v[i+2] != ':' || v[i+5] != ':' {
			return false
		}
		h, m, s := atoi2(v, i), atoi2(v, i+3), atoi2(v, i+6)
		i += 8
		fracZero := true
		if i < len(v) && v[i] == '.' {
			j := i + 1
			for j < len(v) && v[j] >= '0' && v[j] <= '9' {
				if v[j] != '0' {
					fracZero = false
				}
				j++
			}
			if j == i+1 {
				return false
			}
			i = j
		}
		if m > 59 || s > 59 || h > 24 || (h == 24 && (m != 0 || s != 0 || !fracZero)) {
			return false
		}
	}
	if i == len(v) {
		return true
	}
	if v[i] == 'Z' {
		return i+1 == len(v)
	}
	if (v[i] != '+' && v[i] != '-') || len(v) != i+6 || !two(v, i+1) || v[i+3] != ':' || !two(v, i+4) {
		return false
	}
	zh, zm := atoi2(v, i+1), atoi2(v, i+4)
	return zm <= 59 && (zh < 14 || (zh == 14 && zm == 0))
}

func two(v string, i int) bool {
	return i >= 0 && i+2 <= len(v) && v[i] >= '0' && v[i] <= '9' && v[i+1] >= '0' && v[i+1] <= '9'
}

func atoi2(v string, i int) int { return int(v[i]-'0')*10 + int(v[i+1]-'0') }

func daysIn(year, month int) int {
	switch month {
	case 2:
		// Negative years as libxml2 counts them (-0004 is a leap year).
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// isBase64 checks XSD base64Binary: base64 characters in groups of four
// (single spaces allowed between characters), '=' padding only at the end
// with the bits before it zero.
func isBase64(v string) bool {
	n := len(v) - strings.Count(v, " ")
	if n%4 != 0 {
		return false
	}
	k := 0 // characters seen, spaces skipped
	var prev byte
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == ' ':
			continue
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
		case c == '=':
			rest := n - k
			next := strings.TrimLeft(v[i+1:], " ")
			if rest > 2 || (rest == 2 && next != "=") || (rest == 1 && next != "") || k == 0 {
				return false
			}
			p := b64val(prev)
			return !(rest == 2 && p&0xf != 0 || rest == 1 && p&0x3 != 0)
		default:
			return false
		}
		prev = c
		k++
	}
	return true
}

func b64val(c byte) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 26
	case c >= '0' && c <= '9':
		return int(c-'0') + 52
	case c == '+':
		return 62
	}
	return 63
}

func isLanguage(v string) bool {
	for i, part := range strings.Split(v, "-") {
		if len(part) < 1 || len(part) > 8 {
			return false
		}
		for j := 0; j < len(part); j++ {
			c := part[j]
			letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
			if !letter && (i == 0 || c < '0' || c > '9') {
				return false
			}
		}
	}
	return true
}

func isNameStart(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || r >= 0xC0 && r <= 0x2FF && r != 0xD7 && r != 0xF7
}

func isNameChar(r rune) bool {
	return isNameStart(r) || r == '-' || r == '.' || unicode.IsDigit(r) || r == 0xB7 || unicode.Is(unicode.Mn, r)
}

func isNmtoken(v string) bool {
	if v == "" {
		return false
	}
	for _, r := range v {
		if !isNameChar(r) && r != ':' {
			return false
		}
	}
	return true
}

func isNCName(v string) bool {
	for i, r := range v {
		if i == 0 && !isNameStart(r) || !isNameChar(r) {
			return false
		}
	}
	return v != ""
}

// isURI checks an anyURI value as libxml2 does: characters URIs never hold
// unescaped (controls, space, non-ASCII, <>"{}|\^`') count as ordinary
// ones, then the value must be an RFC 3986 URI-reference (an empty value
// is one).
func isURI(v string) bool {
	return uriQuick(v) || uriAbsolute(v) || uriRelative(v)
}

// uriQuickChar marks the bytes of uriQuick's URIs: letters, digits,
// "-._~", '/' and ':'.
var uriQuickChar = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		if b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("-._~/:", b) >= 0 {
			t[c] = 1
		}
	}
	return t
}()

// uriQuick accepts, in one look at each byte, the URIs most values are:
// a scheme of small letters, ':', then only uriQuickChar bytes, with no
// ':' in an authority ("//host"). Each is an RFC 3986 URI (scheme ":"
// hier-part, every part of unreserved characters and delimiters); anything
// else is left to the full check.
func uriQuick(s string) bool {
	n := len(s)
	if n < 8 {
		return uriQuickShort(s)
	}
	// The scheme: the common ones by their first word, others a byte at
	// a time. i is just past its ':'.
	var i int
	switch w := load64(s, 0); {
	case w == wordHTTPS:
		i = 6
	case w&(1<<56-1) == wordHTTP:
		i = 5
	case uint32(w) == wordURN:
		i = 4
	default:
		for i < n && s[i] >= 'a' && s[i] <= 'z' {
			i++
		}
		if i == 0 || i >= n || s[i] != ':' {
			return false
		}
		i++
	}
	if n-i >= 2 && s[i] == '/' && s[i+1] == '/' {
		// The authority ends at the first '/' and holds no ':' (its
		// bytes are classed with the rest).
		rest := s[i+2:]
		if c := strings.IndexByte(rest, ':'); c >= 0 && strings.IndexByte(rest[:c], '/') < 0 {
			return false
		}
	}
	// Every byte from i (or the last eight: the scheme's bytes and ':'
	// are in the class too).
	return allIn(&uriQuickChar, s[min(i, n-8):])
}

// The schemes' first words, as load64 and load32 read them: "https://",
// "http://" (seven bytes), "urn:".
const (
	wordHTTPS = 'h' | 't'<<8 | 't'<<16 | 'p'<<24 | 's'<<32 | ':'<<40 | '/'<<48 | '/'<<56
	wordHTTP  = 'h' | 't'<<8 | 't'<<16 | 'p'<<24 | ':'<<32 | '/'<<40 | '/'<<48
	wordURN   = 'u' | 'r'<<8 | 'n'<<16 | ':'<<24
)

// uriQuickShort is uriQuick for values under eight bytes.
func uriQuickShort(s string) bool {
	i := 0
	for i < len(s) && s[i] >= 'a' && s[i] <= 'z' {
		i++
	}
	if i == 0 || i >= len(s) || s[i] != ':' {
		return false
	}
	i++
	if strings.HasPrefix(s[i:], "//") {
		auth := s[i+2:]
		if j := strings.IndexByte(auth, '/'); j >= 0 {
			auth = auth[:j]
		}
		if strings.IndexByte(auth, ':') >= 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if uriQuickChar[s[i]] == 0 {
			return false
		}
	}
	return true
}

// URI character classes, by byte.
const (
	uUnreserved = 1 << iota // unreserved, or a character libxml2 turns into '_'
	uSubDelim
	uColon
	uAt
	uSlash
	uQuestion
	uBracket
	uHex
)

var uriClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9', strings.IndexByte("-._~", b) >= 0,
			c < 32, c >= 127, strings.IndexByte(" <>\"{}|\\^`'", b) >= 0:
			t[c] |= uUnreserved
		}
		if strings.IndexByte("!$&'()*+,;=", b) >= 0 {
			t[c] |= uSubDelim
		}
		switch b {
		case ':':
			t[c] |= uColon
		case '@':
			t[c] |= uAt
		case '/':
			t[c] |= uSlash
		case '?':
			t[c] |= uQuestion
		case '[', ']':
			t[c] |= uBracket
		}
		if b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F' {
			t[c] |= uHex
		}
	}
	return t
}()

// span advances over unreserved, pct-encoded and sub-delims characters and
// those of the classes in extra.
func span(s string, i int, extra uint8) int {
	ok := uUnreserved | uSubDelim | extra
	for i < len(s) {
		c := s[i]
		switch {
		case uriClass[c]&ok != 0:
			i++
		case c == '%' && i+2 < len(s) && uriClass[s[i+1]]&uHex != 0 && uriClass[s[i+2]]&uHex != 0:
			i += 3
		default:
			return i
		}
	}
	return i
}

const pchar = uColon | uAt

func uriAbsolute(s string) bool {
	i := 0
	if i >= len(s) || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i < len(s) && (s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9' || s[i] == '+' || s[i] == '-' || s[i] == '.') {
		i++
	}
	if i >= len(s) || s[i] != ':' {
		return false
	}
	i++
	switch {
	case strings.HasPrefix(s[i:], "//"):
		var ok bool
		if i, ok = uriAuthority(s, i+2); !ok {
			return false
		}
		i = uriSegments(s, i)
	case i < len(s) && s[i] == '/':
		i = uriSegments(s, i)
	case span(s, i, pchar) > i:
		i = uriSegments(s, span(s, i, pchar))
	}
	return uriTail(s, i)
}

func uriRelative(s string) bool {
	i := 0
	switch {
	case strings.HasPrefix(s, "//"):
		var ok bool
		if i, ok = uriAuthority(s, 2); !ok {
			return false
		}
		i = uriSegments(s, i)
	case len(s) > 0 && s[0] == '/':
		i = uriSegments(s, 0)
	case span(s, 0, pchar) > 0:
		// path-noscheme: no ':' in the first segment
		i = uriSegments(s, span(s, 0, uAt))
	}
	return uriTail(s, i)
}

// uriSegments advances over *( "/" segment ).
func uriSegments(s string, i int) int {
	for i < len(s) && s[i] == '/' {
		i = span(s, i+1, pchar)
	}
	return i
}

// uriTail checks [ "?" query ] [ "#" fragment ] up to the end.
func uriTail(s string, i int) bool {
	if i < len(s) && s[i] == '?' {
		i = span(s, i+1, pchar|uSlash|uQuestion)
	}
	if i < len(s) && s[i] == '#' {
		i = span(s, i+1, pchar|uSlash|uQuestion|uBracket)
	}
	return i == len(s)
}

// uriAuthority advances over [ userinfo "@" ] host [ ":" port ].
func uriAuthority(s string, i int) (int, bool) {
	if j := span(s, i, uColon); j < len(s) && s[j] == '@' {
		i = j + 1
	}
	if i < len(s) && s[i] == '[' {
		end := strings.IndexByte(s[i:], ']')
		if end < 0 {
			return 0, false
		}
		i += end + 1
	} else {
		i = span(s, i, 0)
	}
	if i < len(s) && s[i] == ':' {
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i+1 {
			return 0, false
		}
		i = j
	}
	return i, true
}
