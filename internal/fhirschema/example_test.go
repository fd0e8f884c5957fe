package fhirschema_test

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/nems-harness/nems-harness/internal/fhirschema"
)

func ExampleValidate() {
	body := []byte(`<Bundle xmlns="http://hl7.org/fhir">
  <type value="message"/>
  <entry>
    <resource>
      <Patient>
        <birthDate value="2013-10-12"/>
        <gender value="boy"/>
      </Patient>
    </resource>
  </entry>
</Bundle>`)
	for _, e := range fhirschema.Validate(body) {
		fmt.Printf("%d %s (entry %d, %s): %s\n", e.Line, e.Path, e.Entry, e.Kind, e.Message)
	}
	// Output:
	// 7 Bundle.entry[0].resource.Patient.gender (entry 0, order): gender is out of order in Patient: it must come before birthDate
	// 7 Bundle.entry[0].resource.Patient.gender (entry 0, value): attribute value 'boy' is not one of the codes AdministrativeGender-list allows (male, female, other, unknown)
}

func ExampleLookup() {
	e, err := fhirschema.Lookup("Bundle", "entry", "resource", "Procedure", "performedDateTime")
	if err != nil {
		panic(err)
	}
	fmt.Println(e.Name, e.Type.FHIRType(), e.Choice, e.Min, e.Max)
	// Output: performedDateTime dateTime performed[x] 0 1
}

// The Visit option sees every element with its type in the validating
// pass: here, every dateTime and instant.
func ExampleOptions_visit() {
	body := []byte(`<MessageHeader xmlns="http://hl7.org/fhir"><meta><lastUpdated value="2017-11-01T16:02:04+00:00"/></meta>` +
		`<event><code value="x"/></event><timestamp value="2017-11-01T16:02:04"/><source><endpoint value="e"/></source></MessageHeader>`)
	fhirschema.ValidateOptions(body, fhirschema.Options{Visit: func(n *fhirschema.Node) {
		if n.Type.Is("dateTime", "instant") {
			fmt.Println(n.Path(), n.Type.FHIRType(), n.Value)
		}
	}})
	// Output:
	// MessageHeader.meta.lastUpdated instant 2017-11-01T16:02:04+00:00
	// MessageHeader.timestamp instant 2017-11-01T16:02:04
}

// A JSON body has no element order, but the same declarations give each
// property's type, and whether it is an array.
func ExampleType_Child() {
	var obs map[string]any
	_ = json.Unmarshal([]byte(`{"resourceType": "Observation", "status": "final",
		"effectiveDateTime": "2017-10-02", "issued": "2017-10-02T12:00:00Z", "code": {"text": "t"},
		"component": [{"code": {"text": "c"}, "valueDateTime": "2017"}]}`), &obs)
	typ, _ := fhirschema.Resource(obs["resourceType"].(string))
	var walk func(path string, t fhirschema.Type, obj map[string]any)
	walk = func(path string, t fhirschema.Type, obj map[string]any) {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			e, ok := t.Child(k)
			if !ok {
				continue // resourceType, or an unknown property
			}
			items := []any{obj[k]}
			if e.Repeats() {
				items, _ = obj[k].([]any)
			}
			for i, item := range items {
				p := path + "." + k
				if e.Repeats() {
					p += fmt.Sprintf("[%d]", i)
				}
				if e.Type.Is("dateTime", "instant") {
					fmt.Println(p, e.Type.FHIRType(), item)
				}
				if child, ok := item.(map[string]any); ok {
					walk(p, e.Type, child)
				}
			}
		}
	}
	walk("Observation", typ, obs)
	// Output:
	// Observation.component[0].valueDateTime dateTime 2017
	// Observation.effectiveDateTime dateTime 2017-10-02
	// Observation.issued instant 2017-10-02T12:00:00Z
}
