package supplier_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/nems-harness/nems-harness/examples/publisher/nemspub"
	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/supplier"
)

// ExampleRun assures a publishing system end to end: the harness starts
// the mock NEMS, fires the system's trigger (here a webhook into a small
// publisher in this process) once per selected @supplier scenario, judges
// what arrives and reports rule by rule.
func ExampleRun() {
	w, err := fixtures.Default()
	if err != nil {
		panic(err)
	}
	// The system under test: told by its webhook what to publish, and where.
	system := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var ask struct{ Type, Action, NHS, URL string }
		if err := json.NewDecoder(r.Body).Decode(&ask); err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		p := &nemspub.Publisher{URL: ask.URL, ASID: "200000000115", ODS: "RX3EP", NEMSASID: w.NEMSASID(), PDS: &w.PDS}
		if _, err := p.Publish(r.Context(), nemspub.Event{Type: ask.Type, MessageType: ask.Action, NHSNumber: ask.NHS}); err != nil {
			http.Error(rw, err.Error(), http.StatusUnprocessableEntity)
		}
	}))
	defer system.Close()

	out, err := os.MkdirTemp("", "assure-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(out)
	cfg := &supplier.Config{System: "Example publisher", Trigger: supplier.Trigger{Webhook: &supplier.Webhook{URL: system.URL,
		Body: `{"type": "{{eventType}}", "action": "{{messageType}}", "nhs": "{{nhsNumber}}", "url": "{{nemsUrl}}"}`}}}
	res, err := supplier.Run(context.Background(), supplier.Options{Config: cfg, World: w, Tags: "@smoke",
		Addr: "127.0.0.1:0", OutDir: out, Prompt: io.Discard})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Report.Title, res.Report.Result())
	fmt.Println("scenarios passed:", res.Report.Scenarios.Passed, "failed rules:", res.FailedRules())
	// The one publish kept JWT-SCOPE. Over plain HTTP EP-CERT is not
	// assessed; NHS-FLAGS passes only when a scenario asking the system to
	// refuse ran.
	for _, row := range res.Report.Rules {
		switch row.ID {
		case "JWT-SCOPE", "EP-CERT", "NHS-FLAGS":
			fmt.Println(row.ID, row.Verdict.Label())
		}
	}
	// Output:
	// Assurance report: Example publisher PASS
	// scenarios passed: 1 failed rules: []
	// EP-CERT NOT ASSESSED
	// JWT-SCOPE PASS
	// NHS-FLAGS NOT ASSESSED
}
