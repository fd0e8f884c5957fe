package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/content"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
)

func init() {
	commands["validate"] = command{"judge event message files offline with every body rule (MSG-*, NHS-*, EVT-* and the event rules)", runValidate}
}

// finding is one line of validate's output.
type finding struct {
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Reason   string `json:"reason"`
	Entry    *int   `json:"entry,omitempty"`
	Path     string `json:"path,omitempty"`
}

func (f finding) text() string {
	where := f.File
	if f.Line > 0 {
		where = fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	return fmt.Sprintf("%s: %s %s: %s", where, f.Rule, f.Severity, f.Reason)
}

// bodyAreas are the areas of the rules that judge a body alone.
var bodyAreas = map[string]bool{mockspine.AreaMessage: true, mockspine.AreaNHS: true, mockspine.AreaContent: true}

func runValidate(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("validate", stdout, stderr, withArgs("FILE..."),
		withSynopsis("[--profile P] [--fixtures DIR] [--format text|json] FILE..."),
		withAbout(`Judges event message files (XML, or JSON in profile nems-2019-01) as the mock judges a
publish body: the message rules (MSG-*), the NHS numbers against the PDS fixtures (NHS-*) and
every event-content rule. One line per breach: FILE:LINE: RULE-ID severity: reason. Each file
is judged alone, as the first message of a run. Exit status 0 when no error rule failed, 1 when
one did, 2 when a file could not be judged.`))
	var profile string
	fs.profileVar(&profile, "profile", string(mockspine.Profile2019), "rule profile: nems-2019-01 or nems-current")
	dir := fs.String("fixtures", "", "folder holding spine.json and pds.json, the PDS the NHS numbers are traced on (default: the embedded world)")
	format := fs.String("format", "text", "output: text (one line per breach) or json (an array of breaches)")
	if code, ok := fs.parse(args); !ok {
		return code
	}
	if *format != "text" && *format != "json" {
		return fs.usageError(fmt.Sprintf("--format %q: want text or json", *format))
	}
	if fs.NArg() == 0 {
		return fs.usageError("name at least one event message file to judge")
	}
	p, err := mockspine.ParseProfile(profile)
	if err != nil {
		return fs.usageError(err.Error())
	}
	w, err := fixtures.Load(*dir)
	if err != nil {
		return fail(stderr, "validate", err)
	}
	all := []finding{}
	status := 0
	for _, file := range fs.Args() {
		body, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintf(stderr, "nems-harness validate: cannot read %s: %v\n", file, errors.Unwrap(err))
			status = 2
			continue
		}
		fnd, code := validateFile(p, w, file, body)
		all = append(all, fnd...)
		status = max(status, code)
	}
	if *format == "json" {
		b, _ := json.MarshalIndent(all, "", "  ")
		fmt.Fprintln(stdout, string(b))
	} else {
		for _, f := range all {
			fmt.Fprintln(stdout, f.text())
		}
	}
	return status
}

// validateFile judges one file; the status is 0, 1 (an error rule failed)
// or 2 (the file could not be judged).
func validateFile(p mockspine.Profile, w *world.World, file string, body []byte) ([]finding, int) {
	ct := "application/fhir+xml;charset=utf-8"
	if strings.EqualFold(filepath.Ext(file), ".json") || bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		ct = "application/fhir+json;charset=utf-8"
	}
	h := http.Header{}
	h.Set("Content-Type", ct)
	jd := &mockspine.Judge{Profile: p, World: w, History: content.NewMemory()}
	j, err := jd.Evaluate(context.Background(), mockspine.Request{Method: http.MethodPost, Path: mockspine.PublishPath, Header: h, Body: string(body)})
	if err != nil {
		return []finding{{File: file, Rule: "-", Severity: "error", Reason: err.Error()}}, 2
	}
	if v, ok := j.Verdict("MIME-CONTENT-TYPE"); ok && v.Outcome == mockspine.Fail {
		return []finding{{File: file, Rule: "MIME-CONTENT-TYPE", Severity: "error", Reason: v.Reason}}, 2
	}
	var out []finding
	status := 0
	for _, v := range j.Verdicts {
		r, ok := mockspine.RuleByID(v.Rule)
		if !ok || !bodyAreas[r.Area] || v.Outcome != mockspine.Fail {
			continue
		}
		sev := v.Severity
		if sev == "" {
			sev = "error"
		}
		if v.Fails() {
			status = 1
		}
		if len(v.Findings) == 0 {
			out = append(out, finding{File: file, Rule: v.Rule, Severity: sev, Reason: v.Reason})
			continue
		}
		for _, f := range v.Findings {
			fd := finding{File: file, Line: f.Line, Rule: v.Rule, Severity: sev, Reason: f.String(), Path: f.Path}
			if f.Entry >= 0 {
				e := f.Entry
				fd.Entry = &e
			}
			out = append(out, fd)
		}
		if len(v.Findings) >= content.MaxFindings {
			out = append(out, finding{File: file, Rule: v.Rule, Severity: sev, Reason: "further breaches not listed: " + v.Reason})
		}
	}
	return out, status
}
