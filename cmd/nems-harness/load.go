package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/loadtest"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/publish"
)

func init() {
	commands["load"] = command{"load-test a publish endpoint, or compare the mock with a bare handler", runLoad}
}

// Targets the load command reports against.
const (
	loadRatioTarget = 0.5
	loadP99Target   = 2 * time.Millisecond
)

// loadRun is one invocation of the load command.
type loadRun struct {
	target      string
	concurrency int
	duration    time.Duration
	warmup      time.Duration
	rate        float64
	bodyFile    string
	bare        bool
	compare     bool
	journal     string
	asid, ods   string
	toASID      string
	sameBody    bool
	wrkScript   string
}

func runLoad(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return loadUntil(ctx, args, stdout, stderr)
}

func loadUntil(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("load", stdout, stderr)
	var l loadRun
	fs.StringVar(&l.target, "target", "", "URL of the endpoint to load (its publish path is added when the URL has no path)")
	fs.IntVar(&l.concurrency, "concurrency", 8, "workers, each with one request in flight")
	fs.DurationVar(&l.duration, "duration", 10*time.Second, "how long each run sends requests")
	fs.DurationVar(&l.warmup, "warmup", time.Second, "unmeasured load before each run, to open connections")
	fs.Float64Var(&l.rate, "rate", 0, "requests per second over all workers (0: as fast as the target answers)")
	fs.StringVar(&l.bodyFile, "body", "", "message to publish, XML or JSON (default: the vaccinations-1 example)")
	fs.BoolVar(&l.bare, "bare", false, "load an in-process bare handler (reads the body, answers 202): this machine's ceiling")
	fs.BoolVar(&l.compare, "compare", false, "run the mock and a bare handler in process, each on its own loopback port; load both alike, then both at half the mock's throughput")
	fs.StringVar(&l.journal, "journal", "", "with --compare: give the in-process mock this journal file (synced per request, as serve --journal)")
	fs.StringVar(&l.asid, "asid", "200000000115", "ASID of the publishing system")
	fs.StringVar(&l.ods, "ods", "RX3EP", "ODS code of the publishing organisation")
	fs.StringVar(&l.toASID, "to-asid", "", "toASID (default: the NEMS ASID of the embedded world)")
	fs.BoolVar(&l.sameBody, "same-body", false, "send the message as it is every time (default: each request gets its own MessageHeader id and focus identifier, as a publisher's messages do)")
	fs.StringVar(&l.wrkScript, "wrk-script", "", "with --target: write a wrk script sending the same load (fresh ids, a JWT valid five minutes) to this file, and send nothing")
	if code, ok := fs.parse(args); !ok {
		return code
	}
	modes := 0
	for _, on := range []bool{l.target != "", l.bare, l.compare} {
		if on {
			modes++
		}
	}
	if modes != 1 {
		return fs.usageError("give one of --target URL, --bare or --compare")
	}
	if code := fs.only("journal", l.compare, "with --compare (the mock it starts)"); code != 0 {
		return code
	}
	if code := fs.only("rate", !l.compare, "with --target or --bare (--compare sets its own rates)"); code != 0 {
		return code
	}
	if code := fs.only("wrk-script", l.target != "", "with --target (the URL the script sends to)"); code != 0 {
		return code
	}
	if code := fs.only("same-body", l.wrkScript == "", "without --wrk-script (the script always sends fresh ids)"); code != 0 {
		return code
	}
	cfg, err := l.config()
	if err != nil {
		return fail(stderr, "load", err)
	}
	if l.wrkScript != "" {
		return l.writeWrkScript(cfg, stdout, stderr)
	}
	if l.compare {
		return l.runCompare(ctx, cfg, stdout, stderr)
	}

	what := l.target
	if l.bare {
		base, stopBare, err := loadtest.Listen(loadtest.BareHandler())
		if err != nil {
			return fail(stderr, "load", err)
		}
		defer stopBare()
		l.target, what = base, "bare handler (in process)"
	}
	if cfg.URL, err = publishURL(l.target); err != nil {
		return fail(stderr, "load", err)
	}
	fmt.Fprintf(stdout, "load: %s, %d workers for %s, rate %s\n", cfg.URL, cfg.Concurrency, cfg.Duration, rateText(cfg.Rate))
	res, err := loadtest.Run(ctx, cfg)
	if err != nil {
		return fail(stderr, "load", err)
	}
	printResults(stdout, []string{what}, []*loadtest.Result{res})
	if res.Errors > 0 || res.Non202 > 0 {
		return 1
	}
	return 0
}

