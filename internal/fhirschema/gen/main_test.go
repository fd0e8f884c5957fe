package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The schemas live outside the module (../shared from the repository
// root); without them the committed tables cannot be checked.
const xsdDir = "../../../../shared/nems/fhir-stu3-xsd"

func TestGeneratedTablesCurrent(t *testing.T) {
	if _, err := os.Stat(filepath.Join(xsdDir, "fhir-single.xsd")); err != nil {
		t.Skip("schemas not present (../shared/nems/fhir-stu3-xsd): ", err)
	}
	src, err := Generate(xsdDir)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "tables_gen.go")
	if err := os.WriteFile(out, src, 0o644); err != nil {
		t.Fatal(err)
	}
	regenerated, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../tables_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(regenerated, committed) {
		t.Fatal("internal/fhirschema/tables_gen.go is not what the generator writes: run go generate ./internal/fhirschema")
	}
}

func TestTranslatePattern(t *testing.T) {
	for _, c := range []struct{ xsd, want string }{
		{`[A-Za-z0-9\-\.]{1,64}`, `^(?:[A-Za-z0-9\-\.]{1,64})$`},
		{`[^\s]+([\s]?[^\s]+)*`, `^(?:[^\x20\t\n\r]+([\x20\t\n\r]?[^\x20\t\n\r]+)*)$`},
		{`[-+]?(\d+|\d+(\.\d+)?%)`, `^(?:[-+]?(\p{Nd}+|\p{Nd}+(\.\p{Nd}+)?%))$`},
		{`a$^b`, `^(?:a\$\^b)$`},
	} {
		got, err := translatePattern(c.xsd)
		if err != nil || got != c.want {
			t.Errorf("translatePattern(%q) = %q, %v; want %q", c.xsd, got, err, c.want)
		}
	}
	if _, err := translatePattern(`\p{L}`); err == nil {
		t.Error("an unsupported escape must fail the generator")
	}
}
