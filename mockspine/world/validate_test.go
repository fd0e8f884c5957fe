package world_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/mockspine/world"
)

const goodSpine = `{"nems": {"asid": "999999999999"},
 "endpoints": [{"asid": "200000000115", "odsCodes": ["RX3EP"],
                "interactions": ["urn:nhs:names:services:events:Vaccinations.Write"],
                "certificateSubject": "CN=ehr.supplier.example"}],
 "organisations": [{"odsCode": "RX3EP", "name": "Example Trust"}],
 "deprecatedEvents": [{"code": "newborn-hearing-1", "date": "2030-01-01", "url": "https://example"}]}
`

const goodPDS = `{"patients": [{"nhsNumber": "9912003888", "family": "DAWKINS", "given": ["Jack"],
               "birthDate": "2017-10-02", "flags": []}]}
`

var vocabulary = world.Vocabulary(
	[]string{"urn:nhs:names:services:events:Vaccinations.Write", "urn:nhs:names:services:events:Newbornhearing.Write"},
	[]string{"vaccinations-1", "newborn-hearing-1"})

func load(spine, pds string) (*world.World, error) {
	return world.Load(fstest.MapFS{
		world.SpineFile: {Data: []byte(spine)},
		world.PDSFile:   {Data: []byte(pds)},
	}, vocabulary)
}

func TestLoadGoodFixtures(t *testing.T) {
	w, err := load(goodSpine, goodPDS)
	require.NoError(t, err)
	assert.True(t, w.Assured("200000000115", "urn:nhs:names:services:events:Vaccinations.Write"))
	_, ok := w.Patient("9912003888")
	assert.True(t, ok)
}

