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
