package supplier

import (
	"fmt"
	"sync"

	"github.com/nems-harness/nems-harness/mockspine/world"
)

// PatientKind is the kind of patient a scenario needs: the kinds the
// conformance steps name too, found in the fixtures by the same look-up
// (world.World.Patients).
type PatientKind = world.PatientKind

// The kinds of patient the scenarios name.
const (
	Traced   = world.Traced
	SFlagged = world.SFlagged
	IFlagged = world.IFlagged
	NotOnPDS = world.NotOnPDS
)

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
	for _, k := range world.PatientKinds() {
		pts, _ := w.Patients(k, 8) // none of a kind: its scenarios are not assessed
		for _, pt := range pts {
			pp := Patient{Kind: k, NHSNumber: pt.NHSNumber, Family: pt.Family, Given: pt.Given, BirthDate: pt.BirthDate}
			if k == NotOnPDS {
				pp.Family, pp.Given, pp.BirthDate = "", nil, ""
			}
			p.kinds[k] = append(p.kinds[k], pp)
		}
	}
	return p
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