// TestLoadReportsEveryProblem: each mistake is named by file, line, column
// and path, in words and never in Go's types, and all of them at once.
func TestLoadReportsEveryProblem(t *testing.T) {
	for _, tt := range []struct {
		name       string
		spine, pds string
		want       []string
	}{
		{"spine.json is a list", `[]`, goodPDS,
			[]string{"spine.json line 1, column 1: the file must be an object {…}, not a list […]"}},
		{"syntax error", "{\"nems\": {\"asid\": \"999999999999\"},\n  \"endpoints\": [}\n", goodPDS,
			[]string{"spine.json line 2, column 17: is not valid JSON: invalid character '}' looking for beginning of value"}},
		{"cut short", `{"nems": {"asid": "999999999999"}`, goodPDS,
			[]string{"spine.json line 1, column 34: is not valid JSON: the file ends before the JSON does"}},
		{"two documents", `{"nems": {"asid": "999999999999"}} {}`, goodPDS,
			[]string{"spine.json line 1, column 36: is not valid JSON: more follows the end of the document"}},
		{"wrong types, all of them", `{"nems": {"asid": 999999999999},
"endpoints": [{"asid": "200000000115", "odsCodes": "RX3EP", "interactions": [1]}]}`, `{"patients": {"nhsNumber": "9912003888"}}`,
			[]string{
				"spine.json line 1, column 19: nems.asid must be a string, not a number",
				"spine.json line 2, column 52: endpoints[0].odsCodes must be a list […], not a string",
				"spine.json line 2, column 78: endpoints[0].interactions[0] must be a string, not a number",
				"pds.json line 1, column 14: patients must be a list […], not an object {…}",
			}},
		{"duplicate key", `{"nems": {"asid": "999999999999", "asid": "999999999998"}}`, goodPDS,
			[]string{"spine.json line 1, column 35: nems.asid is given twice"}},
		{"directory content", `{"nems": {},
 "endpoints": [
   {"asid": "20000000011", "odsCodes": ["RX3 EP"], "interactions": ["urn:nhs:names:services:events:Vaccination.Write"], "certificateSubject": "CN=a.example"},
   {"asid": "200000000115", "odsCodes": ["R"], "certificateSubject": "CN=a.example"},
   {"asid": "200000000115"}],
 "organisations": [{"odsCode": ""}],
 "deprecatedEvents": [{"code": "vacinations-1", "date": "01/01/2030", "url": "example"}],
 "revokedCertificates": ["12ab"]}`, goodPDS,
			[]string{
				"spine.json line 1, column 10: nems.asid is missing",
				`spine.json line 3, column 13: endpoints[0].asid must be an ASID of 12 digits, is "20000000011"`,
				`spine.json line 3, column 41: endpoints[0].odsCodes[0] must be an ODS code (3 to 10 letters and digits), is "RX3 EP"`,
				`spine.json line 3, column 69: endpoints[0].interactions[0] "urn:nhs:names:services:events:Vaccination.Write" is not a NEMS publish interaction`,
				`spine.json line 4, column 42: endpoints[1].odsCodes[0] must be an ODS code`,
				`spine.json line 4, column 70: endpoints[1].certificateSubject "CN=a.example" is registered already, for endpoints[0]`,
				"spine.json line 5, column 13: endpoints[2].asid 200000000115 is listed already, as endpoints[1]",
				`spine.json line 6, column 32: organisations[0].odsCode must be an ODS code (3 to 10 letters and digits), is ""`,
				`spine.json line 7, column 32: deprecatedEvents[0].code "vacinations-1" is not an event type (vaccinations-1, newborn-hearing-1)`,
				`spine.json line 7, column 57: deprecatedEvents[0].date must be a date YYYY-MM-DD, is "01/01/2030"`,
				`spine.json line 7, column 78: deprecatedEvents[0].url must be an http(s) URL, is "example"`,
				`spine.json line 8, column 26: revokedCertificates[0] must be a serial number in decimal, or hex starting 0x, is "12ab"`,
			}},
		{"patients", goodSpine, `{"patients": [
  {"nhsNumber": "9912003889", "birthDate": "2017-02-30", "flags": ["R"]},
  {"nhsNumber": "991200388", "birthDate": "2017"},
  {"family": "NOBODY"},
  {"nhsNumber": "9912003888"},
  {"nhsNumber": "9912003888", "flags": ["s", "i"]}]}`,
			[]string{
				"pds.json line 2, column 17: patients[0].nhsNumber is not valid: NHS number 9912003889 fails the Modulus 11 check: check digit should be 8, is 9",
				`pds.json line 2, column 44: patients[0].birthDate must be a date YYYY-MM-DD, is "2017-02-30"`,
				`pds.json line 2, column 68: patients[0].flags[0] "R" is not a PDS flag the mock knows (S sensitive, I invalid)`,
				"pds.json line 3, column 17: patients[1].nhsNumber is not valid: NHS number 991200388 has 9 digits: it must be 10 digits",
				`pds.json line 3, column 43: patients[1].birthDate must be a date YYYY-MM-DD, is "2017"`,
				"pds.json line 4, column 3: patients[2].nhsNumber is missing",
				"pds.json line 6, column 17: patients[4].nhsNumber 9912003888 is listed already, as patients[3]",
			}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(tt.spine, tt.pds)
			require.Error(t, err)
			var ps world.Problems
			require.True(t, errors.As(err, &ps), "%v", err)
			got := make([]string, len(ps))
			for i, p := range ps {
				got[i] = p.String()
			}
			require.Len(t, got, len(tt.want), strings.Join(got, "\n"))
			for i := range tt.want {
				assert.Contains(t, got[i], tt.want[i])
			}
			assert.NotContains(t, err.Error(), "world.")
			assert.NotContains(t, err.Error(), "unmarshal")
			assert.NotContains(t, err.Error(), "Go ")
		})
	}
}

