package suite

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateTags(t *testing.T) {
	tests := []struct {
		expr string
		ok   bool
	}{
		{"", true},
		{"@JWT-SCOPE", true},
		{" @JWT-SCOPE,@JWT-SUB ", true},
		{"@MIME-ACCEPT && ~@violation", true},
		{"~@wip && @a,~@b && @c", true},
		{"((", false},
		{"@a,", false},
		{"@a && ", false},
		{"~", false},
		{"@", false},
		{"JWT-SCOPE", false},
		{"not @a", false},
		{"@a and @b", false},
		{"@a or @b", false},
		{"(@a)", false},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			err := ValidateTags(tt.expr)
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrTags)
			assert.Contains(t, err.Error(), "write tags as @TAG or ~@TAG")
		})
	}
}

func TestMatches(t *testing.T) {
	tags := []string{"@supplier", "@JWT-SCOPE", "@violation"}
	tests := []struct {
		expr string
		want bool
	}{
		{"", true},
		{"@JWT-SCOPE", true},
		{"@JWT-SUB", false},
		{"@JWT-SUB,@JWT-SCOPE", true},
		{"~@JWT-SCOPE", false},
		{"~@wip", true},
		{"@supplier && @violation", true},
		{"@supplier && @conforming", false},
		{"@supplier && @conforming,~@wip", true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Matches(tt.expr, tags), tt.expr)
	}
}

var testFeatures = fstest.MapFS{
	"a.feature": {Data: []byte(`@area
Feature: A
  @one @conforming
  Scenario: passes
    Given a step that passes

  @two @violation
  Scenario: is skipped
    Given a step that skips because "the fixtures have no S-flagged patient"
    Then a step that passes

  @three
  Scenario Outline: fails <n>
    Given a step that <what>

    Examples:
      | n | what   |
      | 1 | passes |
      | 2 | fails  |
`)},
}

func steps(sc *godog.ScenarioContext) {
	sc.Step(`^a step that passes$`, func() error { return nil })
	sc.Step(`^a step that fails$`, func() error { return errors.New("it failed") })
	sc.Step(`^a step that skips because "([^"]*)"$`, func(why string) error {
		return fmt.Errorf("%w: %s", godog.ErrSkip, why)
	})
}

func TestSelect(t *testing.T) {
	tests := []struct {
		expr string
		want int
	}{
		{"", 4},
		{"@area", 4},
		{"@one,@two", 2},
		{"@three", 2},
		{"@three && ~@area", 0},
		{"@nope", 0},
	}
	for _, tt := range tests {
		sel, err := Select(testFeatures, tt.expr)
		require.NoError(t, err)
		assert.Len(t, sel, tt.want, tt.expr)
	}
}

func TestCheckRefusesEmptySelections(t *testing.T) {
	_, err := Check(testFeatures, "@nope", "~@wip")
	var ns *NoScenarioError
	require.ErrorAs(t, err, &ns)
	assert.Equal(t, `the tag expression "@nope" selects no scenario (the run uses "@nope && ~@wip"); check the tags' spelling`, err.Error())
	_, err = Check(testFeatures, "", "@nope")
	assert.ErrorAs(t, err, &ns)
	_, err = Check(testFeatures, "((")
	assert.ErrorIs(t, err, ErrTags)
	expr, err := Check(testFeatures, "@one", "~@wip")
	require.NoError(t, err)
	assert.Equal(t, "@one && ~@wip", expr)
}

// TestRunGivesOneTally: the console, the Result and JUnit count the same
// scenarios alike, skipped ones with their reason; godog's own tally,
// which counts a skipped scenario as passed, is not shown.
func TestRunGivesOneTally(t *testing.T) {
	var progress bytes.Buffer
	out := filepath.Join(t.TempDir(), "a,b")
	res, err := Run(context.Background(), Options{Name: "test", Features: testFeatures, Scope: []string{"@area"},
		Initialize: steps, OutDir: out, Progress: &progress})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Status)
	assert.Equal(t, 2, res.Tally.Passed)
	assert.Equal(t, 1, res.Tally.Failed)
	assert.Equal(t, 1, res.Tally.Skipped)
	assert.Equal(t, []string{"1 × the fixtures have no S-flagged patient"}, res.Skipped)
	assert.Equal(t, filepath.Join(out, JUnitFile), res.JUnitXML)

	text := progress.String()
	assert.Contains(t, text, "4 scenarios: 2 passed, 1 failed, 1 skipped (not assessed)")
	assert.Contains(t, text, "skipped: 1 × the fixtures have no S-flagged patient")
	assert.Contains(t, text, "it failed", "godog's list of failed steps is kept")
	assert.NotContains(t, text, "4 scenarios (", "godog's tally is not")
	assert.NotContains(t, text, "\x1b[")

	b, err := os.ReadFile(res.JUnitXML)
	require.NoError(t, err)
	var doc junitSuites
	require.NoError(t, xml.Unmarshal(b, &doc))
	assert.Equal(t, 4, doc.Tests)
	assert.Equal(t, 1, doc.Failures)
	assert.Equal(t, 1, doc.Skipped)
	require.Len(t, doc.Suites, 1)
	var skipped, failed []string
	for _, c := range doc.Suites[0].Cases {
		if c.Skipped != nil {
			skipped = append(skipped, c.Name+": "+c.Skipped.Message)
		}
		if c.Failure != nil {
			failed = append(failed, c.Name)
		}
	}
	assert.Equal(t, []string{"is skipped (line 8): the fixtures have no S-flagged patient"}, skipped)
	assert.Len(t, failed, 1)

	for _, sc := range res.Scenarios {
		if sc.Name == "is skipped" {
			assert.Equal(t, "skipped", sc.Status)
			assert.Equal(t, "the fixtures have no S-flagged patient", sc.Reason)
		}
	}
}

func TestRunRefusesBeforeRunning(t *testing.T) {
	ran := false
	_, err := Run(context.Background(), Options{Features: testFeatures, Tags: "@nope",
		Initialize: func(*godog.ScenarioContext) { ran = true }, OutDir: t.TempDir()})
	require.Error(t, err)
	assert.False(t, ran)
}

func TestRunPrettyProgress(t *testing.T) {
	var progress bytes.Buffer
	res, err := Run(context.Background(), Options{Features: testFeatures, Tags: "@one", Initialize: steps,
		OutDir: t.TempDir(), Progress: &progress, Pretty: true})
	require.NoError(t, err)
	assert.Equal(t, 0, res.Status)
	assert.Contains(t, progress.String(), "Scenario: passes")
	assert.Contains(t, progress.String(), "1 scenario: 1 passed, 0 failed, 0 skipped (not assessed)")
	assert.NotContains(t, progress.String(), "1 scenarios (1 passed)")
}
