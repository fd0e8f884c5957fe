package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/nems-harness/nems-harness/conformance"
	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/assessment"
	"github.com/nems-harness/nems-harness/internal/certs"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
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
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	rep, err := c.run(ctx, stdout)
	if err != nil {
		return fail(stderr, "conformance", err)
	}
	if !rep.Passed() {
		return 1
	}
	return 0
}

// run starts the embedded mock when there is no target, runs the suite, and
// writes the reports.
func (c *conformanceRun) run(ctx context.Context, stdout io.Writer) (*reports.Report, error) {
	p, err := mockspine.ParseProfile(c.profile)
	if err != nil {
		return nil, err
	}
	w, err := fixtures.Load(c.fixtures)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return nil, fmt.Errorf("making the output folder: %w", err)
	}
	opts := conformance.Options{Target: strings.TrimRight(c.target, "/"), World: w, Profile: p, Tags: c.tags,
		OutDir: c.out, Progress: stdout}
	subject := c.target
	var notes []string
	switch {
	case c.target == "":
		mode := mockspine.ContentReject // what the event-content scenarios expect
		if c.content != "" {
			if mode, err = mockspine.ParseContentMode(c.content); err != nil {
				return nil, err
			}
		}
		stopMock, url, pki, err := startEmbedded(w, p, mode, !c.plain)
		if err != nil {
			return nil, err
		}
		defer stopMock()
		opts.Target = url
		if pki != nil {
			opts.Client, opts.ClientFor = pki.Plain, pki.ClientFor
		}
		subject = "embedded mock (" + url + ")"
	case c.tlsDir != "":
		pki, err := certs.OpenPKI(c.tlsDir, w)
		if err != nil {
			return nil, err
		}
		opts.Client, opts.ClientFor = pki.Plain, pki.ClientFor
	}
	if !strings.HasPrefix(opts.Target, "https://") {
		notes = append(notes, "EP-CERT is not assessed: the target was reached over plain HTTP, so no endpoint certificate was presented.")
	}
	fmt.Fprintf(stdout, "nems-harness: conformance suite (profile %s) against %s\n", p, opts.Target)
	start := time.Now()
	res, err := conformance.Run(ctx, opts)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "\nnems-harness: suite finished in %s\n", time.Since(start).Round(time.Millisecond))

	f, err := os.Open(res.CucumberJSON)
	if err != nil {
		return nil, fmt.Errorf("reading the scenario results: %w", err)
	}
	defer f.Close()
	rows, counts, err := assessment.FromCucumber(f, p)
	if err != nil {
		return nil, err
	}
	rep := &reports.Report{Title: "NEMS publication conformance", Subject: subject, Target: opts.Target,
		Profile: string(p), Mode: "conformance", Generated: time.Now().UTC(), Version: version(),
		Scenarios: counts, Rules: rows, Notes: notes}
	if c.tags != "" {
		rep.Notes = append(rep.Notes, "Scenarios were selected with the tag expression "+c.tags+"; rules no selected scenario tags are not assessed.")
	}
	paths, err := reports.WriteAll(c.out, rep)
	if err != nil {
		return nil, err
	}
	pass, failed, na := rep.Counts()
	fmt.Fprintf(stdout, "nems-harness: %d rules passed, %d failed, %d not assessed; scenarios %d passed, %d failed, %d skipped\n",
		pass, failed, na, counts.Passed, counts.Failed, counts.Skipped)
	for _, path := range append([]string{res.CucumberJSON, res.JUnitXML}, paths...) {
		if path != "" {
			fmt.Fprintf(stdout, "  wrote %s\n", path)
		}
	}
	if res.Status != 0 && rep.Passed() {
		return rep, errors.New("the suite failed without a failed rule (see the progress output above)")
	}
	return rep, nil
}

// startEmbedded serves the mock in-process on a free loopback port, over
// mutual TLS with a throwaway test PKI unless plain HTTP is asked for.
func startEmbedded(w *world.World, p mockspine.Profile, mode mockspine.ContentMode, mtls bool) (stop func(), url string, pki *certs.PKI, err error) {
	srv, err := mockspine.NewServer(mockspine.Config{Profile: p, World: w, Content: mode})
	if err != nil {
		return nil, "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, fmt.Errorf("listening for the embedded mock: %w", err)
	}
	hs := mockspine.NewHTTPServer(srv)
	// Refused handshakes are what the EP-CERT scenarios expect: not news.
	hs.ErrorLog = log.New(io.Discard, "", 0)
	scheme, dir := "http", ""
	if mtls {
		if dir, err = os.MkdirTemp("", "nems-harness-pki-"); err != nil {
			ln.Close()
			return nil, "", nil, fmt.Errorf("making the test PKI folder: %w", err)
		}
		if pki, err = certs.NewPKI(filepath.Join(dir, "pki"), w); err != nil {
			ln.Close()
			os.RemoveAll(dir)
			return nil, "", nil, err
		}
		hs.TLSConfig = pki.Server
		scheme = "https"
		go func() { _ = hs.ServeTLS(ln, "", "") }()
	} else {
		go func() { _ = hs.Serve(ln) }()
	}
	// The test PKI's server certificate names localhost and 127.0.0.1.
	url = fmt.Sprintf("%s://%s", scheme, ln.Addr())
	stop = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	return stop, url, pki, nil
}