// config builds the load from the flags.
func (l *loadRun) config() (loadtest.Config, error) {
	if l.concurrency < 1 {
		return loadtest.Config{}, errors.New("--concurrency must be at least 1")
	}
	if l.duration <= 0 {
		return loadtest.Config{}, errors.New("--duration must be positive")
	}
	cfg := loadtest.Config{Concurrency: l.concurrency, Duration: l.duration, Warmup: l.warmup, Rate: l.rate,
		Sender: publish.Sender{ASID: l.asid, ODS: l.ods}, NEMSASID: l.toASID, FreshIDs: !l.sameBody}
	if cfg.NEMSASID == "" {
		w, err := fixtures.Default()
		if err != nil {
			return cfg, err
		}
		cfg.NEMSASID = w.NEMSASID()
	}
	var err error
	if l.bodyFile == "" {
		cfg.Body, cfg.ContentType, cfg.EventCode, err = loadtest.Message()
		return cfg, err
	}
	if cfg.Body, err = os.ReadFile(l.bodyFile); err != nil {
		return cfg, err
	}
	if cfg.ContentType, cfg.EventCode, err = loadtest.Describe(cfg.Body); err != nil {
		return cfg, fmt.Errorf("%s: %w", l.bodyFile, err)
	}
	return cfg, nil
}

// writeWrkScript writes the load as a wrk script instead of sending it.
func (l *loadRun) writeWrkScript(cfg loadtest.Config, stdout, stderr io.Writer) int {
	target, err := publishURL(l.target)
	if err != nil {
		return fail(stderr, "load", err)
	}
	f, err := os.Create(l.wrkScript)
	if err != nil {
		return fail(stderr, "load", err)
	}
	now := time.Now()
	err = loadtest.WrkScript(f, cfg, target, now)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(l.wrkScript)
		return fail(stderr, "load", fmt.Errorf("writing %s: %w", l.wrkScript, err))
	}
	fmt.Fprintf(stdout, "wrote %s (its JWT is valid until %s); run: wrk -t2 -c8 -d10s -s %s %s\n",
		l.wrkScript, now.Add(5*time.Minute).UTC().Format("15:04:05 UTC"), l.wrkScript, target)
	return 0
}

// publishURL adds the publish path to a URL that has none.
func publishURL(target string) (string, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("--target %q is not an http(s) URL", target)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path, u.RawPath = mockspine.PublishPath, ""
	}
	return u.String(), nil
}

