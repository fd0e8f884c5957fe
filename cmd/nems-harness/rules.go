package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/nems-harness/nems-harness/mockspine"
)

func init() {
	commands["rules"] = command{"print the rule catalogue", runRules}
}

func runRules(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("rules", stdout, stderr)
	var profile string
	fs.profileVar(&profile, "profile", string(mockspine.Profile2019), "rule profile: nems-2019-01 or nems-current")
	asJSON := fs.Bool("json", false, "print every rule in full as JSON")
	verbose := fs.Bool("v", false, "print each rule's full text")
	markdown := fs.Bool("markdown", false, "print the rule table of docs/rules.md (Markdown)")
	if code, ok := fs.parse(args); !ok {
		return code
	}
	if code := fs.only("v", !*asJSON, "to the table (--json prints every rule's text already)"); code != 0 {
		return code
	}
	p, err := mockspine.ParseProfile(profile)
	if err != nil {
		return fail(stderr, "rules", err)
	}
	var rules []mockspine.Rule
	for _, r := range mockspine.Rules() {
		if r.AppliesTo(p) {
			rules = append(rules, r)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rules); err != nil {
			return fail(stderr, "rules", err)
		}
		return 0
	}
	// One line per answer: the usual one beside the rule, each alternative
	// below it with its name.
	if *markdown {
		if _, err := io.WriteString(stdout, ruleTable(rules)); err != nil {
			return fail(stderr, "rules", err)
		}
		return 0
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tBREACH\tAREA")
	for _, r := range rules {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, answerText(r.Answer), r.Area)
		headerLines(tw, r.Answer)
		for _, b := range r.Alternatives {
			fmt.Fprintf(tw, "  or %s\t%s\t\n", b.Name, answerText(b))
			headerLines(tw, b)
		}
		if *verbose {
			fmt.Fprintf(tw, "\t%s\t\n", r.Text)
			if len(r.DependsOn) > 0 {
				fmt.Fprintf(tw, "\tnot assessed when it cannot read what %s judge\t\n", strings.Join(r.DependsOn, ", "))
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return fail(stderr, "rules", err)
	}
	return 0
}

// answerText is an answer on one line: status, Spine code and issue type.
func answerText(b mockspine.Breach) string {
	return fmt.Sprintf("%d %s %s", b.Status, b.Code.Code, b.IssueType)
}

// headerLines lists the response header fields an answer adds.
func headerLines(w io.Writer, b mockspine.Breach) {
	for _, h := range b.Header {
		fmt.Fprintf(w, "\t  + %s: %s\t\n", h.Name, h.Value)
	}
}

// ruleTable is the README's rule table: one row per rule, with every answer
// it gives when broken, from the catalogue.
func ruleTable(rules []mockspine.Rule) string {
	var b strings.Builder
	b.WriteString("| ID | Rule | Broken → |\n|---|---|---|\n")
	for _, r := range rules {
		var answers []string
		if r.Handshake != "" {
			answers = append(answers, "handshake refused ("+r.Handshake+")")
		}
		answers = append(answers, answerCell(r.Answer))
		for _, a := range r.Alternatives {
			answers = append(answers, a.When+": "+answerCell(a))
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", r.ID, cell(r.Summary), cell(strings.Join(answers, "; ")))
	}
	return b.String()
}

func answerCell(a mockspine.Breach) string {
	s := fmt.Sprintf("%d %s", a.Status, a.Code.Code)
	for _, h := range a.Header {
		s += " + `" + h.Name + ": " + h.Value + "`"
	}
	return s
}

// cell escapes the table's column separator.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
