package mockspine_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/mediatype"
	"github.com/nems-harness/nems-harness/internal/token"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
	"github.com/nems-harness/nems-harness/publish"
)

var sender = publish.Sender{ASID: "200000000115", ODS: "RX3EP"}

// publishCase is a conforming publish that a test then alters.
type publishCase struct {
	event, messageType, format string
	patient                    *world.Patient
	claims                     map[string]any
	header                     http.Header
	body                       []byte
	rawToken                   string
}

func newCase(t *testing.T, w *world.World) *publishCase {
	t.Helper()
	c := &publishCase{event: "vaccinations-1", messageType: "new", format: "xml",
		claims: publish.Claims(sender, "https://nems.example", time.Now())}
	c.header = publish.Headers(sender, w.NEMSASID(), c.event, "", mediatype.Default)
	c.header.Del("Accept")
	return c
}

func (c *publishCase) request(t *testing.T, url string) *http.Request {
	t.Helper()
	body := c.body
	if body == nil {
		var err error
		body, err = publish.Message(c.event, c.messageType, c.format, c.patient)
		require.NoError(t, err)
	}
	req, err := http.NewRequest(http.MethodPost, url+mockspine.PublishPath, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header = c.header.Clone()
	if req.Header.Get("Authorization") == "" && c.claims != nil {
		tok := c.rawToken
		if tok == "" {
			tok, err = token.Mint(c.claims)
			require.NoError(t, err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return req
}

func newMock(t *testing.T, p mockspine.Profile) (*httptest.Server, *world.World, *mockspine.Server) {
	t.Helper()
	w, err := fixtures.Default()
	require.NoError(t, err)
	s, err := mockspine.NewServer(mockspine.Config{Profile: p, World: w})
	require.NoError(t, err)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts, w, s
}

type answer struct {
	status      int
	contentType string
	header      http.Header
	outcome     *mockspine.OperationOutcome
	raw         []byte
}

func send(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	a := answer{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), header: resp.Header, raw: b}
	if len(b) > 0 {
		f := mediatype.XML
		if strings.Contains(a.contentType, "json") {
			f = mediatype.JSON
		}
		o, err := mockspine.ParseOperationOutcome(b, f)
		require.NoError(t, err, "answer is not a Spine OperationOutcome: %s", b)
		a.outcome = o
	}
	return a
}

func TestConformingPublishIsAccepted(t *testing.T) {
	ts, w, s := newMock(t, mockspine.Profile2019)
	for _, ev := range mockspine.PublishableEventTypes() {
		for _, mt := range mockspine.MessageEventTypes() {
			for _, format := range []string{"xml", "json"} {
				t.Run(ev.Code+"-"+mt+"."+format, func(t *testing.T) {
					c := newCase(t, w)
					c.event, c.messageType, c.format = ev.Code, mt, format
					c.header = publish.Headers(sender, w.NEMSASID(), ev.Code, "", "application/fhir+"+format)
					a := send(t, c.request(t, ts.URL))
					require.Equal(t, http.StatusAccepted, a.status, "body: %s", a.raw)
					// Only warnings: one new after another, or a delete after
					// a delete, is a life-cycle warning (EVT-LIFECYCLE).
					assertAcceptedBody(t, a.raw, a.contentType)
				})
			}
		}
	}
	// Every request is in the journal, with a verdict for every rule.
	entries := s.Journal().List(0)
	require.Len(t, entries, 30)
	for _, e := range entries {
		require.Len(t, e.Verdicts, len(mockspine.Rules()))
		for _, v := range e.Verdicts {
			switch v.Rule {
			case "EP-CERT":
				assert.Equal(t, mockspine.NotAssessed, v.Outcome, "EP-CERT over plain HTTP")
				continue
			case "MIME-DEFAULT":
				assert.Equal(t, mockspine.NotAssessed, v.Outcome, "both media types were given")
				continue
			}
			if v.Severity != "" {
				// Content rules: no error rule fails; a rule with nothing to
				// judge (no HealthcareService, no earlier message) is not
				// assessed, and a warning may fail (a second new).
				if v.Severity == "error" {
					assert.NotEqual(t, mockspine.Fail, v.Outcome, "%s: %s", v.Rule, v.Reason)
				}
				continue
			}
			assert.Equal(t, mockspine.Pass, v.Outcome, "%s: %s", v.Rule, v.Reason)
		}
	}
}

// TestEveryRuleBreach sends, for each rule, requests that break it one way,
// through the real HTTP handler.
func TestEveryRuleBreach(t *testing.T) {
	ts, w, _ := newMock(t, mockspine.Profile2019)
	pds := func(nhs string) *world.Patient { p, ok := w.Patient(nhs); require.True(t, ok); return p }
	tests := []struct {
		name   string
		rule   string
		alter  func(c *publishCase)
		status int
		code   string
		issue  string
	}{
		{"fromASID missing", "HDR-FROMASID", func(c *publishCase) { c.header.Del("fromASID") }, 400, "MISSING_OR_INVALID_HEADER", "invalid"},
		{"fromASID not numeric", "HDR-FROMASID", func(c *publishCase) { c.header.Set("fromASID", "ASID-1") }, 400, "MISSING_OR_INVALID_HEADER", "invalid"},
		{"fromASID differs from requesting_system", "HDR-FROMASID", func(c *publishCase) { c.header.Set("fromASID", "200000000205") }, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"toASID missing", "HDR-TOASID", func(c *publishCase) { c.header.Del("toASID") }, 400, "MISSING_OR_INVALID_HEADER", "invalid"},
		{"toASID of another system", "HDR-TOASID", func(c *publishCase) { c.header.Set("toASID", "200000000205") }, 403, "ASID_CHECK_FAILED", "forbidden"},
		{"InteractionID missing", "HDR-INTERACTION", func(c *publishCase) { c.header.Del("InteractionID") }, 400, "MISSING_OR_INVALID_HEADER", "invalid"},
		{"InteractionID TBC", "HDR-INTERACTION", func(c *publishCase) { c.header.Set("InteractionID", "TBC") }, 400, "MISSING_OR_INVALID_HEADER", "invalid"},
		{"InteractionID for another event", "HDR-INTERACTION", func(c *publishCase) {
			c.header.Set("InteractionID", "urn:nhs:names:services:events:Nipeoutcome.Write")
		}, 400, "MISSING_OR_INVALID_HEADER", "invalid"},
		{"sender not assured for the interaction", "HDR-INTERACTION", func(c *publishCase) {
			s := publish.Sender{ASID: "200000000205", ODS: "Y01234"}
			c.claims = publish.Claims(s, "https://nems.example", time.Now())
			c.event = "nipe-outcome-1"
			c.header = publish.Headers(s, "999999999999", c.event, "", "")
		}, 403, "ASID_CHECK_FAILED", "forbidden"},
		{"no Authorization", "JWT-BEARER", func(c *publishCase) { c.claims = nil }, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"Basic authorization", "JWT-BEARER", func(c *publishCase) { c.header.Set("Authorization", "Basic dXNlcjpwdw==") }, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"two-part JWT", "JWT-FORMAT", func(c *publishCase) { c.header.Set("Authorization", "Bearer eyJhbGciOiJub25lIn0.e30") }, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"signed JWT", "JWT-FORMAT", func(c *publishCase) {
			c.rawToken = token.MintRaw([]byte(`{"alg":"HS256","typ":"JWT"}`), mustJSON(c.claims), "c2ln")
		}, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"iss missing", "JWT-CLAIMS", func(c *publishCase) { delete(c.claims, "iss") }, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"exp a string", "JWT-CLAIMS", func(c *publishCase) { c.claims["exp"] = "soon" }, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"aud empty", "JWT-CLAIMS", func(c *publishCase) { c.claims["aud"] = "" }, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"exp iat+301", "JWT-TIME", func(c *publishCase) { c.claims["exp"] = c.claims["iat"].(int64) + 301 }, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"iat in the future", "JWT-TIME", func(c *publishCase) {
			iat := time.Now().Add(10 * time.Minute).Unix()
			c.claims["iat"], c.claims["exp"] = iat, iat+300
		}, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"expired", "JWT-TIME", func(c *publishCase) {
			iat := time.Now().Add(-time.Hour).Unix()
			c.claims["iat"], c.claims["exp"] = iat, iat+300
		}, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"reason research", "JWT-REASON", func(c *publishCase) { c.claims["reason_for_request"] = "research" }, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"read scope", "JWT-SCOPE", func(c *publishCase) { c.claims["scope"] = "patient/*.read" }, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"sub a user", "JWT-SUB", func(c *publishCase) { c.claims["sub"] = "https://fhir.nhs.uk/Id/sds-role-profile-id|123" }, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"requesting_system without prefix", "JWT-SYSTEM", func(c *publishCase) {
			c.claims["requesting_system"], c.claims["sub"] = "200000000115", "200000000115"
		}, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"requesting_system unknown ASID", "JWT-SYSTEM", func(c *publishCase) {
			s := publish.Sender{ASID: "123456789012", ODS: "RX3EP"}
			c.claims = publish.Claims(s, "https://nems.example", time.Now())
			c.header.Set("fromASID", s.ASID)
		}, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"organisation missing", "JWT-ORG", func(c *publishCase) { delete(c.claims, "requesting_organization") }, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"organisation unknown", "JWT-ORG", func(c *publishCase) {
			c.claims["requesting_organization"] = "https://fhir.nhs.uk/Id/ods-organization-code|ZZZ99"
		}, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"both spellings disagree", "JWT-ORG", func(c *publishCase) {
			c.claims["requesting_organisation"] = "https://fhir.nhs.uk/Id/ods-organization-code|Y01234"
		}, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"ODS code of another system", "JWT-ORG-ASID", func(c *publishCase) {
			c.claims["requesting_organization"] = "https://fhir.nhs.uk/Id/ods-organization-code|B86010"
		}, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"requesting_user malformed", "JWT-USER", func(c *publishCase) { c.claims["requesting_user"] = "nurse" }, 400, "MISSING_OR_INVALID_HEADER", "structure"},
		{"Content-Type application/json", "MIME-CONTENT-TYPE", func(c *publishCase) { c.header.Set("Content-Type", "application/json") }, 415, "BAD_REQUEST", "not-supported"},
		{"Accept text/html", "MIME-ACCEPT", func(c *publishCase) { c.header.Set("Accept", "text/html") }, 406, "BAD_REQUEST", "not-supported"},
		{"JSON body without Content-Type", "MIME-DEFAULT", func(c *publishCase) { c.format = "json"; c.header.Del("Content-Type") }, 400, "BAD_REQUEST", "invalid"},
		{"truncated XML", "MSG-WELLFORMED", func(c *publishCase) { c.body = []byte(`<Bundle xmlns="http://hl7.org/fhir"><type value="message"/>`) }, 400, "BAD_REQUEST", "invalid"},
		{"XML outside the FHIR namespace", "MSG-WELLFORMED", func(c *publishCase) { c.body = []byte(`<Bundle><type value="message"/></Bundle>`) }, 400, "BAD_REQUEST", "invalid"},
		{"over 3 MB", "MSG-SIZE", func(c *publishCase) { c.body = bytes.Repeat([]byte(" "), mockspine.MaxBody+1) }, 413, "INVALID_REQUEST_MESSAGE", "too-costly"},
		{"collection bundle", "MSG-BUNDLE", func(c *publishCase) { c.body = rewrite(t, c, `<type value="message"/>`, `<type value="collection"/>`) }, 422, "INVALID_RESOURCE", "invalid"},
		{"unknown event code", "MSG-BUNDLE", func(c *publishCase) { c.body = rewrite(t, c, `"vaccinations-1"`, `"vaccinations-9"`) }, 400, "INVALID_CODE_VALUE", "code-invalid"},
		{"message event type cancel", "MSG-BUNDLE", func(c *publishCase) { c.body = rewrite(t, c, `<code value="new"/>`, `<code value="cancel"/>`) }, 422, "INVALID_RESOURCE", "invalid"},
		{"NHS number fails Modulus 11", "NHS-FORMAT", func(c *publishCase) {
			c.patient = &world.Patient{NHSNumber: "9912003889", Family: "DAWKINS", BirthDate: "2017-10-02"}
		}, 400, "INVALID_NHS_NUMBER", "value"},
		{"patient not on PDS", "NHS-TRACED", func(c *publishCase) {
			c.patient = &world.Patient{NHSNumber: "9990001014", Family: "NOBODY", BirthDate: "2001-01-01"}
		}, 400, "INVALID_PATIENT_DEMOGRAPHICS", "business-rule"},
		{"family name differs from PDS", "NHS-TRACED", func(c *publishCase) {
			p := *pds("9990000018")
			p.Family = "ASHWORTH-SMITH"
			c.patient = &p
		}, 400, "INVALID_PATIENT_DEMOGRAPHICS", "business-rule"},
		{"S-flagged patient", "NHS-FLAGS", func(c *publishCase) { c.patient = pds("9990000727") }, 403, "PATIENT_SENSITIVE", "forbidden"},
		{"I-flagged patient", "NHS-FLAGS", func(c *publishCase) { c.patient = pds("9990000794") }, 403, "PATIENT_SENSITIVE", "forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.rule+"/"+tt.name, func(t *testing.T) {
			c := newCase(t, w)
			tt.alter(c)
			a := send(t, c.request(t, ts.URL))
			require.Equal(t, tt.status, a.status, "body: %s", a.raw)
			require.NotNil(t, a.outcome)
			is := findIssue(a.outcome, tt.rule)
			require.NotNil(t, is, "no issue names %s: %s", tt.rule, a.raw)
			assert.Equal(t, tt.code, is.Details.Code)
			assert.Equal(t, tt.issue, is.Code)
			assert.Equal(t, "error", is.Severity)
			assert.Equal(t, mediatype.Default, a.contentType)
			// The first issue is the one that set the status.
			assert.Contains(t, a.outcome.Issues[0].Diagnostics, "["+tt.rule+"]")
		})
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func rewrite(t *testing.T, c *publishCase, old, new string) []byte {
	t.Helper()
	b, err := publish.Message(c.event, c.messageType, c.format, c.patient)
	require.NoError(t, err)
	require.Contains(t, string(b), old)
	return bytes.Replace(b, []byte(old), []byte(new), 1)
}

func findIssue(o *mockspine.OperationOutcome, rule string) *mockspine.Issue {
	for i := range o.Issues {
		if strings.HasPrefix(o.Issues[i].Diagnostics, "["+rule+"]") {
			return &o.Issues[i]
		}
	}
	return nil
}
