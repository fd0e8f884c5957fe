package mockspine_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
	"github.com/nems-harness/nems-harness/publish"
)

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if v != nil {
		require.NoError(t, json.Unmarshal(b, v), string(b))
	}
	return resp.StatusCode
}

func TestAdminAPI(t *testing.T) {
	ts, w, _ := newMock(t, mockspine.Profile2019)
	var health map[string]any
	require.Equal(t, 200, getJSON(t, ts.URL+"/_harness/health", &health))
	assert.Equal(t, "ok", health["status"])
	assert.Equal(t, "nems-2019-01", health["profile"])

	var rules []map[string]any
	require.Equal(t, 200, getJSON(t, ts.URL+"/_harness/rules", &rules))
	assert.Len(t, rules, len(mockspine.Rules()))
	assert.Equal(t, "EP-CERT", rules[0]["id"])

	c := newCase(t, w)
	c.claims["scope"] = "patient/*.read"
	a := send(t, c.request(t, ts.URL))
	require.Equal(t, 400, a.status)

	var entries []mockspine.Entry
	require.Equal(t, 200, getJSON(t, ts.URL+"/_harness/requests", &entries))
	require.Len(t, entries, 1)
	e := entries[0]
	assert.Equal(t, "POST", e.Method)
	assert.Equal(t, mockspine.PublishPath, e.Path)
	assert.Contains(t, e.Body, "vaccinations-1")
	require.NotNil(t, e.JWT)
	assert.Contains(t, string(e.JWT.Claims), "patient/*.read")
	assert.Equal(t, 400, e.Response.Status)
	assert.Contains(t, e.Response.Body, "[JWT-SCOPE]")
	var scope mockspine.Verdict
	for _, v := range e.Verdicts {
		if v.Rule == "JWT-SCOPE" {
			scope = v
		}
	}
	assert.Equal(t, mockspine.Fail, scope.Outcome)

	var one mockspine.Entry
	require.Equal(t, 200, getJSON(t, ts.URL+"/_harness/requests/"+e.ID, &one))
	assert.Equal(t, e.ID, one.ID)
	require.Equal(t, 404, getJSON(t, ts.URL+"/_harness/requests/r999", nil))
	require.Equal(t, 200, getJSON(t, ts.URL+"/_harness/requests?since="+"1", &entries))
	assert.Empty(t, entries)
	require.Equal(t, 400, getJSON(t, ts.URL+"/_harness/requests?since=x", nil))

	req, _ := http.NewRequest(http.MethodDelete, ts.URL+"/_harness/requests", nil)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Equal(t, 200, getJSON(t, ts.URL+"/_harness/requests", &entries))
	assert.Empty(t, entries)
}

func TestWrongPathAndMethod(t *testing.T) {
	ts, _, s := newMock(t, mockspine.Profile2019)
	tests := []struct {
		method, path, accept string
		status               int
		code, contentType    string
	}{
		{"GET", mockspine.PublishPath, "", 405, "BAD_REQUEST", "application/xml+fhir;charset=utf-8"},
		{"PUT", mockspine.PublishPath2019, "application/fhir+json", 405, "BAD_REQUEST", "application/fhir+json"},
		{"POST", "/STU3/Events/1/$process-messages", "", 404, "NO_RECORD_FOUND", "application/xml+fhir;charset=utf-8"},
		{"POST", "/", "application/json+fhir", 404, "NO_RECORD_FOUND", "application/json+fhir"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, ts.URL+tt.path, strings.NewReader("x"))
			require.NoError(t, err)
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			a := send(t, req)
			assert.Equal(t, tt.status, a.status)
			assert.Equal(t, tt.contentType, a.contentType)
			require.NotNil(t, a.outcome)
			assert.Equal(t, tt.code, a.outcome.Issues[0].Details.Code)
		})
	}
	assert.Len(t, s.Journal().List(0), len(tests), "every request is journaled")
}

func TestAnswerFollowsAccept(t *testing.T) {
	ts, w, _ := newMock(t, mockspine.Profile2019)
	tests := []struct{ accept, want string }{
		{"", "application/xml+fhir;charset=utf-8"},
		{"*/*", "application/xml+fhir;charset=utf-8"},
		{"application/*", "application/xml+fhir;charset=utf-8"},
		{"application/fhir+json", "application/fhir+json"},
		{"application/fhir+json;charset=utf-8", "application/fhir+json;charset=utf-8"},
		{"application/json+fhir;q=0.5, application/fhir+xml", "application/fhir+xml"},
		{"text/html", "application/xml+fhir;charset=utf-8"}, // 406 is answered in the default
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			c := newCase(t, w)
			c.claims["scope"] = "x"
			if tt.accept != "" {
				c.header.Set("Accept", tt.accept)
			}
			a := send(t, c.request(t, ts.URL))
			assert.Equal(t, tt.want, a.contentType)
			require.NotNil(t, a.outcome)
		})
	}
}

func TestEveryBreachIsListed(t *testing.T) {
	ts, w, _ := newMock(t, mockspine.Profile2019)
	c := newCase(t, w)
	c.claims["scope"] = "patient/*.read"
	c.claims["reason_for_request"] = "audit"
	c.header.Set("toASID", "1")
	a := send(t, c.request(t, ts.URL))
	require.NotNil(t, a.outcome)
	// toASID comes first in the catalogue, so it sets the status.
	assert.Equal(t, 403, a.status)
	var rules []string
	for _, is := range a.outcome.Issues {
		rules = append(rules, strings.SplitN(strings.TrimPrefix(is.Diagnostics, "["), "]", 2)[0])
	}
	assert.Equal(t, []string{"HDR-TOASID", "JWT-REASON", "JWT-SCOPE"}, rules)
}

