package mediatype

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var guidanceList = []string{
	"application/fhir+xml",
	"application/fhir+json",
	"application/fhir+xml;charset=utf-8",
	"application/fhir+json;charset=utf-8",
	"application/xml+fhir",
	"application/json+fhir",
	"application/xml+fhir;charset=utf-8",
	"application/json+fhir;charset=utf-8",
}

func TestSupported(t *testing.T) {
	got := Supported(true)
	require.Len(t, got, 8)
	for i, ty := range got {
		assert.Equal(t, guidanceList[i], ty.Name)
		if strings.Contains(ty.Name, "json") {
			assert.Equal(t, JSON, ty.Format, ty.Name)
		} else {
			assert.Equal(t, XML, ty.Format, ty.Name)
		}
	}

	xmlOnly := Supported(false)
	names := make([]string, 0, len(xmlOnly))
	for _, ty := range xmlOnly {
		assert.Equal(t, XML, ty.Format)
		names = append(names, ty.Name)
	}
	assert.Equal(t, []string{
		"application/fhir+xml",
		"application/fhir+xml;charset=utf-8",
		"application/xml+fhir",
		"application/xml+fhir;charset=utf-8",
	}, names)

	// The caller owns the slice.
	got[0].Name = "changed"
	assert.Equal(t, "application/fhir+xml", Supported(true)[0].Name)

	assert.Contains(t, Supported(false), Type{Default, XML})
}

func TestParseContentTypeAllEight(t *testing.T) {
	for _, name := range guidanceList {
		t.Run(name, func(t *testing.T) {
			got, err := ParseContentType(name, true)
			require.NoError(t, err)
			assert.Equal(t, name, got.Name)

			_, err = ParseContentType(name, false)
			if strings.Contains(name, "json") {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "JSON media types are not accepted in profile nems-current")
			} else {
				assert.NoError(t, err)
			}
		})
	}
}

