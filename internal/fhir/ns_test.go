package fhir

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decls writes n namespace declarations, prefixes p0 to p<n-1>.
func decls(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, ` xmlns:p%d="urn:x:%d"`, i, i)
	}
	return b.String()
}

// TestNamespaceResolutionIsLinear: resolving names costs a bounded number
// of steps whatever the declarations in scope (a body of 20,000 of them
// and as many elements once took seconds). nsWork counts the bindings
// looked at.
func TestNamespaceResolutionIsLinear(t *testing.T) {
	nested := strings.Repeat(`<meta xmlns:a="urn:a"`+decls(50)+`>`, 100) + strings.Repeat(`<tag a:k="1" p7:k="2"/>`, 5000) + strings.Repeat(`</meta>`, 100)
	cases := []struct {
		name  string
		body  string
		steps int // declarations + names resolved
	}{
		{"declarations on the root", `<Bundle xmlns="http://hl7.org/fhir"` + decls(20000) + `>` + strings.Repeat(`<type value="message"/>`, 20000) + `</Bundle>`, 20000 + 20000},
		{"prefixed attributes", `<Bundle xmlns="http://hl7.org/fhir"` + decls(20000) + `>` + strings.Repeat(`<type p0:x="1" p19999:y="2" value="message"/>`, 10000) + `</Bundle>`, 20000 + 3*10000},
		{"declarations nested", `<Bundle xmlns="http://hl7.org/fhir">` + nested + `</Bundle>`, 100*51 + 3*5000},
		{"declarations on each element", `<Bundle xmlns="http://hl7.org/fhir">` + strings.Repeat(`<type`+decls(20)+` p3:x="1" value="message"/>`, 2000) + `</Bundle>`, 2000*20 + 2*2000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := new(xmlReader)
			r.src = tc.body
			require.NoError(t, r.read())
			assert.LessOrEqual(t, r.nsWork, 4*tc.steps, "bindings looked at")
			_, _, err := ReadDoc(tc.body, FormatXML)
			require.NoError(t, err)
		})
	}
}

// TestNamespaceScopes: with enough declarations in scope for the index,
// an inner declaration shadows an outer one only inside its element, and
// a prefix is undeclared again after the element declaring it.
func TestNamespaceScopes(t *testing.T) {
	for _, many := range []int{0, 40} {
		t.Run(fmt.Sprintf("%d more declarations", many), func(t *testing.T) {
			body := `<Bundle xmlns="http://hl7.org/fhir" xmlns:a="urn:1"` + decls(many) + `>` +
				`<meta a:k="1"><tag xmlns:a="urn:2" a:k="2"><code a:k="3"/></tag><tag a:k="4" xmlns:b="urn:b" b:k="5"/><security a:k="6"/></meta></Bundle>`
			_, doc, err := ReadDoc(body, FormatXML)
			require.NoError(t, err)
			var got []string
			doc.Root.Walk(func(n Node) bool {
				for _, a := range n.Attrs() {
					got = append(got, n.Name()+" "+a.Space+" "+a.Name+"="+a.Value)
				}
				return true
			})
			assert.Equal(t, []string{"meta urn:1 k=1", "tag urn:2 k=2", "code urn:2 k=3", "tag urn:1 k=4", "tag urn:b k=5", "security urn:1 k=6"}, got)

			_, err = ReadXML(`<Bundle xmlns="http://hl7.org/fhir"` + decls(many) + `><type xmlns:b="urn:b"/><type b:k="1"/></Bundle>`)
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Contains(t, pe.Msg, `namespace "b" is not declared`)
		})
	}
}
