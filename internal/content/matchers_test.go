package content

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The hand-written matchers stand for regular expressions and string
// expressions the rules were written with: each must agree with its model
// on every string, so they are compared on the specification's examples
// and on many strings made from them by random changes.

var dateTimeModel = regexp.MustCompile(`^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$`)

// variants returns seeds and random changes of them over an alphabet.
func variants(seeds []string, alphabet string, n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	out := append([]string(nil), seeds...)
	for range n {
		s := []byte(seeds[r.IntN(len(seeds))])
		for range 1 + r.IntN(3) {
			c := alphabet[r.IntN(len(alphabet))]
			switch k := r.IntN(3); {
			case k == 0 && len(s) > 0: // replace
				s[r.IntN(len(s))] = c
			case k == 1: // insert
				i := r.IntN(len(s) + 1)
				s = append(s[:i], append([]byte{c}, s[i:]...)...)
			case len(s) > 0: // delete
				i := r.IntN(len(s))
				s = append(s[:i], s[i+1:]...)
			}
		}
		out = append(out, string(s))
	}
	return out
}

func TestMatchersAgreeWithTheirModels(t *testing.T) {
	cases := []struct {
		name     string
		seeds    []string
		alphabet string
		got      func(string) bool
		want     func(string) bool
	}{
		{"dateTime",
			[]string{"2024", "2024-05", "2024-05-14", "2024-05-14T11:00:00Z", "2024-05-14T11:00:00.123+01:00", "0001-01-01T00:00:60-14:00",
				"2024-05-14T23:59:59+13:59", "2024-05-14T11:00:00+14:00", "0000", "2024-13", "2024-05-32", "2024-05-14T24:00:00Z", "2024-05-14T11:00:00", ""},
			"0123456789-:T.Z+ x", isDateTime, dateTimeModel.MatchString},
		{"uuid",
			[]string{"0f3e1c2a-5b6d-4e7f-8a9b-0c1d2e3f4a5b", "0F3E1C2A-5B6D-4E7F-8A9B-0C1D2E3F4A5B", "0f3e1c2a5b6d4e7f8a9b0c1d2e3f4a5b", ""},
			"0123456789abcdefABCDEFgG-", isUUID, regexp.MustCompile("^(?:" + uuidPattern + ")$").MatchString},
		{"full date",
			[]string{"2024-02-29", "2023-02-29", "2000-02-29", "1900-02-29", "2024-04-31", "2024-12-31", "0000-01-01", "2024-1-01", "2024-13-01", "2024-00-10", "2024-01-00", ""},
			"0123456789-x", isFullDate, func(s string) bool { _, err := time.Parse(time.DateOnly, s); return err == nil && len(s) == 10 }},
		{"versionId",
			[]string{"1", "123456789012345678", "1234567890123456789", "", "01"},
			"0123456789a -", patternMatcher(`[0-9]{1,18}`), regexp.MustCompile(`^(?:[0-9]{1,18})$`).MatchString},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, s := range variants(c.seeds, c.alphabet, 20000) {
				if got, want := c.got(s), c.want(s); got != want {
					t.Errorf("%q: %v, the model says %v", s, got, want)
				}
			}
		})
	}
}

func TestStringHelpersAgreeWithTheirModels(t *testing.T) {
	words := variants([]string{"Paediatrics", "  Paediatrics ", "General  practice\tservice", "Élan vital", "x\u00a0y", "A", ""}, " \t\nabcAB\u00a0é\xff", 5000)
	collapse := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	norm := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	for i := 1; i < len(words); i++ {
		a, b := words[i-1], words[i]
		for _, p := range [][2]string{{a, b}, {a, a}, {a, strings.ToUpper(a)}, {a, " " + a + "\n"}} {
			if got, want := sameWords(p[0], p[1]), collapse(p[0]) == collapse(p[1]); got != want {
				t.Errorf("sameWords(%q, %q) = %v, want %v", p[0], p[1], got, want)
			}
			if got, want := sameLower(p[0], p[1]), norm(p[0]) == norm(p[1]); got != want {
				t.Errorf("sameLower(%q, %q) = %v, want %v", p[0], p[1], got, want)
			}
		}
	}
	parts := variants([]string{"http://snomed.info/sct", "a|b", "|", "c", ""}, "ab|c", 3000)
	for i := 3; i < len(parts); i++ {
		s1, k1, s2, k2 := parts[i-3], parts[i-2], parts[i-1], parts[i]
		for _, q := range [][4]string{{s1, k1, s2, k2}, {s1, k1, s1, k1}, {s1 + "|" + k1[:len(k1)/2], k1[len(k1)/2:], s1, k1}} {
			if got, want := joinedEqual(q[0], q[1], q[2], q[3]), q[0]+"|"+q[1] == q[2]+"|"+q[3]; got != want {
				t.Errorf("joinedEqual(%q, %q, %q, %q) = %v, want %v", q[0], q[1], q[2], q[3], got, want)
			}
		}
	}
}

// Every month and day, in common and leap years, as time.Parse reads them.
func TestFullDatesAsTimeParses(t *testing.T) {
	for _, y := range []string{"0000", "1900", "2000", "2023", "2024"} {
		for mo := 0; mo <= 13; mo++ {
			for d := 0; d <= 32; d++ {
				s := y + "-" + two(mo) + "-" + two(d)
				_, err := time.Parse(time.DateOnly, s)
				if got := isFullDate(s); got != (err == nil) {
					t.Errorf("%s: %v, time.Parse says %v", s, got, err)
				}
			}
		}
	}
}

func two(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }
