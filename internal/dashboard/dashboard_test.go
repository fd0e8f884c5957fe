package dashboard_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/internal/dashboard"
	"github.com/nems-harness/nems-harness/internal/token"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/publish"
)

// badScope is a publish whose JWT scope is wrong: JWT-SCOPE fails.
func badScope(t testing.TB, base string) *http.Request {
	t.Helper()
	req := publishRequest(t, base)
	claims := publish.Claims(sender, "https://nems.example", time.Now())
	claims["scope"] = "patient/*.read"
	jwt, err := token.Mint(claims)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+jwt)
	return req
}

type listPage struct {
	Held   int                 `json:"held"`
	Last   uint64              `json:"last"`
	Lines  []dashboard.Summary `json:"lines"`
	Before uint64              `json:"before"`
}

func list(t *testing.T, h *harness, query string) listPage {
	t.Helper()
	var p listPage
	resp := getJSON(t, h.http.URL+dashboard.Prefix+"api/requests"+query, &p)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	return p
}

func ids(lines []dashboard.Summary) []string {
	out := []string{}
	for _, l := range lines {
		out = append(out, l.ID)
	}
	return out
}

// TestListSummarisesAndFilters: the list shows each request newest first
// with its sender, event, patient, status and the rules it broke, and the
// filters select by status, rule, event and ASID.
func TestListSummarisesAndFilters(t *testing.T) {
	h := newHarness(t)
	require.Equal(t, http.StatusAccepted, send(t, publishRequest(t, h.http.URL)))
	require.Equal(t, http.StatusBadRequest, send(t, badScope(t, h.http.URL)))
	resp, err := http.Get(h.http.URL + "/nowhere")
	require.NoError(t, err)
	resp.Body.Close()

	all := list(t, h, "")
	assert.Equal(t, 3, all.Held)
	require.Equal(t, []string{"r3", "r2", "r1"}, ids(all.Lines))
	good, bad, other := all.Lines[2], all.Lines[1], all.Lines[0]
	assert.Equal(t, "200000000115", good.ASID)
	assert.Equal(t, "RX3EP", good.ODS)
	assert.Equal(t, "vaccinations-1", good.Event)
	assert.Equal(t, "new", good.MessageType)
	assert.NotEmpty(t, good.NHSNumber)
	assert.True(t, good.Judged)
	assert.Empty(t, good.Chips)
	// Content rules of warning severity may add warnings; the failure is
	// JWT-SCOPE alone.
	assert.Equal(t, []dashboard.Chip{{Rule: "JWT-SCOPE", Kind: "fail"}}, failChips(bad.Chips))
	assert.Equal(t, http.StatusBadRequest, bad.Status)
	assert.False(t, other.Judged)

	cases := []struct {
		query string
		want  []string
	}{
		{"?status=4xx", []string{"r3", "r2"}},
		{"?status=202", []string{"r1"}},
		{"?rule=JWT-SCOPE", []string{"r2"}},
		{"?rule=JWT-SCOPE&outcome=pass", []string{"r1"}},
		{"?event=vaccinations-1", []string{"r2", "r1"}},
		{"?asid=200000000115", []string{"r2", "r1"}},
		{"?asid=999", []string{}},
		{"?limit=1", []string{"r3"}},
		{"?before=3", []string{"r2", "r1"}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			assert.Equal(t, c.want, ids(list(t, h, c.query).Lines))
		})
	}
}

type detail struct {
	Summary dashboard.Summary `json:"summary"`
	Groups  []struct {
		Area     string `json:"area"`
		Verdicts []struct {
			Rule    string          `json:"rule"`
			Kind    string          `json:"kind"`
			Verdict json.RawMessage `json:"verdict"`
		} `json:"verdicts"`
	} `json:"groups"`
	Headers []struct {
		Name, Value string
		Rules       []string
	} `json:"headers"`
	JWT struct {
		Header []struct {
			Name, Value string
		} `json:"header"`
		Claims []struct {
			Name, Value string
			Rules       []string
		} `json:"claims"`
	} `json:"jwt"`
	Body struct {
		Lines []string         `json:"lines"`
		Marks map[int][]string `json:"marks"`
	} `json:"body"`
	Response struct {
		Status int `json:"status"`
		Body   struct {
			Lines []string `json:"lines"`
		} `json:"body"`
	} `json:"response"`
	Curl          string   `json:"curl"`
	OtherProfiles []string `json:"otherProfiles"`
}

