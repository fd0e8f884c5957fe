package fhirschema

import (
	"regexp"
	"strings"
	"testing"
)

var matcherSeeds = []string{"", "0", "1", "01", "-0", "-", "1.5", "1.", ".5", "-1.50", "a", "a b", " a", "a ", "a  b", "a\tb",
	"10:00:00", "23:59:59.5", "24:00:00", "10:00:00.", "urn:oid:1.2.3", "urn:oid:01", "urn:oid:1.", "urn:oid:",
	"urn:uuid:85c8a1c5-a8a1-41c9-bb99-20956fa66218", "urn:uuid:85C8A1C5-a8a1-41c9-bb99-20956fa66218",
	"2017", "-2017", "2017-01", "2017-13", "2017-01-01", "2017-01-32", "2017-01-00", "2017-01-31T10:00:00Z",
	"2017-01-01T10:00:00+14:00", "2017-01-01T10:00:00+14:01", "2017-01-01T10:00:00-13:59", "2017-01-01T10:00:00+58:00",
	"2017-01-01T10:00:00.123+01:00", "2017-01-01T10:00Z", "2017-01-01T24:00:00Z", "2017-01T10:00:00Z", "A-1.b",
	"abcdefgh.ABCDEFGH-0123456789", "Abcdefg", "Abcdefgh", "Abcdefghi", strings.Repeat("a1-.", 16)}

// variants derives strings around s: each character dropped, doubled
// or replaced by one of a few significant ones.
func variants(s string) []string {
	out := []string{s}
	repl := "0159:-.+TZ a"
	for i := 0; i <= len(s); i++ {
		if i < len(s) {
			out = append(out, s[:i]+s[i+1:], s[:i]+s[i:i+1]+s[i:])
		}
		for j := 0; j < len(repl); j++ {
			out = append(out, s[:i]+repl[j:j+1]+s[i:])
			if i < len(s) {
				out = append(out, s[:i]+repl[j:j+1]+s[i+1:])
			}
		}
	}
	return out
}

func TestFastMatchers(t *testing.T) {
	used := map[string]bool{}
	for _, s := range simpleTable {
		for _, step := range s.patterns {
			for _, p := range step {
				used[p] = true
			}
		}
	}
	for p, match := range fastMatchers {
		if !used[p] {
			t.Errorf("no simple type has the pattern %s any more: its matcher is dead", p)
			continue
		}
		re := regexp.MustCompile(p)
		for _, seed := range matcherSeeds {
			for _, v := range variants(seed) {
				if got, want := match(v), re.MatchString(v); got != want {
					t.Errorf("pattern %s on %q: matcher %t, regexp %t", p, v, got, want)
				}
			}
		}
	}
}

func FuzzFastMatchers(f *testing.F) {
	for _, s := range matcherSeeds {
		f.Add(s)
	}
	res := map[string]*regexp.Regexp{}
	for p := range fastMatchers {
		res[p] = regexp.MustCompile(p)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for p, match := range fastMatchers {
			if got, want := match(v), res[p].MatchString(v); got != want {
				t.Fatalf("pattern %s on %q: matcher %t, regexp %t", p, v, got, want)
			}
		}
	})
}
