package conformance

import (
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/features"
	"github.com/nems-harness/nems-harness/mockspine"
)

// Tags with a meaning of their own.
const (
	tagConforming = "@conforming"
	tagViolation  = "@violation"
	tagOperation  = "@operation"
)

// ruleLike is a tag that looks like a rule ID.
var ruleLike = regexp.MustCompile(`^@[A-Z]+-[A-Z0-9-]+$`)

// parsedPickle is a scenario (or one example row of an outline) with where
// it comes from.
type parsedPickle struct {
	where string
	name  string
	tags  []string
	steps []string
}

func parseFeatures(t *testing.T, fsys fs.FS) ([]*messages.GherkinDocument, []parsedPickle) {
	t.Helper()
	names, err := fs.Glob(fsys, "*.feature")
	require.NoError(t, err)
	require.NotEmpty(t, names, "no feature files embedded")
	newID := (&messages.Incrementing{}).NewId
	var docs []*messages.GherkinDocument
	var out []parsedPickle
	for _, name := range names {
		f, err := fsys.Open(name)
		require.NoError(t, err)
		doc, err := gherkin.ParseGherkinDocument(f, newID)
		f.Close()
		require.NoError(t, err, name)
		doc.Uri = name
		docs = append(docs, doc)
		for _, p := range gherkin.Pickles(*doc, name, newID) {
			pp := parsedPickle{where: fmt.Sprintf("%s: %s", name, p.Name), name: p.Name}
			for _, tag := range p.Tags {
				pp.tags = append(pp.tags, tag.Name)
			}
			for _, s := range p.Steps {
				pp.steps = append(pp.steps, s.Text)
			}
			out = append(out, pp)
		}
	}
	return docs, out
}

func (p parsedPickle) has(tag string) bool {
	for _, t := range p.tags {
		if t == tag {
			return true
		}
	}
	return false
}

// TestTraceability is the gate between the rule catalogue and the
// scenarios: every rule has a scenario showing a conforming request accepted
// and one showing a breach rejected; every tag that looks like a rule ID is
// one; every violation scenario names its rules and checks them in the
// answer's diagnostics.
func TestTraceability(t *testing.T) {
	docs, pickles := parseFeatures(t, features.FS())
	problems, rows := trace(docs, pickles)
	for _, p := range problems {
		t.Error(p)
	}
	t.Logf("scenarios per rule (outline rows counted, both profiles):\n%s", strings.Join(rows, "\n"))
}

// TestTraceabilityGateCatches feeds the gate a feature with every kind of
// mistake it must catch.
func TestTraceabilityGateCatches(t *testing.T) {
	bad := `Feature: Broken

  @violation @JWT-SCOPE
  Scenario: names no rule in its steps
    Given a conforming publish request
    Then the answer has status 400

  @violation
  Scenario: tags no rule
    Then the answer has status 400

  @conforming @JWT-SCOPES
  Scenario: unknown rule
    Then the request is accepted

  Scenario: neither conforming nor violation
    Then the request is accepted

  @conforming @EVT-SOURCE
  Scenario: content kept without saying so
    Given a conforming publish request
    Then the request is accepted
`
	docs, pickles := parseFeatures(t, fstest.MapFS{"bad.feature": {Data: []byte(bad)}})
	problems, _ := trace(docs, pickles)
	all := strings.Join(problems, "\n")
	for _, want := range []string{
		"bad.feature: the feature has no description",
		"names no rule in its steps: a @violation scenario tagged @JWT-SCOPE must check the answer's diagnostics for rule JWT-SCOPE",
		"tags no rule: a @violation scenario must tag the rule(s) it breaks",
		"unknown rule: tag @JWT-SCOPES looks like a rule ID but the catalogue has no such rule",
		"neither conforming nor violation: tag it @conforming, @violation or @operation",
		"rule JWT-SCOPE has no @conforming scenario",
		"rule MSG-SIZE has no @violation scenario",
		"content kept without saying so: a scenario tagged with content rule @EVT-SOURCE must be tagged @content",
		"content kept without saying so: a @conforming scenario tagged with content rule @EVT-SOURCE must check \"the answer has no issue for rule EVT-SOURCE\"",
	} {
		require.Contains(t, all, want)
	}
}

