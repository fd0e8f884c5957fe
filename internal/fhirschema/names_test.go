package fhirschema

import (
	"bytes"
	"encoding/xml"
	"testing"
)

// TestWalkerNameIndex: the Walker names each declared element by its
// index in Names, and only those; unknown elements get -1.
func TestWalkerNameIndex(t *testing.T) {
	names := Names()
	if names[0] != "" {
		t.Fatalf("Names()[0] = %q, want \"\"", names[0])
	}
	for i, n := range names {
		if j, ok := NameIndex(n); !ok || j != i {
			t.Fatalf("NameIndex(%q) = %d, %v; want %d", n, j, ok, i)
		}
	}
	if _, ok := NameIndex("noSuchElementAnywhere"); ok {
		t.Error("NameIndex found a name the schema does not have")
	}
	bodies := fixtureBodies(t)
	bodies["unknown"] = []byte(`<Bundle xmlns="http://hl7.org/fhir"><type value="message"/><nonsense><type value="x"/></nonsense><entry><resource><Nope/></resource></entry></Bundle>`)
	for name, body := range bodies {
		w := NewWalker(body, Options{})
		d := xml.NewDecoder(bytes.NewReader(body))
		known, unknown := 0, 0
		for {
			off := int(d.InputOffset())
			tok, err := d.Token()
			if err != nil {
				break
			}
			switch tt := tok.(type) {
			case xml.StartElement:
				w.Start(tt.Name.Space, tt.Name.Local, nil, off, int(d.InputOffset())-1)
				switch i := w.NameIndex(); {
				case i >= 0 && names[i] != tt.Name.Local:
					t.Fatalf("%s: <%s> named %q", name, tt.Name.Local, names[i])
				case i >= 0:
					known++
				default:
					unknown++
				}
			case xml.EndElement:
				w.End()
			}
		}
		w.Finish()
		switch {
		case name == "unknown" && (unknown != 3 || known != 4):
			t.Errorf("%s: %d known, %d unknown elements; want 4 and 3", name, known, unknown)
		case name != "unknown" && (unknown != 0 || known == 0):
			// The fixtures are valid, narratives included.
			t.Errorf("%s: %d known, %d unknown elements", name, known, unknown)
		}
	}
}

// TestVisitOnly: Visit sees the same elements, restricted to a type set,
// as it does unrestricted and filtered by the caller.
func TestVisitOnly(t *testing.T) {
	set := NewTypeSet("dateTime", "instant", "code")
	for name, body := range fixtureBodies(t) {
		var all, only []string
		ValidateOptions(body, Options{Visit: func(n *Node) {
			if set.Has(n.Type) {
				all = append(all, n.Path()+"="+n.Value)
			}
		}})
		ValidateOptions(body, Options{VisitOnly: set, Visit: func(n *Node) {
			only = append(only, n.Path()+"="+n.Value)
		}})
		if len(all) == 0 || len(all) != len(only) {
			t.Fatalf("%s: %d visits filtered, %d restricted", name, len(all), len(only))
		}
		for i := range all {
			if all[i] != only[i] {
				t.Fatalf("%s: visit %d: %s, restricted %s", name, i, all[i], only[i])
			}
		}
	}
}