// TestDetailShowsVerdictsJWTAndAnswer: the verdicts come grouped by area
// in catalogue order, the claim behind the failed rule is marked, and the
// answer is the one sent.
func TestDetailShowsVerdictsJWTAndAnswer(t *testing.T) {
	h := newHarness(t)
	require.Equal(t, http.StatusBadRequest, send(t, badScope(t, h.http.URL)))
	var d detail
	resp := getJSON(t, h.http.URL+dashboard.Prefix+"api/requests/r1", &d)
	require.Equal(t, http.StatusOK, resp.StatusCode)

	var order []string
	areas := map[string]string{}
	for _, g := range d.Groups {
		for _, v := range g.Verdicts {
			order = append(order, v.Rule)
			areas[v.Rule] = g.Area
		}
	}
	var catalogue []string
	for _, r := range mockspine.Rules() {
		if r.AppliesTo(mockspine.Profile2019) {
			catalogue = append(catalogue, r.ID)
			assert.Equal(t, r.Area, areas[r.ID], r.ID)
		}
	}
	// Areas group the rules, so the order is the catalogue's within each
	// area; this catalogue lists each area's rules together but one.
	assert.ElementsMatch(t, catalogue, order)
	for _, g := range d.Groups {
		for i := 1; i < len(g.Verdicts); i++ {
			assert.Less(t, indexOf(catalogue, g.Verdicts[i-1].Rule), indexOf(catalogue, g.Verdicts[i].Rule))
		}
	}

	marked := map[string][]string{}
	for _, c := range d.JWT.Claims {
		marked[c.Name] = c.Rules
	}
	assert.Equal(t, []string{"JWT-SCOPE"}, marked["scope"])
	assert.Empty(t, marked["iss"])
	assert.Contains(t, d.JWT.Header, struct{ Name, Value string }{"alg", "none"})

	assert.Equal(t, http.StatusBadRequest, d.Response.Status)
	assert.Contains(t, strings.Join(d.Response.Body.Lines, "\n"), "[JWT-SCOPE]")
	assert.Contains(t, strings.Join(d.Body.Lines, "\n"), "<Bundle")
	assert.Equal(t, []string{string(mockspine.ProfileCurrent)}, d.OtherProfiles)

	resp = getJSON(t, h.http.URL+dashboard.Prefix+"api/requests/r99", nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

// failChips are the chips of failed (not warned) rules.
func failChips(chips []dashboard.Chip) []dashboard.Chip {
	var out []dashboard.Chip
	for _, c := range chips {
		if c.Kind == "fail" {
			out = append(out, c)
		}
	}
	return out
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// TestRejudgeUnderTheOtherProfile: a JSON publish, accepted under
// nems-2019-01, breaks MIME-CONTENT-TYPE under nems-current.
func TestRejudgeUnderTheOtherProfile(t *testing.T) {
	h := newHarness(t)
	req := publishRequest(t, h.http.URL)
	body, err := publish.Message("vaccinations-1", "new", "json", nil)
	require.NoError(t, err)
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", "application/fhir+json")
	req.Header.Set("Accept", "application/fhir+json")
	require.Equal(t, http.StatusAccepted, send(t, req))

	var d detail
	resp := getJSON(t, h.http.URL+dashboard.Prefix+"api/requests/r1/rejudge?profile=nems-current", &d)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "nems-current", d.Summary.Profile)
	assert.Contains(t, d.Summary.Chips, dashboard.Chip{Rule: "MIME-CONTENT-TYPE", Kind: "fail"})
	assert.Equal(t, http.StatusUnsupportedMediaType, d.Response.Status)

	resp = getJSON(t, h.http.URL+dashboard.Prefix+"api/requests/r1/rejudge?profile=nope", nil)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	// Judged against the run's earlier publishes (none, for r1: nothing to
	// compare with), not the mock's memory of the run, which holds r1
	// itself and which judging again must not add to.
	msgID := func(id, profile string) string {
		var d detail
		getJSON(t, h.http.URL+dashboard.Prefix+"api/requests/"+id+"/rejudge?profile="+profile, &d)
		for _, g := range d.Groups {
			for _, v := range g.Verdicts {
				if v.Rule == "EVT-MSGID-UNIQUE" {
					return v.Kind
				}
			}
		}
		return ""
	}
	assert.Equal(t, "not-assessed", msgID("r1", "nems-2019-01"))
	assert.Equal(t, "not-assessed", msgID("r1", "nems-2019-01"), "judging again remembers nothing")
	// r2 sends r1's message again: judged again, r1 is remembered.
	req = publishRequest(t, h.http.URL)
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", "application/fhir+json")
	req.Header.Set("Accept", "application/fhir+json")
	require.Equal(t, http.StatusAccepted, send(t, req))
	assert.Equal(t, "fail", msgID("r2", "nems-2019-01"))
	// Under nems-current r1 was refused (415), so r2 reuses no accepted id;
	// it is refused itself, and the content rules are not assessed.
	assert.Equal(t, "not-assessed", msgID("r2", "nems-current"))
	// The journal keeps what was recorded.
	e, ok := h.srv.Journal().Get("r1")
	require.True(t, ok)
	assert.Equal(t, mockspine.Profile2019, e.Profile)
}

// TestCopyAsCurlReproducesTheRequest runs the command the detail page
// offers: the mock must record the same header fields and body again.
func TestCopyAsCurlReproducesTheRequest(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	h := newHarness(t)
	req := badScope(t, h.http.URL)
	req.Header.Set("X-Odd", `it's "quoted" $HOME `+"`x`")
	require.Equal(t, http.StatusBadRequest, send(t, req))
	var d detail
	getJSON(t, h.http.URL+dashboard.Prefix+"api/requests/r1", &d)
	out, err := exec.Command("sh", "-c", d.Curl).CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "HTTP/1.1 400")

	first, _ := h.srv.Journal().Get("r1")
	again, ok := h.srv.Journal().Get("r2")
	require.True(t, ok)
	assert.Equal(t, first.Method, again.Method)
	assert.Equal(t, first.Path, again.Path)
	assert.Equal(t, first.Body, again.Body)
	for _, h := range []http.Header{first.Header, again.Header} {
		h.Del("User-Agent") // Go's client sends one of its own; curl is told to send none
		h.Del("Accept-Encoding")
	}
	assert.Equal(t, first.Header, again.Header)
	assert.Equal(t, first.Verdicts, again.Verdicts)
}

type rulesAnswer struct {
	Held  int `json:"held"`
	Rules []struct {
		ID     string         `json:"id"`
		Counts map[string]int `json:"counts"`
		Broke  []string       `json:"broke"`
		Kept   []string       `json:"kept"`
		Rule   struct {
			Text   string `json:"text"`
			Source string `json:"source"`
		} `json:"rule"`
	} `json:"rules"`
}

// TestRulesCountWhatTheTrafficShowed: each rule counts the requests held
// that kept and broke it, and links to them.
func TestRulesCountWhatTheTrafficShowed(t *testing.T) {
	h := newHarness(t)
	send(t, publishRequest(t, h.http.URL))
	send(t, badScope(t, h.http.URL))
	send(t, badScope(t, h.http.URL))
	var a rulesAnswer
	getJSON(t, h.http.URL+dashboard.Prefix+"api/rules", &a)
	assert.Equal(t, 3, a.Held)
	require.Len(t, a.Rules, len(mockspine.Rules()))
	for _, r := range a.Rules {
		assert.NotEmpty(t, r.Rule.Text, r.ID)
		assert.NotEmpty(t, r.Rule.Source, r.ID)
		switch r.ID {
		case "JWT-SCOPE":
			assert.Equal(t, map[string]int{"pass": 1, "fail": 2}, r.Counts)
			assert.Equal(t, []string{"r3", "r2"}, r.Broke)
			assert.Equal(t, []string{"r1"}, r.Kept)
		case "HDR-FROMASID":
			assert.Equal(t, map[string]int{"pass": 3}, r.Counts)
		}
	}
}

// TestReportAndJournalDownload: the report is the HTML assurance report
// of the traffic held, and the journal download is JSON lines assess reads.
func TestReportAndJournalDownload(t *testing.T) {
	h := newHarness(t)
	send(t, publishRequest(t, h.http.URL))
	send(t, badScope(t, h.http.URL))

	resp, err := http.Get(h.http.URL + dashboard.Prefix + "report.html")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/html")
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'none'")
	assert.Contains(t, string(b), "Assurance report: traffic held by the mock")
	assert.Contains(t, string(b), `id="JWT-SCOPE"`)

	resp, err = http.Get(h.http.URL + dashboard.Prefix + "journal.jsonl")
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Contains(t, resp.Header.Get("Content-Disposition"), "journal.jsonl")
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 8<<20)
	var got []string
	for sc.Scan() {
		var e mockspine.Entry
		require.NoError(t, json.Unmarshal(sc.Bytes(), &e))
		got = append(got, e.ID)
		assert.NotEmpty(t, e.Verdicts)
	}
	assert.Equal(t, []string{"r1", "r2"}, got)
}