// trace checks scenarios against the catalogue. It returns the problems
// found and a line per rule counting its scenarios.
func trace(docs []*messages.GherkinDocument, pickles []parsedPickle) (problems, rows []string) {
	problem := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	known, content := map[string]bool{}, map[string]bool{}
	for _, r := range mockspine.Rules() {
		known["@"+r.ID] = true
		content[r.ID] = r.Area == mockspine.AreaContent
	}
	profileTags := map[string]bool{}
	for _, p := range mockspine.Profiles() {
		profileTags[ProfileTag(p)] = true
	}

	for _, doc := range docs {
		if doc.Feature == nil {
			problem("%s: no Feature", doc.Uri)
			continue
		}
		if strings.TrimSpace(doc.Feature.Description) == "" {
			problem("%s: the feature has no description saying which guidance it checks", doc.Uri)
		}
	}

	conforming, violation := map[string]int{}, map[string]int{}
	for _, p := range pickles {
		var rules []string
		profiles := 0
		for _, tag := range p.tags {
			if ruleLike.MatchString(tag) {
				if !known[tag] {
					problem("%s: tag %s looks like a rule ID but the catalogue has no such rule", p.where, tag)
					continue
				}
				rules = append(rules, strings.TrimPrefix(tag, "@"))
			}
			if profileTags[tag] {
				profiles++
			}
		}
		if profiles > 1 {
			problem("%s: tagged with more than one profile", p.where)
		}
		kinds := 0
		for _, k := range []string{tagConforming, tagViolation, tagOperation} {
			if p.has(k) {
				kinds++
			}
		}
		if kinds == 0 {
			problem("%s: tag it @conforming, @violation or @operation", p.where)
		}
		if p.has(tagConforming) && p.has(tagViolation) {
			problem("%s: tagged both @conforming and @violation", p.where)
		}
		if p.has(tagViolation) {
			if len(rules) == 0 {
				problem("%s: a @violation scenario must tag the rule(s) it breaks", p.where)
			}
			handshake := false
			for _, s := range p.steps {
				if s == "the TLS handshake is refused" {
					handshake = true
				}
			}
			for _, r := range rules {
				named := handshake
				for _, s := range p.steps {
					if strings.Contains(s, "for rule "+r+" ") {
						named = true
					}
				}
				if !named {
					problem("%s: a @violation scenario tagged @%s must check the answer's diagnostics for rule %s (\"... for rule %s with ...\")", p.where, r, r, r)
				}
				violation[r]++
			}
		}
		if p.has(tagConforming) {
			for _, r := range rules {
				conforming[r]++
			}
		}
		// An event-content scenario is tagged @content (the suite can then
		// pick the content mode it needs), and a @conforming one shows its
		// rule kept: a 202 with warnings would not, so it checks the answer
		// has no issue for the rule.
		for _, r := range rules {
			if !content[r] {
				continue
			}
			if !p.has("@content") {
				problem("%s: a scenario tagged with content rule @%s must be tagged @content", p.where, r)
			}
			if p.has(tagConforming) {
				named := false
				for _, s := range p.steps {
					named = named || strings.Contains(s, "no issue for rule "+r)
				}
				if !named {
					problem("%s: a @conforming scenario tagged with content rule @%s must check \"the answer has no issue for rule %s\"", p.where, r, r)
				}
			}
		}
	}

	for _, r := range mockspine.Rules() {
		if conforming[r.ID] == 0 {
			problem("rule %s has no @conforming scenario", r.ID)
		}
		if violation[r.ID] == 0 {
			problem("rule %s has no @violation scenario", r.ID)
		}
		rows = append(rows, fmt.Sprintf("%-18s %3d conforming %3d violation", r.ID, conforming[r.ID], violation[r.ID]))
	}
	sort.Strings(rows)
	return problems, rows
}
