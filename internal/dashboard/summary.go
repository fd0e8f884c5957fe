package dashboard

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/nems-harness/nems-harness/internal/fhir"
	"github.com/nems-harness/nems-harness/mockspine"
)

// Summary is one line of the request list.
type Summary struct {
	Seq         uint64    `json:"seq"`
	ID          string    `json:"id"`
	Received    time.Time `json:"received"`
	Method      string    `json:"method"`
	Path        string    `json:"path"`
	Status      int       `json:"status"`
	Profile     string    `json:"profile,omitempty"`
	ASID        string    `json:"asid,omitempty"`
	ODS         string    `json:"ods,omitempty"`
	Event       string    `json:"event,omitempty"`
	EventName   string    `json:"eventName,omitempty"`
	MessageType string    `json:"messageType,omitempty"`
	NHSNumber   string    `json:"nhsNumber,omitempty"`
	// Judged is false for a request no rule judged (wrong path or method).
	Judged bool `json:"judged"`
	// Chips are the rules that did not pass: failed, warned, in catalogue
	// order.
	Chips []Chip `json:"chips,omitempty"`
	// Counts of the verdicts by kind: pass, fail, warning, not-assessed.
	Counts map[string]int `json:"counts,omitempty"`
}

// Chip is one rule's mark on a request.
type Chip struct {
	Rule string `json:"rule"`
	Kind string `json:"kind"` // fail or warning
}

// Verdict kinds as the dashboard colours them.
const (
	kindPass        = "pass"
	kindFail        = "fail"
	kindWarning     = "warning"
	kindNotAssessed = "not-assessed"
)

// verdictKind is how a verdict is shown: a failed verdict of warning
// severity (a content rule's, as the catalogue gives it) is a warning.
func verdictKind(v mockspine.Verdict) string {
	switch o := strings.ToLower(string(v.Outcome)); {
	case o == string(mockspine.Pass):
		return kindPass
	case strings.HasPrefix(o, "warn"):
		return kindWarning
	case o == string(mockspine.Fail):
		if severityOf(v) == "warning" {
			return kindWarning
		}
		return kindFail
	}
	return kindNotAssessed
}

// severityOf is the verdict's severity, else its rule's, else "".
func severityOf(v mockspine.Verdict) string {
	if v.Severity != "" {
		return strings.ToLower(v.Severity)
	}
	return ruleSeverity(v.Rule)
}

func ruleSeverity(id string) string {
	if r, ok := mockspine.RuleByID(id); ok {
		return strings.ToLower(r.Severity)
	}
	return ""
}

// summarize sums up an entry for the list, with verdicts as the
// dashboard's view gives them.
func (d *Dashboard) summarize(e *mockspine.Entry) Summary {
	verdicts := d.cfg.Verdicts(*e)
	s := Summary{Seq: e.Seq, ID: e.ID, Received: e.Received, Method: e.Method, Path: e.Path,
		Status: e.Response.Status, Profile: string(e.Profile), Judged: verdicts != nil}
	if len(verdicts) > 0 {
		s.Counts = map[string]int{}
	}
	for _, v := range verdicts {
		k := verdictKind(v)
		s.Counts[k]++
		if k == kindFail || k == kindWarning {
			s.Chips = append(s.Chips, Chip{Rule: v.Rule, Kind: k})
		}
	}
	s.ASID = strings.TrimSpace(e.Header.Get("fromASID"))
	claims := decodeObject(e.JWT)
	if s.ASID == "" {
		s.ASID = identifierValue(claims["requesting_system"])
	}
	s.ODS = identifierValue(claims["requesting_organization"])
	if s.ODS == "" {
		s.ODS = identifierValue(claims["requesting_organisation"])
	}
	if b := readBundle(e); b != nil {
		if h := b.Header; h != nil {
			s.Event, s.MessageType = h.EventCode, h.MessageEventType
			if ev, ok := mockspine.LookupEventType(h.EventCode); ok {
				s.EventName = ev.Name
			}
		}
		if len(b.NHSNumbers) > 0 {
			s.NHSNumber = b.NHSNumbers[0].Value
		}
	}
	return s
}

