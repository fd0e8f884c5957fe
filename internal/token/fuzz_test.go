package token

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
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

// referenceDuplicateName is a slow, obviously right duplicateName built on
// json.Decoder.Token, to check the fast scanner against.
func referenceDuplicateName(data []byte) (key, inside string, found bool) {
	type frame struct {
		names     map[string]bool // nil for an array
		expectKey bool
	}
	var stack []frame
	top := ""
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", "", false
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack = append(stack, frame{names: map[string]bool{}, expectKey: true})
				continue
			case '[':
				stack = append(stack, frame{})
				continue
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			if n := len(stack); n > 0 && stack[n-1].expectKey {
				if stack[n-1].names[v] {
					if n == 1 {
						return v, "", true
					}
					return v, top, true
				}
				stack[n-1].names[v] = true
				stack[n-1].expectKey = false
				if n == 1 {
					top = v
				}
				continue
			}
		}
		if n := len(stack); n > 0 && stack[n-1].names != nil {
			stack[n-1].expectKey = true
		}
	}
}

func FuzzDuplicateName(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `1`, `"a"`, `{"a":1,"a":2}`, `{"a":{"b":1,"b":2}}`, `[{"a":1},{"a":1}]`,
		`{"a\\":1,"a\u005c":2}`, `{"a":[1,{"c":true,"c":null}],"b":"a"}`, wideObject(20, "k3"),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) || !utf8.Valid(data) {
			return // Parse refuses both before looking for duplicates
		}
		k, in, ok := duplicateName(data)
		rk, rin, rok := referenceDuplicateName(data)
		if k != rk || in != rin || ok != rok {
			t.Fatalf("duplicateName(%q) = %q, %q, %v; reference %q, %q, %v", data, k, in, ok, rk, rin, rok)
		}
	})
}
