package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDocBlocks(t *testing.T) {
	page := "# Page\n\n" +
		"```sh\nnems-harness version\n```\n\n" +
		"<!-- not-tested: needs your own system -->\n```sh\n./start-my-system.sh\n```\n\n" +
		"## Serving\n\n" +
		"<!-- test: background -->\n\n```bash\nnems-harness serve\n```\n\n" +
		"1. In a list:\n   <!-- test: expect \"202\"; expect HTTP/1.1; exit 1 -->\n   ```sh\n   curl -i x \\\n     -d y\n   ```\n\n" +
		"```json\n{\"not\": \"run\"}\n```\n"
	blocks, err := parseDocBlocks(page)
	require.NoError(t, err)
	assert.Equal(t, []docBlock{
		{line: 3, section: 1, script: "nems-harness version\n"},
		{line: 8, section: 1, script: "./start-my-system.sh\n", notTested: "needs your own system"},
		{line: 16, section: 2, script: "nems-harness serve\n", background: true},
		{line: 22, section: 2, script: "curl -i x \\\n  -d y\n", expect: []string{"202", "HTTP/1.1"}, exit: 1},
	}, blocks)

	for _, bad := range []struct{ page, want string }{
		{"<!-- test: backgruond -->\n```sh\nx\n```\n", `line 1: unknown test directive "backgruond"`},
		{"<!-- not-tested: -->\n```sh\nx\n```\n", "not-tested needs a reason"},
		{"<!-- test: exit one -->\n```sh\nx\n```\n", `exit needs a status, not "one"`},
		{"<!-- test: background -->\nSome text.\n```sh\nx\n```\n", "line 1: the directive is not followed by a ```sh block"},
		{"<!-- test: expect \"x\" -->\n```json\n{}\n```\n", "a directive before a block that is not sh"},
		{"```sh\nx\n", "line 1: the block is not closed"},
		{"text\n<!-- test: background -->\n", "line 2: the directive is not followed"},
	} {
		_, err := parseDocBlocks(bad.page)
		assert.ErrorContains(t, err, bad.want, bad.page)
	}
}

// TestDocPagesParse: every page the docs test runs parses, so a broken
// directive fails even a -short run.
func TestDocPagesParse(t *testing.T) {
	root := filepath.Join("..", "..")
	pages, err := docPages(root)
	require.NoError(t, err)
	require.Contains(t, pages, "README.md")
	for _, p := range pages {
		_, err := readDocBlocks(root, p)
		assert.NoError(t, err)
	}
}
