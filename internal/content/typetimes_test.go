package content

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nems-harness/nems-harness/internal/fhir"
	"github.com/nems-harness/nems-harness/internal/fhirschema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// typeAll types every element from the schema, parent before child, and
// gives each one declared a dateTime or an instant: what typeTimes gives
// while typing only the elements it needs.
func typeAll(x *index) []string {
	if len(x.e) == 0 {
		return nil
	}
	types := make([]fhirschema.Type, len(x.e))
	rt, ok := fhirschema.Resource(x.node(0).Name())
	if !ok {
		return nil
	}
	types[0] = rt
	var out []string
	for i := 1; i < len(x.e); i++ {
		pt := types[x.flat[i].Parent]
		if pt.IsZero() {
			continue
		}
		ct := lookupChild(pt, x.node(int32(i)).Name())
		types[i] = ct.t
		if ct.time != 0 && !pt.IsContainer() {
			out = append(out, x.node(int32(i)).Path()+" "+timeNames[ct.time])
		}
	}
	return out
}

// TestTypeTimesTypesAsAFullPass compares typeTimes with typeAll on every
// fixture, XML and JSON, on the specification's examples when they are
// beside the project, and on bodies whose names are swapped for other
// dateTime names.
func TestTypeTimesTypesAsAFullPass(t *testing.T) {
	var bodies []struct {
		name   string
		body   []byte
		format string
	}
	add := func(name string, body []byte, format string) {
		bodies = append(bodies, struct {
			name   string
			body   []byte
			format string
		}{name, body, format})
	}
	fixtureDir := filepath.Join("..", "..", "fixtures", "bundles")
	ents, err := os.ReadDir(fixtureDir)
	require.NoError(t, err)
	for _, e := range ents {
		n := e.Name()
		format := strings.TrimPrefix(filepath.Ext(n), ".")
		if format != "xml" && format != "json" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(fixtureDir, n))
		require.NoError(t, err)
		add(n, b, format)
		// Names declared a dateTime elsewhere, where they are not (and
		// the other way round).
		s := string(b)
		for _, r := range [][2]string{{"status", "date"}, {"lastUpdated", "issued"}, {"timestamp", "recorded"}, {"start", "sent"}, {"date", "birthDate"}} {
			add(n+" "+r[0]+"->"+r[1], []byte(strings.ReplaceAll(s, `"`+r[0]+`"`, `"`+r[1]+`"`)), format)
			add(n+" <"+r[0]+"->"+r[1], []byte(strings.ReplaceAll(s, "<"+r[0]+" ", "<"+r[1]+" ")), format)
		}
	}
	dir := filepath.Join("..", "..", "..", "shared", "nems", "examples")
	if ents, err := os.ReadDir(dir); err == nil {
		for _, e := range ents {
			if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && strings.HasSuffix(e.Name(), ".xml") {
				add(e.Name(), b, "xml")
			}
		}
	}
	n := 0
	for _, c := range bodies {
		_, doc, err := fhir.ReadDoc(c.body, c.format)
		if err != nil || !doc.Root.Ok() {
			continue
		}
		m := NewMessage(doc, nil, Context{})
		x := m.index()
		var got []string
		x.typeTimes(func(i int32, fhirType string) {
			got = append(got, x.node(i).Path()+" "+fhirType)
		})
		want := typeAll(x)
		n += len(want)
		assert.True(t, slices.Equal(want, got), "%s: typeTimes %v, a full pass %v", c.name, got, want)
		m.release()
	}
	assert.Greater(t, n, 100, "dateTime and instant elements typed")
}
