package mockspine_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/fhir"
	"github.com/nems-harness/nems-harness/internal/nhsnumber"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
	"github.com/nems-harness/nems-harness/publish"
)

// TestSpecificationExamples judges the specification's own example messages,
// when they are beside the project: those of publishable event types are
// accepted once their patients are on PDS; the PDS ones are refused as
// subscribe-only, and those carrying a number that fails Modulus 11 are
// refused for it too.
func TestSpecificationExamples(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "nems", "examples")
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil || len(files) == 0 {
		t.Skip("the specification's examples are not beside the project")
	}
	def, err := fixtures.Default()
	require.NoError(t, err)
	// The examples were sent by ASID 300000000161 (Silverdale, A83627).
	from := publish.Sender{ASID: "300000000161", ODS: "A83627"}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			body, err := os.ReadFile(f)
			require.NoError(t, err)
			b, err := fhir.ReadXML(body)
			require.NoError(t, err)
			require.NotNil(t, b.Header)
			w := worldWithPatients(t, def, b)
			tok, err := publish.Token(from, "https://nems.example", time.Now())
			require.NoError(t, err)
			interaction := b.Header.EventCode
			if ev, ok := mockspine.LookupEventType(interaction); !ok || !ev.Publishable() {
				interaction = "vaccinations-1" // PDS events have no publish interaction
			}
			h := publish.Headers(from, w.NEMSASID(), interaction, tok, "application/fhir+xml")
			j, err := (&mockspine.Judge{Profile: mockspine.Profile2019, World: w}).Evaluate(t.Context(),
				mockspine.Request{Method: "POST", Path: mockspine.PublishPath, Header: h, Body: string(body)})
			require.NoError(t, err)

			failed := map[string]bool{}
			for _, v := range j.Failed() {
				failed[v.Rule] = true
			}
			ev, _ := mockspine.LookupEventType(b.Header.EventCode)
			badNumber := false
			for _, n := range b.NHSNumbers {
				badNumber = badNumber || nhsnumber.Check(n.Value) != nil
			}
			switch {
			case ev.Publishable():
				assert.Equal(t, 202, j.Response.Status, "failed: %v\n%s", j.Failed(), j.Response.Body)
			default:
				assert.True(t, strings.HasPrefix(b.Header.EventCode, "pds-"), b.Header.EventCode)
				require.True(t, failed["MSG-BUNDLE"], "a PDS event must be refused: %v", j.Failed())
				v, _ := j.Verdict("MSG-BUNDLE")
				assert.Equal(t, "ACCESS_DENIED", v.Answer.Code.Code)
				assert.Equal(t, 403, v.Answer.Status)
				assert.Equal(t, badNumber, failed["NHS-FORMAT"], "NHS-FORMAT fails exactly when a number fails Modulus 11")
			}
		})
	}
}

// worldWithPatients puts the message's patients on PDS, with the
// demographics the message's routing demographics (or Patient) give.
func worldWithPatients(t *testing.T, def *world.World, b *fhir.Bundle) *world.World {
	t.Helper()
	pds := world.PDS{}
	seen := map[string]bool{}
	for _, pass := range []bool{true, false} { // routing demographics first
		for _, n := range b.NHSNumbers {
			routing := strings.Contains(n.Where, "routing")
			if routing != pass || seen[n.Value] || nhsnumber.Check(n.Value) != nil {
				continue
			}
			seen[n.Value] = true
			pds.Patients = append(pds.Patients, world.Patient{NHSNumber: n.Value, Family: n.Family, BirthDate: n.BirthDate})
		}
	}
	w, err := world.New(def.Spine, pds)
	require.NoError(t, err)
	return w
}
