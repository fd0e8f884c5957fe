package supplier

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/features"
	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/nhsnumber"
	"github.com/nems-harness/nems-harness/mockspine"
)

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig([]byte(`{"trigger": {"command": "./publish.sh {{eventType}} {{nhsNumber}} {{messageType}}"}}`), "/cfg")
	require.NoError(t, err)
	assert.Equal(t, "command", c.Trigger.Kind())
	assert.Equal(t, "/cfg", c.Dir)
	assert.Zero(t, c.Timeout)

	c, err = ParseConfig([]byte(`{"system": "S", "asid": "200000000205", "fixtures": "fx", "profile": "nems-current",
		"timeout": "2m", "quietPeriod": 5, "comment": "ok", "trigger": {"manual": true}}`), "/cfg")
	require.NoError(t, err)
	assert.Equal(t, 2*time.Minute, time.Duration(c.Timeout))
	assert.Equal(t, 5*time.Second, time.Duration(c.QuietPeriod))
	assert.Equal(t, "/cfg/fx", c.fixturesDir())
	assert.Equal(t, "manual", c.Trigger.Kind())

	for in, want := range map[string]string{
		`{}`: "no trigger",
		`{"trigger": {"command": "x", "manual": true}}`:                             "one of command, webhook and manual",
		`{"trigger": {"command": "x {{nhs}}"}}`:                                     "unknown placeholder {{nhs}}",
		`{"trigger": {"comand": "x"}}`:                                              `unknown field "comand"`,
		`{"trigger": {"webhook": {"url": "ftp://x"}}}`:                              "must be an http or https URL",
		`{"trigger": {"webhook": {"url": "http://x", "body": "{{family}} {{x}}"}}}`: "unknown placeholder {{x}}",
		`{"timeout": "soon", "trigger": {"manual": true}}`:                          `duration "soon"`,
		`{"profile": "nems-1999", "trigger": {"manual": true}}`:                     "unknown profile",
		`{"trigger": {"manual": true}} {}`:                                          "unexpected data",
	} {
		_, err := ParseConfig([]byte(in), "")
		assert.ErrorContains(t, err, want, in)
	}
}

func TestEndpointChoice(t *testing.T) {
	w, err := fixtures.Default()
	require.NoError(t, err)
	c := &Config{}
	ep, err := c.endpoint(w)
	require.NoError(t, err)
	assert.Equal(t, "200000000115", ep.ASID, "the first endpoint")
	c.ASID = "477121000325"
	ep, err = c.endpoint(w)
	require.NoError(t, err)
	assert.Equal(t, "477121000325", ep.ASID)
	c.ASID = "123"
	_, err = c.endpoint(w)
	assert.ErrorContains(t, err, "not an endpoint")
}

func TestTemplates(t *testing.T) {
	vars := map[string]string{"family": "O'CONNOR", "nhsNumber": "9990000573", "given": "Mary Ann", "birthDate": "1951-05-09"}
	assert.Equal(t, `./p.sh 9990000573 'O'\''CONNOR' 'Mary Ann' 1951-05-09 ''`,
		expand("./p.sh {{nhsNumber}} {{family}} {{ given }} {{birthDate}} {{asid}}", vars, shellQuote))
	assert.Equal(t, `{"f": "O'CONNOR \"x\""}`, expand(`{"f": "{{family}}"}`, map[string]string{"family": `O'CONNOR "x"`}, jsonQuote))
	assert.Equal(t, "http://x/p?g=Mary%20Ann", expand("http://x/p?g={{given}}", vars, urlQuote))
	assert.True(t, isJSON(Webhook{Body: ` {"a": 1}`}))
	assert.False(t, isJSON(Webhook{Body: "a=b", Headers: map[string]string{"content-type": "application/x-www-form-urlencoded"}}))
	assert.True(t, isForm(Webhook{Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}))
}

func TestPatients(t *testing.T) {
	w, err := fixtures.Default()
	require.NoError(t, err)
	pool := newPatientPool(w)
	first, ok := pool.take(Traced)
	require.True(t, ok)
	second, _ := pool.take(Traced)
	assert.NotEqual(t, first.NHSNumber, second.NHSNumber, "patients are handed out in turn")
	s, ok := pool.take(SFlagged)
	require.True(t, ok)
	p, _ := w.Patient(s.NHSNumber)
	assert.True(t, p.HasFlag("S"))
	i, ok := pool.take(IFlagged)
	require.True(t, ok)
	p, _ = w.Patient(i.NHSNumber)
	assert.True(t, p.HasFlag("I"))

	numbers := w.UnusedNHSNumbers(8)
	require.Len(t, numbers, 8)
	for _, n := range numbers {
		assert.NoError(t, nhsnumber.Check(n))
		assert.True(t, strings.HasPrefix(n, "999"), "test range")
		_, onPDS := w.Patient(n)
		assert.False(t, onPDS)
	}
	u, ok := pool.take(NotOnPDS)
	require.True(t, ok)
	assert.Empty(t, u.Family)
	assert.Equal(t, u.NHSNumber+" (not on PDS)", u.Describe())
}

