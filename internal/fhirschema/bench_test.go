package fhirschema

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func fixtureBodies(tb testing.TB) map[string][]byte {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join(fixturesDir, "*.xml"))
	if len(files) == 0 {
		tb.Skip("no fixtures in fixtures/bundles")
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

// bigBundle repeats a fixture's entries until the body reaches size bytes.
func bigBundle(tb testing.TB, size int) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(fixturesDir, "blood-spot-test-outcome-1-new.xml"))
	if err != nil {
		tb.Skip("fixture blood-spot-test-outcome-1-new.xml not present")
	}
	first := bytes.Index(b, []byte("<entry>"))
	last := bytes.LastIndex(b, []byte("</entry>")) + len("</entry>")
	if first < 0 || last < first {
		tb.Fatal("fixture has no entries")
	}
	var out bytes.Buffer
	out.Write(b[:last])
	for out.Len() < size {
		out.WriteString("\n")
		out.Write(b[first:last])
	}
	out.Write(b[last:])
	return out.Bytes()
}

func BenchmarkValidateFixtures(b *testing.B) {
	bodies := fixtureBodies(b)
	for _, name := range []string{"vaccinations-1-new.xml", "blood-spot-test-outcome-1-new.xml", "professional-contacts-1-new.xml", "nipe-outcome-1-new.xml"} {
		body, ok := bodies[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				Validate(body)
			}
		})
	}
}

func BenchmarkValidate3MB(b *testing.B) {
	body := bigBundle(b, 3<<20)
	if errs := Validate(body); len(errs) != 0 {
		b.Fatalf("the big bundle is not valid: %v", errs[0])
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		Validate(body)
	}
}

func BenchmarkValidateVisit(b *testing.B) {
	body := fixtureBodies(b)["blood-spot-test-outcome-1-new.xml"]
	n := 0
	opt := Options{Visit: func(nd *Node) {
		if nd.Type.Is("dateTime", "instant") {
			n++
		}
	}}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		ValidateOptions(body, opt)
	}
}
