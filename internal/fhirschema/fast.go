package fhirschema

// Hand-written matchers for the patterns of the FHIR primitive types,
// used instead of regular expressions on the hot path. Each is keyed by
// the Go pattern the generator writes; TestFastMatchers checks each
// against its regular expression (and FuzzFastMatchers on any input), and
// a pattern without a matcher falls back to the regular expression.
var fastMatchers = map[string]func(string) bool{
	patternCode:                              matchCode,
	patternID:                                matchID,
	`^(?:-?([0]|([1-9][0-9]*))(\.[0-9]+)?)$`: matchDecimal,
	`^(?:-?([0]|([1-9][0-9]*)))$`:            matchInteger,
	`^(?:[0]|([1-9][0-9]*))$`:                matchUnsigned,
	`^(?:[1-9][0-9]*)$`:                      matchPositive,
	`^(?:[0-9]+)$`:                           matchDigits,
	`^(?:([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?)$`:                   matchTime,
	`^(?:urn:oid:(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*)$`:                           matchOID,
	`^(?:urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`: matchUUID,
	patternDate:     matchDate,
	patternDateTime: matchDateTime,
}

// The patterns quickSimple knows (see simpleQuick).
const (
	patternCode     = `^(?:[^\x20\t\n\r]+([\x20\t\n\r]?[^\x20\t\n\r]+)*)$`
	patternID       = `^(?:[A-Za-z0-9\-\.]{1,64})$`
	patternDate     = `^(?:-?[0-9]{4}(-(0[1-9]|1[0-2])(-(0[0-9]|[1-2][0-9]|3[0-1]))?)?)$`
	patternDateTime = `^(?:-?[0-9]{4}(-(0[1-9]|1[0-2])(-(0[0-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?)?)?)?)$`
)

func isSp(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// matchCode: non-space runs separated by single white-space characters.
func matchCode(s string) bool {
	if s == "" || isSp(s[0]) || isSp(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if isSp(s[i]) && isSp(s[i-1]) {
			return false
		}
	}
	return true
}

// matchID: 1 to 64 of idChar, eight bytes a look.
func matchID(s string) bool {
	n := len(s)
	if n < 1 || n > 64 {
		return false
	}
	if n < 8 {
		for i := 0; i < n; i++ {
			if idChar[s[i]] == 0 {
				return false
			}
		}
		return true
	}
	return allIn(&idChar, s)
}

// idChar marks the bytes of an id: letters, digits, '-' and '.'.
var idChar = byteClass(func(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || isDigit(c) || c == '-' || c == '.'
})

// unsignedLen returns the length of a "0|[1-9][0-9]*" prefix of s, 0 if none.
func unsignedLen(s string) int {
	if s == "" || !isDigit(s[0]) {
		return 0
	}
	if s[0] == '0' {
		return 1
	}
	i := 1
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func matchUnsigned(s string) bool { n := unsignedLen(s); return n > 0 && n == len(s) }

func matchPositive(s string) bool { return matchUnsigned(s) && s != "0" }

func matchDigits(s string) bool { return allDigits(s) }

func matchInteger(s string) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	return matchUnsigned(s)
}

func matchDecimal(s string) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	n := unsignedLen(s)
	if n == 0 {
		return false
	}
	if n == len(s) {
		return true
	}
	return s[n] == '.' && allDigits(s[n+1:])
}

// matchClock: ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)? as a prefix;
// the length matched, 0 if none.
func matchClock(s string) int {
	if len(s) < 8 || !isDigit(s[0]) || !isDigit(s[1]) || s[2] != ':' || s[3] < '0' || s[3] > '5' || !isDigit(s[4]) ||
		s[5] != ':' || s[6] < '0' || s[6] > '5' || !isDigit(s[7]) {
		return 0
	}
	if s[0] > '2' || s[0] == '2' && s[1] > '3' {
		return 0
	}
	i := 8
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j > i+1 {
			i = j
		}
	}
	return i
}

func matchTime(s string) bool { n := matchClock(s); return n > 0 && n == len(s) }

func matchOID(s string) bool {
	const p = "urn:oid:"
	if len(s) <= len(p) || s[:len(p)] != p {
		return false
	}
	s = s[len(p):]
	for {
		n := unsignedLen(s)
		if n == 0 {
			return false
		}
		s = s[n:]
		if s == "" {
			return true
		}
		if s[0] != '.' {
			return false
		}
		s = s[1:]
	}
}

func matchUUID(s string) bool {
	const p = "urn:uuid:"
	if len(s) != len(p)+36 || s[:len(p)] != p {
		return false
	}
	s = s[len(p):]
	for i := 0; i < 36; i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
		} else if !(isDigit(c) || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// matchDatePrefix: -?[0-9]{4}(-(0[1-9]|1[0-2])(-(0[0-9]|[1-2][0-9]|3[0-1]))?)?
// as a prefix; the length matched and whether the day was there.
func matchDatePrefix(s string) (int, bool) {
	i := 0
	if len(s) > 0 && s[0] == '-' {
		i = 1
	}
	if len(s) < i+4 || !allDigits(s[i:i+4]) {
		return -1, false
	}
	i += 4
	if len(s) < i+3 || s[i] != '-' || !isDigit(s[i+1]) || !isDigit(s[i+2]) {
		return i, false
	}
	if m := atoi2(s, i+1); m < 1 || m > 12 {
		return i, false
	}
	i += 3
	if len(s) < i+3 || s[i] != '-' || !isDigit(s[i+1]) || !isDigit(s[i+2]) || s[i+1] > '3' || s[i+1] == '3' && s[i+2] > '1' {
		return i, false
	}
	return i + 3, true
}

func matchDate(s string) bool { n, _ := matchDatePrefix(s); return n == len(s) }

func matchDateTime(s string) bool {
	n, day := matchDatePrefix(s)
	if n == len(s) {
		return true
	}
	if n < 0 || !day || s[n] != 'T' {
		return false
	}
	s = s[n+1:]
	c := matchClock(s)
	if c == 0 {
		return false
	}
	s = s[c:]
	switch {
	case s == "", s == "Z":
		return true
	case len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':':
		return false
	case s[1:] == "14:00":
		return true
	}
	return (s[1] == '0' || s[1] == '1' && s[2] <= '3') && isDigit(s[2]) && s[4] >= '0' && s[4] <= '5' && isDigit(s[5])
}