// TestWorldShowsTheDirectoryAndPDS: the world page's data is the world the
// mock judges against.
func TestWorldShowsTheDirectoryAndPDS(t *testing.T) {
	h := newHarness(t)
	var a struct {
		NEMSASID string `json:"nemsASID"`
		Spine    struct {
			Endpoints []struct {
				ASID string `json:"asid"`
			} `json:"endpoints"`
		} `json:"spine"`
		PDS struct {
			Patients []struct {
				NHSNumber string `json:"nhsNumber"`
			} `json:"patients"`
		} `json:"pds"`
	}
	getJSON(t, h.http.URL+dashboard.Prefix+"api/world", &a)
	w := h.srv.Judge().World
	assert.Equal(t, w.NEMSASID(), a.NEMSASID)
	assert.Len(t, a.Spine.Endpoints, len(w.Spine.Endpoints))
	assert.Len(t, a.PDS.Patients, len(w.PDS.Patients))
}

// TestPagesAreSelfContained: every page and asset forbids requests outside
// the mock and inline script, and the page loads only its own assets.
func TestPagesAreSelfContained(t *testing.T) {
	h := newHarness(t)
	for _, p := range []string{"", "static/app.js", "static/app.css", "api/summary", "api/rules", "nope"} {
		resp, err := http.Get(h.http.URL + dashboard.Prefix + p)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		assert.Contains(t, csp, "default-src 'none'", p)
		assert.Contains(t, csp, "script-src 'self'", p)
		assert.NotContains(t, csp, "unsafe-inline", p)
		assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), p)
		if p == "" {
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			page := string(b)
			assert.NotContains(t, page, "http://")
			assert.NotContains(t, page, "https://")
			assert.NotContains(t, page, "<script>")
			assert.NotContains(t, page, "style=")
		}
		if p == "nope" {
			assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		}
	}
	js, err := http.Get(h.http.URL + dashboard.Prefix + "static/app.js")
	require.NoError(t, err)
	b, _ := io.ReadAll(js.Body)
	js.Body.Close()
	for _, sink := range []string{".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"} {
		assert.False(t, strings.Contains(string(b), sink), "app.js uses %s: values must be set as text", sink)
	}
}

