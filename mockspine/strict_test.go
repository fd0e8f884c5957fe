package mockspine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/internal/token"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/publish"
)

// TestStrictReading: requests the mock once judged on only part of what
// they sent. Two Authorization headers (the second with another token), a
// media type parameter with whitespace around "=", and FHIR JSON primitives
// of the wrong JSON type are each refused, naming the rule.
func TestStrictReading(t *testing.T) {
	ts, w, _ := newMock(t, mockspine.Profile2019)
	other := publish.Claims(publish.Sender{ASID: "200000000205", ODS: "B86001"}, "https://nems.example", time.Now())
	otherToken, err := token.Mint(other)
	require.NoError(t, err)
	jsonBody := func(old, repl string) func(t *testing.T, c *publishCase) {
		return func(t *testing.T, c *publishCase) {
			c.format = "json"
			c.header.Set("Content-Type", "application/fhir+json")
			msg, err := publish.Message(c.event, c.messageType, "json", nil)
			require.NoError(t, err)
			require.Contains(t, string(msg), old)
			c.body = []byte(strings.Replace(string(msg), old, repl, 1))
		}
	}
	tests := []struct {
		name    string
		change  func(t *testing.T, c *publishCase)
		status  int
		rule    string
		diagHas string
	}{
		{name: "two Authorization headers", change: func(t *testing.T, c *publishCase) {
			tok, err := token.Mint(c.claims)
			require.NoError(t, err)
			c.header["Authorization"] = []string{"Bearer " + tok, "Bearer " + otherToken}
		}, status: 400, rule: "JWT-BEARER", diagHas: "2 Authorization headers"},
		{name: "two tokens in one Authorization header", change: func(t *testing.T, c *publishCase) {
			tok, err := token.Mint(c.claims)
			require.NoError(t, err)
			c.header.Set("Authorization", "Bearer "+tok+", Bearer "+otherToken)
		}, status: 400, rule: "JWT-BEARER", diagHas: "one Bearer token"},
		{name: "Content-Type charset = utf-8", change: func(t *testing.T, c *publishCase) {
			c.header.Set("Content-Type", "application/fhir+xml;charset = utf-8")
		}, status: 415, rule: "MIME-CONTENT-TYPE", diagHas: "RFC 9110"},
		{name: "Content-Type charset= utf-8", change: func(t *testing.T, c *publishCase) {
			c.header.Set("Content-Type", "application/fhir+xml;charset= utf-8")
		}, status: 415, rule: "MIME-CONTENT-TYPE", diagHas: `whitespace is not allowed after "="`},
		{name: "Accept charset = utf-8", change: func(t *testing.T, c *publishCase) {
			c.header.Set("Accept", "application/fhir+xml;charset = utf-8")
		}, status: 406, rule: "MIME-ACCEPT", diagHas: "RFC 9110"},
		{name: "identifier value as a JSON number", change: jsonBody(`"value": "9990000166"`, `"value": 9990000166`),
			status: 400, rule: "MSG-WELLFORMED", diagHas: "value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCase(t, w)
			tt.change(t, c)
			a := send(t, c.request(t, ts.URL))
			require.Equal(t, tt.status, a.status, "%s", a.raw)
			require.NotNil(t, a.outcome)
			d := a.outcome.Issues[0].Diagnostics
			assert.True(t, strings.HasPrefix(d, "["+tt.rule+"]"), d)
			assert.Contains(t, d, tt.diagHas)
		})
	}
}
