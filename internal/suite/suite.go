// Package suite runs Gherkin scenarios with godog for both runners of the
// harness, conformance (the endpoint's) and assure (the publisher's): one
// set of godog options, one check of the tag expression (a typo or a
// selection of nothing is an error, not a green run), one set of output
// files, and one reading of the results, from which the console, the
// assurance reports and JUnit all take the same tally.
//
// godog's cucumber JSON is the record of a run; JUnit is written from it
// rather than by godog, whose JUnit counts a skipped scenario as passed.
package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/nems-harness/nems-harness/internal/ansi"
	"github.com/nems-harness/nems-harness/internal/assessment"
	"github.com/nems-harness/nems-harness/reports"
)

// File names a run writes into its output folder.
const (
	CucumberFile = "cucumber.json"
	JUnitFile    = "junit.xml"
)

// Options configure a run.
type Options struct {
	// Name names the suite in JUnit.
	Name string
	// Features holds the feature files.
	Features fs.FS
	// Tags is the user's tag expression (checked by ValidateTags); Scope
	// are expressions every run of this suite ANDs with it (@supplier, the
	// exclusion of @wip and of other profiles' scenarios).
	Tags  string
	Scope []string
	// Initialize registers the steps of a scenario.
	Initialize func(*godog.ScenarioContext)
	// OutDir receives cucumber.json and junit.xml; "" writes them to a
	// fresh temporary folder (see Result).
	OutDir string
	// Progress receives godog's live progress ("progress", or "pretty"
	// when Pretty is set) and the tally; nil is quiet. It is plain text
	// unless Color is set.
	Progress io.Writer
	Pretty   bool
	Color    bool
	// Concurrency is how many scenarios run at once; 0 means 1.
	Concurrency int
	// TestingT, when set, runs each scenario as a subtest.
	TestingT *testing.T
}

// Result is what a run did.
type Result struct {
	// Status is godog's: 0 when no scenario failed, 1 when one did.
	Status int
	// Expression is the tag expression the run used.
	Expression string
	// Scenarios are the results of every scenario run.
	Scenarios []assessment.Scenario
	// Tally counts them; Skipped lists why scenarios were skipped.
	Tally   reports.ScenarioCounts
	Skipped []string
	// Elapsed is how long the scenarios took.
	Elapsed time.Duration
	// CucumberJSON and JUnitXML are the files written.
	CucumberJSON, JUnitXML string
}

// NoScenarioError is the error for a tag expression that selects no
// scenario.
type NoScenarioError struct{ Tags, Expression string }

func (e *NoScenarioError) Error() string {
	if strings.TrimSpace(e.Tags) == "" {
		return fmt.Sprintf("no scenario matches the tag expression %q", e.Expression)
	}
	return fmt.Sprintf("the tag expression %q selects no scenario (the run uses %q); check the tags' spelling", e.Tags, e.Expression)
}

// Check validates the user's tag expression and checks that, ANDed with
// scope, it selects at least one scenario of fsys; it returns the combined
// expression.
func Check(fsys fs.FS, tags string, scope ...string) (string, error) {
	if err := ValidateTags(tags); err != nil {
		return "", err
	}
	expr := And(append([]string{tags}, scope...)...)
	selected, err := Select(fsys, expr)
	if err != nil {
		return "", err
	}
	if len(selected) == 0 {
		return "", &NoScenarioError{Tags: tags, Expression: expr}
	}
	return expr, nil
}

