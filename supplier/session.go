package supplier

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/nems-harness/nems-harness/features"
	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/suite"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
	"github.com/nems-harness/nems-harness/reports"
)

// File names Run writes into Options.OutDir.
const (
	CucumberFile = suite.CucumberFile
	JUnitFile    = suite.JUnitFile
	JournalFile  = "journal.jsonl"
)

// SupplierTag is the tag every supplier scenario carries.
const SupplierTag = "@supplier"

// Options configure an assurance run.
type Options struct {
	// Config is the supplier's assurance config (required).
	Config *Config
	// Fixtures is a folder holding spine.json and pds.json; it overrides
	// Config.Fixtures. World, when set, overrides both.
	Fixtures string
	World    *world.World
	// Profile overrides Config.Profile.
	Profile string
	// Content is the mock's content mode: "report" (the default: the
	// envelope rules decide the answer) or "reject".
	Content string
	// Tags narrows the scenarios (godog tag expression, e.g. "@smoke" or
	// "@JWT-SCOPE,@JWT-SUB"); it is combined with @supplier.
	Tags string
	// OutDir receives cucumber.json, junit.xml, journal.jsonl and the
	// report (assurance-report.html, assurance-report.md); empty writes no
	// files.
	OutDir string
	// TLSDir turns on mutual TLS with the test PKI in that folder, which is
	// created when it holds no CA; the supplier endpoint's certificate is
	// issued there when missing.
	TLSDir string
	// Addr is the mock's listen address; empty means 127.0.0.1 on a free
	// port.
	Addr string
	// Output receives godog's progress; nil discards it.
	Output io.Writer
	// Prompt receives the harness's own messages: where the mock listens,
	// and what to do for a manual trigger. Nil means Output.
	Prompt io.Writer
	// NoColors turns off colours in godog's output.
	NoColors bool
	// Countdown shows the seconds left of a wait on one line of Prompt,
	// rewritten every second (for a terminal); without it a new line tells
	// the time left every few seconds.
	Countdown bool
	// QuietPeriod, when positive, overrides the config's quietPeriod: how
	// long to watch for a publish the system must not make.
	QuietPeriod time.Duration
	// Version is the harness version shown in the report.
	Version string
	// Features are the feature files; nil means the embedded supplier
	// scenarios (features.SupplierFS).
	Features fs.FS
}

// Session is one assurance session: the mock NEMS running in this process,
// the trigger, and what every scenario captured. Run drives one; a supplier
// with a godog suite of its own can register its steps with
// InitializeScenario instead.
type Session struct {
	opts     Options
	cfg      *Config
	world    *world.World
	profile  mockspine.Profile
	endpoint *world.Endpoint
	system   string
	mock     *mockNEMS
	trigger  trigger
	patients *patientPool
	prompt   io.Writer
	startSeq uint64
	started  time.Time

	mu        sync.Mutex
	scenarios []*scenarioRun
	closed    bool
}

// NewSession loads the fixtures, starts the mock and readies the trigger.
// Close it when done.
func NewSession(opts Options) (*Session, error) {
	cfg := opts.Config
	if cfg == nil {
		return nil, errors.New("no assurance config given")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	profileName := opts.Profile
	if profileName == "" {
		profileName = cfg.Profile
	}
	profile, err := mockspine.ParseProfile(profileName)
	if err != nil {
		return nil, err
	}
	w := opts.World
	if w == nil {
		dir := opts.Fixtures
		if dir == "" {
			dir = cfg.fixturesDir()
		}
		if w, err = fixtures.Load(dir); err != nil {
			return nil, err
		}
	}
	ep, err := cfg.endpoint(w)
	if err != nil {
		return nil, err
	}
	mode, err := mockspine.ParseContentMode(opts.Content)
	if err != nil {
		return nil, err
	}
	mc := mockConfig{Profile: profile, World: w, Addr: opts.Addr, TLSDir: opts.TLSDir, Endpoint: ep, Content: mode}
	if opts.OutDir != "" {
		if strings.Contains(opts.OutDir, ",") {
			return nil, fmt.Errorf("the output folder %q must not contain a comma", opts.OutDir)
		}
		if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
			return nil, fmt.Errorf("output folder: %w", err)
		}
		mc.JournalPath = filepath.Join(opts.OutDir, JournalFile)
	}
	m, err := startMock(mc)
	if err != nil {
		return nil, err
	}
	prompt := opts.Prompt
	if prompt == nil {
		prompt = opts.Output
	}
	if prompt == nil {
		prompt = io.Discard
	}
	s := &Session{opts: opts, cfg: cfg, world: w, profile: profile, endpoint: ep, system: cfg.systemName(ep),
		mock: m, patients: newPatientPool(w), prompt: prompt, startSeq: m.journal.Last(), started: time.Now()}
	s.trigger = newTrigger(cfg, prompt, s.system, m.url)
	fmt.Fprintf(prompt, "nems-harness: mock NEMS (profile %s) for %s, ASID %s, at %s\n", profile, s.system, ep.ASID, m.url)
	fmt.Fprintf(prompt, "nems-harness: dashboard at %s\n", m.dashboard)
	if m.tls != nil {
		fmt.Fprintf(prompt, "nems-harness: mutual TLS: trust %s; present %s\n", m.tls.CA, orNone(m.tls.Cert))
	}
	if cfg.Trigger.Manual {
		fmt.Fprintf(prompt, "nems-harness: manual trigger: point %s at the URL above and do what each scenario asks\n", s.system)
	}
	return s, nil
}

