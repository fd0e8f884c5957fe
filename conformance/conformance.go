// Package conformance runs the conformance scenarios (package features,
// with the steps of package steps) against a NEMS publication endpoint: the
// embedded mock, started in-process (over mutual TLS with a throwaway test
// PKI, so that EP-CERT is assessed), or any target given by URL, probed
// before any scenario runs. It writes cucumber JSON (with the request and
// response of every send as evidence) and JUnit XML, and returns the
// assurance report: one row per rule, a rule passing only when scenarios
// showed it both kept and broken.
package conformance

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/nems-harness/nems-harness/features"
	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/assessment"
	"github.com/nems-harness/nems-harness/internal/certs"
	"github.com/nems-harness/nems-harness/internal/suite"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
	"github.com/nems-harness/nems-harness/reports"
	"github.com/nems-harness/nems-harness/steps"
)

// Options configure a run.
type Options struct {
	// Target is the base URL of the endpoint under test; "" starts the
	// embedded mock in-process on a free port, over mutual TLS unless
	// Plain is set.
	Target string
	// Plain serves the embedded mock over plain HTTP: EP-CERT is then not
	// assessed.
	Plain bool
	// DisabledRules are rules the embedded mock does not enforce (to check
	// that the suite notices).
	DisabledRules []string
	// TLSDir, with Target, is a certificate folder (certs init / issue)
	// whose endpoint certificates the scenarios present; Client and
	// ClientFor, when set, are used instead.
	TLSDir string
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
	// A malformed expression, or one that selects nothing, is an error.
	Tags string
	// OutDir is where cucumber.json and junit.xml go; "" writes them to a
	// fresh temporary folder, whose paths the Result gives.
	OutDir string
	// Progress receives live progress (godog's "progress" formatter, or
	// "pretty" when Pretty is set) and the tally; nil is quiet. It is plain
	// text unless Color is set (ANSI colours, for a terminal).
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
	// Version is the harness version the report names.
	Version string
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
	// Report is the assurance report, one row per rule of the profile.
	Report *reports.Report
	// Unexercised are the rules the run selected but could not assess:
	// every scenario selected to show them kept, or broken, was skipped
	// (the fixtures or the target could not support it).
	Unexercised []string
}

// Passed reports whether no rule or scenario failed and every rule the run
// selected was assessed.
func (r *Result) Passed() bool {
	return r.Status == 0 && r.Report.Passed() && len(r.Unexercised) == 0
}

// Report file names.
const (
	CucumberFile = suite.CucumberFile
	JUnitFile    = suite.JUnitFile
)

// SuiteName names the suite in reports.
const SuiteName = "NEMS Publication API conformance"

// Tags every run excludes.
const (
	TagWIP = "@wip"
)

// tagEndpointCert is the tag of the scenarios that need mutual TLS.
const tagEndpointCert = "@EP-CERT"

// ProfileTag is the tag of the scenarios that hold only in a profile.
func ProfileTag(p mockspine.Profile) string { return "@" + string(p) }

// TagExpression is the godog tag expression a run uses: the user's, ANDed
// with the exclusion of @wip and of the scenarios of every other profile.
func TagExpression(p mockspine.Profile, user string) string {
	return suite.And(append([]string{user}, scope(p)...)...)
}

func scope(p mockspine.Profile) []string {
	parts := []string{"~" + TagWIP}
	for _, other := range mockspine.Profiles() {
		if other != p {
			parts = append(parts, "~"+ProfileTag(other))
		}
	}
	return parts
}