// TestAdminListenerServesOnlyTheDashboardAndAdminAPI: a publish sent to
// the admin listener is refused and not journaled.
func TestAdminListenerServesOnlyTheDashboardAndAdminAPI(t *testing.T) {
	h := newHarness(t)
	admin := dashboard.Admin(h.dash, h.srv)
	cases := []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/", http.StatusFound},
		{http.MethodGet, "/_harness/ui", http.StatusMovedPermanently},
		{http.MethodGet, dashboard.Prefix, http.StatusOK},
		{http.MethodGet, "/_harness/health", http.StatusOK},
		{http.MethodPost, mockspine.PublishPath, http.StatusNotFound},
		{http.MethodGet, "/elsewhere", http.StatusNotFound},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			req, err := http.NewRequest(c.method, c.path, strings.NewReader(""))
			require.NoError(t, err)
			req.Host = "127.0.0.1:4855"
			rec := httptest.NewRecorder()
			admin.ServeHTTP(rec, req)
			assert.Equal(t, c.status, rec.Code)
		})
	}
	assert.Equal(t, uint64(0), h.srv.Journal().Last(), "nothing sent to the admin listener is journaled")

	// Only requests addressed to an IP address or localhost (DNS rebinding).
	for host, want := range map[string]int{"127.0.0.1:4855": http.StatusOK, "[::1]:4855": http.StatusOK,
		"localhost:4855": http.StatusOK, "LOCALHOST": http.StatusOK, "10.1.2.3": http.StatusOK,
		"evil.example:4855": http.StatusMisdirectedRequest, "127.0.0.1.evil.example": http.StatusMisdirectedRequest} {
		req := httptest.NewRequest(http.MethodGet, dashboard.Prefix, nil)
		req.Host = host
		rec := httptest.NewRecorder()
		admin.ServeHTTP(rec, req)
		assert.Equal(t, want, rec.Code, host)
	}
}