func (l *loadRun) runCompare(ctx context.Context, cfg loadtest.Config, stdout, stderr io.Writer) int {
	sf := serveFlags{profile: string(mockspine.Profile2019), journal: l.journal}
	srv, journal, err := sf.server(nil)
	if err != nil {
		return fail(stderr, "load", err)
	}
	defer journal.Close()
	mockBase, stopMock, err := loadtest.Listen(srv)
	if err != nil {
		return fail(stderr, "load", err)
	}
	defer stopMock()
	bareBase, stopBare, err := loadtest.Listen(loadtest.BareHandler())
	if err != nil {
		return fail(stderr, "load", err)
	}
	defer stopBare()
	mockURL, _ := publishURL(mockBase)
	bareURL, _ := publishURL(bareBase)

	journalText := "in memory"
	if l.journal != "" {
		journalText = l.journal + " (synced per request)"
	}
	fmt.Fprintf(stdout, "load --compare: %d workers, %s per run after %s warm-up; %d-byte %s message\n",
		cfg.Concurrency, cfg.Duration, cfg.Warmup, len(cfg.Body), cfg.ContentType)
	fmt.Fprintf(stdout, "  mock: %s (journal %s)\n  bare: %s (reads the body, answers 202)\n\n", mockURL, journalText, bareURL)
	c, err := loadtest.Compare(ctx, cfg, mockURL, bareURL)
	if err != nil {
		return fail(stderr, "load", err)
	}
	fmt.Fprintln(stdout, "As fast as each answers:")
	printResults(stdout, []string{"mock", "bare"}, []*loadtest.Result{c.Mock, c.Bare})
	fmt.Fprintf(stdout, "\nthroughput ratio mock/bare: %.2f (target ≥ %.2f: %s)\n\n", c.Ratio, loadRatioTarget, metText(c.Ratio >= loadRatioTarget))
	fmt.Fprintf(stdout, "At half the mock's throughput (%.0f req/s):\n", c.HalfRate)
	printResults(stdout, []string{"mock", "bare"}, []*loadtest.Result{c.MockHalf, c.BareHalf})
	fmt.Fprintf(stdout, "\nmock p99 at half load: %s (target ≤ %s: %s)\n", roundDuration(c.MockHalf.P99), loadP99Target,
		metText(c.MockHalf.P99 <= loadP99Target))
	for _, r := range []*loadtest.Result{c.Mock, c.Bare, c.MockHalf, c.BareHalf} {
		if r.Errors > 0 || r.Non202 > 0 {
			return 1
		}
	}
	return 0
}

func metText(ok bool) string {
	if ok {
		return "met"
	}
	return "missed"
}

func rateText(rate float64) string {
	if rate <= 0 {
		return "unlimited"
	}
	return fmt.Sprintf("%.0f req/s", rate)
}

// printResults prints runs side by side.
func printResults(w io.Writer, names []string, rs []*loadtest.Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	row := func(label string, cell func(i int, r *loadtest.Result) string) {
		fmt.Fprintf(tw, "%s\t", label)
		for i, r := range rs {
			fmt.Fprintf(tw, "%s\t", cell(i, r))
		}
		fmt.Fprintln(tw)
	}
	row("", func(i int, _ *loadtest.Result) string { return names[i] })
	row("requests", func(_ int, r *loadtest.Result) string { return fmt.Sprint(r.Requests) })
	row("errors", func(_ int, r *loadtest.Result) string { return fmt.Sprint(r.Errors) })
	row("non-202", func(_ int, r *loadtest.Result) string { return fmt.Sprint(r.Non202) })
	row("throughput (req/s)", func(_ int, r *loadtest.Result) string { return fmt.Sprintf("%.0f", r.Throughput) })
	row("p50", func(_ int, r *loadtest.Result) string { return roundDuration(r.P50) })
	row("p90", func(_ int, r *loadtest.Result) string { return roundDuration(r.P90) })
	row("p99", func(_ int, r *loadtest.Result) string { return roundDuration(r.P99) })
	row("max", func(_ int, r *loadtest.Result) string { return roundDuration(r.Max) })
	_ = tw.Flush()
	for i, r := range rs {
		if r.Non202 > 0 {
			fmt.Fprintf(w, "%s statuses: %s\n", names[i], statusText(r.Status))
		}
		if r.FirstError != "" {
			fmt.Fprintf(w, "%s first failure: %s\n", names[i], strings.TrimSpace(r.FirstError))
		}
	}
}

func statusText(m map[int]int64) string {
	codes := make([]int, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	parts := make([]string, 0, len(codes))
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d×%d", m[c], c))
	}
	return strings.Join(parts, ", ")
}

// roundDuration prints a latency to three significant figures or so.
func roundDuration(d time.Duration) string {
	switch {
	case d >= 100*time.Millisecond:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	default:
		return d.Round(time.Microsecond).String()
	}
}
