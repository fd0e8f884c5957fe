package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/assessment"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/reports"
	"github.com/nems-harness/nems-harness/supplier"
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
	entries, err := mockspine.ReadJournal(*journal)
	if err != nil {
		return fail(stderr, "assess", err)
	}
	if len(entries) == 0 {
		return fail(stderr, "assess", fmt.Errorf("%s holds no request", *journal))
	}
	p, err := assessProfile(entries, *profile, *rejudge)
	if err != nil {
		return fail(stderr, "assess", err)
	}
	base := filepath.Base(*journal)
	notes := []string{}
	if *rejudge {
		n, err := rejudgeEntries(entries, p, *fixtureDir)
		if err != nil {
			return fail(stderr, "assess", err)
		}
		world := "the embedded fixtures"
		if *fixtureDir != "" {
			world = "the fixtures in " + filepath.Base(*fixtureDir)
		}
		notes = append(notes, fmt.Sprintf("Re-judged: %d publish(es) judged again under profile %s against %s, each as at the time it was received; the answers shown are the ones the mock gives now.", n, p, world))
	} else {
		notes = append(notes, fmt.Sprintf("Verdicts as recorded when each request was received (profile %s).", p))
	}
	notes = append(notes, assessNotes(entries)...)

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
		Rules:     assessment.FromJournal(supplier.PublisherView(entries), p),
		Notes:     notes,
	}
	paths, err := reports.WriteAll(*out, report, "html", "markdown")
	if err != nil {
		return fail(stderr, "assess", err)
	}
	pass, failed, na := report.Counts()
	fmt.Fprintf(stdout, "%s: %s\n", report.Title, report.Result())
	fmt.Fprintf(stdout, "  %d request(s); rules: %d pass, %d fail, %d not assessed\n", len(entries), pass, failed, na)
	for _, path := range paths {
		fmt.Fprintf(stdout, "  %s\n", path)
	}
	if !report.Passed() {
		return 1
	}
	return 0
}

// assessProfile is the profile to report under: the one the journal was
// judged under, unless --rejudge judges it under another.
func assessProfile(entries []mockspine.Entry, flagValue string, rejudge bool) (mockspine.Profile, error) {
	seen := map[mockspine.Profile]bool{}
	for _, e := range entries {
		if e.Profile != "" {
			seen[e.Profile] = true
		}
	}
	var recorded []string
	for p := range seen {
		recorded = append(recorded, string(p))
	}
	sort.Strings(recorded)
	if flagValue != "" {
		p, err := mockspine.ParseProfile(flagValue)
		if err != nil {
			return "", err
		}
		if !rejudge && (len(recorded) > 1 || (len(recorded) == 1 && recorded[0] != string(p))) {
			return "", fmt.Errorf("the journal was judged under %s; pass --rejudge to judge it under %s", strings.Join(recorded, " and "), p)
		}
		return p, nil
	}
	switch {
	case len(recorded) > 1 && !rejudge:
		return "", fmt.Errorf("the journal mixes profiles %s; pass --rejudge --profile P to judge it all under one", strings.Join(recorded, " and "))
	case len(recorded) == 1:
		return mockspine.Profile(recorded[0]), nil
	}
	return mockspine.Profile2019, nil
}

// rejudgeEntries runs the rules again over every recorded publish, with the
// clock at the time it was received, and returns how many were judged.
func rejudgeEntries(entries []mockspine.Entry, p mockspine.Profile, fixtureDir string) (int, error) {
	w, err := fixtures.Load(fixtureDir)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range entries {
		e := &entries[i]
		if e.Method != "POST" || (e.Path != mockspine.PublishPath && e.Path != mockspine.PublishPath2019) {
			continue
		}
		req, err := e.Request()
		if err != nil {
			return n, err
		}
		received := e.Received
		judge := &mockspine.Judge{Profile: p, World: w, Now: func() time.Time { return received }}
		j, err := judge.Evaluate(context.Background(), req)
		if err != nil {
			return n, fmt.Errorf("judging %s: %w", e.ID, err)
		}
		e.Verdicts, e.Profile = j.Verdicts, p
		e.Response = mockspine.Reply{Status: j.Response.Status, Header: j.Response.Header, Body: string(j.Response.Body)}
		n++
	}
	return n, nil
}

// assessNotes say what in the journal was not a publish, and what could
// not be assessed.
func assessNotes(entries []mockspine.Entry) []string {
	var notes, other []string
	tls := false
	for _, e := range entries {
		tls = tls || e.TLS
		if e.Verdicts == nil {
			other = append(other, fmt.Sprintf("%s %s %s → HTTP %d", e.ID, e.Method, e.Path, e.Response.Status))
		}
	}
	if len(other) > 0 {
		notes = append(notes, fmt.Sprintf("%d request(s) were not judged as publishes (wrong path or method; NEMS publishes with POST %s): %s",
			len(other), mockspine.PublishPath, strings.Join(other, "; ")))
	}
	if !tls {
		notes = append(notes, "EP-CERT is not assessed: every request came over plain HTTP (serve --tls-dir or assure --tls-dir serve mutual TLS).")
	}
	notes = append(notes, "MIME-DEFAULT is judged for the publisher: a request that names both Content-Type and Accept needs no default and passes.")
	return notes
}