// TestWarningsShowAsWarnings: a verdict the catalogue gives as a warning
// (here made one by the dashboard's view) is a warning chip, counted apart
// from failures, on the list, the request and the rules page alike.
func TestWarningsShowAsWarnings(t *testing.T) {
	h := newHarnessWith(t, func(e mockspine.Entry) []mockspine.Verdict {
		vs := append([]mockspine.Verdict(nil), e.Verdicts...)
		for i := range vs {
			if vs[i].Rule == "JWT-SCOPE" && vs[i].Outcome == mockspine.Fail {
				vs[i].Outcome = "warning"
			}
		}
		return vs
	})
	send(t, badScope(t, h.http.URL))
	p := list(t, h, "")
	require.Len(t, p.Lines, 1)
	assert.Contains(t, p.Lines[0].Chips, dashboard.Chip{Rule: "JWT-SCOPE", Kind: "warning"})
	assert.Empty(t, failChips(p.Lines[0].Chips))
	assert.Equal(t, 1, p.Lines[0].Counts["warning"])
	assert.Equal(t, []string{"r1"}, ids(list(t, h, "?rule=JWT-SCOPE&outcome=warning").Lines))

	var d detail
	getJSON(t, h.http.URL+dashboard.Prefix+"api/requests/r1", &d)
	kinds := map[string]string{}
	for _, g := range d.Groups {
		for _, v := range g.Verdicts {
			kinds[v.Rule] = v.Kind
		}
	}
	assert.Equal(t, "warning", kinds["JWT-SCOPE"])

	var a rulesAnswer
	getJSON(t, h.http.URL+dashboard.Prefix+"api/rules", &a)
	for _, r := range a.Rules {
		if r.ID == "JWT-SCOPE" {
			assert.Equal(t, map[string]int{"warning": 1}, r.Counts)
			assert.Equal(t, []string{"r1"}, r.Broke)
		}
	}
}

// TestContentRulesShowWithTheirFindings: a content rule of warning
// severity that the message breaks is a warning chip on an accepted
// publish, and a content error's findings point at lines of the body.
func TestContentRulesShowWithTheirFindings(t *testing.T) {
	h := newHarness(t)
	req := publishRequest(t, h.http.URL)
	body, _ := io.ReadAll(req.Body)
	msg := string(body)
	require.Contains(t, msg, `<name value="RIVERSIDE CHILD HEALTH SYSTEM"/>`)
	msg = strings.Replace(msg, `<name value="RIVERSIDE CHILD HEALTH SYSTEM"/>`, "", 1)
	require.Contains(t, msg, `<status value="completed"/>`)
	msg = strings.Replace(msg, `<status value="completed"/>`, `<status value="finished-ish"/>`, 1)
	req.Body = io.NopCloser(strings.NewReader(msg))
	req.ContentLength = int64(len(msg))
	status := send(t, req)

	p := list(t, h, "")
	require.Len(t, p.Lines, 1)
	kinds := map[string]string{}
	for _, c := range p.Lines[0].Chips {
		kinds[c.Rule] = c.Kind
	}
	assert.Equal(t, "warning", kinds["EVT-SOURCE-NAME"], "chips: %v (status %d)", p.Lines[0].Chips, status)

	var d detail
	getJSON(t, h.http.URL+dashboard.Prefix+"api/requests/r1", &d)
	statusLine := 0
	for i, l := range d.Body.Lines {
		if strings.Contains(l, "finished-ish") {
			statusLine = i + 1
		}
	}
	require.NotZero(t, statusLine)
	t.Logf("marks: %v", d.Body.Marks)
	assert.NotEmpty(t, d.Body.Marks[statusLine], "the line of the bad status is marked")
	var areas []string
	for _, g := range d.Groups {
		areas = append(areas, g.Area)
	}
	assert.Contains(t, areas, mockspine.AreaContent)
}
