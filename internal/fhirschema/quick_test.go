package fhirschema

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// quickValues are values for the quick checks: the fixtures' attribute
// values, edge cases of each form, and random strings over the forms'
// characters.
func quickValues(t *testing.T) []string {
	vals := []string{"", " ", "a", " a", "a ", "a  b", "a b", "a\tb", "\x01", "é", "true", "false", "1", "0", "TRUE",
		"completed", "active ", "male", "urn:uuid:5d5845f3-398f-474b-af59-14882fc7b0ca", "http://snomed.info/sct",
		"0000", "0001", "2019", "2019-00", "2019-13", "2019-12", "2019-02-29", "2020-02-29", "2019-04-31", "2019-04-30",
		"2019-01-00", "2019-00-01", "0000-01-01", "2019-01-00T10:00:00Z", "2019-01-32",
		"2019-01-01T", "2019-01-01T10:00", "2019-01-01T10:00:00", "2019-01-01T24:00:00", "2019-01-01T23:59:60",
		"2019-01-01T10:00:00Z", "2019-01-01T10:00:00z", "2019-01-01T10:00:00.", "2019-01-01T10:00:00.123",
		"2019-01-01T10:00:00.123+01:00", "2019-01-01T10:00:00+14:00", "2019-01-01T10:00:00+14:01",
		"2019-01-01T10:00:00+13:59", "2019-01-01T10:00:00+13:60", "2019-01-01T10:00:00-00:00", "-2019", "20190",
		"12019-01-01", "2019-1-01", "2019-01-01Z", "2019-01-01+01:00", "2019-01-01T10:00:00+0100",
		"abc-DEF.123", "a_b", "0123456789012345678901234567890123456789012345678901234567890123",
		"01234567890123456789012345678901234567890123456789012345678901234"}
	files, _ := filepath.Glob(filepath.Join(fixturesDir, "*.xml"))
	attr := regexp.MustCompile(`[a-zA-Z]+="([^"&<]*)"`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range attr.FindAllSubmatch(b, -1) {
			vals = append(vals, string(m[1]))
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, alphabet := range []string{"0123456789-T:.Z+", "0129-T:Z+ ", "abcXYZ09-._ \t", "hts:/.-_~aZ09%@?#"} {
		for range 100000 {
			b := make([]byte, rng.IntN(30))
			for i := range b {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
			vals = append(vals, string(b))
		}
	}
	// URIs of the shapes uriQuick reads by their first word.
	for _, prefix := range []string{"http://", "https://", "urn:", "urn:uuid:", "urn:oid:", "http:", "https:/", "ftp://"} {
		for range 20000 {
			b := []byte(prefix)
			for range rng.IntN(30) {
				b = append(b, "hts:/.-_~aZ09%@?#[]"[rng.IntN(19)])
			}
			vals = append(vals, string(b))
		}
	}
	// Mutations of valid date-times, one byte each.
	base := "2019-02-28T23:59:59.999+14:00"
	for i := range len(base) {
		for _, c := range "0123456789-T:.Z+ " {
			b := []byte(base)
			b[i] = byte(c)
			vals = append(vals, string(b), string(b[:i]))
		}
	}
	return vals
}

// TestQuickSimple: a quick check accepts only values checkSimple
// accepts, and accepts the usual ones.
func TestQuickSimple(t *testing.T) {
	vals := quickValues(t)
	used := map[quickKind]bool{}
	for id := range simpleTable {
		q := simpleQuick[id]
		if q == qNone || q == qIDType {
			continue
		}
		used[q] = true
		for _, v := range vals {
			if quickSimple(q, uint16(id), v) {
				if why := checkSimple(uint16(id), v); why != "" {
					t.Fatalf("%s: the quick check accepts %q, checkSimple does not: %s", simpleTable[id].name, v, why)
				}
			}
		}
	}
	for q := qAny; q < qIDType; q++ {
		if !used[q] {
			t.Errorf("quick check %d is no simple type's", q)
		}
	}
	want := map[string][]string{
		"fhir:string-primitive": {"a b"},
		"fhir:code-primitive":   {"completed"},
		"fhir:uri-primitive": {"http://snomed.info/sct", "https://fhir.nhs.uk/Id/nhs-number", "urn:uuid:5d5845f3-398f-474b-af59-14882fc7b0ca",
			"urn:oid:2.16.840.1.113883.2.1.4.1", "urn:nhs:addressing:asid:200000000115", "a:b"},
		"fhir:id-primitive":       {"abc-DEF.123"},
		"fhir:boolean-primitive":  {"true", "false"},
		"fhir:dateTime-primitive": {"2019", "2019-12", "2020-02-29", "2019-01-01T10:00:00", "2019-01-01T10:00:00.123+01:00"},
		"fhir:date-primitive":     {"2019", "2019-12", "2020-02-29"},
		"fhir:instant-primitive":  {"2019-01-01T10:00:00Z"},
	}
	for id := range simpleTable {
		for _, v := range want[simpleTable[id].name] {
			if !quickSimple(simpleQuick[id], uint16(id), v) {
				t.Errorf("%s: the quick check refuses %q", simpleTable[id].name, v)
			}
		}
	}
}
