package token

import (
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	good, err := Mint(spineClaims())
	if err != nil {
		f.Fatal(err)
	}
	seeds := []string{
		"",
		".",
		"..",
		"...",
		good,
		strings.TrimSuffix(good, "."),
		good + "c2ln",
		spineCoreExample,
		MintRaw([]byte(`{"alg":"HS256","typ":"JWT"}`), []byte(`{}`), ""),
		MintRaw([]byte(noneHeader), []byte(`{"a":1,"a":2}`), ""),
		MintRaw([]byte(noneHeader), []byte(`[]`), ""),
		MintRaw([]byte(noneHeader), []byte("{\"a\":\"\xff\"}"), ""),
		MintRaw([]byte(noneHeader), []byte(`{"a":{"b":[{"c":1,"c":2}]}}`), ""),
		"eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0=.e30.",
		"eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.e3+.",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := Parse(raw)
		if err != nil {
			if tok != nil {
				t.Fatalf("error %v with a token", err)
			}
			return
		}
		if tok.Header["alg"] != "none" {
			t.Fatalf("accepted header alg %v", tok.Header["alg"])
		}
		if !strings.HasSuffix(raw, ".") || strings.Count(raw, ".") != 2 {
			t.Fatalf("accepted %q without exactly two dots and a trailing one", raw)
		}
		if tok.Claims == nil {
			t.Fatal("accepted a token without a claims object")
		}
	})
}

func BenchmarkParse(b *testing.B) {
	raw, err := Mint(spineClaims())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(raw); err != nil {
			b.Fatal(err)
		}
	}
}
