package suite

import (
	"bytes"
	"io"
	"regexp"

	"github.com/cucumber/godog"
)

// The console formatters: godog's progress and pretty formatters without
// godog's closing tally, which counts a skipped scenario as passed; Run
// prints the run's own tally instead.
const (
	progressFormat = "nems-progress"
	prettyFormat   = "nems-pretty"
)

func init() {
	godog.Format(progressFormat, "godog's progress formatter without its tally", func(suite string, out io.Writer) godog.Formatter {
		f := &summaryFilter{out: out}
		return &progressFmt{ProgressFmt: godog.NewProgressFmt(suite, f), filter: f}
	})
	godog.Format(prettyFormat, "godog's pretty formatter without its tally", func(suite string, out io.Writer) godog.Formatter {
		f := &summaryFilter{out: out}
		return &prettyFmt{PrettyFmt: godog.NewPrettyFmt(suite, f), filter: f}
	})
}

type progressFmt struct {
	*godog.ProgressFmt
	filter *summaryFilter
}

func (f *progressFmt) Summary() {
	f.filter.summary = true
	f.ProgressFmt.Summary()
	f.filter.flush()
}

type prettyFmt struct {
	*godog.PrettyFmt
	filter *summaryFilter
}

func (f *prettyFmt) Summary() {
	f.filter.summary = true
	f.PrettyFmt.Summary()
	f.filter.flush()
}

// summaryFilter passes output through until the summary starts, then holds
// it and drops godog's tally lines ("N scenarios (…)", "N steps (…)", the
// elapsed time), keeping the rest (the failed steps, snippets).
type summaryFilter struct {
	out     io.Writer
	summary bool
	held    bytes.Buffer
}

func (f *summaryFilter) Write(p []byte) (int, error) {
	if !f.summary {
		return f.out.Write(p)
	}
	return f.held.Write(p)
}

var csi = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)

var tallyLine = regexp.MustCompile(`^(?:\d+ scenarios \(.*\)|No scenarios|\d+ steps \(.*\)|No steps|[0-9][0-9.hmµns]*s)$`)

func (f *summaryFilter) flush() {
	lines := bytes.SplitAfter(f.held.Bytes(), []byte("\n"))
	var keep bytes.Buffer
	for _, l := range lines {
		plain := bytes.TrimSpace(csi.ReplaceAll(l, nil))
		if tallyLine.Match(plain) {
			continue
		}
		keep.Write(l)
	}
	// The blank line godog puts before its tally is left trailing.
	out := bytes.TrimRight(keep.Bytes(), "\n")
	if len(out) > 0 {
		out = append(out, '\n')
	}
	_, _ = f.out.Write(out)
	f.held.Reset()
	f.summary = false
}