func TestWWWAuthenticateOnMissingToken(t *testing.T) {
	ts, w, _ := newMock(t, mockspine.Profile2019)
	c := newCase(t, w)
	c.claims = nil
	a := send(t, c.request(t, ts.URL))
	assert.Equal(t, 400, a.status)
	assert.Contains(t, a.header.Get("WWW-Authenticate"), "Bearer")
}

func TestProfileCurrent(t *testing.T) {
	ts, w, _ := newMock(t, mockspine.ProfileCurrent)
	c := newCase(t, w)
	c.format = "json"
	c.header.Set("Content-Type", "application/fhir+json")
	a := send(t, c.request(t, ts.URL))
	assert.Equal(t, 415, a.status)

	// sub must equal requesting_user when it is present.
	c = newCase(t, w)
	user := "https://fhir.nhs.uk/Id/sds-role-profile-id|555"
	c.claims["requesting_user"] = user
	a = send(t, c.request(t, ts.URL))
	require.Equal(t, 400, a.status)
	assert.Contains(t, a.outcome.Issues[0].Diagnostics, "[JWT-SUB]")
	c.claims["sub"] = user
	a = send(t, c.request(t, ts.URL))
	assert.Equal(t, 202, a.status, string(a.raw))
}

func TestResourceFormClaims2019(t *testing.T) {
	ts, w, _ := newMock(t, mockspine.Profile2019)
	c := newCase(t, w)
	c.claims["requesting_system"] = map[string]any{"resourceType": "Device", "id": "dev-1",
		"identifier": []any{map[string]any{"system": "https://fhir.nhs.uk/Id/accredited-system", "value": "200000000115"}}}
	c.claims["sub"] = "dev-1"
	delete(c.claims, "requesting_organization")
	c.claims["requesting_organisation"] = map[string]any{"resourceType": "Organization",
		"identifier": []any{map[string]any{"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "RX3EP"}}}
	a := send(t, c.request(t, ts.URL))
	assert.Equal(t, 202, a.status, string(a.raw))

	c.claims["sub"] = "dev-2"
	a = send(t, c.request(t, ts.URL))
	require.Equal(t, 400, a.status)
	assert.Contains(t, a.outcome.Issues[0].Diagnostics, "[JWT-SUB]")

	// The same claims are refused in today's profile.
	ts2, _, _ := newMock(t, mockspine.ProfileCurrent)
	c.claims["sub"] = "dev-1"
	a = send(t, c.request(t, ts2.URL))
	assert.Equal(t, 400, a.status)
}

func TestDeprecatedEvent(t *testing.T) {
	def, err := fixtures.Default()
	require.NoError(t, err)
	for _, tt := range []struct {
		date   string
		status int
	}{{"2999-01-01", 202}, {"2001-01-01", 403}} {
		t.Run(tt.date, func(t *testing.T) {
			spine := def.Spine
			spine.DeprecatedEvents = []world.DeprecatedEvent{{Code: "vaccinations-1", Date: tt.date, URL: "https://example/deprecation"}}
			w, err := world.New(spine, def.PDS)
			require.NoError(t, err)
			s, err := mockspine.NewServer(mockspine.Config{World: w})
			require.NoError(t, err)
			j, err := s.Judge().Evaluate(t.Context(), mockspine.Request{Method: "POST", Path: mockspine.PublishPath,
				Header: conformingHeader(t, w), Body: string(mustMessage(t))})
			require.NoError(t, err)
			assert.Equal(t, tt.status, j.Response.Status)
			o, err := mockspine.ParseOperationOutcome(j.Response.Body, "xml")
			require.NoError(t, err)
			if tt.status == 202 {
				assert.Equal(t, "information", o.Issues[0].Severity)
				assert.Equal(t, "DEPRECATED", o.Issues[0].Details.Code)
				assert.Contains(t, o.Issues[0].Diagnostics, "01/01/2999")
			} else {
				assert.Contains(t, o.Issues[0].Diagnostics, "[MSG-BUNDLE]")
			}
		})
	}
}

func conformingHeader(t *testing.T, w *world.World) http.Header {
	t.Helper()
	tok, err := publish.Token(sender, "https://nems.example", time.Now())
	require.NoError(t, err)
	return publish.Headers(sender, w.NEMSASID(), "vaccinations-1", tok, "application/fhir+xml")
}

func mustMessage(t *testing.T) []byte {
	t.Helper()
	b, err := publish.Message("vaccinations-1", "new", "xml", nil)
	require.NoError(t, err)
	return b
}

func TestAdminListPages(t *testing.T) {
	ts, w, _ := newMock(t, mockspine.Profile2019)
	for i := 0; i < 5; i++ {
		c := newCase(t, w)
		send(t, c.request(t, ts.URL))
	}
	resp, err := http.Get(ts.URL + "/_harness/requests?limit=2")
	require.NoError(t, err)
	var page []mockspine.Entry
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&page))
	resp.Body.Close()
	require.Len(t, page, 2)
	assert.Equal(t, "2", resp.Header.Get("X-Next-Since"))
	require.Equal(t, 200, getJSON(t, ts.URL+"/_harness/requests?since=2&limit=2", &page))
	require.Len(t, page, 2)
	assert.Equal(t, uint64(3), page[0].Seq)
	require.Equal(t, 400, getJSON(t, ts.URL+"/_harness/requests?limit=0", nil))
	require.Equal(t, 400, getJSON(t, ts.URL+"/_harness/requests?limit=100000", nil))
}
