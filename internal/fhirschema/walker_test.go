package fhirschema

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
)

// walkWithDecoder drives a Walker from encoding/xml's tokens, as another
// reader would; ok is false when encoding/xml rejects the body.
func walkWithDecoder(body []byte) ([]Error, bool) {
	w := NewWalker(body, Options{})
	d := xml.NewDecoder(bytes.NewReader(body))
	var attrs []Attr
	for {
		off := int(d.InputOffset())
		tok, err := d.Token()
		if err != nil {
			errs := w.Finish()
			return errs, err.Error() == "EOF"
		}
		switch t := tok.(type) {
		case xml.StartElement:
			attrs = attrs[:0]
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
					continue
				}
				attrs = append(attrs, Attr{Space: a.Name.Space, Local: a.Name.Local, Value: a.Value})
			}
			w.Start(t.Name.Space, t.Name.Local, attrs, off, int(d.InputOffset())-1)
		case xml.EndElement:
			w.End()
		case xml.CharData:
			w.CharData(off, len(bytes.TrimLeft(t, " \t\r\n")) == 0)
		}
	}
}

func TestWalkerAgreesWithValidate(t *testing.T) {
	samples := probes()
	for name, b := range fixtureBodies(t) {
		s := sample{name: name, body: b}
		samples = append(samples, s)
		samples = append(samples, mutate(s, uint64(len(b)))...)
	}
	compared := 0
	for _, s := range samples {
		if bytes.Contains(s.body, []byte("<![CDATA[")) {
			continue // encoding/xml does not tell CDATA from text
		}
		got, ok := walkWithDecoder(s.body)
		if !ok {
			continue
		}
		want := Validate(s.body)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\nWalker:   %v\nValidate: %v", s.name, got, want)
		}
		compared++
	}
	if compared < 100 {
		t.Fatalf("only %d documents compared", compared)
	}
}

func TestWalkerStops(t *testing.T) {
	body := []byte(`<Patient xmlns="http://hl7.org/fhir">` + strings.Repeat(`<x/>`, 10) + `</Patient>`)
	w := NewWalker(body, Options{MaxErrors: 3})
	w.Start(NamespaceFHIR, "Patient", nil, 0, 36)
	for i := 0; i < 10; i++ {
		w.Start(NamespaceFHIR, "x", nil, 37+4*i, 40+4*i)
		w.End()
	}
	if !w.Stopped() {
		t.Error("the Walker should have stopped after 3 errors")
	}
	w.End()
	if errs := w.Finish(); len(errs) != 4 || errs[3].Kind != ErrLimit {
		t.Fatalf("got %v", errs)
	}
}
