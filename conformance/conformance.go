// Package conformance runs the conformance scenarios (package features,
// with the steps of package steps) against a NEMS publication endpoint: the
// embedded mock, started in-process, or any target given by URL. It writes
// cucumber JSON (with the request and response of every send as evidence)
// and JUnit XML, for CI and for the report builder.
package conformance

import (
	"context"
	"errors"
	"fmt"
	"github.com/nems-harness/nems-harness/internal/ansi"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cucumber/godog"

	"github.com/nems-harness/nems-harness/features"
	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
	"github.com/nems-harness/nems-harness/steps"
)

// Options configure a run.
type Options struct {
	// Target is the base URL of the endpoint under test (no trailing
	// slash); "" starts the embedded mock in-process on a free port.
	Target string
	// World is the fixtures requests are built from (and, for the embedded
	// mock, what the mock knows); nil means the embedded fixtures.
	World *world.World
	// Profile selects the scenarios of one version of the guidance; "" means
	// nems-2019-01.
	Profile mockspine.Profile
	// Content is the content mode of the embedded mock; "" means reject,
	// which the event-content scenarios expect.
	Content mockspine.ContentMode
	// Tags is a godog tag expression ("@JWT-SCOPE,@JWT-SUB", "~@MSG-SIZE"),
	// ANDed with the exclusion of the other profile's scenarios and of @wip.
	Tags string
	// OutDir is where cucumber.json and junit.xml go; "" writes them to a
	// fresh temporary folder, whose paths the Result gives.
	OutDir string
	// Progress receives live progress (godog's "progress" formatter, or
	// "pretty" when Pretty is set); nil is quiet. It is plain text unless
	// Color is set (ANSI colours, for a terminal).
	Progress io.Writer
	Pretty   bool
	Color    bool
	// Client sends requests; nil means a default client with a 10 s
	// timeout. ClientFor returns a client presenting the endpoint
	// certificate of an ASID, for mutual TLS (nil: no client certificates,
	// and endpoint registration is not assessed).
	Client    *http.Client
	ClientFor func(asid string) *http.Client
	// TestingT, when set, runs each scenario as a subtest.
	TestingT *testing.T
	// Concurrency is how many scenarios run at once; 0 means 1.
	Concurrency int
}

// Result is the outcome of a run.
type Result struct {
	// Status is godog's exit status: 0 when every scenario run passed (or
	// was skipped), 1 when one failed.
	Status int
	// Target is the endpoint the scenarios ran against (the embedded mock's
	// address when Options.Target was "").
	Target string
	// CucumberJSON and JUnitXML are the paths of the reports written.
	CucumberJSON string
	JUnitXML     string
}

// Report file names.
const (
	CucumberFile = "cucumber.json"
	JUnitFile    = "junit.xml"
)

// SuiteName names the suite in reports.
const SuiteName = "NEMS Publication API conformance"

// Tags every run excludes.
const (
	TagWIP = "@wip"
)

// ProfileTag is the tag of the scenarios that hold only in a profile.
func ProfileTag(p mockspine.Profile) string { return "@" + string(p) }

// TagExpression is the godog tag expression a run uses: the user's, ANDed
// with the exclusion of @wip and of the scenarios of every other profile.
func TagExpression(p mockspine.Profile, user string) string {
	var parts []string
	if u := strings.TrimSpace(user); u != "" {
		parts = append(parts, u)
	}
	parts = append(parts, "~"+TagWIP)
	for _, other := range mockspine.Profiles() {
		if other != p {
			parts = append(parts, "~"+ProfileTag(other))
		}
	}
	return strings.Join(parts, " && ")
}

// Run runs the scenarios of a profile against a target.
func Run(ctx context.Context, o Options) (*Result, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if o.Profile == "" {
		o.Profile = mockspine.Profile2019
	}
	if _, err := mockspine.ParseProfile(string(o.Profile)); err != nil {
		return nil, err
	}
	if err := checkTags(o.Tags); err != nil {
		return nil, err
	}
	if o.World == nil {
		w, err := fixtures.Default()
		if err != nil {
			return nil, err
		}
		o.World = w
	}
	target := strings.TrimRight(o.Target, "/")
	if target == "" {
		content := o.Content
		if content == "" {
			content = mockspine.ContentReject
		}
		srv, err := mockspine.NewServer(mockspine.Config{Profile: o.Profile, World: o.World, Content: content})
		if err != nil {
			return nil, fmt.Errorf("starting the embedded mock: %w", err)
		}
		// The embedded mock listens with the limits and timeouts of every
		// listener of the mock.
		ts := httptest.NewUnstartedServer(srv)
		ts.Config = mockspine.NewHTTPServer(srv)
		ts.Start()
		defer ts.Close()
		target = ts.URL
	}

	dir, final, err := outputDir(o.OutDir)
	if err != nil {
		return nil, err
	}
	format := fmt.Sprintf("cucumber:%s,junit:%s", filepath.Join(dir, CucumberFile), filepath.Join(dir, JUnitFile))
	out := o.Progress
	if out != nil {
		name := "progress"
		if o.Pretty {
			name = "pretty"
		}
		format = name + "," + format
		if !o.Color {
			out = ansi.Strip(out)
		}
	} else {
		out = io.Discard
	}
	concurrency := o.Concurrency
	if concurrency < 1 {
		concurrency = 1
	}

	cfg := steps.Config{Target: target, World: o.World, Profile: o.Profile, Client: o.Client, ClientFor: o.ClientFor}
	suite := godog.TestSuite{
		Name:                SuiteName,
		ScenarioInitializer: func(sc *godog.ScenarioContext) { steps.Register(sc, cfg) },
		Options: &godog.Options{
			Format: format,
			Output: out,
			// godog's own colour stripping writes a rune at a time (a
			// system call each, for files): progress is stripped here
			// instead, and the report formatters write no colour.
			NoColors:       false,
			Strict:         true,
			Concurrency:    concurrency,
			Randomize:      0,
			Tags:           TagExpression(o.Profile, o.Tags),
			FS:             features.FS(),
			Paths:          []string{"."},
			DefaultContext: ctx,
			TestingT:       o.TestingT,
		},
	}
	status := suite.Run()
	res := &Result{Status: status, Target: target,
		CucumberJSON: filepath.Join(dir, CucumberFile), JUnitXML: filepath.Join(dir, JUnitFile)}
	if final != "" {
		if err := moveReports(dir, final, res); err != nil {
			return res, err
		}
	}
	if status > 1 {
		return res, fmt.Errorf("the scenarios could not be run (godog status %d)", status)
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	return res, nil
}

// checkTags refuses tag expressions godog would choke on (an empty term
// makes it panic).
func checkTags(expr string) error {
	if strings.TrimSpace(expr) == "" {
		return nil
	}
	for _, and := range strings.Split(expr, "&&") {
		for _, term := range strings.Split(and, ",") {
			t := strings.TrimSpace(term)
			if t == "" || t == "~" || t == "@" || t == "~@" {
				return fmt.Errorf("tag expression %q has an empty term; write tags as @TAG, ~@TAG, joined by \",\" (or) and \"&&\" (and)", expr)
			}
		}
	}
	return nil
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
	dir, err = os.MkdirTemp("", "nems-conformance-")
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
