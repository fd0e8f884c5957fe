package mockspine

import (
	"fmt"
	"strings"

	"github.com/nems-harness/nems-harness/internal/nhsnumber"
)

func checkNHSFormat(r *Rule, x *Exchange) Verdict {
	b := x.bundle
	if b == nil {
		return r.skipOn("MSG-WELLFORMED", "the body could not be read")
	}
	if len(b.NHSNumbers) == 0 {
		return r.fail("the message carries no NHS number; an event must identify its patient")
	}
	var problems []string
	for _, n := range b.NHSNumbers {
		if err := nhsnumber.Check(n.Value); err != nil {
			problems = append(problems, fmt.Sprintf("%s (%s)", err, n.Where))
		}
	}
	if len(problems) > 0 {
		return r.fail("%s", strings.Join(problems, "; "))
	}
	return r.pass("%d NHS number(s), all valid", len(b.NHSNumbers))
}

func checkNHSTraced(r *Rule, x *Exchange) Verdict {
	b := x.bundle
	if b == nil {
		return r.skipOn("MSG-WELLFORMED", "the body could not be read")
	}
	var problems []string
	checked := 0
	for _, n := range b.NHSNumbers {
		if nhsnumber.Check(n.Value) != nil {
			continue
		}
		checked++
		p, ok := x.World.Patient(n.Value)
		if !ok {
			problems = append(problems, fmt.Sprintf("NHS number %s (%s) is not on PDS", n.Value, n.Where))
			continue
		}
		if n.Family != "" && !strings.EqualFold(strings.TrimSpace(n.Family), p.Family) {
			problems = append(problems, fmt.Sprintf("family name %q for %s (%s) does not match PDS", n.Family, n.Value, n.Where))
		}
		if n.BirthDate != "" && n.BirthDate != p.BirthDate {
			problems = append(problems, fmt.Sprintf("birth date %s for %s (%s) does not match PDS", n.BirthDate, n.Value, n.Where))
		}
	}
	if checked == 0 {
		return r.skipOn("NHS-FORMAT", "no valid NHS number to trace")
	}
	if len(problems) > 0 {
		return r.fail("%s", strings.Join(problems, "; "))
	}
	return r.pass("%d NHS number(s) traced on PDS with matching demographics", checked)
}

func checkNHSFlags(r *Rule, x *Exchange) Verdict {
	b := x.bundle
	if b == nil {
		return r.skipOn("MSG-WELLFORMED", "the body could not be read")
	}
	var problems []string
	found := 0
	seen := map[string]bool{}
	for _, n := range b.NHSNumbers {
		p, ok := x.World.Patient(n.Value)
		if !ok || seen[n.Value] {
			continue
		}
		seen[n.Value] = true
		found++
		for _, f := range []string{"S", "I"} {
			if p.HasFlag(f) {
				problems = append(problems, fmt.Sprintf("the PDS record of %s carries the %s flag; no event may be published for this patient", n.Value, f))
			}
		}
	}
	if found == 0 {
		return r.skipOn("NHS-TRACED", "no NHS number in the message is on PDS")
	}
	if len(problems) > 0 {
		return r.fail("%s", strings.Join(problems, "; "))
	}
	return r.pass("no S or I flag on %d patient(s)", found)
}
