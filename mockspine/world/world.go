// Package world holds what real Spine knows about the outside world: the
// directory of accredited systems (ASIDs, ODS codes, assured interactions,
// endpoint certificates) and the Personal Demographics Service (patients and
// their flags). Rule checks ask the world; they never read files.
package world

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"
)

// File names a fixtures folder must hold.
const (
	SpineFile = "spine.json"
	PDSFile   = "pds.json"
)

// Endpoint is one accredited system registered in the Spine directory.
type Endpoint struct {
	ASID               string   `json:"asid"`
	ODSCodes           []string `json:"odsCodes"`
	Interactions       []string `json:"interactions"`
	CertificateSubject string   `json:"certificateSubject,omitempty"`
	// Name is an optional label for people reading reports.
	Name string `json:"name,omitempty"`
}

// Organisation is an ODS organisation known to Spine.
type Organisation struct {
	ODSCode string `json:"odsCode"`
	Name    string `json:"name"`
}

// DeprecatedEvent is an event type due to be (or already) withdrawn.
type DeprecatedEvent struct {
	Code string `json:"code"`
	Date string `json:"date"` // YYYY-MM-DD
	URL  string `json:"url"`
}

// Spine is the directory document, spine.json.
type Spine struct {
	NEMS struct {
		ASID string `json:"asid"`
	} `json:"nems"`
	Endpoints        []Endpoint        `json:"endpoints"`
	Organisations    []Organisation    `json:"organisations"`
	DeprecatedEvents []DeprecatedEvent `json:"deprecatedEvents"`
	// RevokedCertificates lists serial numbers (decimal or hex with 0x) of
	// endpoint certificates that Spine no longer trusts.
	RevokedCertificates []string `json:"revokedCertificates,omitempty"`
}

// Patient is one PDS record.
type Patient struct {
	NHSNumber string   `json:"nhsNumber"`
	Family    string   `json:"family"`
	Given     []string `json:"given"`
	BirthDate string   `json:"birthDate"`
	Flags     []string `json:"flags"`
	// Kind optionally labels the patient for scenarios ("traced",
	// "sensitive", ...); a patient without one is classified from its flags.
	Kind string `json:"kind,omitempty"`
}

// PDS is the demographics document, pds.json.
type PDS struct {
	Patients []Patient `json:"patients"`
}

// World is the loaded, indexed fixtures. It is read-only once built and safe
// for concurrent use.
type World struct {
	Spine Spine
	PDS   PDS

	endpoints map[string]*Endpoint
	orgs      map[string]bool
	patients  map[string]*Patient
}

// New indexes a directory and PDS after checking they make sense together.
func New(s Spine, p PDS) (*World, error) {
	w := &World{Spine: s, PDS: p,
		endpoints: map[string]*Endpoint{}, orgs: map[string]bool{}, patients: map[string]*Patient{}}
	if s.NEMS.ASID == "" {
		return nil, errors.New("spine.json: nems.asid is missing")
	}
	for i := range w.Spine.Endpoints {
		e := &w.Spine.Endpoints[i]
		if e.ASID == "" {
			return nil, fmt.Errorf("spine.json: endpoints[%d] has no asid", i)
		}
		if _, dup := w.endpoints[e.ASID]; dup {
			return nil, fmt.Errorf("spine.json: endpoint ASID %s is listed twice", e.ASID)
		}
		w.endpoints[e.ASID] = e
		for _, ods := range e.ODSCodes {
			w.orgs[strings.ToUpper(ods)] = true
		}
	}
	for _, o := range w.Spine.Organisations {
		w.orgs[strings.ToUpper(o.ODSCode)] = true
	}
	for i, d := range w.Spine.DeprecatedEvents {
		if _, err := time.Parse(time.DateOnly, d.Date); err != nil {
			return nil, fmt.Errorf("spine.json: deprecatedEvents[%d] date %q is not YYYY-MM-DD", i, d.Date)
		}
	}
	for i := range w.PDS.Patients {
		pt := &w.PDS.Patients[i]
		if pt.NHSNumber == "" {
			return nil, fmt.Errorf("pds.json: patients[%d] has no nhsNumber", i)
		}
		if _, dup := w.patients[pt.NHSNumber]; dup {
			return nil, fmt.Errorf("pds.json: NHS number %s is listed twice", pt.NHSNumber)
		}
		w.patients[pt.NHSNumber] = pt
	}
	return w, nil
}

