package content_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/breaks"
	"github.com/nems-harness/nems-harness/internal/content"
	"github.com/nems-harness/nems-harness/internal/fhir"
)

const goldenFile = "testdata/verdicts.golden"

// goldenContext is what every golden message is judged with: a history
// (empty unless a run records into it), a sender, the body.
func goldenContext(format string, body []byte, h content.History) content.Context {
	profile := content.ProfileCurrent
	if format == "json" {
		profile = content.Profile2019
	}
	return content.Context{Profile: profile, SenderASID: "200000000115", History: h, Body: string(body)}
}

// dumpResults writes every result in full: outcome, reason, total and
// each finding with its place and excerpt.
func dumpResults(res []content.Result) []string {
	out := make([]string, 0, len(res))
	for _, r := range res {
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s %q", r.Rule.ID, r.Outcome, r.Reason)
		if r.Outcome == content.Fail {
			fmt.Fprintf(&b, " total=%d summary=%q", r.Total, r.Summary())
		}
		for _, f := range r.Findings {
			fmt.Fprintf(&b, "\n\t%d %q line=%d %q excerpt=%q", f.Entry, f.Path, f.Line, f.Reason, f.Excerpt)
		}
		out = append(out, b.String())
	}
	return out
}

func judgeGolden(t *testing.T, c *content.Catalogue, body []byte, format string, h content.History) ([]content.Result, *content.Message) {
	t.Helper()
	b, doc, err := fhir.ReadDoc(body, format)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	m := content.NewMessage(doc, b, goldenContext(format, body, h))
	return c.Judge(m), m
}

// goldenDump judges every fixture (alone, then each event's replayed in
// order through one history), every named break and every mutation of
// the event tests, and writes every verdict: in full for a fixture, and
// for a changed message only where it differs from its fixture's.
func goldenDump(t *testing.T) string {
	c := catalogue(t)
	var out strings.Builder
	base := map[string][]string{}
	for _, name := range fixtureNames {
		for _, format := range []string{"xml", "json"} {
			body, err := fixtures.Bundle(name + "." + format)
			if err != nil {
				t.Fatal(err)
			}
			res, _ := judgeGolden(t, c, body, format, content.NewMemory())
			lines := dumpResults(res)
			base[name+"."+format] = lines
			fmt.Fprintf(&out, "# %s.%s\n%s\n", name, format, strings.Join(lines, "\n"))
		}
	}
	diff := func(title, fixture string, lines []string) {
		fmt.Fprintf(&out, "# %s (on %s)\n", title, fixture)
		for i, l := range lines {
			if l != base[fixture][i] {
				out.WriteString(l + "\n")
			}
		}
	}
	for _, format := range []string{"xml", "json"} {
		for _, ev := range []string{"vaccinations-1", "professional-contacts-1", "blood-spot-test-outcome-1", "newborn-hearing-1", "nipe-outcome-1"} {
			run := content.NewMemory()
			for i, mt := range []string{"new", "update", "delete"} {
				name := ev + "-" + mt + "." + format
				body, err := fixtures.Bundle(name)
				if err != nil {
					t.Fatal(err)
				}
				res, m := judgeGolden(t, c, body, format, run)
				f := m.Facts()
				f.Ref = fmt.Sprintf("request %d", i+1)
				run.Record(f)
				diff("run "+ev+" "+format+" message "+fmt.Sprint(i+1), name, dumpResults(res))
			}
		}
	}
	for _, br := range breaks.All() {
		for _, format := range []string{"xml", "json"} {
			body, err := fixtures.Bundle(br.Fixture(format))
			if err != nil {
				t.Fatal(err)
			}
			broken, err := br.Apply(body, format)
			if err != nil {
				t.Fatal(err)
			}
			res, _ := judgeGolden(t, c, broken, format, content.NewMemory())
			diff("break "+br.Name+" "+format, br.Fixture(format), dumpResults(res))
		}
	}
	for i, mu := range mutations {
		body, err := fixtures.Bundle(mu.fixture + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var b map[string]any
		if err := json.Unmarshal(body, &b); err != nil {
			t.Fatal(err)
		}
		var r map[string]any
		if mu.typ != "" {
			r = nth(b, mu.typ, mu.index)
		}
		mu.change(r, b)
		res, _ := judgeGolden(t, c, marshal(b), "json", content.NewMemory())
		diff(fmt.Sprintf("mutation %d %s", i, mu.rule), mu.fixture+".json", dumpResults(res))
	}
	return out.String()
}

// TestVerdictsGolden keeps every verdict, reason and finding of the
// fixtures, the named breaks and the event tests' mutations as they are
// in testdata/verdicts.golden: a change to the engine that changes none
// of them on purpose changes none of them. Rewrite it with
// go test ./internal/content -run TestVerdictsGolden -update.
func TestVerdictsGolden(t *testing.T) {
	got := goldenDump(t)
	if *update {
		if err := os.MkdirAll(filepath.Dir(goldenFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenFile, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatalf("%v: run go test ./internal/content -run TestVerdictsGolden -update", err)
	}
	if got == string(want) {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	shown := 0
	for i := 0; i < max(len(g), len(w)) && shown < 20; i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, gl, wl)
			shown++
		}
	}
}
