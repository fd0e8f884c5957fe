package nemspub_test

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/examples/publisher/nemspub"
	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/content"
	"github.com/nems-harness/nems-harness/internal/fhir"
	"github.com/nems-harness/nems-harness/mockspine"
)

// mock starts the mock NEMS with the embedded fixtures.
func mock(t *testing.T) (*mockspine.Server, string) {
	t.Helper()
	w, err := fixtures.Default()
	require.NoError(t, err)
	s, err := mockspine.NewServer(mockspine.Config{World: w})
	require.NoError(t, err)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL + mockspine.PublishPath
}

func publisher(t *testing.T, url, misbehave string) *nemspub.Publisher {
	t.Helper()
	w, err := fixtures.Default()
	require.NoError(t, err)
	return &nemspub.Publisher{URL: url, ASID: "200000000115", ODS: "RX3EP", NEMSASID: w.NEMSASID(),
		PDS: &w.PDS, Misbehave: misbehave, OtherODS: "B86010"}
}

// failed lists the rules the last request to the mock broke.
func failed(t *testing.T, s *mockspine.Server) []string {
	t.Helper()
	entries := s.Journal().List(0)
	require.NotEmpty(t, entries, "nothing reached the mock")
	var ids []string
	for _, v := range entries[len(entries)-1].Verdicts {
		if v.Fails() {
			ids = append(ids, v.Rule)
		}
	}
	return ids
}

func TestConformingPublishIsAccepted(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"xml", "json"} {
		for _, ev := range mockspine.PublishableEventTypes() {
			for _, mt := range mockspine.MessageEventTypes() {
				s, url := mock(t)
				p := publisher(t, url, "")
				p.Format = format
				res, err := p.Publish(context.Background(), nemspub.Event{Type: ev.Code, MessageType: mt, NHSNumber: "9990000247"})
				require.NoError(t, err, "%s %s %s", format, ev.Code, mt)
				assert.Equal(t, 202, res.Status)
				assert.Empty(t, failed(t, s))
			}
		}
	}
}

func TestRefusesUntracedAndFlaggedPatients(t *testing.T) {
	t.Parallel()
	for _, nhs := range []string{"9990000727", "9990000794", "9999999999", "1234567890"} {
		s, url := mock(t)
		_, err := publisher(t, url, "").Publish(context.Background(), nemspub.Event{Type: "vaccinations-1", MessageType: "new", NHSNumber: nhs})
		var refused *nemspub.RefusalError
		require.True(t, errors.As(err, &refused), "%s: %v", nhs, err)
		assert.Empty(t, s.Journal().List(0), "%s: a refusal sends nothing", nhs)
	}
}

func TestEachMisbehaviourBreaksItsRules(t *testing.T) {
	t.Parallel()
	patients := map[string]string{
		"": "9990000166", "a patient not on PDS": "9999999999",
		"an S-flagged patient": "9990000727", "an I-flagged patient": "9990000794",
	}
	for _, m := range nemspub.Misbehaviours() {
		if m.Scenario == "mutual TLS" {
			continue // the handshake is the harness's to test
		}
		if m.Event != "" {
			continue // content: TestEachContentMisbehaviourBreaksItsRule
		}
		t.Run(m.Name, func(t *testing.T) {
			t.Parallel()
			s, url := mock(t)
			nhs, ok := patients[m.Scenario]
			require.True(t, ok, m.Scenario)
			_, err := publisher(t, url, m.Name).Publish(context.Background(), nemspub.Event{Type: "vaccinations-1", MessageType: "new", NHSNumber: nhs})
			var rejected *nemspub.RejectedError
			require.True(t, errors.As(err, &rejected), "NEMS must reject it: %v", err)
			got := failed(t, s)
			want := slices.Clone(m.Rules)
			slices.Sort(got)
			slices.Sort(want)
			assert.Equal(t, want, got)
		})
	}
}

func TestUnknownMisbehaviour(t *testing.T) {
	t.Parallel()
	_, url := mock(t)
	_, err := publisher(t, url, "nonsense").NewRequest(context.Background(), nemspub.Event{Type: "vaccinations-1", MessageType: "new", NHSNumber: "9990000166"})
	assert.ErrorContains(t, err, "unknown misbehaviour")
}

// contentFailures judges a request's message against every content rule.
func contentFailures(t *testing.T, body []byte, format string) []string {
	t.Helper()
	b, doc, err := fhir.ReadDoc(body, format)
	require.NoError(t, err)
	c, err := content.NewCatalogue(content.All())
	require.NoError(t, err)
	var out []string
	for _, r := range c.Judge(content.NewMessage(doc, b, content.Context{Profile: content.Profile2019})) {
		if r.Outcome == content.Fail {
			out = append(out, r.Rule.ID)
		}
	}
	return out
}

