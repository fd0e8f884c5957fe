package token

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const noneHeader = `{"alg":"none","typ":"JWT"}`

// spineClaims is a payload shaped like the one the guidance asks for.
func spineClaims() map[string]any {
	return map[string]any{
		"iss":                     "https://sender.example/nems",
		"sub":                     "https://fhir.nhs.uk/Id/accredited-system|200000000205",
		"aud":                     "https://clinicals.spineservices.nhs.uk",
		"exp":                     int64(1469436987),
		"iat":                     int64(1469436687),
		"reason_for_request":      "directcare",
		"scope":                   "patient/Bundle.write",
		"requesting_system":       "https://fhir.nhs.uk/Id/accredited-system|200000000205",
		"requesting_organisation": "https://fhir.nhs.uk/Id/ods-organization-code|X09",
	}
}

// Spine Core's own example token (security_jwt.md, "Complete JWT").
const spineCoreExample = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczovL2Nhcy5uaHMudWsiLCJzdWIiOiJodHRwczovL2ZoaXIubmhzLnVrL0lkL3Nkcy1yb2xlLXByb2ZpbGUtaWR8Mzg3NDI5Nzg1MzA5Mjc1IiwiYXVkIjoiaHR0cHM6Ly9jbGluaWNhbHMuc3BpbmVzZXJ2aWNlcy5uaHMudWsiLCJleHAiOjE0Njk0MzY5ODcsImlhdCI6MTQ2OTQzNjY4NywicmVhc29uX2Zvcl9yZXF1ZXN0IjoiZGlyZWN0Y2FyZSIsInNjb3BlIjoicGF0aWVudC8qLnJlYWQiLCJyZXF1ZXN0aW5nX3N5c3RlbSI6Imh0dHBzOi8vZmhpci5uaHMudWsvSWQvYWNjcmVkaXRlZC1zeXN0ZW18MjAwMDAwMDAwMjA1IiwicmVxdWVzdGluZ191c2VyIjoiaHR0cHM6Ly9maGlyLm5ocy51ay9JZC9zZHMtcm9sZS1wcm9maWxlLWlkfDQzODcyOTM4NzQ5MjgifQ."

func TestMintParseRoundTrip(t *testing.T) {
	claims := spineClaims()
	claims["requesting_system"] = map[string]any{
		"resourceType": "Device",
		"id":           "1",
		"identifier":   []any{map[string]any{"system": "https://fhir.nhs.uk/Id/accredited-system", "value": "200000000205"}},
	}
	raw, err := Mint(claims)
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(raw, "."), "trailing dot of the empty signature")
	assert.Equal(t, 2, strings.Count(raw, "."))

	header, err := base64.RawURLEncoding.DecodeString(strings.Split(raw, ".")[0])
	require.NoError(t, err)
	assert.JSONEq(t, noneHeader, string(header))

	tok, err := Parse(raw)
	require.NoError(t, err)
	assert.Equal(t, raw, tok.Raw)
	assert.Equal(t, "none", tok.Header["alg"])
	assert.Equal(t, "JWT", tok.Header["typ"])
	assert.Equal(t, json.Number("1469436987"), tok.Claims["exp"])

	want, err := json.Marshal(claims)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(tok.ClaimsJSON))

	exp, present, err := tok.Int("exp")
	require.NoError(t, err)
	assert.True(t, present)
	assert.Equal(t, int64(1469436987), exp)

	scope, present, err := tok.String("scope")
	require.NoError(t, err)
	assert.True(t, present)
	assert.Equal(t, "patient/Bundle.write", scope)
}

func TestMintNilAndUnencodable(t *testing.T) {
	raw, err := Mint(nil)
	require.NoError(t, err)
	tok, err := Parse(raw)
	require.NoError(t, err)
	assert.Empty(t, tok.Claims)
	assert.Equal(t, "{}", string(tok.ClaimsJSON))

	_, err = Mint(map[string]any{"bad": make(chan int)})
	assert.Error(t, err)
}

func TestParseSpineCoreExample(t *testing.T) {
	tok, err := Parse(spineCoreExample)
	require.NoError(t, err)
	sub, present, err := tok.String("sub")
	require.NoError(t, err)
	assert.True(t, present)
	assert.Equal(t, "https://fhir.nhs.uk/Id/sds-role-profile-id|387429785309275", sub)
}