func orNone(s string) string {
	if s == "" {
		return "(no endpoint certificate: the endpoint's certificateSubject is not CN=<host>)"
	}
	return s
}

// URL is the mock's publish URL.
func (s *Session) URL() string { return s.mock.url }

// TLS returns the mutual TLS files, nil over plain HTTP.
func (s *Session) TLS() *TLSFiles { return s.mock.tls }

// Endpoint is the supplier system's directory entry.
func (s *Session) Endpoint() world.Endpoint { return *s.endpoint }

// Entries returns every request the mock received during the session.
func (s *Session) Entries() []mockspine.Entry { return s.mock.journal.List(s.startSeq) }

// Close stops the mock and closes its journal.
func (s *Session) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	return s.mock.close()
}

// Result is the outcome of Run.
type Result struct {
	Report *reports.Report
	// Files are the files written into Options.OutDir.
	Files     []string
	Scenarios []ScenarioResult
	// Entries are every request the mock received.
	Entries []mockspine.Entry
	// SuiteStatus is godog's exit status (0 when every scenario passed).
	SuiteStatus int
}

// Passed reports whether no rule and no scenario failed.
func (r *Result) Passed() bool { return r.SuiteStatus == 0 && r.Report.Passed() }

// FailedRules lists the IDs of the rules the report fails.
func (r *Result) FailedRules() []string {
	var ids []string
	for _, row := range r.Report.Rules {
		if row.Verdict.Normal() == reports.Fail {
			ids = append(ids, row.ID)
		}
	}
	return ids
}

// Run runs the supplier scenarios against the supplier's system end to end:
// it starts the mock, runs the @supplier scenarios with godog (progress to
// Output; cucumber JSON and JUnit into OutDir), and builds the assurance
// report (written into OutDir as HTML and Markdown). The error is for a run
// that could not happen (a tag expression that is malformed or selects no
// scenario among them, checked before the mock starts); a run in which the
// system broke a rule returns a Result that has not Passed.
func Run(ctx context.Context, opts Options) (*Result, error) {
	feats := opts.Features
	if feats == nil {
		feats = features.SupplierFS()
	}
	if _, err := suite.Check(feats, opts.Tags, SupplierTag); err != nil {
		return nil, err
	}
	s, err := NewSession(opts)
	if err != nil {
		return nil, err
	}
	defer s.Close()

	out := opts.Output
	if out == nil {
		out = io.Discard
	}
	sr, err := suite.Run(ctx, suite.Options{
		Name: "NEMS publisher assurance", Features: feats, Tags: opts.Tags, Scope: []string{SupplierTag},
		Initialize: s.InitializeScenario, OutDir: opts.OutDir, Progress: out, Color: !opts.NoColors,
	})
	if err != nil {
		return nil, err
	}
	var files []string
	if opts.OutDir != "" {
		files = append(files, sr.CucumberJSON, sr.JUnitXML, filepath.Join(opts.OutDir, JournalFile))
	} else {
		_ = os.RemoveAll(filepath.Dir(sr.CucumberJSON)) // a temporary folder
	}
	res := &Result{Report: s.Report(), Scenarios: s.Scenarios(), Entries: s.Entries(), SuiteStatus: sr.Status}
	if err := s.Close(); err != nil {
		return nil, err
	}
	if opts.OutDir != "" {
		written, err := reports.WriteAll(opts.OutDir, res.Report, "html", "markdown")
		if err != nil {
			return nil, err
		}
		res.Files = append(files, written...)
	}
	return res, nil
}
