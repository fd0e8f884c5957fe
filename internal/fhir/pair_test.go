package fhir

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestJSONPrimitivePairs: a primitive's "_name" member merges into the
// element of "name" whichever of the two comes first, and, for arrays,
// item by item (a null item holds the place of one the other member
// gives), so that the tree is the XML form's.
func TestJSONPrimitivePairs(t *testing.T) {
	const bt = `{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime","valueDateTime":"2023-01-02T03:04:05Z"}`
	ext := func(id string) string { return `{"extension":[{"url":"u` + id + `","valueString":"` + id + `"}]}` }
	cases := []struct {
		name, members, want string
	}{
		{"value first", `"birthDate":"2023-01-02","_birthDate":{"extension":[` + bt + `]}`,
			"birthDate =2023-01-02\n extension url=http://hl7.org/fhir/StructureDefinition/patient-birthTime\n  valueDateTime =2023-01-02T03:04:05Z\n"},
		{"extension first", `"_birthDate":{"extension":[` + bt + `]},"birthDate":"2023-01-02"`,
			"birthDate =2023-01-02\n extension url=http://hl7.org/fhir/StructureDefinition/patient-birthTime\n  valueDateTime =2023-01-02T03:04:05Z\n"},
		{"extension first, members between", `"_active":{"id":"a1"},"gender":"male","active":true`,
			"active =true\n id =a1\ngender =male\n"},
		{"array, values first", `"given":["a",null,"c"],"_given":[null,` + ext("2") + `,` + ext("3") + `]`,
			"given =a\ngiven\n extension url=u2\n  valueString =2\ngiven =c\n extension url=u3\n  valueString =3\n"},
		{"array, extensions first", `"_given":[` + ext("1") + `,null,` + ext("3") + `],"given":[null,"b","c"]`,
			"given\n extension url=u1\n  valueString =1\ngiven =b\ngiven =c\n extension url=u3\n  valueString =3\n"},
		{"array, extensions longer", `"given":["a"],"_given":[null,` + ext("2") + `]`,
			"given =a\ngiven\n extension url=u2\n  valueString =2\n"},
		{"array, values longer, extensions first", `"_given":[` + ext("1") + `],"given":["a","b"]`,
			"given =a\n extension url=u1\n  valueString =1\ngiven =b\n"},
		{"null items alone", `"given":[null,"b",null]`, "given =b\n"},
		{"objects do not pair", `"_code":{"id":"c1"},"code":{"text":"x"}`, "code\n id =c1\ncode\n text =x\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"resourceType":"Bundle","type":"message","entry":[{"resource":{"resourceType":"Patient",` + tc.members + `}}]}`
			_, doc, err := ReadDoc(body, FormatJSON)
			require.NoError(t, err)
			require.Len(t, doc.Entries, 1)
			p := doc.Entries[0].Resource
			require.Equal(t, "Patient", p.Type())
			var b strings.Builder
			for _, k := range p.Kids() {
				dump(&b, k, 0)
			}
			assert.Equal(t, tc.want, b.String())
			// Every element is reachable from its parent and back.
			p.Walk(func(n Node) bool {
				for _, k := range n.Kids() {
					assert.Equal(t, n, k.Parent())
				}
				return true
			})
		})
	}
}
