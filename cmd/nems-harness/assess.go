package main

import (
	"context"
	"fmt"
	"io"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/assessment"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/reports"
)

func init() {
	commands["assess"] = command{"judge traffic captured in a journal (serve --journal, assure) and write the report", runAssess}
}

func runAssess(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("assess", stdout, stderr,
		withSynopsis("--journal FILE [--profile P] [--fixtures DIR] [--out DIR] [--rejudge] [--system NAME]"),
		withAbout(`Judges the publishes recorded in a journal, rule by rule, and writes the assurance report.
Exit status 1 when a rule failed.`))
	journal := fs.String("journal", "", "journal file (JSON lines) written by serve --journal or by assure (required)")
	profile := fs.String("profile", "", "rule profile (default: the one the journal was judged under); another needs --rejudge")
	fixtureDir := fs.String("fixtures", "", "with --rejudge: folder holding spine.json and pds.json (default: the embedded world)")
	out := fs.String("out", "out", "folder for assurance-report.html and assurance-report.md")
	rejudge := fs.Bool("rejudge", false, "judge every recorded publish again with today's rules, as at the time it was received")
	system := fs.String("system", "", "name of the system in the report's title")
	if code, ok := fs.parse(args); !ok {
		return code
	}
	if *journal == "" {
		return fs.usageError("--journal FILE is required: a journal written by serve --journal or assure")
	}
	if code := fs.only("fixtures", *rejudge, "with --rejudge: the recorded verdicts were reached against the world of the time"); code != 0 {
		return code
	}
	opts := assessment.JournalOptions{Profile: mockspine.Profile(*profile), Rejudge: *rejudge}
	if *rejudge {
		w, err := fixtures.Load(*fixtureDir)
		if err != nil {
			return fail(stderr, "assess", err)
		}
		opts.World = w
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	res, err := assessment.AssessJournalFile(ctx, *journal, opts)
	if err != nil {
		return fail(stderr, "assess", fmt.Errorf("%s: %w", *journal, err))
	}
	p := res.Profile
	base := filepath.Base(*journal)
	notes := []string{}
	if *rejudge {
		world := "the embedded fixtures"
		if *fixtureDir != "" {
			world = "the fixtures in " + filepath.Base(*fixtureDir)
		}
		notes = append(notes, fmt.Sprintf("Re-judged: %d publish(es) judged again under profile %s against %s, each as at the time it was received, in the content mode it was answered in and against the earlier messages of its own run; the answers shown are the ones the mock gives now.", res.Rejudged, p, world))
	} else {
		notes = append(notes, fmt.Sprintf("Verdicts as recorded when each request was received (profile %s).", p))
	}
	notes = append(notes, assessNotes(res)...)

	name := strings.TrimSpace(*system)
	if name == "" {
		name = "traffic recorded in " + base
	}
	report := &reports.Report{
		Title:     "Assurance report: " + name,
		Subject:   name,
		Target:    base,
		Profile:   string(p),
		Mode:      "assess",
		Generated: time.Now(),
		Version:   version(),
		Rules:     res.Rows,
		Notes:     notes,
	}
	paths, err := reports.WriteAll(*out, report, "html", "markdown")
	if err != nil {
		return fail(stderr, "assess", err)
	}
	pass, failed, na := report.Counts()
	fmt.Fprintf(stdout, "%s: %s\n", report.Title, report.Result())
	fmt.Fprintf(stdout, "  %d request(s); rules: %d pass, %d fail, %d not assessed\n", res.Requests, pass, failed, na)
	for _, path := range paths {
		fmt.Fprintf(stdout, "  %s\n", path)
	}
	if !report.Passed() {
		return 1
	}
	return 0
}

// assessNotes say what in the journal was not a publish, and what could
// not be assessed.
func assessNotes(res *assessment.JournalResult) []string {
	var notes []string
	if res.Other > 0 {
		list := strings.Join(res.OtherSeen, "; ")
		if res.Other > len(res.OtherSeen) {
			list += fmt.Sprintf("; and %d more", res.Other-len(res.OtherSeen))
		}
		notes = append(notes, fmt.Sprintf("%d request(s) were not judged as publishes (wrong path or method; NEMS publishes with POST %s): %s",
			res.Other, mockspine.PublishPath, list))
	}
	if res.Handshakes > 0 {
		list := strings.Join(res.HandshakesSeen, "; ")
		if res.Handshakes > len(res.HandshakesSeen) {
			list += fmt.Sprintf("; and %d more", res.Handshakes-len(res.HandshakesSeen))
		}
		notes = append(notes, fmt.Sprintf("%d TLS handshake(s) failed, %d of them refused over the client certificate (each an EP-CERT failure): %s",
			res.Handshakes, res.Refused, list))
	}
	if !res.TLS {
		notes = append(notes, "EP-CERT is not assessed: every request came over plain HTTP (serve --tls-dir or assure --tls-dir serve mutual TLS).")
	}
	notes = append(notes, "MIME-DEFAULT is judged for the publisher: a request that names both Content-Type and Accept needs no default and passes.")
	return notes
}