// TestNewChecksWhatTheLookUpsNeed: a world built in code is checked for
// what its look-ups rely on, not for the form of each value (a test may
// want a PDS record with an invalid NHS number).
func TestNewChecksWhatTheLookUpsNeed(t *testing.T) {
	var s world.Spine
	s.NEMS.ASID = "999"
	s.Endpoints = []world.Endpoint{{ASID: "1", ODSCodes: []string{"?"}, Interactions: []string{"other"}}}
	_, err := world.New(s, world.PDS{Patients: []world.Patient{{NHSNumber: "123", BirthDate: "yesterday", Flags: []string{"Z"}}}})
	require.NoError(t, err)

	s.Endpoints = append(s.Endpoints, world.Endpoint{})
	s.DeprecatedEvents = []world.DeprecatedEvent{{Code: "vaccinations-1", Date: "soon"}}
	_, err = world.New(s, world.PDS{Patients: []world.Patient{{NHSNumber: "123"}, {NHSNumber: "123"}, {}}})
	assert.EqualError(t, err, `4 problems:
  spine.json: endpoints[1].asid is missing
  spine.json: deprecatedEvents[0].date must be a date YYYY-MM-DD, is "soon"
  pds.json: patients[1].nhsNumber 123 is listed already, as patients[0]
  pds.json: patients[2].nhsNumber is missing`)
}

// TestNewWithVocabulary: with a Vocabulary, New refuses an interaction the
// catalogue does not know.
func TestNewWithVocabulary(t *testing.T) {
	var s world.Spine
	s.NEMS.ASID = "999999999999"
	s.Endpoints = []world.Endpoint{{ASID: "200000000115", Interactions: []string{"urn:nhs:names:services:events:Anything.Write"}}}
	_, err := world.New(s, world.PDS{}, vocabulary)
	assert.ErrorContains(t, err, `spine.json: endpoints[0].interactions[0] "urn:nhs:names:services:events:Anything.Write" is not a NEMS publish interaction`)
}

func TestLoadDirNamesTheFolder(t *testing.T) {
	dir := t.TempDir()
	_, err := world.LoadDir(filepath.Join(dir, "missing"))
	assert.ErrorContains(t, err, "fixtures:")
	require.NoError(t, os.WriteFile(filepath.Join(dir, world.SpineFile), []byte(goodSpine), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, world.PDSFile), []byte(`{"patients": [{"nhsNumber": "1"}, {"nhsNumber": "2"}]}`), 0o644))
	_, err = world.LoadDir(dir)
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "fixtures "+dir+": 2 problems:\n  pds.json line 1, column 29: "), err.Error())
}

func ExampleProblems() {
	_, err := world.Load(fstest.MapFS{
		world.SpineFile: {Data: []byte(`{"nems": {"asid": "999"}}`)},
		world.PDSFile:   {Data: []byte("{\"patients\": [\n  {\"nhsNumber\": \"9912003888\", \"birthDate\": \"2 Oct 2017\"}]}")},
	})
	fmt.Println(err)
	// Output:
	// 2 problems:
	//   spine.json line 1, column 19: nems.asid must be an ASID of 12 digits, is "999"
	//   pds.json line 2, column 44: patients[0].birthDate must be a date YYYY-MM-DD, is "2 Oct 2017"
}

// FuzzLoad: any spine.json gets a world or a list of problems, each placed
// inside the file; never a panic.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{goodSpine, `[]`, `{"nems": {"asid": 1}}`, `{"endpoints": [{"asid": "1"}, {"asid": "1"}]}`, "{\"a\":\n", `{"nems":{"asid":"999999999999"}} x`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, spine string) {
		w, err := load(spine, goodPDS)
		if err == nil {
			require.NotNil(t, w)
			return
		}
		var ps world.Problems
		require.True(t, errors.As(err, &ps), "%v", err)
		require.NotEmpty(t, ps)
		lines := strings.Count(spine, "\n") + 1
		for _, p := range ps {
			if p.File == world.SpineFile {
				assert.True(t, p.Line >= 1 && p.Line <= lines && p.Column >= 1, "%s", p)
			}
		}
	})
}
