package fhir

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestWordScans checks the eight-bytes-at-a-time scans against a byte at
// a time, on strings of the bytes that matter at every offset.
func TestWordScans(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{' ', ' ', ' ', 'a', '"', '\\', '\n', 0x1F, 0x20, 0x7F, 0x80, 0xC3, 0xFF, '<', '&'}
	for n := 0; n < 3000; n++ {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		s := string(b)
		for i := 0; i <= len(s); i++ {
			want := i
			for want < len(s) && s[want] == ' ' {
				want++
			}
			if got := skipSpaces(s, i); got != want {
				t.Fatalf("skipSpaces(%q, %d) = %d, want %d", s, i, got, want)
			}
			r := &jsonReader{src: `"` + s[i:] + `"`}
			want = strings.IndexFunc(s[i:]+`"`, func(c rune) bool { return c == '"' || c == '\\' || c < ' ' })
			_, err := r.str()
			if c := (s[i:] + `"`)[want]; c == '"' {
				if err != nil || r.pos != want+2 {
					t.Fatalf("str of %q: pos %d, %v; want %d", s[i:], r.pos, err, want+2)
				}
			} else if c < ' ' && err == nil {
				t.Fatalf("str of %q: no error for the control character at %d", s[i:], want)
			}
		}
	}
}

// TestASCIILetters checks asciiLetters on every ASCII byte at every place
// of a word, beside letters and beside other bytes.
func TestASCIILetters(t *testing.T) {
	isLetter := func(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
	for _, fill := range []byte{'a', 'Z', '-', 0, 0x7F, '@', '[', '`', '{'} {
		for c := 0; c < 0x80; c++ {
			for at := 0; at < 8; at++ {
				w := []byte(strings.Repeat(string(fill), 8))
				w[at] = byte(c)
				m := asciiLetters(load64(string(w), 0))
				for k := 0; k < 8; k++ {
					if got, want := m>>(8*k+7)&1 == 1, isLetter(w[k]); got != want {
						t.Fatalf("asciiLetters(%q) byte %d: %v, want %v", w, k, got, want)
					}
				}
			}
		}
	}
}

// TestSkipRun checks skipRun against a byte at a time.
func TestSkipRun(t *testing.T) {
	for _, tc := range []struct {
		s string
		i int
		c byte
	}{
		{"\t\t\t<a>", 0, '\t'}, {"\t\t\t\t\t\t\t\t\t\t<", 1, '\t'}, {"        x", 0, ' '},
		{"", 0, ' '}, {"\t", 0, '\t'}, {"\t\t\t\t\t\t\t\t", 0, '\t'}, {"ab", 2, 'a'}, {"\t \t", 0, '\t'},
	} {
		want := tc.i
		for want < len(tc.s) && tc.s[want] == tc.c {
			want++
		}
		if got := skipRun(tc.s, tc.i, tc.c); got != want {
			t.Errorf("skipRun(%q, %d, %q) = %d, want %d", tc.s, tc.i, tc.c, got, want)
		}
	}
}