// Every content misbehaviour makes the message of its event and message
// type fail exactly its rule, in XML and in JSON, and leaves the other
// publishes conforming.
func TestEachContentMisbehaviourBreaksItsRule(t *testing.T) {
	t.Parallel()
	n := 0
	for _, m := range nemspub.Misbehaviours() {
		if m.Event == "" {
			continue
		}
		n++
		for _, format := range []string{"xml", "json"} {
			p := publisher(t, "http://nems.invalid/STU3/Events/1/$process-message", m.Name)
			p.Format = format
			body := func(event, mt string) []byte {
				req, err := p.NewRequest(context.Background(), nemspub.Event{Type: event, MessageType: mt, NHSNumber: "9990000247"})
				require.NoError(t, err, "%s %s %s", m.Name, event, mt)
				b, err := io.ReadAll(req.Body)
				require.NoError(t, err)
				return b
			}
			assert.Equal(t, m.Rules, contentFailures(t, body(m.Event, m.MessageType), format), "%s in %s", m.Name, format)
			other := "vaccinations-1"
			if m.Event == other {
				other = "nipe-outcome-1"
			}
			assert.Empty(t, contentFailures(t, body(other, "new"), format), "%s on another event", m.Name)

			// The mock judges the publish the same way.
			s, url := mock(t)
			p.URL = url
			_, err := p.Publish(context.Background(), nemspub.Event{Type: m.Event, MessageType: m.MessageType, NHSNumber: "9990000247"})
			require.NoError(t, err, "content mode report accepts it: %s", m.Name)
			if m.Warning {
				assert.Empty(t, failed(t, s), "%s in %s: a warning fails nothing", m.Name, format)
				assert.Equal(t, m.Rules, warned(t, s), "%s in %s, judged by the mock", m.Name, format)
			} else {
				assert.Equal(t, m.Rules, failed(t, s), "%s in %s, judged by the mock", m.Name, format)
			}
		}
	}
	assert.GreaterOrEqual(t, n, 5+5, "content misbehaviours: at least one per event and the generic ones")
}

// The publisher's README lists every misbehaviour with the rule it breaks.
func TestReadmeListsEveryMisbehaviour(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	for _, m := range nemspub.Misbehaviours() {
		assert.Contains(t, string(readme), "| `"+m.Name+"` | "+m.Rules[0], m.Name)
	}
}

// warned lists the warning rules the last request to the mock broke.
func warned(t *testing.T, s *mockspine.Server) []string {
	t.Helper()
	entries := s.Journal().List(0)
	require.NotEmpty(t, entries, "nothing reached the mock")
	var ids []string
	for _, v := range entries[len(entries)-1].Verdicts {
		if v.Outcome == mockspine.Fail && !v.Fails() {
			ids = append(ids, v.Rule)
		}
	}
	return ids
}

func TestReportedVariant(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"xml", "json"} {
		s, url := mock(t)
		p := publisher(t, url, "")
		p.Format = format
		ev := nemspub.Event{Type: "vaccinations-1", MessageType: "new", NHSNumber: "9990000247", Variant: nemspub.VariantReported}
		res, err := p.Publish(context.Background(), ev)
		require.NoError(t, err, format)
		assert.Equal(t, 202, res.Status)
		assert.Empty(t, failed(t, s), format)
		entries := s.Journal().List(0)
		require.Len(t, entries, 1)
		_, doc, err := fhir.ReadDoc([]byte(entries[0].Body), format)
		require.NoError(t, err, format)
		var imm fhir.Node
		for _, e := range doc.Entries {
			if e.Resource.Type() == "Immunization" {
				imm = e.Resource
			}
		}
		require.True(t, imm.Ok(), format)
		v, _ := imm.Val("primarySource")
		assert.Equal(t, "false", v, format)
		_, ok := imm.Val("reportOrigin.coding.code")
		assert.True(t, ok, "%s: a reported vaccination names its origin", format)
	}

	// The broken publisher drops reportOrigin from the reported message too.
	s, url := mock(t)
	_, err := publisher(t, url, "vac-reported-no-origin").Publish(context.Background(),
		nemspub.Event{Type: "vaccinations-1", MessageType: "new", NHSNumber: "9990000247", Variant: nemspub.VariantReported})
	require.NoError(t, err, "a warning rule: still accepted")
	entries := s.Journal().List(0)
	require.Len(t, entries, 1)
	var broken []string
	for _, v := range entries[0].Verdicts {
		if v.Outcome == mockspine.Fail {
			broken = append(broken, v.Rule)
		}
	}
	assert.Equal(t, []string{"VAC-REPORTORIGIN"}, broken)

	for _, ev := range []nemspub.Event{
		{Type: "vaccinations-1", MessageType: "new", Variant: "recalled"},
		{Type: "vaccinations-1", MessageType: "update", Variant: nemspub.VariantReported},
		{Type: "newborn-hearing-1", MessageType: "new", Variant: nemspub.VariantReported},
	} {
		s, url := mock(t)
		ev.NHSNumber = "9990000247"
		_, err := publisher(t, url, "").Publish(context.Background(), ev)
		assert.ErrorContains(t, err, "variant", "%+v", ev)
		assert.Empty(t, s.Journal().List(0), "%+v: nothing sent", ev)
	}
}