// Run checks the tag expression, runs the scenarios it selects, and reads
// their results. The error is for a run that could not happen: a malformed
// expression, one that selects nothing, godog unable to start, or ctx
// ending.
func Run(ctx context.Context, o Options) (*Result, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	expr, err := Check(o.Features, o.Tags, o.Scope...)
	if err != nil {
		return nil, err
	}

	dir, final, err := outputDir(o.OutDir)
	if err != nil {
		return nil, err
	}
	cuke := filepath.Join(dir, CucumberFile)
	format := "cucumber:" + cuke
	out := o.Progress
	if out != nil {
		name := progressFormat
		if o.Pretty {
			name = prettyFormat
		}
		format = name + "," + format
		if !o.Color {
			out = ansi.Strip(out)
		}
	} else {
		out = io.Discard
	}
	concurrency := max(o.Concurrency, 1)
	start := time.Now()
	status := godog.TestSuite{
		Name: o.Name,
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			sc.StepContext().After(attachSkipReason)
			o.Initialize(sc)
		},
		Options: &godog.Options{
			Format: format,
			Output: out,
			// godog's own colour stripping writes a rune at a time (a
			// system call each, for files): progress is stripped above
			// instead, and the cucumber formatter writes no colour.
			NoColors:       false,
			Strict:         true,
			Concurrency:    concurrency,
			Randomize:      0,
			Tags:           expr,
			FS:             o.Features,
			Paths:          []string{"."},
			DefaultContext: ctx,
			TestingT:       o.TestingT,
		},
	}.Run()
	res := &Result{Status: status, Expression: expr, Elapsed: time.Since(start)}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("the run was interrupted: %w", err)
	}
	if status > 1 {
		return nil, fmt.Errorf("the scenarios could not be run (godog status %d; see its message above)", status)
	}
	f, err := os.Open(cuke)
	if err != nil {
		return nil, fmt.Errorf("reading the scenario results: %w", err)
	}
	res.Scenarios, err = assessment.ReadCucumber(f)
	f.Close()
	if err != nil {
		return nil, err
	}
	res.Tally, res.Skipped = assessment.Tally(res.Scenarios), assessment.SkipReasons(res.Scenarios)
	if err := writeJUnit(filepath.Join(dir, JUnitFile), o.Name, res); err != nil {
		return nil, err
	}
	res.CucumberJSON, res.JUnitXML = cuke, filepath.Join(dir, JUnitFile)
	if final != "" {
		if err := moveReports(dir, final, res); err != nil {
			return nil, err
		}
	}
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "\n%s\n", TallyLine(res.Tally, res.Elapsed))
		for _, r := range res.Skipped {
			fmt.Fprintf(o.Progress, "  skipped: %s\n", r)
		}
	}
	return res, nil
}

// TallyLine is the one-line count of a run's scenarios, as every output
// gives it: "256 scenarios: 253 passed, 0 failed, 3 skipped (not assessed)".
func TallyLine(c reports.ScenarioCounts, elapsed time.Duration) string {
	noun := "scenarios"
	if c.Total() == 1 {
		noun = "scenario"
	}
	s := fmt.Sprintf("%d %s: %d passed, %d failed, %d skipped (not assessed)", c.Total(), noun, c.Passed, c.Failed, c.Skipped)
	if elapsed > 0 {
		s += " in " + elapsed.Round(time.Millisecond).String()
	}
	return s
}

// attachSkipReason keeps a skipped step's reason: godog's cucumber JSON
// records none for a skipped step, so it goes in as an attachment.
func attachSkipReason(ctx context.Context, _ *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
	if status == godog.StepSkipped && err != nil && errors.Is(err, godog.ErrSkip) {
		reason := strings.TrimPrefix(err.Error(), godog.ErrSkip.Error()+": ")
		if reason != "" && reason != godog.ErrSkip.Error() {
			ctx = godog.Attach(ctx, godog.Attachment{FileName: assessment.SkipAttachment, MediaType: "text/plain", Body: []byte(reason)})
		}
	}
	return ctx, err
}

// outputDir returns the folder godog writes to. godog's format string cannot
// carry a path holding a comma, so such an OutDir is written through a
// temporary folder (final, moved afterwards).
func outputDir(outDir string) (dir, final string, err error) {
	if outDir != "" && !strings.ContainsAny(outDir, ",") {
		if err := os.MkdirAll(outDir, 0o755); err != nil {
			return "", "", fmt.Errorf("creating the report folder: %w", err)
		}
		return outDir, "", nil
	}
	dir, err = os.MkdirTemp("", "nems-suite-")
	if err != nil {
		return "", "", fmt.Errorf("creating a temporary report folder: %w", err)
	}
	return dir, outDir, nil
}

func moveReports(tmp, final string, res *Result) error {
	if err := os.MkdirAll(final, 0o755); err != nil {
		return fmt.Errorf("creating the report folder: %w", err)
	}
	var errs []error
	for _, name := range []string{CucumberFile, JUnitFile} {
		b, err := os.ReadFile(filepath.Join(tmp, name))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := os.WriteFile(filepath.Join(final, name), b, 0o644); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("writing the reports: %w", err)
	}
	_ = os.RemoveAll(tmp) // a leftover temporary folder is harmless
	res.CucumberJSON, res.JUnitXML = filepath.Join(final, CucumberFile), filepath.Join(final, JUnitFile)
	return nil
}
