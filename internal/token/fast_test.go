package token

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// compareWithChecked holds Parse, which tries parseFast first, to
// parseChecked: the same token, or the same error text.
func compareWithChecked(t *testing.T, raw string) {
	t.Helper()
	got, gotErr := Parse(raw)
	want, wantErr := parseChecked(raw)
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("Parse: %v; checked: %v", gotErr, wantErr)
	}
	if gotErr != nil {
		if gotErr.Error() != wantErr.Error() {
			t.Fatalf("Parse: %v; checked: %v", gotErr, wantErr)
		}
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("tokens differ\nParse:   %#v\nchecked: %#v", got, want)
	}
}

var fastSeeds = [][2]string{
	{noneHeader, `{"sub":"x"}`},
	{noneHeader, `{}`},
	{` { "alg" : "none" , "typ" : "jwt" } `, " {\"a\":\t1 }\n"},
	{`{"alg":"none","typ":"JWT","kid":"k","n":1.5,"x":[1,{"y":null}],"b":true}`, `{"n":-0.5e+10,"m":0,"big":123456789012345678901234567890}`},
	{`{"alg":"none","typ":"JWT","n":1e400}`, `{}`},
	{`{"alg":"none","typ":"JWT","a":1,"a":2}`, `{}`},
	{noneHeader, `{"a":{"b":1,"b":2}}`},
	{noneHeader, `{"a":"\u00e9\ud83d\ude00\ud800\udc00\u0041\"\\\/\b\f\n\r\t","\ud800":1,"\udbff":2}`},
	{noneHeader, `{"a":"\ud800x"}`},
	{noneHeader, `{"a\u0062":1,"ab":2}`},
	{noneHeader, `{"a":01}`},
	{noneHeader, `{"a":1.}`},
	{noneHeader, `{"a":[1,]}`},
	{noneHeader, `{"a":tru}`},
	{noneHeader, `{"a":"x"} {}`},
	{noneHeader, "{\"a\":\"\xff\"}"},
	{noneHeader, `[]`},
	{noneHeader, `{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`},
	{`{"alg":"none","typ":"JWT","crit":["x"]}`, `{}`},
	{`{"alg":"HS256","typ":"JWT"}`, `{}`},
	{`{"alg":"none"}`, `{}`},
}

func TestParseFastAgreesWithChecked(t *testing.T) {
	for _, s := range fastSeeds {
		compareWithChecked(t, MintRaw([]byte(s[0]), []byte(s[1]), ""))
	}
	good, err := Mint(spineClaims())
	require.NoError(t, err)
	compareWithChecked(t, good)
	compareWithChecked(t, spineCoreExample)
	_, fast := parseFast(good)
	assert.True(t, fast, "an ordinary token takes the fast path")
}

func FuzzParseFast(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s[0]), []byte(s[1]), "")
	}
	f.Add([]byte(noneHeader), []byte(`{"sub":"x"}`), "c2ln")
	f.Fuzz(func(t *testing.T, header, payload []byte, sig string) {
		compareWithChecked(t, MintRaw(header, payload, sig))
	})
}
