package fhirschema

import (
	"math/rand/v2"
	"testing"
)

// TestURIQuick: every value the quick check accepts, the full one does,
// and it accepts the common forms.
func TestURIQuick(t *testing.T) {
	for _, s := range []string{"https://fhir.nhs.uk/Id/nhs-number", "http://snomed.info/sct", "urn:uuid:5d5845f3-398f-474b-af59-14882fc7b0ca",
		"urn:oid:2.16.840.1.113883", "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-ITK-MessageHandling-2", "mailto:a.b"} {
		if !uriQuick(s) {
			t.Errorf("uriQuick(%q) = false", s)
		}
	}
	for _, s := range []string{"http://a:b/", "HTTP://x", "http://a b", "http://a%20", "1x:y", ":x", "x"} {
		if uriQuick(s) {
			t.Errorf("uriQuick(%q) = true", s)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := "hts:/.-_~aZ09%@?#[]: "
	for n := 0; n < 200000; n++ {
		b := make([]byte, rng.IntN(16))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		s := string(b)
		if rng.IntN(2) == 0 {
			s = "http:" + s
		}
		if uriQuick(s) && !(uriAbsolute(s) || uriRelative(s)) {
			t.Fatalf("uriQuick accepts %q, the full check does not", s)
		}
	}
}

// TestCollapseWords: the word-at-a-time collapse agrees with the rule
// byte by byte.
func TestCollapseWords(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := "a \t\n\r!\x1f\x80"
	for n := 0; n < 100000; n++ {
		b := make([]byte, rng.IntN(30))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		s := string(b)
		want := s
		for i := 0; i < len(s); i++ {
			if c := s[i]; c == '\t' || c == '\n' || c == '\r' || (c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ')) {
				want = ""
				for _, f := range splitSpace(s) {
					if want != "" {
						want += " "
					}
					want += f
				}
				break
			}
		}
		if got := collapse(s); got != want {
			t.Fatalf("collapse(%q) = %q, want %q", s, got, want)
		}
	}
}

func splitSpace(s string) []string {
	var out []string
	cur := ""
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			if cur != "" {
				out = append(out, cur)
			}
			cur = ""
			continue
		}
		cur += s[i : i+1]
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}