// decodeObject decodes the JWT claims, nil when there are none.
func decodeObject(j *mockspine.JWTInfo) map[string]any {
	if j == nil || len(j.Claims) == 0 {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(j.Claims, &m) != nil {
		return nil
	}
	return m
}

// identifierValue is the value of a system|value claim.
func identifierValue(v any) string {
	s, ok := v.(string)
	if !ok {
		return ""
	}
	if _, val, found := strings.Cut(s, "|"); found {
		return strings.TrimSpace(val)
	}
	return ""
}

// readBundle reads the message of a publish, nil when it is none.
func readBundle(e *mockspine.Entry) *fhir.Bundle {
	if e.BodyBase64 || e.BodyTruncated || e.Body == "" || e.Method != http.MethodPost {
		return nil
	}
	b, err := fhir.Read([]byte(e.Body), bodyFormat(e.Header.Get("Content-Type"), e.Body))
	if err != nil {
		return nil
	}
	return b
}

// bodyFormat is "json" or "xml": from the Content-Type, else the first
// character.
func bodyFormat(contentType, body string) string {
	if ct := strings.ToLower(contentType); strings.Contains(ct, "json") {
		return fhir.FormatJSON
	} else if strings.Contains(ct, "xml") {
		return fhir.FormatXML
	}
	if strings.HasPrefix(strings.TrimLeft(body, " \t\r\n\uFEFF"), "{") {
		return fhir.FormatJSON
	}
	return fhir.FormatXML
}

// filter selects list lines; empty fields select everything.
type filter struct {
	status  string // a number, or "2xx"/"4xx"/"5xx"
	rule    string
	outcome string // with rule: pass, fail, warning, not-assessed; empty means did not pass
	event   string
	asid    string
}

func parseFilter(r *http.Request) filter {
	q := r.URL.Query()
	f := filter{status: strings.TrimSpace(q.Get("status")), rule: strings.TrimSpace(q.Get("rule")),
		outcome: strings.TrimSpace(q.Get("outcome")), event: strings.TrimSpace(q.Get("event")),
		asid: strings.TrimSpace(q.Get("asid"))}
	return f
}

// match reports whether a line is selected. ruleKind is the kind of the
// filtered rule's verdict on the request ("" when not judged by it).
func (f filter) match(s *Summary, ruleKind string) bool {
	if f.status != "" {
		st := strconv.Itoa(s.Status)
		if len(f.status) == 3 && strings.HasSuffix(strings.ToLower(f.status), "xx") {
			if st[:1] != f.status[:1] {
				return false
			}
		} else if st != f.status {
			return false
		}
	}
	if f.rule != "" {
		switch f.outcome {
		case "":
			if ruleKind != kindFail && ruleKind != kindWarning {
				return false
			}
		default:
			if ruleKind != f.outcome {
				return false
			}
		}
	}
	if f.event != "" && !strings.EqualFold(s.Event, f.event) {
		return false
	}
	if f.asid != "" && s.ASID != f.asid {
		return false
	}
	return true
}

// ruleKindOf is the kind of one rule's verdict on an entry, "" when the
// rule did not judge it.
func (d *Dashboard) ruleKindOf(e *mockspine.Entry, rule string) string {
	for _, v := range d.cfg.Verdicts(*e) {
		if v.Rule == rule {
			return verdictKind(v)
		}
	}
	return ""
}

// Listing limits: a page of the list, and how far back a filtered listing
// looks for matches in one call.
const (
	pageSize     = 200
	maxScanBatch = 5000
)

// listPage is an answer of the list API.
type listPage struct {
	Held  int       `json:"held"`
	Last  uint64    `json:"last"`
	Lines []Summary `json:"lines"`
	// Before continues the listing with older lines (0 when there are none).
	Before uint64 `json:"before,omitempty"`
}

// apiRequests lists the newest lines first (?before=SEQ for older ones),
// filtered by ?status, ?rule (and ?outcome), ?event and ?asid.
func (d *Dashboard) apiRequests(w http.ResponseWriter, r *http.Request) {
	f := parseFilter(r)
	before, err := strconv.ParseUint(r.URL.Query().Get("before"), 10, 64)
	if err != nil && r.URL.Query().Get("before") != "" {
		writeError(w, http.StatusBadRequest, "before must be a sequence number")
		return
	}
	limit := pageSize
	if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n > 0 && n < pageSize {
		limit = n
	}
	page := listPage{Lines: []Summary{}, Last: d.journal.Last()}
	cursor := before
	scanned := 0
	for len(page.Lines) < limit && scanned < maxScanBatch {
		batch, held := d.journal.Recent(cursor, 256)
		page.Held = held
		if len(batch) == 0 {
			cursor = 0
			break
		}
		for _, h := range batch {
			scanned++
			cursor = h.Seq()
			e := h.Entry()
			s := d.summarize(&e)
			kind := ""
			if f.rule != "" {
				kind = d.ruleKindOf(&e, f.rule)
			}
			if f.match(&s, kind) {
				page.Lines = append(page.Lines, s)
				if len(page.Lines) == limit {
					break
				}
			}
		}
		if len(batch) < 256 && len(page.Lines) < limit {
			cursor = 0
			break
		}
	}
	if cursor > 1 {
		page.Before = cursor
	}
	writeJSON(w, http.StatusOK, page)
}

// apiSummary is what the header shows: the count held, the profile.
func (d *Dashboard) apiSummary(w http.ResponseWriter, _ *http.Request) {
	profiles := make([]string, len(mockspine.Profiles()))
	for i, p := range mockspine.Profiles() {
		profiles[i] = string(p)
	}
	events := []string{}
	for _, ev := range mockspine.PublishableEventTypes() {
		events = append(events, ev.Code)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"events": events, "held": d.journal.HeldCount(), "last": d.journal.Last(), "profile": d.judge.Profile,
		"profiles": profiles, "nemsASID": d.judge.World.NEMSASID(), "publishURL": d.cfg.PublishURL,
		"version": d.cfg.Version,
	})
}
