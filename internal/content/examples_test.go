package content

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// officialBreaks is RULES-CONTENT.md "The specification's own examples":
// the rules other than the journal rules that each publishable example
// fails, in the table's order (which is also the run's order).
var officialBreaks = []struct {
	file   string
	breaks []string
	inRun  []string // journal rules failing when the files are replayed in order
}{
	{"vaccinations-1-new.xml", []string{"EVT-HEALTHCARESERVICE", "EVT-SOURCE-NAME", "EVT-ROUTING-MATCH"}, nil},
	{"vaccinations-1-notgiven-new.xml", []string{"EVT-HEALTHCARESERVICE", "EVT-SOURCE-NAME"}, nil},
	{"vaccinations-1-update.xml", []string{"EVT-HEALTHCARESERVICE", "EVT-SOURCE-NAME", "EVT-ROUTING-MATCH"}, nil},
	{"vaccinations-1-delete.xml", []string{"EVT-HEALTHCARESERVICE", "EVT-SOURCE-NAME", "EVT-ROUTING-MATCH"}, nil},
	{"Professional-Contacts-1-new.xml", []string{"EVT-SOURCE-NAME", "EVT-ROUTING-MATCH"}, nil},
	{"Professional-Contacts-1-update.xml", []string{"EVT-SOURCE-NAME", "EVT-ROUTING-MATCH"}, nil},
	{"Professional-Contacts-1-delete.xml", []string{"EVT-SOURCE-NAME", "EVT-ROUTING-MATCH"}, nil},
	{"blood-spot-test-outcome-1-new.xml", []string{"BST-PROCEDURE", "EVT-SCTID", "EVT-ROUTING-MATCH"}, nil},
	{"blood-spot-test-outcome-1-update.xml", []string{"BST-PROCEDURE", "EVT-SCTID", "EVT-ROUTING-MATCH"}, nil},
	{"blood-spot-test-outcome-1-delete.xml", nil, nil},
	{"newborn-hearing-1-new.xml", []string{"EVT-ROUTING-MATCH"}, []string{"EVT-MSGID-UNIQUE"}},
	{"newborn-hearing-1-update.xml", []string{"EVT-ROUTING-MATCH"}, nil},
	{"newborn-hearing-1-delete.xml", nil, nil},
	{"nipe-outcome-1-new.xml", []string{"EVT-ROUTING-MATCH"}, []string{"EVT-MSGID-UNIQUE"}},
	{"nipe-outcome-1-update.xml", []string{"EVT-ORDER", "EVT-DATETIME", "EVT-ROUTING-MATCH"}, nil},
	{"nipe-outcome-1-delete.xml", nil, nil},
}

var journalRules = []string{"EVT-MSGID-UNIQUE", "EVT-VERSIONID-ORDER", "EVT-LASTUPDATED-ORDER", "EVT-LIFECYCLE"}

// inCatalogue keeps the IDs the catalogue has (the per-event rules come
// with their events).
func inCatalogue(c *Catalogue, ids []string) []string {
	var out []string
	for _, id := range ids {
		if _, ok := c.Rule(id); ok {
			out = append(out, id)
		}
	}
	return out
}

func failed(res []Result, journal bool) []string {
	var out []string
	for _, r := range res {
		if r.Outcome == Fail && slices.Contains(journalRules, r.Rule.ID) == journal {
			out = append(out, r.Rule.ID)
		}
	}
	slices.Sort(out)
	return out
}

func judgeFile(t *testing.T, c *Catalogue, path string, h History) ([]Result, *Message) {
	t.Helper()
	body, err := os.ReadFile(path)
	require.NoError(t, err)
	m := load(t, body, "xml")
	m.History = h
	return c.Judge(m), m
}

// TestOfficialExamplesFailExactlyTheListedRules judges the specification's
// own examples, when they are beside the project: alone, each fails its
// listed rules (and, for an update or delete, EVT-LIFECYCLE); replayed in
// order, the journal rules fail where the table says.
func TestOfficialExamplesFailExactlyTheListedRules(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "nems", "examples")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("the specification's examples are not beside the project")
	}
	c, err := NewCatalogue(All())
	require.NoError(t, err)
	run := NewMemory()
	for _, ex := range officialBreaks {
		t.Run(ex.file, func(t *testing.T) {
			path := filepath.Join(dir, ex.file)
			alone, _ := judgeFile(t, c, path, NewMemory())
			want := inCatalogue(c, ex.breaks)
			slices.Sort(want)
			assert.Equal(t, want, failed(alone, false), "rules broken")
			var lifecycle []string
			if strings.HasSuffix(ex.file, "-update.xml") && !strings.HasPrefix(ex.file, "blood") && !strings.HasPrefix(ex.file, "newborn") && !strings.HasPrefix(ex.file, "nipe") ||
				strings.HasSuffix(ex.file, "-delete.xml") {
				lifecycle = []string{"EVT-LIFECYCLE"}
			}
			assert.Equal(t, lifecycle, failed(alone, true), "journal rules judged alone")

			if ex.file == "blood-spot-test-outcome-1-new.xml" {
				// RULES-CONTENT.md "Modes and answers" quotes this breach.
				for _, r := range alone {
					if r.Rule.ID == "BST-PROCEDURE" {
						assert.Equal(t, "entry[4] Procedure.outcome.coding: no coding with system http://snomed.info/sct (found https://fhir.nhs.uk/STU3/ValueSet/DCH-BloodSpotOutcome-1); and 10 more", r.Summary())
					}
				}
			}
			inRun, m := judgeFile(t, c, path, run)
			assert.Equal(t, ex.inRun, failed(inRun, true), "journal rules in the run")
			run.Record(m.Facts())
		})
	}
}

// TestFixturesKeepEveryErrorRule: the project's example bundles, corrected
// versions of the specification's, keep every error rule.
func TestFixturesKeepEveryErrorRule(t *testing.T) {
	c, err := NewCatalogue(All())
	require.NoError(t, err)
	files, err := filepath.Glob(fixtures + "*.*")
	require.NoError(t, err)
	n := 0
	for _, f := range files {
		if ext := filepath.Ext(f); ext != ".xml" && ext != ".json" {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			body, err := os.ReadFile(f)
			require.NoError(t, err)
			m := load(t, body, strings.TrimPrefix(filepath.Ext(f), "."))
			m.History = NewMemory()
			for _, r := range c.Judge(m) {
				if r.Rule.Severity == Error {
					assert.NotEqual(t, Fail, r.Outcome, "%s: %s", r.Rule.ID, r.Summary())
				}
			}
		})
	}
	assert.Positive(t, n)
}
