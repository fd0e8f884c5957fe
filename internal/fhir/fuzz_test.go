package fhir

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// fixtureSeeds returns the fixture bundles with extension ext.
func fixtureSeeds(f *testing.F, ext string) [][]byte {
	f.Helper()
	names, err := filepath.Glob(filepath.Join(fixtureBundlesDir, "*."+ext))
	if err != nil {
		f.Fatal(err)
	}
	var seeds [][]byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	return seeds
}

// checkResult holds for every input: no panic (the fuzzer reports one), a
// nil error comes with a Bundle, an error with none and is a *ParseError.
func checkResult(t *testing.T, format string, b *Bundle, err error) {
	t.Helper()
	if err != nil {
		if b != nil {
			t.Fatalf("error %v came with a Bundle", err)
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("error %T (%v) is not a *ParseError", err, err)
		}
		if pe.Format != format {
			t.Fatalf("error %v has format %q", err, pe.Format)
		}
		return
	}
	if b == nil {
		t.Fatal("nil error and nil Bundle")
	}
	if b.Format != format {
		t.Fatalf("Bundle format %q, want %q", b.Format, format)
	}
	if b.Entries < 0 {
		t.Fatalf("negative entry count %d", b.Entries)
	}
	for _, n := range b.NHSNumbers {
		if !isNHSNumberSystem(n.System) {
			t.Fatalf("NHS number with system %q", n.System)
		}
		if n.Where == "" {
			t.Fatalf("NHS number %q without a location", n.Value)
		}
	}
}

func FuzzReadXML(f *testing.F) {
	for _, s := range fixtureSeeds(f, "xml") {
		f.Add(s)
	}
	for _, s := range []string{
		minimalXML,
		"",
		bundleOpen + bundleClose,
		`<?xml version="1.0" encoding="ISO-8859-1"?>` + bundleOpen + bundleClose,
		`<!DOCTYPE Bundle>` + bundleOpen + bundleClose,
		`<DistributionEnvelope xmlns="urn:nhs-itk:ns:201005"/>`,
		bundleOpen + `<entry><resource><Patient><birthDate value="x"><extension url="http://hl7.org/fhir/StructureDefinition/patient-birthTime"/></birthDate></Patient></resource></entry>` + bundleClose,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := ReadXML(body)
		checkResult(t, FormatXML, b, err)
		checkDoc(t, body, FormatXML, b, err)
	})
}

func FuzzReadJSON(f *testing.F) {
	for _, s := range fixtureSeeds(f, "json") {
		f.Add(s)
	}
	for _, s := range []string{
		minimalJSON,
		"",
		`{}`,
		`[]`,
		`{"resourceType":"Bundle","type":"message","type":"x"}`,
		`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","_birthDate":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime","valueDateTime":"2024"}]}}}]}`,
		`{"resourceType":"Bundle"} {}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := ReadJSON(body)
		checkResult(t, FormatJSON, b, err)
		checkDoc(t, body, FormatJSON, b, err)
	})
}

// checkDoc holds for every input: ReadDoc agrees with Read (b, err) and
// its tree is whole: every element is the parent of its children, and
// Len counts them all at most.
func checkDoc(t *testing.T, body []byte, format string, b *Bundle, err error) {
	t.Helper()
	db, doc, derr := ReadDoc(body, format)
	if (err == nil) != (derr == nil) || err != nil && err.Error() != derr.Error() {
		t.Fatalf("Read: %v; ReadDoc: %v", err, derr)
	}
	if err != nil {
		return
	}
	if !reflect.DeepEqual(b, db) {
		t.Fatalf("Read: %+v\nReadDoc: %+v", b, db)
	}
	seen := 0
	var walk func(n Node)
	walk = func(n Node) {
		seen++
		if seen > doc.Len() {
			t.Fatalf("more elements reached than the %d there are", doc.Len())
		}
		for k := n.First(); k.Ok(); k = k.Next() {
			if k.Parent() != n {
				t.Fatalf("%s: child %s has another parent", n.Path(), k.Name())
			}
			walk(k)
		}
	}
	if doc.Root.Ok() {
		walk(doc.Root)
	}
}
