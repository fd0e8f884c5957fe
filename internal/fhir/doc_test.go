package fhir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/internal/fhirschema"
)

// dump writes the tree of n, one element a line, for comparing trees.
func dump(b *strings.Builder, n Node, depth int) {
	b.WriteString(strings.Repeat(" ", depth))
	b.WriteString(n.Name())
	if n.Type() != "" {
		b.WriteString(" <" + n.Type() + ">")
	}
	if n.URL() != "" {
		b.WriteString(" url=" + n.URL())
	}
	if n.HasValue() {
		b.WriteString(" =" + n.Value())
	}
	b.WriteByte('\n')
	for _, k := range n.Kids() {
		if k.Name() == "text" && k.Parent().Type() != "" { // narrative differs in form between XML and JSON
			continue
		}
		if k.Parent() != n {
			b.WriteString("!! parent link broken\n")
		}
		dump(b, k, depth+1)
	}
}

func TestReadDocXMLAndJSONAgree(t *testing.T) {
	xmls, err := filepath.Glob("../../fixtures/bundles/*.xml")
	require.NoError(t, err)
	require.NotEmpty(t, xmls)
	for _, x := range xmls {
		j := strings.TrimSuffix(x, ".xml") + ".json"
		if _, err := os.Stat(j); err != nil {
			continue
		}
		t.Run(filepath.Base(x), func(t *testing.T) {
			xb, err := os.ReadFile(x)
			require.NoError(t, err)
			jb, err := os.ReadFile(j)
			require.NoError(t, err)
			bx, dx, err := ReadDoc(xb, FormatXML)
			require.NoError(t, err)
			bj, dj, err := ReadDoc(jb, FormatJSON)
			require.NoError(t, err)
			fx, err := ReadXML(xb)
			require.NoError(t, err)
			assert.Equal(t, fx, bx, "ReadDoc gives the same facts as ReadXML")
			assert.Equal(t, bx.Header, bj.Header)
			var sx, sj strings.Builder
			dump(&sx, dx.Root, 0)
			dump(&sj, dj.Root, 0)
			assert.Equal(t, sx.String(), sj.String())
			require.NotEmpty(t, dx.Entries)
			assert.Equal(t, "MessageHeader", dx.Entries[0].Resource.Type())
			assert.Equal(t, len(dx.Entries), len(dj.Entries))
			for i := range dx.Entries {
				assert.Equal(t, dx.Entries[i].FullURL, dj.Entries[i].FullURL)
			}
		})
	}
}

func TestDocPathsAndLines(t *testing.T) {
	body := []byte(`<Bundle xmlns="http://hl7.org/fhir">
  <type value="message"/>
  <entry>
    <fullUrl value="urn:uuid:1"/>
    <resource>
      <Procedure>
        <extension url="http://x/StructureDefinition/Ext-A-1"><valueString value="v"/></extension>
        <outcome>
          <coding><system value="s"/></coding>
        </outcome>
      </Procedure>
    </resource>
  </entry>
</Bundle>`)
	_, d, err := ReadDoc(body, FormatXML)
	require.NoError(t, err)
	require.Len(t, d.Entries, 1)
	p := d.Entries[0].Resource
	c := p.Get("outcome.coding")
	require.True(t, c.Ok())
	assert.Equal(t, "Procedure.outcome.coding", c.Path())
	assert.Equal(t, 9, d.Line(c))
	assert.Equal(t, "Procedure.extension(Ext-A-1).valueString", p.Ext("http://x/StructureDefinition/Ext-A-1")[0].First().Path())
	v, ok := c.Val("system")
	assert.True(t, ok)
	assert.Equal(t, "s", v)
	assert.Equal(t, p, c.Resource())
	e, ok := d.EntryOf(c)
	assert.True(t, ok)
	assert.Equal(t, 0, e.Index)
}

// TestReadDocIsRead: ReadDoc refuses what Read refuses and gives the same
// facts, on every test body of the readers.
func TestReadDocIsRead(t *testing.T) {
	for _, c := range []struct{ body, format string }{
		{`{"resourceType":"Bundle","type":"message","entry":[{"resource":{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":9990000166}]}}]}`, FormatJSON},
		{`<Bundle xmlns="http://hl7.org/fhir"><type value="message"/>`, FormatXML},
		{`<Bundle xmlns="http://hl7.org/fhir"><type value="message"/></Bundle>`, FormatXML},
	} {
		b1, err1 := Read(c.body, c.format)
		b2, _, err2 := ReadDoc(c.body, c.format)
		assert.Equal(t, err1, err2, c.body)
		assert.Equal(t, b1, b2, c.body)
	}
}

// TestReadDocValidatesAsValidate: the schema check in the reading pass
// gives the errors fhirschema.Validate gives, on the fixtures, the
// specification's examples (when beside the project) and broken versions.
func TestReadDocValidatesAsValidate(t *testing.T) {
	files, _ := filepath.Glob("../../fixtures/bundles/*.xml")
	ex, _ := filepath.Glob("../../../shared/nems/examples/*.xml")
	files = append(files, ex...)
	require.NotEmpty(t, files)
	breaks := []struct{ from, to string }{
		{"", ""},
		{`<status value="`, `<status value="no such status`},
		{`<id value="`, `<id value="*`},
		{`</MessageHeader>`, `<unknown/></MessageHeader>`},
		{`<type value="message"/>`, `<type value="message"/>text<![CDATA[x]]>`},
	}
	for _, f := range files {
		body, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, b := range breaks {
			msg := string(body)
			if b.from != "" {
				if !strings.Contains(msg, b.from) {
					continue
				}
				msg = strings.Replace(msg, b.from, b.to, 1)
			}
			_, d, err := ReadDoc(msg, FormatXML)
			if err != nil {
				continue // not well-formed: no schema verdict
			}
			require.True(t, d.SchemaChecked)
			assert.Equal(t, fhirschema.Validate([]byte(msg)), d.Schema, "%s with %q", filepath.Base(f), b.to)
		}
	}
}

// An element outside the FHIR namespace keeps its place in the tree: what
// follows it is its sibling, not its child.
func TestDocForeignElementsClose(t *testing.T) {
	body := `<Bundle xmlns="http://hl7.org/fhir"><id value="1"/><meta><x xmlns="urn:x"><y/></x>` +
		`<profile value="p"/></meta><type value="message"/></Bundle>`
	_, d, err := ReadDoc(body, FormatXML)
	require.NoError(t, err)
	meta := d.Root.Kid("meta")
	var kids []string
	for _, k := range meta.Kids() {
		kids = append(kids, k.Name())
	}
	assert.Equal(t, []string{"x", "profile"}, kids)
	assert.Equal(t, "urn:x", meta.Kid("x").Space())
	assert.Equal(t, "y", meta.Kid("x").First().Name())
	v, ok := d.Root.Val("type")
	assert.True(t, ok)
	assert.Equal(t, "message", v)
}
