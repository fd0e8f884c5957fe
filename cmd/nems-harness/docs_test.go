package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// The documentation's commands are tested as written: every ```sh block
// of the pages docPages lists runs, in order, in a copy of the repository,
// with nems-harness on the PATH (docs_run_test.go). An HTML comment just
// before a block says how:
//
//	<!-- not-tested: why -->         the block is not run (a placeholder, a network fetch)
//	<!-- test: background -->        it starts a server: run it in the background until the
//	                                 next heading, and go on once it listens
//	<!-- test: expect "TEXT" -->     its output must contain TEXT (repeatable)
//	<!-- test: exit N -->            it must exit with status N rather than 0
//
// Several directives may share one comment, separated by ";".

// docPages are the pages whose commands are tested, relative to the
// repository root: the README and every page under docs/.
func docPages(root string) ([]string, error) {
	pages := []string{"README.md"}
	more, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		return nil, err
	}
	sort.Strings(more)
	for _, m := range more {
		rel, err := filepath.Rel(root, m)
		if err != nil {
			return nil, err
		}
		pages = append(pages, filepath.ToSlash(rel))
	}
	return pages, nil
}

// docBlock is one shell block of a page and how to run it.
type docBlock struct {
	line       int // of the opening fence, counted from 1
	section    int // headings before it: a background block serves its own section
	script     string
	notTested  string // why it is not run; empty when it is
	background bool
	expect     []string
	exit       int
}

var (
	docDirective = regexp.MustCompile(`^\s*<!--\s*(not-tested|test)\s*:\s*(.*?)\s*-->\s*$`)
	docFence     = regexp.MustCompile("^(\\s*)```+\\s*([A-Za-z0-9_-]*)")
)

// shellLanguages are the fence labels of blocks that are run.
var shellLanguages = map[string]bool{"sh": true, "shell": true, "bash": true}

// parseDocBlocks finds the shell blocks of a Markdown page and their
// directives. A directive not followed by a block, or not understood, is
// an error: a typo must not turn a test off.
func parseDocBlocks(text string) ([]docBlock, error) {
	var blocks []docBlock
	var pending *docBlock
	pendingLine, section := 0, 0
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if m := docDirective.FindStringSubmatch(line); m != nil {
			if pending == nil {
				pending, pendingLine = &docBlock{}, i+1
			}
			if err := pending.apply(m[1], m[2]); err != nil {
				return nil, fmt.Errorf("line %d: %w", i+1, err)
			}
			continue
		}
		if strings.HasPrefix(line, "#") {
			section++
		}
		m := docFence.FindStringSubmatch(line)
		if m == nil {
			if pending != nil && strings.TrimSpace(line) != "" {
				return nil, fmt.Errorf("line %d: the directive is not followed by a ```sh block", pendingLine)
			}
			continue
		}
		indent, lang := m[1], m[2]
		var body []string
		start := i + 1
		for i++; i < len(lines); i++ {
			if strings.HasPrefix(strings.TrimSpace(lines[i]), "```") {
				break
			}
			body = append(body, strings.TrimPrefix(lines[i], indent))
		}
		if i == len(lines) {
			return nil, fmt.Errorf("line %d: the block is not closed", start)
		}
		b := docBlock{}
		if pending != nil {
			b = *pending
			pending = nil
		}
		if !shellLanguages[lang] {
			if b.notTested != "" || b.background || len(b.expect) > 0 || b.exit != 0 {
				return nil, fmt.Errorf("line %d: a directive before a block that is not sh (%q)", start, lang)
			}
			continue
		}
		b.line, b.section, b.script = start, section, strings.Join(body, "\n")+"\n"
		blocks = append(blocks, b)
	}
	if pending != nil {
		return nil, fmt.Errorf("line %d: the directive is not followed by a ```sh block", pendingLine)
	}
	return blocks, nil
}

// apply reads one directive comment into the block it precedes.
func (b *docBlock) apply(kind, text string) error {
	if kind == "not-tested" {
		if text == "" {
			return fmt.Errorf("not-tested needs a reason")
		}
		b.notTested = text
		return nil
	}
	for _, d := range strings.Split(text, ";") {
		d = strings.TrimSpace(d)
		word, arg, _ := strings.Cut(d, " ")
		arg = strings.TrimSpace(arg)
		switch word {
		case "background":
			b.background = true
		case "expect":
			if uq, err := strconv.Unquote(arg); err == nil {
				arg = uq
			}
			if arg == "" {
				return fmt.Errorf("expect needs the text to find")
			}
			b.expect = append(b.expect, arg)
		case "exit":
			n, err := strconv.Atoi(arg)
			if err != nil {
				return fmt.Errorf("exit needs a status, not %q", arg)
			}
			b.exit = n
		default:
			return fmt.Errorf("unknown test directive %q (want background, expect \"TEXT\" or exit N)", d)
		}
	}
	return nil
}

// readDocBlocks reads a page's blocks.
func readDocBlocks(root, page string) ([]docBlock, error) {
	b, err := os.ReadFile(filepath.Join(root, page))
	if err != nil {
		return nil, err
	}
	blocks, err := parseDocBlocks(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s %w", page, err)
	}
	return blocks, nil
}