func TestMintRaw(t *testing.T) {
	raw := MintRaw([]byte(noneHeader), []byte(`{"a":1}`), "")
	assert.Equal(t, "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJhIjoxfQ.", raw)
	assert.Equal(t, "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJhIjoxfQ.sig", MintRaw([]byte(noneHeader), []byte(`{"a":1}`), "sig"))
}

func TestParseMalformed(t *testing.T) {
	b64 := base64.RawURLEncoding.EncodeToString
	good := MintRaw([]byte(noneHeader), []byte(`{"sub":"x"}`), "")
	goodHeader, goodPayload := b64([]byte(noneHeader)), b64([]byte(`{"sub":"x"}`))

	tests := []struct {
		name string
		raw  string
		err  string // exact text
		has  string // or a substring
	}{
		{name: "empty", raw: "", err: "The JWT associated with the Authorisation header must have the 3 sections, found 1"},
		{name: "one part", raw: "abc", err: "The JWT associated with the Authorisation header must have the 3 sections, found 1"},
		{name: "2 parts (missing trailing dot)", raw: strings.TrimSuffix(good, "."),
			err: `The JWT associated with the Authorisation header must have the 3 sections, found 2: an unsigned token must end with "." after the payload (the empty signature)`},
		{name: "2 parts ending in a dot", raw: goodHeader + ".", err: "The JWT associated with the Authorisation header must have the 3 sections, found 2"},
		{name: "4 parts", raw: good + ".", err: "The JWT associated with the Authorisation header must have the 3 sections, found 4"},
		{name: "empty header", raw: "." + goodPayload + ".", err: "JWT header section is empty"},
		{name: "empty payload", raw: goodHeader + "..", err: "JWT payload section is empty"},
		{name: "non-empty signature", raw: good + "c2ln", err: `JWT signature must be empty (unsigned token), found 4 characters after the second "."`},
		{name: "alg HS256", raw: MintRaw([]byte(`{"alg":"HS256","typ":"JWT"}`), []byte(`{}`), "c2ln"), err: `JWT header alg must be "none", is "HS256"`},
		{name: "alg None", raw: MintRaw([]byte(`{"alg":"None","typ":"JWT"}`), []byte(`{}`), ""), err: `JWT header alg must be "none", is "None"`},
		{name: "alg not a string", raw: MintRaw([]byte(`{"alg":0,"typ":"JWT"}`), []byte(`{}`), ""), err: `JWT header alg must be "none", is the number 0`},
		{name: "alg missing", raw: MintRaw([]byte(`{"typ":"JWT"}`), []byte(`{}`), ""), err: `JWT header has no alg; it must be "none"`},
		{name: "typ missing", raw: MintRaw([]byte(`{"alg":"none"}`), []byte(`{}`), ""), err: `JWT header has no typ; it must be "JWT"`},
		{name: "typ other", raw: MintRaw([]byte(`{"alg":"none","typ":"JWS"}`), []byte(`{}`), ""), err: `JWT header typ must be "JWT", is "JWS"`},
		{name: "typ null", raw: MintRaw([]byte(`{"alg":"none","typ":null}`), []byte(`{}`), ""), err: `JWT header typ must be "JWT", is null`},
		{name: "crit", raw: MintRaw([]byte(`{"alg":"none","typ":"JWT","crit":["exp"]}`), []byte(`{}`), ""), has: "must not have crit"},
		{name: "padded header", raw: b64([]byte(`{"alg":"none","typ":"JWT" }`)) + "==." + goodPayload + ".",
			has: `JWT header is base64url with "=" padding (offset 36 of the token); RFC 7515 requires base64url without padding`},
		{name: "padded payload", raw: goodHeader + "." + base64.URLEncoding.EncodeToString([]byte(`{"a":1}`)) + ".",
			has: `JWT payload is base64url with "=" padding`},
		{name: "standard base64 character", raw: goodHeader + ".eyJ+IjoxfQ.", has: `JWT payload is not base64url: '+' at offset 39 of the token is not in the base64url alphabet (standard base64 used instead of base64url?)`},
		{name: "space", raw: goodHeader + ".eyJ hIjoxfQ.", has: `' ' at offset 39`},
		{name: "newline", raw: goodHeader + ".eyJh\nIjoxfQ.", has: `'\n' at offset 40`},
		{name: "non-ASCII", raw: goodHeader + ".eyJé.", has: `'é' at offset 39`},
		{name: "invalid byte", raw: goodHeader + ".eyJ\xff.", has: `byte 0xFF at offset 39`},
		{name: "impossible length", raw: goodHeader + ".eyJhI.", err: "JWT payload is not valid base64url: 5 characters cannot encode whole bytes"},
		{name: "non-canonical trailing bits", raw: goodHeader + ".eyJhIjoxfR.", has: "JWT payload is not canonical base64url"},
		{name: "header not JSON", raw: MintRaw([]byte(`alg=none`), []byte(`{}`), ""), has: "JWT header is not valid JSON: invalid character 'a' looking for beginning of value (offset 1 of the decoded header)"},
		{name: "header array", raw: MintRaw([]byte(`["none"]`), []byte(`{}`), ""), err: "JWT header is not a JSON object: it is an array"},
		{name: "payload array", raw: MintRaw([]byte(noneHeader), []byte(`[{"sub":"x"}]`), ""), err: "JWT payload is not a JSON object: it is an array"},
		{name: "payload string", raw: MintRaw([]byte(noneHeader), []byte(`"sub"`), ""), err: "JWT payload is not a JSON object: it is a string"},
		{name: "payload null", raw: MintRaw([]byte(noneHeader), []byte(`null`), ""), err: "JWT payload is not a JSON object: it is null"},
		{name: "payload number", raw: MintRaw([]byte(noneHeader), []byte(` 12`), ""), err: "JWT payload is not a JSON object: it is a number"},
		{name: "payload two objects", raw: MintRaw([]byte(noneHeader), []byte(`{}{}`), ""), has: "JWT payload is not valid JSON: invalid character '{' after top-level value"},
		{name: "payload truncated", raw: MintRaw([]byte(noneHeader), []byte(`{"sub":`), ""), has: "JWT payload is not valid JSON: unexpected end of JSON input"},
		{name: "duplicate claim", raw: MintRaw([]byte(noneHeader), []byte(`{"sub":"a","iss":"b","sub":"c"}`), ""), err: `JWT payload has the claim "sub" more than once`},
		{name: "duplicate claim by escape", raw: MintRaw([]byte(noneHeader), []byte(`{"sub":"a","\u0073ub":"c"}`), ""), err: `JWT payload has the claim "sub" more than once`},
		{name: "duplicate nested name", raw: MintRaw([]byte(noneHeader), []byte(`{"requesting_system":{"id":"1","identifier":[{"value":"1","value":"2"}]}}`), ""),
			err: `JWT payload has the name "value" more than once inside claim "requesting_system"`},
		{name: "duplicate in a wide object", raw: MintRaw([]byte(noneHeader), []byte(wideObject(40, "k7")), ""), err: `JWT payload has the claim "k7" more than once`},
		{name: "duplicate in a wide nested object", raw: MintRaw([]byte(noneHeader), []byte(`{"x":`+wideObject(40, "k39")+`}`), ""),
			err: `JWT payload has the name "k39" more than once inside claim "x"`},
		{name: "duplicate name with escapes", raw: MintRaw([]byte(noneHeader), []byte(`{"a\\\"b":1,"a\\\u0022b":2}`), ""), err: `JWT payload has the claim "a\\\"b" more than once`},
		{name: "duplicate header parameter", raw: MintRaw([]byte(`{"alg":"none","typ":"JWT","alg":"HS256"}`), []byte(`{}`), ""), err: `JWT header has the parameter "alg" more than once`},
		{name: "invalid UTF-8 in payload", raw: MintRaw([]byte(noneHeader), []byte("{\"sub\":\"a\xffb\"}"), ""), err: "JWT payload is not valid UTF-8: byte 0xFF at offset 9 of the decoded payload"},
		{name: "invalid UTF-8 in header", raw: MintRaw([]byte("{\"alg\":\"none\",\"typ\":\"JWT\",\"x\":\"\xc3\"}"), []byte(`{}`), ""), has: "JWT header is not valid UTF-8: byte 0xC3"},
		{name: "BOM", raw: MintRaw([]byte(noneHeader), []byte("\ufeff{}"), ""), has: "JWT payload is not valid JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := Parse(tc.raw)
			require.Error(t, err)
			assert.Nil(t, tok)
			if tc.err != "" {
				assert.Equal(t, tc.err, err.Error())
			} else {
				assert.Contains(t, err.Error(), tc.has)
			}
		})
	}
}