// Run runs the scenarios of a profile against a target and judges every
// rule. The error is for a run that could not happen: bad options, a tag
// expression that is malformed or selects nothing, or a target the
// pre-flight probe could not talk HTTP to (a *TargetError); no scenario has
// run then.
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
	if _, err := suite.Check(features.FS(), o.Tags, scope(o.Profile)...); err != nil {
		return nil, err
	}
	if o.World == nil {
		w, err := fixtures.Default()
		if err != nil {
			return nil, err
		}
		o.World = w
	}
	target, subject := o.Target, ""
	if target == "" {
		content := o.Content
		if content == "" {
			content = mockspine.ContentReject
		}
		e, err := startEmbedded(o.World, o.Profile, !o.Plain, o.DisabledRules, content)
		if err != nil {
			return nil, err
		}
		defer e.stop()
		target, subject = e.url, "embedded mock ("+e.url+")"
		if e.pki != nil && o.Client == nil && o.ClientFor == nil {
			o.Client, o.ClientFor = e.pki.Plain, e.pki.ClientFor
		}
	} else {
		var err error
		if target, err = ParseTarget(target); err != nil {
			return nil, err
		}
		subject = target
		if o.TLSDir != "" && o.Client == nil && o.ClientFor == nil {
			pki, err := certs.OpenPKI(o.TLSDir, o.World)
			if err != nil {
				return nil, err
			}
			o.Client, o.ClientFor = pki.Plain, pki.ClientFor
		}
		if err := Probe(ctx, target, probeClient(o)); err != nil {
			return nil, err
		}
	}

	runScope := scope(o.Profile)
	var notes []string
	mtls := strings.HasPrefix(target, "https://") && o.ClientFor != nil
	if !mtls {
		// Without endpoint certificates EP-CERT cannot be assessed: its
		// scenarios are left out, not run to be skipped.
		runScope = append(runScope, "~"+tagEndpointCert)
		notes = append(notes, "EP-CERT is not assessed: the target was reached without mutual TLS, so no endpoint certificate was presented.")
	}
	if strings.TrimSpace(o.Tags) != "" {
		notes = append(notes, "Scenarios were selected with the tag expression "+o.Tags+"; rules no selected scenario tags are not assessed.")
	}
	cfg := steps.Config{Target: target, World: o.World, Profile: o.Profile, Client: o.Client, ClientFor: o.ClientFor}
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "nems-harness: conformance suite (profile %s) against %s\n", o.Profile, target)
	}
	sr, err := suite.Run(ctx, suite.Options{
		Name: SuiteName, Features: features.FS(), Tags: o.Tags, Scope: runScope,
		Initialize: func(sc *godog.ScenarioContext) { steps.Register(sc, cfg) },
		OutDir:     o.OutDir, Progress: o.Progress, Pretty: o.Pretty, Color: o.Color,
		Concurrency: o.Concurrency, TestingT: o.TestingT,
	})
	if err != nil {
		return nil, err
	}
	rows := assessment.FromScenarios(sr.Scenarios, o.Profile)
	if !mtls {
		for i := range rows {
			if rows[i].ID == "EP-CERT" && rows[i].Verdict == reports.NotAssessed {
				rows[i].Reason = "the target was reached without mutual TLS (plain HTTP, or no endpoint certificates), so endpoint certificates could not be presented"
			}
		}
	}
	for _, r := range sr.Skipped {
		notes = append(notes, "Skipped (not assessed): "+r)
	}
	rep := &reports.Report{Title: "NEMS publication conformance", Subject: subject, Target: target,
		Profile: string(o.Profile), Mode: "conformance", Generated: time.Now().UTC(), Version: o.Version,
		Scenarios: sr.Tally, Rules: rows, Notes: notes, Unexercised: assessment.Unexercised(sr.Scenarios, o.Profile)}
	return &Result{Status: sr.Status, Target: target, CucumberJSON: sr.CucumberJSON, JUnitXML: sr.JUnitXML,
		Report: rep, Unexercised: rep.Unexercised}, nil
}

// probeClient is the client the pre-flight probe uses: one presenting an
// endpoint certificate when the run has them (a mutual TLS endpoint refuses
// a caller without), else the plain client.
func probeClient(o Options) *http.Client {
	if o.ClientFor != nil {
		for _, e := range o.World.Spine.Endpoints {
			if c := o.ClientFor(e.ASID); c != nil {
				return c
			}
		}
	}
	if o.Client != nil {
		return o.Client
	}
	return &http.Client{Timeout: probeTimeout}
}
