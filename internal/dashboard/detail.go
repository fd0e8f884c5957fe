package dashboard

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nems-harness/nems-harness/internal/assessment"
	"github.com/nems-harness/nems-harness/internal/content"
	"github.com/nems-harness/nems-harness/mockspine"
)

// detail is everything the request page shows.
type detail struct {
	Summary  Summary       `json:"summary"`
	Remote   string        `json:"remote,omitempty"`
	Query    string        `json:"query,omitempty"`
	TLS      bool          `json:"tls"`
	Groups   []verdictArea `json:"groups"`
	Headers  []headerLine  `json:"headers"`
	JWT      *jwtView      `json:"jwt,omitempty"`
	Body     textView      `json:"body"`
	Response responseView  `json:"response"`
	Curl     string        `json:"curl"`
	// ClientCertificates are the PEM certificates the client presented.
	ClientCertificates []string `json:"clientCertificates,omitempty"`
	// OtherProfiles can judge the request again.
	OtherProfiles []string `json:"otherProfiles"`
}

// verdictArea is the verdicts of one area of the catalogue, in catalogue
// order.
type verdictArea struct {
	Area     string        `json:"area"`
	Verdicts []verdictView `json:"verdicts"`
}

// verdictView is a verdict as recorded (every field it has, so fields
// added to verdicts later show too), with its kind and its rule's text.
type verdictView struct {
	Verdict json.RawMessage `json:"verdict"`
	Rule    string          `json:"rule"`
	Kind    string          `json:"kind"`
	Text    string          `json:"text,omitempty"`
}

// headerLine is one header field; Rules are the rules whose failure names it.
type headerLine struct {
	Name  string   `json:"name"`
	Value string   `json:"value"`
	Rules []string `json:"rules,omitempty"`
}

// jwtView is the decoded token: header and claims as tables.
type jwtView struct {
	Header []claimLine `json:"header"`
	Claims []claimLine `json:"claims"`
	// Raw is the claims JSON when it is not an object.
	Raw string `json:"raw,omitempty"`
}

// claimLine is one claim; Rules are the failed rules whose reason names it.
type claimLine struct {
	Name  string   `json:"name"`
	Value string   `json:"value"`
	Rules []string `json:"rules,omitempty"`
}

// responseView is the answer as sent.
type responseView struct {
	Status  int          `json:"status"`
	Headers []headerLine `json:"headers"`
	Body    textView     `json:"body"`
}

func (d *Dashboard) apiRequest(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	e, ok := d.journal.Get(id)
	if !ok {
		writeError(w, http.StatusNotFound, "no request "+id+" is held (the journal keeps the newest in memory)")
		return
	}
	writeJSON(w, http.StatusOK, d.detail(&e, d.cfg.Verdicts(e), r))
}

func (d *Dashboard) detail(e *mockspine.Entry, verdicts []mockspine.Verdict, r *http.Request) detail {
	s := d.summarize(e)
	failed := failedVerdicts(verdicts)
	out := detail{Summary: s, Remote: e.Remote, Query: e.Query, TLS: e.TLS, Groups: groupVerdicts(verdicts),
		Headers: headerLines(e.Header, failed), JWT: decodeJWT(e.JWT, failed),
		Response:           responseView{Status: e.Response.Status, Headers: headerLines(e.Response.Header, nil)},
		ClientCertificates: e.ClientCertificates, OtherProfiles: []string{}}
	body := e.Body
	if e.BodyBase64 {
		out.Body = textView{Note: "the body is not UTF-8; shown as base64", Lines: splitLines(body)}
	} else {
		out.Body = prettyBody(body, e.Header.Get("Content-Type"), failed)
		if e.BodyTruncated {
			out.Body.Note = strings.TrimSpace(out.Body.Note + " the body was larger than the mock keeps; the rest is not shown")
		}
	}
	out.Response.Body = prettyBody(e.Response.Body, e.Response.Header.Get("Content-Type"), nil)
	out.Curl = curlCommand(e, d.publishBase(r))
	for _, p := range mockspine.Profiles() {
		if p != e.Profile {
			out.OtherProfiles = append(out.OtherProfiles, string(p))
		}
	}
	return out
}