func TestHandshakeLog(t *testing.T) {
	j := mockspine.NewJournal()
	now := time.Now()
	for _, e := range []mockspine.Entry{
		{Received: now, Remote: "127.0.0.1:5000", TLS: true,
			Handshake: &mockspine.Handshake{Refused: true, Reason: "no client certificate was presented"}},
		{Received: now, Remote: "[::1]:5001", TLS: true,
			Handshake: &mockspine.Handshake{Reason: "remote error: tls: unknown certificate authority"}},
		{Received: now, Method: "POST", Path: mockspine.PublishPath},
	} {
		require.NoError(t, j.Append(&e))
	}
	l := &handshakeLog{journal: j}
	ev := l.between(now.Add(-time.Minute), time.Time{})
	require.Len(t, ev, 2, "requests are not handshakes")
	assert.True(t, ev[0].ClientCert)
	assert.Equal(t, "127.0.0.1:5000", ev[0].Remote)
	assert.False(t, ev[1].ClientCert)
	assert.Equal(t, "[::1]:5001", ev[1].Remote)
	assert.Empty(t, l.between(now.Add(time.Minute), time.Time{}))
}

func TestPublisherVerdicts(t *testing.T) {
	e := mockspine.Entry{Verdicts: []mockspine.Verdict{
		{Rule: "MIME-CONTENT-TYPE", Outcome: mockspine.Pass},
		{Rule: "MIME-ACCEPT", Outcome: mockspine.Pass},
		{Rule: "MIME-DEFAULT", Outcome: mockspine.NotAssessed, Reason: "no default needed", Publisher: mockspine.Pass},
		{Rule: "EP-CERT", Outcome: mockspine.NotAssessed},
	}}
	v := PublisherVerdicts(e)
	assert.Equal(t, mockspine.Pass, v[2].Outcome, "the publisher's outcome the mock recorded")
	assert.Equal(t, mockspine.NotAssessed, v[3].Outcome, "others as recorded")
	assert.Equal(t, mockspine.NotAssessed, e.Verdicts[2].Outcome, "the entry is not changed")
}

func TestAbout(t *testing.T) {
	p := Patient{NHSNumber: "9990000166", Family: "EVANS", BirthDate: "2021-01-08"}
	assert.True(t, about(mockspine.Entry{Body: `<value value="9990000166"/>`}, p))
	assert.True(t, about(mockspine.Entry{Body: `<value value="9990000167"/><family value="Evans"/><birthDate value="2021-01-08"/>`}, p),
		"a garbled NHS number is matched by family name and birth date")
	assert.False(t, about(mockspine.Entry{Body: `<family value="EVANS"/>`}, p))
	assert.False(t, about(mockspine.Entry{Body: `9990000167`}, Patient{NHSNumber: "9990000166"}))
}

// TestEveryRuleHasASupplierScenario traces the catalogue to the supplier
// features, and checks every feature is tagged @supplier and every step is
// one of the supplier phrases.
func TestEveryRuleHasASupplierScenario(t *testing.T) {
	tagged := map[string]bool{}
	tag := regexp.MustCompile(`@([A-Z]{2,4}(?:-[A-Z0-9]+)+)\b`)
	steps := []*regexp.Regexp{regexp.MustCompile(StepPublishes), regexp.MustCompile(StepReceives), regexp.MustCompile(StepReceivesNone),
		regexp.MustCompile(StepConformsAll), regexp.MustCompile(StepConforms), regexp.MustCompile(StepAccepted)}
	keyword := regexp.MustCompile(`^\s*(Given|When|Then|And|But) (.*)$`)
	err := fs.WalkDir(features.SupplierFS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(features.SupplierFS(), path)
		if err != nil {
			return err
		}
		text := string(b)
		assert.True(t, strings.HasPrefix(text, "@supplier\nFeature:"), "%s must be tagged @supplier", path)
		for _, m := range tag.FindAllStringSubmatch(text, -1) {
			tagged[m[1]] = true
		}
		for _, line := range strings.Split(text, "\n") {
			m := keyword.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			step := regexp.MustCompile(`<(\w+)>`).ReplaceAllString(m[2], "vaccinations-1")
			step = strings.Replace(step, "vaccinations-1 vaccinations-1", "vaccinations-1 new", 1)
			matched := false
			for _, re := range steps {
				matched = matched || re.MatchString(step)
			}
			assert.True(t, matched, "%s: no supplier step matches %q", path, m[2])
		}
		return nil
	})
	require.NoError(t, err)
	for _, r := range mockspine.Rules() {
		assert.True(t, tagged[r.ID], "no supplier scenario is tagged @%s", r.ID)
	}
}
