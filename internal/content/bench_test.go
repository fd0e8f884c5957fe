package content_test

import (
	"testing"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/content"
	"github.com/nems-harness/nems-harness/internal/fhir"
)

// BenchmarkJudge judges every fixture with every content rule, as the mock
// does for each accepted request: index the message read with the body,
// then run the catalogue. The history is empty: the journal rules look, and
// fail an update or a delete.
func BenchmarkJudge(b *testing.B) {
	c := catalogue(b)
	for _, name := range fixtureNames {
		for _, format := range []string{"xml", "json"} {
			b.Run(name+"."+format, func(b *testing.B) {
				body, err := fixtures.Bundle(name + "." + format)
				if err != nil {
					b.Fatal(err)
				}
				bun, doc, err := fhir.ReadDoc(body, format)
				if err != nil {
					b.Fatal(err)
				}
				ctx := goldenContext(format, body, content.NewMemory())
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				for b.Loop() {
					c.Judge(content.NewMessage(doc, bun, ctx))
				}
			})
		}
	}
}