// publishBase is scheme://host of the publish endpoint, for copy as curl.
func (d *Dashboard) publishBase(r *http.Request) string {
	if u := d.cfg.PublishURL; u != "" {
		if i := strings.Index(u, "://"); i >= 0 {
			if j := strings.IndexByte(u[i+3:], '/'); j >= 0 {
				return u[:i+3+j]
			}
		}
		return strings.TrimRight(u, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func failedVerdicts(vs []mockspine.Verdict) []mockspine.Verdict {
	var out []mockspine.Verdict
	for _, v := range vs {
		if k := verdictKind(v); k == kindFail || k == kindWarning {
			out = append(out, v)
		}
	}
	return out
}

// groupVerdicts groups verdicts by their rule's area, areas in the order
// the catalogue first names them and verdicts in catalogue order.
func groupVerdicts(vs []mockspine.Verdict) []verdictArea {
	order := map[string]int{}
	for i, r := range mockspine.Rules() {
		order[r.ID] = i
	}
	sorted := append([]mockspine.Verdict(nil), vs...)
	sort.SliceStable(sorted, func(i, j int) bool {
		oi, iok := order[sorted[i].Rule]
		oj, jok := order[sorted[j].Rule]
		if iok != jok {
			return iok
		}
		return oi < oj
	})
	groups := []verdictArea{}
	index := map[string]int{}
	for _, v := range sorted {
		area, text := "Other", ""
		if r, ok := mockspine.RuleByID(v.Rule); ok {
			area, text = r.Area, r.Text
		}
		raw, err := json.Marshal(v)
		if err != nil {
			raw = []byte(`{}`)
		}
		i, ok := index[area]
		if !ok {
			i = len(groups)
			index[area] = i
			groups = append(groups, verdictArea{Area: area})
		}
		groups[i].Verdicts = append(groups[i].Verdicts, verdictView{Verdict: raw, Rule: v.Rule, Kind: verdictKind(v), Text: text})
	}
	return groups
}

// headerLines lists header fields sorted by name, each value on its own
// line, marking the fields a failed verdict names.
func headerLines(h http.Header, failed []mockspine.Verdict) []headerLine {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	out := []headerLine{}
	for _, k := range names {
		rules := namedBy(k, failed)
		for _, v := range h[k] {
			out = append(out, headerLine{Name: k, Value: v, Rules: rules})
		}
	}
	return out
}

// namedBy lists the verdicts whose reason names a header field or claim,
// as a whole word, ignoring case and the s/z of organisation and
// authorisation.
func namedBy(name string, failed []mockspine.Verdict) []string {
	var rules []string
	want := spelling(name)
	for _, v := range failed {
		if containsWord(spelling(v.Reason), want) {
			rules = append(rules, v.Rule)
		}
	}
	return rules
}

func spelling(s string) string {
	s = strings.ToLower(s)
	return strings.NewReplacer("isation", "ization", "ise", "ize").Replace(s)
}

func containsWord(text, word string) bool {
	if word == "" {
		return false
	}
	for i := 0; ; {
		j := strings.Index(text[i:], word)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(word)
		if (start == 0 || !wordChar(text[start-1])) && (end == len(text) || !wordChar(text[end])) {
			return true
		}
		i = start + 1
	}
}

func wordChar(c byte) bool {
	return c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// decodeJWT lays out the token recorded with a request.
func decodeJWT(j *mockspine.JWTInfo, failed []mockspine.Verdict) *jwtView {
	if j == nil {
		return nil
	}
	v := &jwtView{Header: objectLines(j.Header, nil), Claims: objectLines(j.Claims, failed)}
	if v.Claims == nil && len(j.Claims) > 0 {
		v.Raw = string(j.Claims)
	}
	return v
}

// objectLines lists a JSON object's members in the order written.
func objectLines(raw json.RawMessage, failed []mockspine.Verdict) []claimLine {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	out := []claimLine{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return out
		}
		name, _ := t.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return out
		}
		text := string(val)
		var s string
		if json.Unmarshal(val, &s) == nil {
			text = s
		}
		line := claimLine{Name: name, Value: text, Rules: namedBy(name, failed)}
		if n, err := strconv.ParseInt(string(val), 10, 64); err == nil && (name == "exp" || name == "iat" || name == "nbf") {
			line.Value = text + " (" + time.Unix(n, 0).UTC().Format(time.RFC3339) + ")"
		}
		out = append(out, line)
	}
	return out
}

// textView is a body as shown: its lines, numbered from 1, with the lines
// a failed verdict points at.
type textView struct {
	Lines []string `json:"lines"`
	// Marks maps a line number to the rules that point at it.
	Marks map[int][]string `json:"marks,omitempty"`
	// Pretty is true when the body was laid out again to be read (it
	// came on one line); line numbers are then those of the layout.
	Pretty bool   `json:"pretty,omitempty"`
	Format string `json:"format,omitempty"`
	Note   string `json:"note,omitempty"`
}

// Where a verdict's reason points into the body: "line N", and values it
// quotes (in quotes or brackets, or NHS-number-like digit runs).
var (
	lineRef   = regexp.MustCompile(`\bline (\d+)\b`)
	quotedRef = regexp.MustCompile(`"([^"\n]{3,120})"|\(([^()\n]{3,120})\)|\b(\d{6,12})\b`)
)

// prettyBody lays a body out for reading and marks the lines a failed
// verdict points at: the line a verdict names (a "line" field, or "line N"
// in its reason, when the body is shown as sent), and lines holding a
// value its reason quotes.
func prettyBody(body, contentType string, failed []mockspine.Verdict) textView {
	if body == "" {
		return textView{Lines: []string{}}
	}
	format := bodyFormat(contentType, body)
	tv := textView{Format: format}
	lines := splitLines(body)
	if len(lines) <= 2 && len(body) > 120 {
		if p, ok := pretty(body, format); ok {
			lines, tv.Pretty = splitLines(p), true
		}
	}
	tv.Lines = lines
	for _, v := range failed {
		mark := func(n int) {
			if n < 1 || n > len(lines) {
				return
			}
			if tv.Marks == nil {
				tv.Marks = map[int][]string{}
			}
			for _, r := range tv.Marks[n] {
				if r == v.Rule {
					return
				}
			}
			tv.Marks[n] = append(tv.Marks[n], v.Rule)
		}
		if !tv.Pretty {
			for _, n := range verdictLines(v) {
				mark(n)
			}
			for _, m := range lineRef.FindAllStringSubmatch(v.Reason, -1) {
				n, _ := strconv.Atoi(m[1])
				mark(n)
			}
		}
		for _, m := range quotedRef.FindAllStringSubmatch(v.Reason, -1) {
			val := m[1] + m[2] + m[3]
			if strings.TrimSpace(val) == "" {
				continue
			}
			for i, l := range lines {
				if strings.Contains(l, val) {
					mark(i + 1)
				}
			}
		}
	}
	return tv
}

// verdictLines are the body lines a verdict names: its own "line" and
// those of its findings, as the verdict is written in JSON (content rules
// locate each breach).
func verdictLines(v mockspine.Verdict) []int {
	b, err := json.Marshal(v)
	if err != nil || !bytes.Contains(b, []byte(`"line"`)) {
		return nil
	}
	var located struct {
		Line     int `json:"line"`
		Findings []struct {
			Line int `json:"line"`
		} `json:"findings"`
	}
	if json.Unmarshal(b, &located) != nil {
		return nil
	}
	var out []int
	if located.Line > 0 {
		out = append(out, located.Line)
	}
	for _, f := range located.Findings {
		if f.Line > 0 {
			out = append(out, f.Line)
		}
	}
	return out
}

func splitLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	return strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
}

// maxRejudgeReplay bounds how many earlier publishes of its run a re-judged
// request replays (about a second of judging here); past it the request is
// judged alone.
const maxRejudgeReplay = 20000

// apiRejudge judges a held request again under another profile, with the
// clock at the time it was received, as assess --rejudge does (the same
// assessment.Rejudge). The rules that remember judge it against the held
// publishes of its run before it, each judged again under that profile: as
// if the run had been under it. The mock's own memory is left alone.
func (d *Dashboard) apiRejudge(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	e, ok := d.journal.Get(id)
	if !ok {
		writeError(w, http.StatusNotFound, "no request "+id+" is held")
		return
	}
	p, err := mockspine.ParseProfile(r.URL.Query().Get("profile"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	ctx := context.WithoutCancel(r.Context())
	judge := *d.judge // the mock's judge in all but the profile and the run's memory
	judge.Profile = p
	judge.History = d.runBefore(ctx, &judge, e)
	again := e
	ok, err = assessment.Rejudge(ctx, &judge, &again)
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "judging "+id+" again: "+err.Error())
		return
	}
	if !ok {
		writeError(w, http.StatusUnprocessableEntity, "request "+id+" was not a publish (POST to "+mockspine.PublishPath+"), so there is nothing to judge again")
		return
	}
	writeJSON(w, http.StatusOK, d.detail(&again, d.cfg.Verdicts(again), r))
}

// runBefore replays, through judge, the held publishes of e's run received
// before it, and returns the memory they leave; nil (e judged alone) when
// there are more than maxRejudgeReplay of them.
func (d *Dashboard) runBefore(ctx context.Context, judge *mockspine.Judge, e mockspine.Entry) *content.Memory {
	mem := content.NewMemory()
	replay := *judge
	replay.History = mem
	replayed := 0
	for since := uint64(0); since < e.Seq; {
		page, more := d.journal.Page(since, 512)
		for i := range page {
			p := &page[i]
			if p.Seq >= e.Seq {
				return mem
			}
			if p.Run != e.Run || !assessment.IsPublish(p) {
				continue
			}
			if replayed++; replayed > maxRejudgeReplay {
				return nil
			}
			if _, err := assessment.Rejudge(ctx, &replay, p); err != nil {
				return nil
			}
		}
		if !more || len(page) == 0 {
			break
		}
		since = page[len(page)-1].Seq
	}
	return mem
}
