package fhir

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The JSON reader (json.go) is checked against readJSONReference, the
// reader as it was written on encoding/json's Decoder.Token: both accept or
// both refuse, and both report the same facts.
//
// One deliberate difference: the reference skips the value of a
// resourceType member that is not a string without looking for repeated
// keys inside it (in a resource that is an error anyway; elsewhere the
// member is ignored). The scanner checks every object for repeated keys, so
// {"resourceType":"Bundle","meta":{"resourceType":{"a":1,"a":2}}} is
// refused.

// jsonStricter says whether the scanner's refusal of body, which the
// reference accepts, is the deliberate difference: a repeated key, in a
// body with a nested resourceType (written plainly or with an escape).
//
// And a second: the scanner refuses a JSON number or boolean where the
// readers take a value FHIR requires to be a string (an identifier's value,
// a system, a date); the reference took its text.
func jsonStricter(body []byte, err error) bool {
	if strings.Contains(err.Error(), "FHIR requires a string there") {
		return true
	}
	return strings.Contains(err.Error(), "duplicate key") &&
		(bytes.Count(body, []byte("resourceType")) >= 2 || bytes.Contains(body, []byte(`\u`)))
}

func compareJSONWithReference(t *testing.T, body []byte) {
	t.Helper()
	in := bytes.Clone(body)
	got, gotErr := ReadJSON(in)
	want, wantErr := readJSONReference(body)
	checkResult(t, FormatJSON, got, gotErr)
	if gotErr != nil {
		assert.Less(t, len(gotErr.Error()), 200, "error messages stay short")
	}
	switch {
	case gotErr == nil && wantErr == nil:
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("facts differ\nscanner:   %s\nreference: %s", describeBundle(got), describeBundle(want))
		}
		before := describeBundle(got)
		for i := range in {
			in[i] = 'X'
		}
		if after := describeBundle(got); after != before {
			t.Fatalf("the Bundle changed with the body it was read from:\n%s\n%s", before, after)
		}
	case gotErr == nil:
		t.Fatalf("the scanner accepts what the reference refuses: %v", wantErr)
	case wantErr == nil:
		if !jsonStricter(body, gotErr) {
			t.Fatalf("the scanner refuses what the reference accepts: %v", gotErr)
		}
	}
}

