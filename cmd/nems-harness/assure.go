package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/supplier"
)

func init() {
	commands["assure"] = command{"assure your own publishing system: make it publish to the mock and report rule by rule", runAssure}
}

func runAssure(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return assureUntil(ctx, args, stdout, stderr)
}

// assureUntil runs an assurance until it ends or ctx does (a signal, or a
// test's cancel).
func assureUntil(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("assure", stdout, stderr, withEnv,
		withSynopsis("--config FILE [--fixtures DIR] [--profile P] [--tags T] [--out DIR] [--tls-dir D] [--addr HOST:PORT] [--quiet-period D]"),
		withAbout(`Starts the mock NEMS, makes your system publish through the trigger in the --config file for
every @supplier scenario, and writes the assurance report. Exit status 1 when a rule or a scenario failed.`))
	config := fs.String("config", "", "assurance config (JSON): the trigger that makes your system publish (required)")
	fixtureDir := fs.String("fixtures", "", "folder holding spine.json and pds.json (default: the config's fixtures, else the embedded world)")
	var profile, addr string
	fs.profileVar(&profile, "profile", "", "rule profile: nems-2019-01 or nems-current (default: the config's, else nems-2019-01)")
	tags := fs.String("tags", "", "run only scenarios matching this tag expression as well as @supplier, e.g. @smoke or @JWT-SCOPE,@JWT-SUB")
	out := fs.String("out", "out", "folder for cucumber.json, junit.xml, journal.jsonl and the assurance report")
	tlsDir := fs.String("tls-dir", "", "serve HTTPS with mutual TLS using the test PKI in this folder (created if it holds no CA; your endpoint's certificate is issued if missing)")
	fs.addrVar(&addr, "addr", "127.0.0.1:4854", "address the mock listens on (127.0.0.1:0 picks a free port)")
	quiet := fs.Duration("quiet-period", 0, "how long to watch for a publish the system must not make, e.g. 3s (default: the config's quietPeriod, else 10s)")
	content := fs.String("content", string(mockspine.ContentReport), "content mode of the mock: report (a 202 carries content warnings) or reject (a failed error content rule answers 422); either way a failed error content rule fails the report")
	if code, ok := fs.parse(args); !ok {
		return code
	}
	if *quiet < 0 {
		return fs.usageError("--quiet-period must not be negative")
	}
	if *config == "" {
		return fs.usageError("--config FILE is required: the assurance config naming your trigger")
	}
	cfg, err := supplier.LoadConfig(*config)
	if err != nil {
		return fail(stderr, "assure", err)
	}
	res, err := supplier.Run(ctx, supplier.Options{
		Config: cfg, Fixtures: *fixtureDir, Profile: profile, Tags: *tags, OutDir: *out,
		TLSDir: *tlsDir, Addr: addr, Output: stdout, Prompt: stderr, NoColors: !assureTerminal(stdout), Version: version(),
		QuietPeriod: *quiet, Countdown: assureTerminal(stderr), Content: *content,
	})
	if err != nil {
		code := fail(stderr, "assure", err)
		if usageError(err) {
			code = 2
		}
		return code
	}
	r := res.Report
	pass, failed, na := r.Counts()
	fmt.Fprintf(stdout, "\n%s: %s\n", r.Title, r.Result())
	fmt.Fprintf(stdout, "  rules: %d pass, %d fail, %d not assessed; scenarios: %d passed, %d failed, %d skipped\n",
		pass, failed, na, r.Scenarios.Passed, r.Scenarios.Failed, r.Scenarios.Skipped)
	if ids := res.FailedRules(); len(ids) > 0 {
		fmt.Fprintf(stdout, "  failed rules: %v\n", ids)
	}
	for _, f := range res.Files {
		fmt.Fprintf(stdout, "  %s\n", f)
	}
	if !res.Passed() {
		return 1
	}
	return 0
}

// assureTerminal reports whether w is a terminal, where colours are
// welcome.
func assureTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
