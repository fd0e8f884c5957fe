package world

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nems-harness/nems-harness/internal/nhsnumber"
)

// PatientKind is a kind of patient scenarios ask for: both step libraries
// (the endpoint's and the publisher's) name patients by kind and find them
// in the fixtures with the same look-up, Patients.
type PatientKind string

// The kinds of patient.
const (
	// Traced is a PDS record with a valid NHS number, a family name and a
	// birth date, and neither S nor I flag (and no other kind label).
	Traced PatientKind = "traced"
	// SFlagged is a PDS record with a valid NHS number carrying the S
	// (sensitive) flag.
	SFlagged PatientKind = "S-flagged"
	// IFlagged is a PDS record with a valid NHS number carrying the I
	// (invalid) flag.
	IFlagged PatientKind = "I-flagged"
	// NotOnPDS is a valid NHS number of the test range that PDS does not
	// hold (see UnusedNHSNumbers).
	NotOnPDS PatientKind = "not on PDS"
)

// PatientKinds lists the kinds, in the order scenarios meet them.
func PatientKinds() []PatientKind { return []PatientKind{Traced, SFlagged, IFlagged, NotOnPDS} }

// Phrase is how scenarios name a patient of the kind: "a traced patient",
// "an S-flagged patient", "an I-flagged patient", "a patient not on PDS".
func (k PatientKind) Phrase() string {
	switch k {
	case Traced:
		return "a traced patient"
	case SFlagged:
		return "an S-flagged patient"
	case IFlagged:
		return "an I-flagged patient"
	case NotOnPDS:
		return "a patient not on PDS"
	}
	return "a " + string(k) + " patient"
}

// ParsePatientKind reads a phrase of Phrase back.
func ParsePatientKind(phrase string) (PatientKind, bool) {
	phrase = strings.TrimSpace(phrase)
	for _, k := range PatientKinds() {
		if k.Phrase() == phrase {
			return k, true
		}
	}
	return "", false
}

// Is reports whether a PDS record is of a kind (NotOnPDS: never).
func (p *Patient) Is(k PatientKind) bool {
	if !nhsnumber.Valid(p.NHSNumber) {
		return false
	}
	switch k {
	case Traced:
		return !p.HasFlag("S") && !p.HasFlag("I") && p.Family != "" && p.BirthDate != "" &&
			(p.Kind == "" || strings.EqualFold(p.Kind, string(Traced)))
	case SFlagged:
		return p.HasFlag("S")
	case IFlagged:
		return p.HasFlag("I")
	}
	return false
}

// NoPatientError is the error for fixtures that hold no patient of a kind.
type NoPatientError struct{ Kind PatientKind }

func (e *NoPatientError) Error() string {
	return fmt.Sprintf("the fixtures have no %s patient", e.Kind)
}

// Patients returns copies of the PDS records of a kind, in the fixtures'
// order; for NotOnPDS, made-up patients with UnusedNHSNumbers (up to n,
// or 8 when n < 1). The error is a *NoPatientError when there is none.
func (w *World) Patients(k PatientKind, n int) ([]Patient, error) {
	var out []Patient
	if k == NotOnPDS {
		if n < 1 {
			n = 8
		}
		for _, nhs := range w.UnusedNHSNumbers(n) {
			out = append(out, Patient{NHSNumber: nhs, Family: "UNTRACED", Given: []string{"Alex"}, BirthDate: "2001-01-01"})
		}
	} else {
		for i := range w.PDS.Patients {
			if p := &w.PDS.Patients[i]; p.Is(k) {
				out = append(out, p.copy())
			}
		}
	}
	if len(out) == 0 {
		return nil, &NoPatientError{Kind: k}
	}
	return out, nil
}

// FirstPatient is the first patient of a kind (see Patients).
func (w *World) FirstPatient(k PatientKind) (Patient, error) {
	ps, err := w.Patients(k, 1)
	if err != nil {
		return Patient{}, err
	}
	return ps[0], nil
}

func (p *Patient) copy() Patient {
	c := *p
	c.Given = append([]string(nil), p.Given...)
	c.Flags = append([]string(nil), p.Flags...)
	return c
}

// UnusedNHSNumbers returns up to n valid NHS numbers that PDS does not hold,
// from the range 999 000 0000 – 999 999 9999 that is never issued to real
// patients, counting down from its top, away from where fixtures usually
// start.
func (w *World) UnusedNHSNumbers(n int) []string {
	var out []string
	for base := 999_999_999; base >= 999_000_000 && len(out) < n; base-- {
		nine := strconv.Itoa(base)
		d, ok := nhsnumber.CheckDigit(nine)
		if !ok {
			continue
		}
		nhs := nine + strconv.Itoa(d)
		if _, on := w.Patient(nhs); !on && nhsnumber.Valid(nhs) {
			out = append(out, nhs)
		}
	}
	return out
}
