package mediatype

import (
	"slices"
	"testing"
)

var fuzzSeeds = []string{
	"",
	"*/*",
	"application/*",
	"application/fhir+xml",
	"application/fhir+json;charset=utf-8",
	"Application/Xml+Fhir ; Charset = \"UTF-8\"",
	"application/json+fhir;charset=\"u\\tf-8\"",
	"application/fhir+xml;charset=iso-8859-1",
	"application/fhir+xml;boundary=x",
	"application/fhir+xml;q=0.5, application/json+fhir;q=0.7, */*;q=0",
	"text/plain;x=\"a,b\", application/fhir+xml",
	"application/fhir+xml;charset=\"utf-8",
	"\x00/\xff;\"\\",
	",,;=;\"",
}

func FuzzParseContentType(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, value string, allowJSON bool) {
		got, err := ParseContentType(value, allowJSON)
		if err != nil {
			if got != (Type{}) {
				t.Fatalf("error %v with non-zero type %v", err, got)
			}
			if err.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		if !slices.Contains(Supported(allowJSON), got) {
			t.Fatalf("ParseContentType(%q, %v) = %v, not a supported type", value, allowJSON, got)
		}
		// The canonical spelling reads back as itself.
		again, err := ParseContentType(got.Name, allowJSON)
		if err != nil || again != got {
			t.Fatalf("canonical name %q reads back as %v, %v", got.Name, again, err)
		}
	})
}

func FuzzNegotiate(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, accept string, allowJSON bool) {
		got, err := Negotiate(accept, allowJSON)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		if !slices.Contains(Supported(allowJSON), got) {
			t.Fatalf("Negotiate(%q, %v) = %v, not a supported type", accept, allowJSON, got)
		}
	})
}

func BenchmarkParseContentType(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = ParseContentType("application/fhir+xml; charset=UTF-8", true)
	}
}

func BenchmarkNegotiate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = Negotiate("text/html,application/xhtml+xml,application/fhir+json;q=0.9,*/*;q=0.8", true)
	}
}