// wideObject returns a JSON object with n names k0…k(n-1), each a string,
// followed by a repeat of dup when dup is not empty.
func wideObject(n int, dup string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%q:%d", fmt.Sprintf("k%d", i), i)
	}
	if dup != "" {
		fmt.Fprintf(&b, ",%q:null", dup)
	}
	b.WriteString("}")
	return b.String()
}

func TestParseSectionsErrorWrapsSentinel(t *testing.T) {
	_, err := Parse("a.b")
	assert.True(t, errors.Is(err, ErrSections))
	_, err = Parse(MintRaw([]byte(noneHeader), []byte(`[]`), ""))
	assert.False(t, errors.Is(err, ErrSections))
}

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name string
		raw  string
	}{
		{name: "typ lower case", raw: MintRaw([]byte(`{"alg":"none","typ":"jwt"}`), []byte(`{}`), "")},
		{name: "header order and spaces", raw: MintRaw([]byte(" {\n \"typ\" : \"JWT\", \"alg\" : \"none\" } "), []byte(`{}`), "")},
		{name: "extra header parameter", raw: MintRaw([]byte(`{"alg":"none","typ":"JWT","kid":"k"}`), []byte(`{}`), "")},
		{name: "same name in different objects", raw: MintRaw([]byte(noneHeader), []byte(`{"a":{"id":1},"b":{"id":2},"id":[{"id":3},{"id":4}]}`), "")},
		{name: "wide object", raw: MintRaw([]byte(noneHeader), []byte(wideObject(100, "")), "")},
		{name: "names reused after nested objects close", raw: MintRaw([]byte(noneHeader), []byte(`{"a":{"b":{"c":1}},"b":{"c":[{"a":1}]},"c":"a"}`), "")},
		{name: "strings that look like names", raw: MintRaw([]byte(noneHeader), []byte(`{"a":"a","b":["a","a"],"c":{"d":"d","e":"d"}}`), "")},
		{name: "non-ASCII claim", raw: MintRaw([]byte(noneHeader), []byte(`{"iss":"Zoë"}`), "")},
		{name: "space before closing brace", raw: MintRaw([]byte(noneHeader), []byte(`{"a":"x" }`), "")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := Parse(tc.raw)
			require.NoError(t, err)
			assert.Equal(t, "none", tok.Header["alg"])
		})
	}
	// Payload lengths with each remainder mod 3 decode.
	for n := range 4 {
		payload := `{"a":"` + strings.Repeat("x", n) + `"}`
		_, err := Parse(MintRaw([]byte(noneHeader), []byte(payload), ""))
		assert.NoError(t, err, payload)
	}
}