var jsonEdgeCases = []string{
	minimalJSON,
	`{"resourceType":"Bundle"}`,
	` {"resourceType" : "Bundle" , "type" : "message" } `,
	`{}`,
	`[]`,
	``,
	` `,
	`"x"`,
	`1`,
	`null`,
	`true`,
	`tru`,
	`{"resourceType":"Bundle"}x`,
	`{"resourceType":"Bundle"} {}`,
	`{"resourceType":"Bundle"} []`,
	`{"resourceType":"Bundle"} "x"`,
	`{"resourceType":"Bundle"} 1`,
	`{"resourceType":"Bundle",}`,
	`{"resourceType":"Bundle" "type":"x"}`,
	`{"resourceType":"Bundle","type"}`,
	`{"resourceType":"Bundle","type":}`,
	`{"resourceType":"Bundle","x":[1,]}`,
	`{"resourceType":"Bundle","x":[,1]}`,
	`{"resourceType":"Bundle","x":[1 2]}`,
	`{"resourceType":"Bundle","x":[true,false,null,-0,0.5,1e5,1E+5,-1.5e-5,123]}`,
	`{"resourceType":"Bundle","x":01}`,
	`{"resourceType":"Bundle","x":-}`,
	`{"resourceType":"Bundle","x":1.}`,
	`{"resourceType":"Bundle","x":1e}`,
	`{"resourceType":"Bundle","x":.5}`,
	`{"resourceType":"Bundle","x":+1}`,
	`{"resourceType":"Bundle","x":nul}`,
	`{"resourceType":"Bundle","x":True}`,
	`{"resourceType":"Bundle","x":"a\"b\\c\/d\be\ff\ng\rh\ti\u0041\u00e9\ud83d\ude00"}`,
	`{"resourceType":"Bundle","x":"\ud800"}`,
	`{"resourceType":"Bundle","x":"\ud800\u0041"}`,
	`{"resourceType":"Bundle","x":"\udc00\ud800"}`,
	`{"resourceType":"Bundle","x":"\ud800\ud800\udc00"}`,
	`{"resourceType":"Bundle","x":"\u12"}`,
	`{"resourceType":"Bundle","x":"\u12G4"}`,
	`{"resourceType":"Bundle","x":"\x"}`,
	"{\"resourceType\":\"Bundle\",\"x\":\"a\tb\"}",
	"{\"resourceType\":\"Bundle\",\"x\":\"a\x7fb\"}",
	`{"resourceType":"Bundle","x":"unterminated}`,
	`{"resourceType":"Bundle","a":"\ud800","b":"\udbff"}`,
	`{"resourceType":"Bundle","\ud800":1,"\udbff":2}`,
	`{"resourceType":"Bundle","type":"a","typ\u0065":"b"}`,
	`{"resourceType":"Bundle","resourceType":"Patient"}`,
	`{"resourceType":7}`,
	`{"resourceType":null}`,
	`{"resourceType":""}`,
	`{"resourceType":{"a":1}}`,
	`{"resourceType":"Bundle","meta":{"resourceType":7}}`,
	`{"resourceType":"Bundle","meta":{"resourceType":{"a":[1,{"b":2}]}}}`,
	`{"resourceType":"Bundle","meta":{"resourceType":{"a":1,"a":2}}}`,
	`{"resourceType":"Bundle","meta":{"resourceType":[}}`,
	`{"type":"message"}`,
	`{"resourceType":"Bundle","entry":[{"resource":{"id":"x"}}]}`,
	`{"resourceType":"Bundle","entry":[{"resource":[{"id":"x"}]}]}`,
	`{"resourceType":"Bundle","entry":[{"resource":7}]}`,
	`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","contained":[{"resourceType":"Patient"},{"id":"y"}]}}]}`,
	`{"resourceType":"CapabilityStatement","rest":[{"resource":[{"type":"Patient"}]}]}`,
	`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","_birthDate":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime","valueDateTime":"2024"}]},"birthDate":"2023"}}]}`,
	`{"resourceType":"Bundle","_":1,"__x":2}`,
	`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","identifier":[{"system":"https:\/\/fhir.nhs.uk\/Id\/nhs-number","value":9990000018}]}}]}`,
	`{"resourceType":"Bundle","x":` + strings.Repeat("[", MaxDepth-1) + strings.Repeat("]", MaxDepth-1) + `}`,
	`{"resourceType":"Bundle","x":` + strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth) + `}`,
	`{"resourceType":"Bundle","meta":{"resourceType":` + strings.Repeat("[", MaxDepth-2) + strings.Repeat("]", MaxDepth-2) + `}}`,
	`{"resourceType":"Bundle","meta":{"resourceType":` + strings.Repeat("[", MaxDepth-1) + strings.Repeat("]", MaxDepth-1) + `}}`,
	"\xEF\xBB\xBF{\"resourceType\":\"Bundle\"}",
}

func jsonCorpus(tb testing.TB) [][]byte {
	tb.Helper()
	names, _ := filepath.Glob(filepath.Join(fixtureBundlesDir, "*.json"))
	var out [][]byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		require.NoError(tb, err)
		out = append(out, b)
	}
	return out
}

func TestJSONAgainstReference(t *testing.T) {
	for _, s := range jsonEdgeCases {
		t.Run(shortText(s), func(t *testing.T) {
			compareJSONWithReference(t, []byte(s))
		})
	}
	for _, s := range jsonCorpus(t) {
		compareJSONWithReference(t, s)
	}
	// The deliberate difference, shown.
	body := `{"resourceType":"Bundle","meta":{"resourceType":{"a":1,"a":2}}}`
	_, err := readJSONReference([]byte(body))
	require.NoError(t, err)
	_, err = ReadJSON([]byte(body))
	require.ErrorContains(t, err, `duplicate key "a"`)
}

func FuzzJSONAgainstReference(f *testing.F) {
	for _, s := range jsonCorpus(f) {
		f.Add(s)
	}
	for _, s := range jsonEdgeCases {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		compareJSONWithReference(t, body)
	})
}
