package reports_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/nems-harness/nems-harness/reports"
)

func Example() {
	r := &reports.Report{
		Title:     "NEMS publication conformance",
		Subject:   "embedded mock",
		Target:    "http://127.0.0.1:8080",
		Profile:   "nems-2019-01",
		Mode:      "conformance",
		Generated: time.Date(2025, 6, 3, 14, 7, 22, 0, time.UTC),
		Version:   "v0.4.0",
		Scenarios: reports.ScenarioCounts{Passed: 2, Skipped: 1},
		Notes:     []string{"EP-CERT is not assessed over plain HTTP"},
		Rules: []reports.RuleRow{
			{ID: "EP-CERT", Area: "Endpoint registration", Verdict: reports.NotAssessed,
				Reason: "plain HTTP: no client certificate"},
			{ID: "JWT-SCOPE", Area: "JWT and claims", Verdict: reports.Pass,
				Text: "The scope claim is exactly patient/Bundle.write.",
				Scenarios: []reports.ScenarioRef{
					{Name: "Reject a token with another scope", Feature: "features/jwt.feature", Status: "passed"},
				}},
		},
	}
	pass, fail, notAssessed := r.Counts()
	fmt.Println(r.Result(), pass, fail, notAssessed)

	dir, err := os.MkdirTemp("", "report")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	paths, err := reports.WriteAll(dir, r) // html and markdown
	if err != nil {
		panic(err)
	}
	for _, p := range paths {
		fmt.Println(filepath.Base(p))
	}
	// Output:
	// PASS 1 0 1
	// assurance-report.html
	// assurance-report.md
}

func ExampleLookup() {
	w, ok := reports.Lookup("markdown")
	fmt.Println(ok, w.FileName(), reports.Names())
	// Output: true assurance-report.md [html markdown]
}
