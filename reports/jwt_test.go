package reports

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDecodeJWT(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	good := sampleJWT("patient/*.read")
	for _, tc := range []struct {
		name      string
		token     string
		underTest []string
		marked    []string
		problem   string
	}{
		{"marks the claim under test", good, []string{"scope"}, []string{"scope"}, ""},
		{"marks several", good, []string{"sub", "requesting_system"}, []string{"sub", "requesting_system"}, ""},
		{"a claim the token lacks is not marked", good, []string{"requesting_user"}, nil, ""},
		{"two parts", enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(`{"scope":"x"}`)), []string{"scope"}, []string{"scope"}, "2 part(s)"},
		{"one part", "garbage", nil, nil, "1 part(s)"},
		{"not base64", "!!.??.", nil, nil, "not base64url"},
		{"not JSON", enc([]byte("hello")) + "." + enc([]byte("{")) + ".", nil, nil, "not JSON"},
		{"signed", good + "c2ln", nil, nil, "signature"},
		{"a nested value's keys are not claims", enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(`{"requesting_system":{"scope":"x"}}`)) + ".", []string{"scope"}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := decodeJWT(tc.token, tc.underTest)
			assert.Equal(t, tc.token, d.Raw)
			assert.Equal(t, tc.marked, d.Marked)
			if tc.problem == "" {
				assert.Empty(t, d.Problem)
			} else {
				assert.Contains(t, d.Problem, tc.problem)
			}
			n := 0
			for _, l := range d.Claims {
				if l.Marked {
					n++
				}
			}
			assert.Equal(t, len(tc.marked), n, "marked lines")
		})
	}
}

func TestClaimsUnderTest(t *testing.T) {
	tok := sampleJWT("patient/*.read")
	scopeRow := RuleRow{ID: "JWT-SCOPE", Text: "The scope claim is exactly patient/Bundle.write."}
	for _, tc := range []struct {
		name string
		row  RuleRow
		e    Evidence
		want []string
	}{
		{"named by the evidence", scopeRow, Evidence{Claims: []string{"exp"}, Message: "scope"}, []string{"exp"}},
		{"named by the message", scopeRow, Evidence{Message: "[JWT-SUB] sub differs from requesting_system"}, []string{"requesting_system", "sub"}},
		{"named by the rule's text", scopeRow, Evidence{Message: "[JWT-SCOPE] Required scopes not found"}, []string{"scope"}},
		{"upper case is not a claim", RuleRow{Text: "SCOPE"}, Evidence{}, nil},
		{"a rule about headers names none", RuleRow{Text: "Content-Type is supported"}, Evidence{Message: "415"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, claimsUnderTest(tc.row, tc.e, tok))
		})
	}
}

func TestBearerTokens(t *testing.T) {
	m := &HTTPMessage{Header: map[string][]string{
		"authorization": {"Bearer a.b.", "bearer  c.d. ", "Basic xyz", "Bearer"},
		"X-Other":       {"Bearer e.f."},
	}}
	assert.Equal(t, []string{"a.b.", "c.d."}, bearerTokens(m))
	assert.Nil(t, bearerTokens(nil))
}
