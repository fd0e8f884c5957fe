package fhirschema

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzValidate feeds arbitrary bodies to Validate: it must return (no
// panic, no hang) with errors that carry a kind, a position inside the
// body and a message, and stop at a syntax or limit error.
func FuzzValidate(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixturesDir, "*.xml"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	for _, s := range probes() {
		f.Add(s.body)
	}
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "&a;&a;">]><Patient xmlns="http://hl7.org/fhir">&a;</Patient>`))
	f.Add([]byte(strings.Repeat(`<a xmlns="http://hl7.org/fhir">`, 400)))
	f.Fuzz(func(t *testing.T, body []byte) {
		errs := ValidateOptions(body, Options{MaxErrors: 20, Visit: func(n *Node) { _ = n.Path() }})
		lines := strings.Count(string(body), "\n") + 1
		for i, e := range errs {
			if e.Kind == 0 || e.Message == "" || e.Line < 1 || e.Line > lines || e.Column < 1 {
				t.Fatalf("malformed error %d: %+v", i, e)
			}
			if (e.Kind == ErrSyntax || e.Kind == ErrLimit) && i != len(errs)-1 {
				t.Fatalf("validation went on after %v", e)
			}
		}
		if len(errs) > 21 {
			t.Fatalf("%d errors with MaxErrors 20", len(errs))
		}
	})
}
