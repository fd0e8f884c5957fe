package fhir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/internal/fhirschema"
)

// elementsByNodes is Doc.Elements worked out with Node's methods.
func elementsByNodes(root Node) []Elem {
	var out []Elem
	var walk func(n Node, parent int32)
	walk = func(n Node, parent int32) {
		pos := int32(len(out))
		id := NameOther
		if k, ok := fhirschema.NameIndex(n.Name()); ok && schemaNames[k] == n.Name() {
			id = uint16(k)
		}
		var f uint16
		if n.HasValue() {
			f |= ElemValue
		}
		if n.Type() != "" {
			f |= ElemResource
		}
		if n.Space() != "" {
			f |= ElemForeign
		}
		// The bits of Elements' own, and the value as kept.
		dn := n.nd()
		if dn.flags&flagURL != 0 {
			f |= elemURL
		}
		if dn.flags&flagExtra != 0 {
			f |= elemExtra
		}
		out = append(out, Elem{Node: n.Index(), Parent: parent, Name: id, Flags: f, val: dn.val})
		for k := n.First(); k.Ok(); k = k.Next() {
			walk(k, pos)
		}
		out[pos].End = int32(len(out))
	}
	walk(root, -1)
	return out
}

func TestElementsAsNodesWalk(t *testing.T) {
	bodies := map[string][]byte{
		"pairs.json": []byte(`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient",` +
			`"name":[{"given":["a",null,"c"],"_given":[null,{"extension":[{"url":"u","valueString":"x"}]},{"id":"g3"}]}],` +
			`"_birthDate":{"id":"b"},"gender":"O\"B\u00e9","birthDate":"2020-01-01","active":true}}]}`),
		"xhtml.xml": []byte(`<Bundle xmlns="http://hl7.org/fhir"><entry><resource><Patient>` +
			`<text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p>x<b>y</b></p></div></text>` +
			`<extension url="u"><valueString value="v"/></extension><modifierExtension url="m" value="v"/><active value="true"/></Patient></resource></entry></Bundle>`),
	}
	// Elements of a few bytes each: more than Doc.nodes holds.
	many := `{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","name":[{"given":["a"` +
		strings.Repeat(`,"a"`, 2000) + `],"_given":[{"id":"x"}]}]}}]}`
	bodies["many.json"] = []byte(many)
	files, err := filepath.Glob("../../fixtures/bundles/*")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		bodies[filepath.Base(f)] = b
	}
	for name, body := range bodies {
		format := FormatXML
		if filepath.Ext(name) == ".json" {
			format = FormatJSON
		}
		_, d, err := ReadDoc(body, format)
		if err != nil {
			require.NotContains(t, []string{"pairs.json", "xhtml.xml", "many.json"}, name, err)
			continue
		}
		t.Run(name, func(t *testing.T) {
			require.True(t, d.Root.Ok())
			if name == "many.json" {
				require.NotEmpty(t, d.more, "the test wants elements beyond Doc.nodes")
			}
			want := elementsByNodes(d.Root)
			got := d.Elements(d.Root, nil)
			require.Equal(t, want, got)
			// Appended to a list already begun, positions count from its start.
			pre := []Elem{{}, {}}
			got = d.Elements(d.Root, pre)
			require.Len(t, got, len(want)+2)
			for i, e := range got[2:] {
				if e.Parent >= 0 {
					e.Parent -= 2
				}
				e.End -= 2
				require.Equal(t, want[i], e)
			}
			// A subtree alone.
			if len(d.Entries) > 0 {
				r := d.Entries[0].Resource
				require.Equal(t, elementsByNodes(r), d.Elements(r, nil))
			}
			for _, e := range got[2:] {
				n := d.NodeAt(e.Node)
				require.Equal(t, e.Node, n.Index())
				require.Equal(t, n.Value(), d.ElemValue(&e))
				require.Equal(t, n.URL(), d.ElemURL(&e))
			}
			require.False(t, d.NodeAt(-1).Ok())
			require.False(t, d.NodeAt(int32(d.Len())).Ok())
		})
	}
}
