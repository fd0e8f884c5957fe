package dashboard

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/nems-harness/nems-harness/internal/assessment"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/reports"
)

// ruleView is one rule of the catalogue (every field it is written with)
// and what the traffic held showed of it.
type ruleView struct {
	Rule     json.RawMessage `json:"rule"`
	ID       string          `json:"id"`
	Area     string          `json:"area"`
	Applies  bool            `json:"applies"`
	Severity string          `json:"severity,omitempty"`
	Counts   map[string]int  `json:"counts"`
	// Broke and Kept are the newest requests that broke and kept the rule.
	Broke []string `json:"broke"`
	Kept  []string `json:"kept"`
}

// maxRuleLinks is how many requests each rule links to per outcome.
const maxRuleLinks = 20

// apiRules is the catalogue with, for the traffic held, how many requests
// kept, broke and could not be judged against each rule.
func (d *Dashboard) apiRules(w http.ResponseWriter, _ *http.Request) {
	rules := mockspine.Rules()
	out := make([]ruleView, len(rules))
	index := map[string]int{}
	for i, r := range rules {
		raw, err := json.Marshal(r)
		if err != nil {
			raw = []byte(`{}`)
		}
		out[i] = ruleView{Rule: raw, ID: r.ID, Area: r.Area, Applies: r.AppliesTo(d.judge.Profile),
			Severity: ruleSeverity(r.ID), Counts: map[string]int{}, Broke: []string{}, Kept: []string{}}
		index[r.ID] = i
	}
	held := d.journal.Held()
	for k := len(held) - 1; k >= 0; k-- { // newest first, for the links
		e := held[k].Entry()
		for _, v := range d.cfg.Verdicts(e) {
			i, ok := index[v.Rule]
			if !ok {
				continue
			}
			kind := verdictKind(v)
			rv := &out[i]
			rv.Counts[kind]++
			switch {
			case (kind == kindFail || kind == kindWarning) && len(rv.Broke) < maxRuleLinks:
				rv.Broke = append(rv.Broke, e.ID)
			case kind == kindPass && len(rv.Kept) < maxRuleLinks:
				rv.Kept = append(rv.Kept, e.ID)
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"profile": d.judge.Profile, "held": len(held), "rules": out})
}

// apiWorld is the Spine directory and PDS the mock judges against.
func (d *Dashboard) apiWorld(w http.ResponseWriter, _ *http.Request) {
	wd := d.judge.World
	writeJSON(w, http.StatusOK, map[string]any{"nemsASID": wd.NEMSASID(), "spine": wd.Spine, "pds": wd.PDS,
		"publishURL": d.cfg.PublishURL, "profile": d.judge.Profile})
}

// reportCSP lets the report's own inline styles apply; it runs no script
// and loads nothing.
const reportCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// report writes the assurance report (the HTML report assess writes) for
// the traffic held, judged as recorded.
func (d *Dashboard) report(w http.ResponseWriter, r *http.Request) {
	p := d.judge.Profile
	hw, ok := reports.Lookup("html")
	if !ok {
		writeError(w, http.StatusInternalServerError, "no HTML report writer")
		return
	}
	// The same assessment assess makes of a journal file, fed the entries
	// held one at a time, each verdict as it bears on the publisher.
	a := assessment.NewJournal(p, true)
	for _, h := range d.journal.Held() {
		if r.Context().Err() != nil {
			return
		}
		a.Add(h.Entry())
	}
	notes := []string{fmt.Sprintf("Verdicts as recorded when each request was received (profile %s): the %d request(s) the mock held when the report was made.", p, a.Requests())}
	if a.Other > 0 {
		list := strings.Join(a.OtherSeen, "; ")
		if a.Other > len(a.OtherSeen) {
			list += fmt.Sprintf("; and %d more", a.Other-len(a.OtherSeen))
		}
		notes = append(notes, fmt.Sprintf("%d request(s) were not judged as publishes (wrong path or method; NEMS publishes with POST %s): %s",
			a.Other, mockspine.PublishPath, list))
	}
	if !a.TLS {
		notes = append(notes, "EP-CERT is not assessed: every request came over plain HTTP (serve --tls-dir or assure --tls-dir serve mutual TLS).")
	}
	name := "traffic held by the mock"
	rep := &reports.Report{
		Title:     "Assurance report: " + name,
		Subject:   name,
		Target:    d.cfg.PublishURL,
		Profile:   string(p),
		Mode:      "assess",
		Generated: time.Now(),
		Version:   d.cfg.Version,
		Rules:     a.Rows(),
		Notes:     notes,
	}
	var b bytes.Buffer
	if err := hw.Write(&b, rep); err != nil {
		writeError(w, http.StatusInternalServerError, "writing the report: "+err.Error())
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", reportCSP)
	h.Set("Content-Type", "text/html; charset=utf-8")
	if r.URL.Query().Get("download") != "" {
		h.Set("Content-Disposition", `attachment; filename="`+hw.FileName()+`"`)
	}
	_, _ = b.WriteTo(w)
}

// journalDownload writes the entries held as JSON lines, the journal
// format assess reads, one entry unpacked at a time.
func (d *Dashboard) journalDownload(w http.ResponseWriter, r *http.Request) {
	held := d.journal.Held()
	h := w.Header()
	h.Set("Content-Type", "application/jsonl")
	h.Set("Content-Disposition", `attachment; filename="journal.jsonl"`)
	rc := http.NewResponseController(w)
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, he := range held {
		if r.Context().Err() != nil {
			return
		}
		e := he.Entry()
		_ = rc.SetWriteDeadline(time.Now().Add(30 * time.Second))
		if err := enc.Encode(&e); err != nil {
			return
		}
	}
	_ = bw.Flush()
}