func TestParseHugeToken(t *testing.T) {
	raw, err := Mint(map[string]any{"big": strings.Repeat("a", 1<<20)})
	require.NoError(t, err)
	require.Greater(t, len(raw), 1<<20)
	tok, err := Parse(raw)
	require.NoError(t, err)
	big, _, err := tok.String("big")
	require.NoError(t, err)
	assert.Len(t, big, 1<<20)

	// Deep nesting fails cleanly rather than overflowing anything.
	deep := `{"a":` + strings.Repeat("[", 1<<20) + strings.Repeat("]", 1<<20) + "}"
	_, err = Parse(MintRaw([]byte(noneHeader), []byte(deep), ""))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "JWT payload is not valid JSON")
}

func TestClaimAccessors(t *testing.T) {
	raw := MintRaw([]byte(noneHeader), []byte(`{
		"exp": 1469436987, "iat": -0, "frac": 1.5, "whole": 1.0, "sci": 1e3, "str": "123",
		"big": 99999999999999999999, "null": null, "bool": true, "arr": [1], "obj": {},
		"sub": "s", "empty": ""}`), "")
	tok, err := Parse(raw)
	require.NoError(t, err)

	intTests := []struct {
		claim   string
		want    int64
		present bool
		err     string
	}{
		{claim: "exp", want: 1469436987, present: true},
		{claim: "iat", want: 0, present: true},
		{claim: "missing"},
		{claim: "frac", present: true, err: `claim "frac" must be a JSON integer, is the number 1.5`},
		{claim: "whole", present: true, err: `claim "whole" must be a JSON integer, is the number 1.0`},
		{claim: "sci", present: true, err: `claim "sci" must be a JSON integer, is the number 1e3`},
		{claim: "str", present: true, err: `claim "str" must be a JSON integer, is the string "123"`},
		{claim: "big", present: true, err: `claim "big" must be a JSON integer within 64 bits, is 99999999999999999999`},
		{claim: "null", present: true, err: `claim "null" must be a JSON integer, is null`},
		{claim: "bool", present: true, err: `claim "bool" must be a JSON integer, is the boolean true`},
		{claim: "arr", present: true, err: `claim "arr" must be a JSON integer, is an array`},
		{claim: "obj", present: true, err: `claim "obj" must be a JSON integer, is an object`},
	}
	for _, tc := range intTests {
		t.Run("Int "+tc.claim, func(t *testing.T) {
			got, present, err := tok.Int(tc.claim)
			assert.Equal(t, tc.present, present)
			if tc.err != "" {
				require.Error(t, err)
				assert.Equal(t, tc.err, err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}

	stringTests := []struct {
		claim   string
		want    string
		present bool
		err     string
	}{
		{claim: "sub", want: "s", present: true},
		{claim: "empty", want: "", present: true},
		{claim: "missing"},
		{claim: "exp", present: true, err: `claim "exp" must be a JSON string, is the number 1469436987`},
		{claim: "null", present: true, err: `claim "null" must be a JSON string, is null`},
		{claim: "obj", present: true, err: `claim "obj" must be a JSON string, is an object`},
	}
	for _, tc := range stringTests {
		t.Run("String "+tc.claim, func(t *testing.T) {
			got, present, err := tok.String(tc.claim)
			assert.Equal(t, tc.present, present)
			if tc.err != "" {
				require.Error(t, err)
				assert.Equal(t, tc.err, err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestBearer(t *testing.T) {
	tests := []struct {
		name  string
		value string
		want  string
		err   string
	}{
		{name: "canonical", value: "Bearer abc.def.", want: "abc.def."},
		{name: "scheme lower case", value: "bearer x", want: "x"},
		{name: "scheme upper case", value: "BEARER x", want: "x"},
		// RFC 6750 section 2.1: credentials = "Bearer" 1*SP b64token, so
		// more than one space is allowed and the token starts after them.
		{name: "double space", value: "Bearer  x", want: "x"},
		{name: "surrounding whitespace", value: "  Bearer x \t", want: "x"},
		{name: "empty", value: "", err: "The Authorisation header must be supplied"},
		{name: "blank", value: " \t ", err: "The Authorisation header must be supplied"},
		{name: "Basic", value: "Basic x", err: `Authorization scheme must be "Bearer", is "Basic"`},
		{name: "Bearer only", value: "Bearer", err: "Authorization header has the Bearer scheme but no token"},
		{name: "Bearer and spaces", value: "Bearer   ", err: "Authorization header has the Bearer scheme but no token"},
		{name: "bare token", value: "eyJhbGciOiJub25lIn0.e30.", err: `Authorization header must be "Bearer" followed by a space and the token; the value is a single word`},
		{name: "tab separator", value: "Bearer\tx", err: "Authorization header must separate the Bearer scheme from the token with spaces, not tabs"},
		{name: "space then tab", value: "Bearer \tx", err: "Authorization header must separate the Bearer scheme from the token with spaces, not tabs"},
		{name: "two tokens", value: "Bearer x y", err: "Bearer token must not contain whitespace"},
		{name: "a list of credentials", value: "Bearer x, Bearer y", err: "Authorization header must hold one Bearer token; it holds a list"},
		{name: "a list without spaces", value: "Bearer x,y", err: "Authorization header must hold one Bearer token; it holds a list"},
		{name: "Bearer prefix of another scheme", value: "Bearerx y", err: `Authorization scheme must be "Bearer", is "Bearerx"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Bearer(tc.value)
			if tc.err != "" {
				require.Error(t, err)
				assert.Equal(t, tc.err, err.Error())
				assert.Empty(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	_, err := Bearer("")
	assert.ErrorIs(t, err, ErrNoAuthorization)
}
