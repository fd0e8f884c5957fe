package supplier

import (
	"fmt"
	"strings"
	"sync"

	"github.com/nems-harness/nems-harness/internal/nhsnumber"
	"github.com/nems-harness/nems-harness/mockspine/world"
)

// PatientKind is the kind of patient a scenario needs.
type PatientKind string

// The kinds of patient the scenarios name.
const (
	// Traced is a patient on PDS without an S or I flag.
	Traced PatientKind = "traced"
	// SFlagged is a patient whose PDS record carries an S (sensitive) flag.
	SFlagged PatientKind = "S-flagged"
	// IFlagged is a patient whose PDS record carries an I (invalid) flag.
	IFlagged PatientKind = "I-flagged"
	// NotOnPDS is a valid test-range NHS number that PDS does not hold.
	NotOnPDS PatientKind = "not on PDS"
)

// kindPhrases maps the scenario wording to kinds.
var kindPhrases = map[string]PatientKind{
	"a traced patient":     Traced,
	"an S-flagged patient": SFlagged,
	"an I-flagged patient": IFlagged,
	"a patient not on PDS": NotOnPDS,
}

// Patient is the patient a scenario asks the system to publish for.
type Patient struct {
	Kind      PatientKind
	NHSNumber string
	// Family, Given and BirthDate are the PDS record's; empty for a
	// patient not on PDS.
	Family    string
	Given     []string
	BirthDate string
}

// Describe is the patient as a person reads it: "9990000166 (EVANS, Freya,
// born 2021-01-08)".
func (p Patient) Describe() string {
	if p.Kind == NotOnPDS {
		return p.NHSNumber + " (not on PDS)"
	}
	name := p.Family
	if len(p.Given) > 0 {
		name += ", " + p.Given[0]
	}
	return fmt.Sprintf("%s (%s, born %s, %s)", p.NHSNumber, name, p.BirthDate, p.Kind)
}

// patientPool hands out the fixtures' patients of each kind in turn, so
// that consecutive scenarios are about different patients.
type patientPool struct {
	mu    sync.Mutex
	kinds map[PatientKind][]Patient
	next  map[PatientKind]int
}

func newPatientPool(w *world.World) *patientPool {
	p := &patientPool{kinds: map[PatientKind][]Patient{}, next: map[PatientKind]int{}}
	for _, pt := range w.PDS.Patients {
		for _, k := range classify(pt) {
			p.kinds[k] = append(p.kinds[k], Patient{Kind: k, NHSNumber: pt.NHSNumber, Family: pt.Family,
				Given: pt.Given, BirthDate: pt.BirthDate})
		}
	}
	for _, n := range untracedNumbers(w, 8) {
		p.kinds[NotOnPDS] = append(p.kinds[NotOnPDS], Patient{Kind: NotOnPDS, NHSNumber: n})
	}
	return p
}

// classify gives a PDS record's kinds. Flags decide; a record with neither
// S nor I flag is traced unless the fixtures label it as some other kind.
func classify(pt world.Patient) []PatientKind {
	var ks []PatientKind
	if pt.HasFlag("S") {
		ks = append(ks, SFlagged)
	}
	if pt.HasFlag("I") {
		ks = append(ks, IFlagged)
	}
	if len(ks) == 0 && (pt.Kind == "" || strings.EqualFold(pt.Kind, string(Traced))) {
		ks = append(ks, Traced)
	}
	return ks
}

// take returns the next patient of a kind, or false when the fixtures hold
// none.
func (p *patientPool) take(k PatientKind) (Patient, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	list := p.kinds[k]
	if len(list) == 0 {
		return Patient{}, false
	}
	pt := list[p.next[k]%len(list)]
	p.next[k]++
	return pt, true
}

// untracedNumbers returns up to n valid NHS numbers in the test range
// (999 000 0000 to 999 999 9999) that PDS does not hold, counting down from
// the top of the range, away from where fixtures usually start.
func untracedNumbers(w *world.World, n int) []string {
	var out []string
	for base := 999_999_999; base >= 999_000_000 && len(out) < n; base-- {
		nine := fmt.Sprintf("%09d", base)
		d, ok := nhsnumber.CheckDigit(nine)
		if !ok {
			continue
		}
		nhs := fmt.Sprintf("%s%d", nine, d)
		if nhsnumber.Check(nhs) != nil {
			continue
		}
		if _, onPDS := w.Patient(nhs); !onPDS {
			out = append(out, nhs)
		}
	}
	return out
}
