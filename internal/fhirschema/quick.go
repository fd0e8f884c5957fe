package fhirschema

// Quick checks of the commonest simple types: one scan that accepts the
// usual values outright. A value a quick check does not accept goes to
// checkSimple, which decides and says why; so a quick check must accept
// only values checkSimple accepts (TestQuickSimple holds it to that).

// quickKind is how quickSimple checks a simple type.
type quickKind uint8

const (
	qNone      quickKind = iota // no quick check: checkSimple decides
	qAny                        // every value (xs:string)
	qNonEmpty                   // any value but "" (string, markdown)
	qToken                      // code: no white space, not empty
	qTokenEnum                  // an enumerated code: no white space, one of the codes
	qURI                        // uri: uriQuick's URIs
	qID                         // id: matchID
	qBoolean                    // true or false
	qInstant                    // xs:dateTime: quickDate's full date-times
	qDateTime                   // dateTime: quickDate's years to date-times
	qDate                       // date: quickDate's years to dates
	qIDType                     // xs:ID: no quick check, and checkID after
)

// simpleQuick is, for each simple type, its quick check.
var simpleQuick = func() (q [len(simpleTable)]quickKind) {
	for i := range simpleTable {
		q[i] = classify(&simpleTable[i])
	}
	return q
}()

// classify finds the quick check of s, by its facets: qNone unless
// each facet is one the check accounts for.
func classify(s *simpleDef) quickKind {
	if s.builtin == xsID {
		return qIDType
	}
	if s.length >= 0 || s.minIncl != "" || s.maxIncl != "" {
		return qNone
	}
	pattern := ""
	switch {
	case len(s.patterns) == 1 && len(s.patterns[0]) == 1:
		pattern = s.patterns[0][0]
	case len(s.patterns) != 0:
		return qNone
	}
	if len(s.union) > 0 {
		if s.enums != nil || s.minLen > 0 || s.maxLen >= 0 {
			return qNone
		}
		var members []builtin
		for _, u := range s.union {
			m := &simpleTable[u]
			if classify(m) != qAny && !plainDate(m) {
				return qNone
			}
			members = append(members, m.builtin)
		}
		switch {
		case pattern == patternDateTime && sameBuiltins(members, xsGYear, xsGYearMonth, xsDate, xsDateTime):
			return qDateTime
		case pattern == patternDate && sameBuiltins(members, xsGYear, xsGYearMonth, xsDate):
			return qDate
		}
		return qNone
	}
	plain := s.enums == nil && pattern == ""
	switch s.builtin {
	case xsString, xsAnySimpleType:
		switch {
		case plain && s.minLen <= 0 && s.maxLen < 0:
			return qAny
		case plain && s.minLen == 1 && s.maxLen < 0:
			return qNonEmpty
		case s.enums == nil && pattern == patternID && s.minLen <= 1 && (s.maxLen < 0 || s.maxLen >= 64):
			return qID
		}
	case xsToken:
		if (pattern == "" || pattern == patternCode) && s.minLen <= 1 && s.maxLen < 0 {
			if s.enums == nil {
				return qToken
			}
			return qTokenEnum
		}
	case xsAnyURI:
		if plain && s.minLen <= 0 && s.maxLen < 0 {
			return qURI
		}
	case xsBoolean:
		if plain && s.minLen < 0 && s.maxLen < 0 {
			return qBoolean
		}
	case xsDateTime:
		if plain && s.minLen < 0 && s.maxLen < 0 {
			return qInstant
		}
	}
	return qNone
}

// plainDate says s is a date or time built-in type without facets.
func plainDate(s *simpleDef) bool {
	switch s.builtin {
	case xsGYear, xsGYearMonth, xsDate, xsDateTime:
		return len(s.union) == 0 && s.patterns == nil && s.enums == nil && s.length < 0 && s.minLen < 0 &&
			s.maxLen < 0 && s.minIncl == "" && s.maxIncl == ""
	}
	return false
}

