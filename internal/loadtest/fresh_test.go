package loadtest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/fhir"
	"github.com/nems-harness/nems-harness/internal/loadtest"
	"github.com/nems-harness/nems-harness/mockspine"
)

// TestFreshGivesEachRequestItsOwnID: every occurrence of the MessageHeader
// id (its id and the entry's fullUrl) changes, nothing else does, and the
// body stays a valid message of the same length.
func TestFreshGivesEachRequestItsOwnID(t *testing.T) {
	for _, name := range []string{"vaccinations-1-new.xml", "vaccinations-1-new.json", "nipe-outcome-1-update.xml"} {
		t.Run(name, func(t *testing.T) {
			body, err := fixtures.Bundle(name)
			require.NoError(t, err)
			f, err := loadtest.NewFresh(body)
			require.NoError(t, err)
			require.Len(t, f.Tokens, 2, "the MessageHeader id and the focus identifier")
			occurrences := strings.Count(string(body), f.Tokens[0])
			require.GreaterOrEqual(t, occurrences, 2, "the id and the fullUrl")
			format := "xml"
			if strings.HasSuffix(name, ".json") {
				format = "json"
			}
			seen := map[string]bool{}
			for _, i := range []int64{0, 1, 15, 16, 1 << 40, 1<<48 + 7} {
				b := f.Body(i)
				id := f.IDFor(i)
				assert.Len(t, b, len(body))
				assert.Equal(t, len(f.Tokens[0]), len(id))
				record := f.TokenFor(1, i)
				assert.Equal(t, strings.Count(string(body), f.Tokens[1]), strings.Count(string(b), record))
				assert.False(t, seen[id], "id %s repeated", id)
				seen[id] = true
				assert.Equal(t, occurrences, strings.Count(string(b), id))
				back := strings.ReplaceAll(strings.ReplaceAll(string(b), id, f.Tokens[0]), record, f.Tokens[1])
				assert.Equal(t, string(body), back, "only the id and the record change")
				_, doc, err := fhir.ReadDoc(b, format)
				require.NoError(t, err)
				got, _ := doc.Entries[0].Resource.Val("id")
				assert.Equal(t, id, got)
			}
		})
	}
}

func TestFreshRefusesAMessageWithoutHeaderID(t *testing.T) {
	for name, body := range map[string]string{
		"not a message": `<Patient xmlns="http://hl7.org/fhir"><id value="x"/></Patient>`,
		"no id":         `<Bundle xmlns="http://hl7.org/fhir"><type value="message"/><entry><resource><MessageHeader/></resource></entry></Bundle>`,
		"not FHIR":      `{`,
	} {
		_, err := loadtest.NewFresh([]byte(body))
		assert.Error(t, err, name)
	}
}

// TestRunWithFreshIDs: with fresh ids the mock sees every request as a new
// message about a new record, so the rules that remember (EVT-MSGID-UNIQUE,
// EVT-LIFECYCLE) never fail; sending the same body fails them on every
// repeat.
func TestRunWithFreshIDs(t *testing.T) {
	for _, fresh := range []bool{true, false} {
		t.Run(map[bool]string{true: "fresh", false: "same body"}[fresh], func(t *testing.T) {
			url, s := startMock(t)
			cfg := config(url)
			cfg.FreshIDs = fresh
			cfg.Warmup = 50 * time.Millisecond
			r, err := loadtest.Run(context.Background(), cfg)
			require.NoError(t, err)
			require.Greater(t, r.Requests, int64(2))
			assert.Zero(t, r.Non202, r.FirstError)
			failed := 0
			entries := s.Journal().List(0)
			for _, e := range entries {
				for _, v := range e.Verdicts {
					if (v.Rule == "EVT-MSGID-UNIQUE" || v.Rule == "EVT-LIFECYCLE") && v.Outcome == mockspine.Fail {
						failed++
					}
				}
			}
			if fresh {
				assert.Zero(t, failed)
			} else {
				assert.Equal(t, 2*(len(entries)-1), failed, "both, on every repeat after the first")
			}
		})
	}
}
