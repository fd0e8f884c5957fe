package main

import (
	"encoding/json"
	"fmt"
	"io"
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
	var rules []*mockspine.Rule
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
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tBREACH\tAREA")
	for _, r := range rules {
		fmt.Fprintf(tw, "%s\t%d %s %s\t%s\n", r.ID, r.Answer.Status, r.Answer.Code.Code, r.Answer.IssueType, r.Area)
		if *verbose {
			fmt.Fprintf(tw, "\t%s\t\n", r.Text)
		}
	}
	if err := tw.Flush(); err != nil {
		return fail(stderr, "rules", err)
	}
	return 0
}