// sameBuiltins says got holds exactly the built-in types want.
func sameBuiltins(got []builtin, want ...builtin) bool {
	if len(got) != len(want) {
		return false
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			return false
		}
	}
	return true
}

// quickSimple reports whether the quick check q of simple type id
// accepts value (false: checkSimple decides).
func quickSimple(q quickKind, id uint16, value string) bool {
	switch q {
	case qAny:
		return true
	case qNonEmpty:
		return value != ""
	case qToken:
		return value != "" && !hasSpaceOrControl(value)
	case qTokenEnum:
		if value == "" || hasSpaceOrControl(value) {
			return false
		}
		for _, e := range simpleTable[id].enums {
			if e == value {
				return true
			}
		}
		return false
	case qURI:
		return uriQuick(value)
	case qID:
		return matchID(value)
	case qBoolean:
		return value == "true" || value == "false"
	case qInstant, qDateTime, qDate:
		return quickDate(q, value)
	}
	return false
}

// hasSpaceOrControl reports whether s has a byte up to ' ' (white space
// collapse or a code's pattern would look at), eight bytes a look.
func hasSpaceOrControl(s string) bool {
	n := len(s)
	if n < 8 {
		for i := 0; i < n; i++ {
			if s[i] <= ' ' {
				return true
			}
		}
		return false
	}
	i := 0
	for ; i+8 <= n; i += 8 {
		if lessBytes(load64(s, i), ' '+1) != 0 {
			return true
		}
	}
	// The last look ends at the end (it may cover bytes seen already).
	return i < n && lessBytes(load64(s, n-8), ' '+1) != 0
}

// quickDate accepts the usual forms of the date and time types: a year
// of four digits (not 0000), then for qDate and qDateTime optionally -MM
// and -DD, then for qDateTime optionally and for qInstant always
// Thh:mm:ss[.s+] (hours to 23) with an optional zone, Z or ±hh:mm (up to
// 14:00), each part in range (a real day of its month). Such a value is
// in both the union's members and the pattern (or in xs:dateTime).
func quickDate(q quickKind, v string) bool {
	if len(v) < 4 || !isDigit(v[0]) || !isDigit(v[1]) || !isDigit(v[2]) || !isDigit(v[3]) {
		return false
	}
	year := int(v[0]-'0')*1000 + int(v[1]-'0')*100 + int(v[2]-'0')*10 + int(v[3]-'0')
	if year == 0 {
		return false
	}
	if len(v) == 4 {
		return q != qInstant
	}
	if len(v) < 7 || v[4] != '-' || !two(v, 5) {
		return false
	}
	if m := atoi2(v, 5); m < 1 || m > 12 {
		return false
	}
	if len(v) == 7 {
		return q != qInstant
	}
	if len(v) < 10 || v[7] != '-' || !two(v, 8) {
		return false
	}
	if d := atoi2(v, 8); d < 1 || d > daysIn(year, atoi2(v, 5)) {
		return false
	}
	if len(v) == 10 {
		return q != qInstant
	}
	if q == qDate || len(v) < 19 || v[10] != 'T' || !two(v, 11) || v[13] != ':' || !two(v, 14) || v[16] != ':' || !two(v, 17) {
		return false
	}
	if atoi2(v, 11) > 23 || atoi2(v, 14) > 59 || atoi2(v, 17) > 59 {
		return false
	}
	i := 19
	if i < len(v) && v[i] == '.' {
		j := i + 1
		for j < len(v) && isDigit(v[j]) {
			j++
		}
		if j == i+1 {
			return false
		}
		i = j
	}
	switch {
	case i == len(v):
		return true
	case v[i] == 'Z':
		return i+1 == len(v)
	case len(v) != i+6 || v[i] != '+' && v[i] != '-' || !two(v, i+1) || v[i+3] != ':' || !two(v, i+4):
		return false
	}
	zh, zm := atoi2(v, i+1), atoi2(v, i+4)
	return zm <= 59 && (zh < 14 || zh == 14 && zm == 0)
}