func TestParseContentType(t *testing.T) {
	tests := []struct {
		name      string
		value     string
		allowJSON bool
		want      string // canonical name when no error
		err       string // exact error text
		errHas    string // substring of the error text
	}{
		{name: "upper case", value: "APPLICATION/FHIR+XML", want: "application/fhir+xml"},
		{name: "mixed case everything", value: "Application/Xml+Fhir; CharSet=UTF-8", want: "application/xml+fhir;charset=utf-8"},
		{name: "space after semicolon", value: "application/fhir+xml; charset=utf-8", want: "application/fhir+xml;charset=utf-8"},
		{name: "space before semicolon", value: "application/fhir+xml ;charset=utf-8", want: "application/fhir+xml;charset=utf-8"},
		{name: "spaces around equals", value: "application/fhir+xml;charset = utf-8", errHas: `whitespace is not allowed before "=" in parameter "charset" (RFC 9110)`},
		{name: "space before equals", value: "application/fhir+xml;charset =utf-8", errHas: `whitespace is not allowed before "="`},
		{name: "space after equals", value: "application/fhir+xml;charset= utf-8", errHas: `whitespace is not allowed after "=" in parameter "charset"`},
		{name: "tab after equals", value: "application/fhir+xml;charset=\tutf-8", errHas: `whitespace is not allowed after "="`},
		{name: "tabs", value: "\tapplication/json+fhir\t;\tcharset=utf-8\t", allowJSON: true, want: "application/json+fhir;charset=utf-8"},
		{name: "leading and trailing spaces", value: "  application/xml+fhir  ", want: "application/xml+fhir"},
		{name: "quoted charset", value: `application/fhir+json;charset="utf-8"`, allowJSON: true, want: "application/fhir+json;charset=utf-8"},
		{name: "quoted charset upper", value: `application/fhir+xml;charset="UTF-8"`, want: "application/fhir+xml;charset=utf-8"},
		{name: "quoted charset with escapes", value: `application/fhir+xml;charset="u\tf-\8"`, want: "application/fhir+xml;charset=utf-8"},
		{name: "empty parameter allowed by RFC 9110", value: "application/fhir+xml;", want: "application/fhir+xml"},
		{name: "empty parameters around charset", value: "application/fhir+xml;;charset=utf-8;", want: "application/fhir+xml;charset=utf-8"},

		{name: "plain json", value: "application/json", allowJSON: true, err: `media type "application/json" is not one of the supported types`},
		{name: "plain xml", value: "application/xml", err: `media type "application/xml" is not one of the supported types`},
		{name: "text xml", value: "text/xml;charset=utf-8", err: `media type "text/xml" is not one of the supported types`},
		{name: "wildcard is no content type", value: "*/*", err: `media type "*/*" is not one of the supported types`},
		{name: "fhir without format", value: "application/fhir", err: `media type "application/fhir" is not one of the supported types`},
		{name: "json in nems-current", value: "application/fhir+json", err: `JSON media types are not accepted in profile nems-current (got "application/fhir+json")`},
		{name: "json with charset in nems-current", value: "application/json+fhir; charset=utf-8", errHas: "JSON media types are not accepted in profile nems-current"},
		{name: "boundary", value: "application/fhir+xml;boundary=x", err: `parameter "boundary" is not allowed; only charset=utf-8`},
		{name: "fhirVersion", value: "application/fhir+xml; charset=utf-8; fhirVersion=3.0", err: `parameter "fhirVersion" is not allowed; only charset=utf-8`},
		{name: "q is not a Content-Type parameter", value: "application/fhir+xml;q=1", err: `parameter "q" is not allowed; only charset=utf-8`},
		{name: "latin-1", value: "application/fhir+xml;charset=iso-8859-1", err: `charset "iso-8859-1" is not supported; only utf-8`},
		{name: "utf8 without hyphen", value: "application/fhir+xml;charset=utf8", err: `charset "utf8" is not supported; only utf-8`},
		{name: "quoted latin-1", value: `application/fhir+xml;charset="latin1"`, err: `charset "latin1" is not supported; only utf-8`},
		{name: "quoted utf-8 with space", value: `application/fhir+xml;charset="utf-8 "`, err: `charset "utf-8 " is not supported; only utf-8`},
		{name: "charset twice", value: "application/fhir+xml;charset=utf-8;charset=utf-8", errHas: `parameter "charset" is given more than once`},

		{name: "empty", value: "", err: "malformed media type: the value is empty"},
		{name: "blank", value: "  \t ", err: "malformed media type: the value is empty"},
		{name: "no slash", value: "application", errHas: `expected "/" after the type, found the end of the value`},
		{name: "no subtype", value: "application/", errHas: `expected a subtype after "/"`},
		{name: "no type", value: "/fhir+xml", errHas: `expected a type such as "application", found '/' at offset 0`},
		{name: "space in type", value: "application /fhir+xml", errHas: `expected "/" after the type, found ' ' at offset 11`},
		{name: "comma", value: "application/fhir+xml, application/fhir+json", errHas: `expected ";" before a parameter, found ',' at offset 20`},
		{name: "parameter without value", value: "application/fhir+xml;charset", errHas: `expected "=" after parameter name "charset"`},
		{name: "parameter with empty value", value: "application/fhir+xml;charset=", errHas: `expected a value for parameter "charset"`},
		{name: "parameter without name", value: "application/fhir+xml;=utf-8", errHas: "expected a parameter name"},
		{name: "unterminated quote", value: `application/fhir+xml;charset="utf-8`, errHas: "unterminated quoted string"},
		{name: "control in quote", value: "application/fhir+xml;charset=\"utf\x01-8\"", errHas: "invalid character in quoted string"},
		{name: "junk after value", value: "application/fhir+xml;charset=utf-8 x", errHas: `expected ";" before a parameter, found 'x'`},
		{name: "non-ASCII", value: "application/fhir+xmł", errHas: "malformed media type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseContentType(tc.value, tc.allowJSON)
			switch {
			case tc.err != "":
				require.Error(t, err)
				assert.Equal(t, tc.err, err.Error())
				assert.Equal(t, Type{}, got)
			case tc.errHas != "":
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.errHas)
			default:
				require.NoError(t, err)
				assert.Equal(t, tc.want, got.Name)
				assert.Contains(t, Supported(tc.allowJSON), got)
			}
		})
	}
}

