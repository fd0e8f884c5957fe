package assessment

import (
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExampleRowsNameTheValuesTried(t *testing.T) {
	fsys := fstest.MapFS{"a.feature": {Data: []byte(`Feature: A
  Scenario Outline: scope <scope> is refused
    Given the JWT claim "scope" is "<scope>"
    Then it is refused with <status>

    Examples:
      | scope          | status |
      | patient/*.read | 400    |
      | "quoted"       | 401    |

  Scenario: plain
    Given nothing
`)}, "broken.feature": {Data: []byte("not gherkin at all: |")}}
	rows := readExampleRows(fsys)
	assert.Equal(t, map[string]string{
		"a.feature:8": `scope = "patient/*.read", status = "400"`,
		"a.feature:9": `scope = "\"quoted\"", status = "401"`,
	}, rows)
}

func TestScenarioHeadingOfTheSuite(t *testing.T) {
	// Every outline row of the conformance features gets its values.
	rows := exampleRows()
	assert.NotEmpty(t, rows)
	for key, values := range rows {
		uri, line, _ := strings.Cut(key, ":")
		n, err := strconv.Atoi(line)
		require.NoError(t, err)
		h := scenarioHeading(uri, "an outline", n)
		assert.Equal(t, uri+": an outline — with "+values+" (line "+line+")", h)
	}
	assert.Equal(t, "x.feature: plain (line 3)", scenarioHeading("x.feature", "plain", 3))
}