// Load reads spine.json and pds.json from fsys.
func Load(fsys fs.FS) (*World, error) {
	var s Spine
	if err := readJSON(fsys, SpineFile, &s); err != nil {
		return nil, err
	}
	var p PDS
	if err := readJSON(fsys, PDSFile, &p); err != nil {
		return nil, err
	}
	return New(s, p)
}

// LoadDir reads a fixtures folder on disk.
func LoadDir(dir string) (*World, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("fixtures: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("fixtures: %s is not a folder", dir)
	}
	w, err := Load(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("fixtures %s: %w", dir, err)
	}
	return w, nil
}

func readJSON(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("parsing %s: %w", name, err)
	}
	return nil
}

// NEMSASID is the ASID of the NEMS service itself (the toASID publishers use).
func (w *World) NEMSASID() string { return w.Spine.NEMS.ASID }

// Endpoint returns the directory entry for an ASID.
func (w *World) Endpoint(asid string) (*Endpoint, bool) {
	e, ok := w.endpoints[asid]
	return e, ok
}

// KnownODS reports whether Spine knows an ODS code (as an organisation or as
// the owner of any endpoint). ODS codes are compared case-insensitively.
func (w *World) KnownODS(ods string) bool { return w.orgs[strings.ToUpper(ods)] }

// ODSLinked reports whether the ODS code is associated with the ASID.
func (w *World) ODSLinked(asid, ods string) bool {
	e, ok := w.endpoints[asid]
	if !ok {
		return false
	}
	return slices.ContainsFunc(e.ODSCodes, func(c string) bool { return strings.EqualFold(c, ods) })
}

// Assured reports whether the ASID is assured for the interaction.
func (w *World) Assured(asid, interaction string) bool {
	e, ok := w.endpoints[asid]
	return ok && slices.Contains(e.Interactions, interaction)
}

// EndpointByCertificateSubject finds the endpoint registered for a
// certificate subject (compared exactly, after trimming spaces).
func (w *World) EndpointByCertificateSubject(subject string) (*Endpoint, bool) {
	subject = strings.TrimSpace(subject)
	for i := range w.Spine.Endpoints {
		e := &w.Spine.Endpoints[i]
		if e.CertificateSubject != "" && strings.TrimSpace(e.CertificateSubject) == subject {
			return e, true
		}
	}
	return nil, false
}

// Revoked reports whether a certificate serial (decimal or 0x-hex) is revoked.
func (w *World) Revoked(serialDecimal, serialHex string) bool {
	for _, r := range w.Spine.RevokedCertificates {
		r = strings.TrimSpace(r)
		if r == serialDecimal || strings.EqualFold(strings.TrimPrefix(strings.ToLower(r), "0x"), serialHex) {
			return true
		}
	}
	return false
}

// Patient looks up a PDS record by NHS number.
func (w *World) Patient(nhs string) (*Patient, bool) {
	p, ok := w.patients[nhs]
	return p, ok
}

// HasFlag reports whether the patient carries a flag (S, I, ...).
func (p *Patient) HasFlag(flag string) bool {
	return slices.ContainsFunc(p.Flags, func(f string) bool { return strings.EqualFold(f, flag) })
}

// Deprecation returns the deprecation entry for an event code, if any.
func (w *World) Deprecation(code string) (DeprecatedEvent, bool) {
	for _, d := range w.Spine.DeprecatedEvents {
		if d.Code == code {
			return d, true
		}
	}
	return DeprecatedEvent{}, false
}