func TestNegotiate(t *testing.T) {
	tests := []struct {
		name      string
		accept    string
		allowJSON bool
		want      string
		errHas    []string
	}{
		{name: "empty is default", accept: "", want: Default},
		{name: "blank is default", accept: "  ", want: Default},
		{name: "only commas is default", accept: " , ,", want: Default},
		{name: "any", accept: "*/*", want: Default},
		{name: "application any", accept: "application/*", allowJSON: true, want: Default},
		{name: "any with utf-8", accept: "*/*;charset=utf-8", want: Default},
		{name: "listed type means itself", accept: "application/fhir+xml", want: "application/fhir+xml"},
		{name: "canonical spelling", accept: "Application/FHIR+JSON ; Charset=\"UTF-8\"", allowJSON: true, want: "application/fhir+json;charset=utf-8"},
		{name: "json", accept: "application/json+fhir", allowJSON: true, want: "application/json+fhir"},
		{name: "unsupported ignored", accept: "text/html, application/fhir+json", allowJSON: true, want: "application/fhir+json"},
		{name: "first of equal weights", accept: "application/fhir+json, application/fhir+xml", allowJSON: true, want: "application/fhir+json"},
		{name: "highest q wins", accept: "application/fhir+json;q=0.5, application/fhir+xml;q=0.8", allowJSON: true, want: "application/fhir+xml"},
		{name: "q upper case name", accept: "application/fhir+json;Q=0.5, application/fhir+xml;q=0.8", allowJSON: true, want: "application/fhir+xml"},
		{name: "wildcard loses to higher q", accept: "*/*;q=0.1, application/json+fhir", allowJSON: true, want: "application/json+fhir"},
		{name: "wildcard wins on higher q", accept: "application/json+fhir;q=0.4, */*", allowJSON: true, want: Default},
		{name: "q=0 excludes", accept: "application/fhir+json;q=0, application/fhir+xml;q=0.1", allowJSON: true, want: "application/fhir+xml"},
		{name: "specific overrides wildcard exclusion", accept: "*/*;q=0, application/fhir+xml", want: "application/fhir+xml"},
		{name: "specific exclusion overrides wildcard", accept: "application/xml+fhir;charset=utf-8;q=0, */*", want: "application/fhir+xml"},
		{name: "exclusion without charset covers charset variant", accept: "application/xml+fhir;q=0, */*", want: "application/fhir+xml"},
		{name: "most specific weight decides", accept: "*/*, application/xml+fhir;charset=utf-8;q=0.2, application/fhir+xml;q=0.5", want: "application/fhir+xml"},
		{name: "accept extension after q ignored", accept: "application/fhir+xml;q=0.5;ext=1", want: "application/fhir+xml"},
		{name: "malformed q ignored", accept: "application/fhir+json;q=2, application/fhir+xml", allowJSON: true, want: "application/fhir+xml"},
		{name: "quoted q ignored", accept: `application/fhir+json;q="0.9", application/fhir+xml;q=0.1`, allowJSON: true, want: "application/fhir+xml"},
		{name: "other charset ignored", accept: "application/fhir+json;charset=latin1, application/xml+fhir", allowJSON: true, want: "application/xml+fhir"},
		{name: "other parameter ignored", accept: "application/fhir+xml;version=3, application/xml+fhir", want: "application/xml+fhir"},
		{name: "malformed range ignored", accept: "garbage, application/fhir+xml", want: "application/fhir+xml"},
		{name: "whitespace around = makes a range malformed", accept: "application/fhir+json;q = 0.9, application/fhir+xml;q=0.1", allowJSON: true, want: "application/fhir+xml"},
		{name: "whitespace around = alone", accept: "application/fhir+xml;charset = utf-8",
			errHas: []string{`"application/fhir+xml;charset = utf-8" is malformed: whitespace is not allowed before "=" in parameter "charset" (RFC 9110)`}},
		{name: "comma inside quotes", accept: `text/plain;x="a,b", application/fhir+xml`, want: "application/fhir+xml"},
		{name: "multiple Accept headers joined", accept: "text/html,application/xhtml+xml" + "," + "application/fhir+xml;q=0.9,*/*;q=0.8", want: "application/fhir+xml"},
		{name: "browser default", accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", want: Default},
		{name: "nems-current refuses json", accept: "application/fhir+json, application/fhir+xml;q=0.1", want: "application/fhir+xml"},
		{name: "nems-current wildcard", accept: "application/*", want: Default},
		{name: "nems-current json only", accept: "application/fhir+json",
			errHas: []string{`offered: "application/fhir+json"`, "JSON media types are not accepted in profile nems-current"}},
		{name: "nothing supported", accept: "application/json, text/html;q=0.5",
			errHas: []string{`none of the media types offered in Accept is supported; offered: "application/json", "text/html;q=0.5"`}},
		{name: "all excluded", accept: "*/*;q=0", errHas: []string{`offered: "*/*;q=0"`}},
		{name: "only q=0 supported", accept: "application/fhir+xml;q=0", errHas: []string{`"application/fhir+xml;q=0"`}},
		{name: "text wildcard", accept: "text/*", errHas: []string{`"text/*"`}},
		{name: "long list truncated", accept: strings.Repeat("text/plain,", 12) + "image/png", errHas: []string{"and 3 more"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Negotiate(tc.accept, tc.allowJSON)
			if len(tc.errHas) > 0 {
				require.Error(t, err)
				for _, s := range tc.errHas {
					assert.Contains(t, err.Error(), s)
				}
				if tc.allowJSON || !strings.Contains(tc.accept, "json") {
					assert.NotContains(t, err.Error(), "nems-current")
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Name)
			assert.Contains(t, Supported(tc.allowJSON), got)
		})
	}
}

// Every supported type, offered alone in any spelling ParseContentType
// accepts, negotiates to itself.
func TestNegotiateEachSupportedType(t *testing.T) {
	for _, ty := range Supported(true) {
		for _, spelling := range []string{ty.Name, strings.ToUpper(ty.Name), strings.ReplaceAll(ty.Name, ";", " ; ")} {
			got, err := Negotiate(spelling, true)
			require.NoError(t, err, spelling)
			assert.Equal(t, ty, got, spelling)

			got, err = Negotiate(spelling+";q=0.3, text/html", false)
			if ty.Format == JSON {
				assert.Error(t, err, spelling)
			} else {
				require.NoError(t, err, spelling)
				assert.Equal(t, ty, got, spelling)
			}
		}
	}
}

func TestSuccessPathsDoNotAllocate(t *testing.T) {
	var sink Type
	allocs := testing.AllocsPerRun(100, func() {
		sink, _ = ParseContentType("Application/FHIR+XML ; charset=\"UTF-8\"", false)
		sink, _ = Negotiate("text/html, application/fhir+json;q=0.5, application/xml+fhir;charset=utf-8;q=0.9, */*;q=0.1", true)
	})
	assert.Zero(t, allocs)
	assert.NotEmpty(t, sink.Name)
}

func TestParseQ(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"0", 0, true}, {"1", 1000, true}, {"1.", 1000, true}, {"1.000", 1000, true}, {"0.5", 500, true},
		{"0.123", 123, true}, {"0.001", 1, true}, {"0.", 0, true},
		{"1.001", 0, false}, {"0.1234", 0, false}, {"2", 0, false}, {".5", 0, false}, {"", 0, false}, {"0,5", 0, false}, {"0.a", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseQ(tc.in)
		assert.Equal(t, tc.ok, ok, tc.in)
		if tc.ok {
			assert.Equal(t, tc.want, got, tc.in)
		}
	}
}
