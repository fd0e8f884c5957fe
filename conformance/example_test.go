package conformance_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/nems-harness/nems-harness/conformance"
)

// ExampleRun runs the conformance scenarios of one rule against the
// embedded mock, which Run starts in-process over mutual TLS, and reads the
// rule's row of the report: it passes only because scenarios showed it both
// kept and broken.
func ExampleRun() {
	out, err := os.MkdirTemp("", "conformance-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(out)
	res, err := conformance.Run(context.Background(), conformance.Options{Tags: "@JWT-SCOPE", OutDir: out})
	if err != nil {
		panic(err)
	}
	fmt.Println("over mutual TLS:", strings.HasPrefix(res.Target, "https://"))
	s := res.Report.Scenarios
	fmt.Printf("scenarios: %d passed, %d failed, %d skipped\n", s.Passed, s.Failed, s.Skipped)
	for _, row := range res.Report.Rules {
		if row.ID == "JWT-SCOPE" {
			fmt.Println(row.ID, row.Verdict.Label()+":", row.Reason)
		}
	}
	// Output:
	// over mutual TLS: true
	// scenarios: 7 passed, 0 failed, 0 skipped
	// JWT-SCOPE PASS: 7 scenario(s) passed: 1 showing the rule kept, 6 showing it broken
}
