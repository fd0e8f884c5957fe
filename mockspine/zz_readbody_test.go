package mockspine

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
)

func BenchmarkZZReadBody(b *testing.B) {
	body := bytes.Repeat([]byte("x"), 10500)
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		s, _, _ := readBody(r)
		if len(s) != len(body) {
			b.Fatal(len(s))
		}
	}
}

var _ = strings.Builder{}
