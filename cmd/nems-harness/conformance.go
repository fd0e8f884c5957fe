package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/signal"
	"slices"
	"syscall"

	"github.com/nems-harness/nems-harness/conformance"
	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/suite"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/reports"
)

func init() {
	commands["conformance"] = command{"run the Gherkin conformance suite and write the assurance reports", runConformance}
}

// conformanceRun is one run of the suite, from flags or from a test.
type conformanceRun struct {
	target   string
	tags     string
	profile  string
	out      string
	fixtures string
	tlsDir   string
	plain    bool
	content  string
}

func runConformance(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("conformance", stdout, stderr, withEnv)
	var c conformanceRun
	fs.StringVar(&c.target, "target", "", "base URL of the endpoint to test (default: start the embedded mock)")
	fs.StringVar(&c.tags, "tags", "", "godog tag expression selecting scenarios, e.g. '@JWT-SCOPE' or '~@MSG-SIZE'")
	fs.profileVar(&c.profile, "profile", string(mockspine.Profile2019), "rule profile: nems-2019-01 or nems-current")
	fs.StringVar(&c.out, "out", "out", "folder for cucumber.json, junit.xml and the assurance reports")
	fs.StringVar(&c.fixtures, "fixtures", "", "folder holding spine.json and pds.json (default: the embedded world)")
	fs.StringVar(&c.tlsDir, "tls-dir", "", "with --target: certificate folder (certs init/issue) whose endpoint certificates the scenarios present")
	fs.BoolVar(&c.plain, "plain", false, "serve the embedded mock over plain HTTP (EP-CERT is then not assessed)")
	fs.StringVar(&c.content, "content", string(mockspine.ContentReject), "content mode of the embedded mock: reject (the content scenarios expect it) or report")
	if code, ok := fs.parse(args); !ok {
		return code
	}
	if code := fs.only("tls-dir", c.target != "", "with --target (the embedded mock makes its own test PKI)"); code != 0 {
		return code
	}
	if code := fs.only("plain", c.target == "", "to the embedded mock, not with --target"); code != 0 {
		return code
	}
	if code := fs.only("content", c.target == "", "to the embedded mock, not with --target (the target decides its own answers)"); code != 0 {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	res, err := c.run(ctx, stdout)
	if err != nil {
		code := fail(stderr, "conformance", err)
		if usageError(err) {
			code = 2
		}
		return code
	}
	if !res.Passed() {
		return 1
	}
	return 0
}

// usageError reports whether a run could not start because of what it was
// asked: a target that cannot be tested, or a tag expression that is
// malformed or selects nothing (exit status 2, no report).
func usageError(err error) bool {
	var te *conformance.TargetError
	var ns *suite.NoScenarioError
	return errors.As(err, &te) || errors.As(err, &ns) || errors.Is(err, suite.ErrTags)
}

// run runs the suite (conformance.Run starts the embedded mock when there
// is no target) and writes the reports.
func (c *conformanceRun) run(ctx context.Context, stdout io.Writer) (*conformance.Result, error) {
	p, err := mockspine.ParseProfile(c.profile)
	if err != nil {
		return nil, err
	}
	w, err := fixtures.Load(c.fixtures)
	if err != nil {
		return nil, err
	}
	// No mode given: conformance.Run's default for the embedded mock
	// (reject), as the flag's; ParseContentMode would read "" as report.
	var mode mockspine.ContentMode
	if c.content != "" {
		if mode, err = mockspine.ParseContentMode(c.content); err != nil {
			return nil, err
		}
	}
	res, err := conformance.Run(ctx, conformance.Options{Target: c.target, Plain: c.plain, TLSDir: c.tlsDir,
		World: w, Profile: p, Content: mode, Tags: c.tags, OutDir: c.out, Progress: stdout, Version: version()})
	if err != nil {
		return nil, err
	}
	rep := res.Report
	paths, err := reports.WriteAll(c.out, rep)
	if err != nil {
		return nil, err
	}
	pass, failed, na := rep.Counts()
	fmt.Fprintf(stdout, "nems-harness: %d rules passed, %d failed, %d not assessed\n", pass, failed, na)
	for _, row := range rep.Rules {
		if row.Verdict.Normal() == reports.NotAssessed && slices.Contains(res.Unexercised, row.ID) {
			fmt.Fprintf(stdout, "  %s not assessed: %s\n", row.ID, row.Reason)
		}
	}
	for _, path := range append([]string{res.CucumberJSON, res.JUnitXML}, paths...) {
		if path != "" {
			fmt.Fprintf(stdout, "  wrote %s\n", path)
		}
	}
	return res, nil
}
