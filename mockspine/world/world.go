// Package world holds what real Spine knows about the outside world: the
// directory of accredited systems (ASIDs, ODS codes, assured interactions,
// endpoint certificates) and the Personal Demographics Service (patients and
// their flags). Rule checks ask the world; they never read files.
package world

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
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

// New indexes a directory and PDS after checking what the look-ups need:
// the NEMS ASID, every endpoint's ASID and patient's NHS number present and
// unique, deprecation dates, and the Vocabulary when given. The error lists
// every problem found (a Problems). Load checks a file's content fully.
func New(s Spine, p PDS, opts ...Option) (*World, error) {
	return build(s, p, options{}, opts)
}

func build(s Spine, p PDS, o options, opts []Option) (*World, error) {
	for _, opt := range opts {
		opt(&o)
	}
	if ps := validate(s, p, o); len(ps) > 0 {
		return nil, ps
	}
	return index(s, p), nil
}

// index builds the look-ups of a checked directory and PDS.
func index(s Spine, p PDS) *World {
	w := &World{Spine: s, PDS: p,
		endpoints: map[string]*Endpoint{}, orgs: map[string]bool{}, patients: map[string]*Patient{}}
	for i := range w.Spine.Endpoints {
		e := &w.Spine.Endpoints[i]
		w.endpoints[e.ASID] = e
		for _, ods := range e.ODSCodes {
			w.orgs[strings.ToUpper(ods)] = true
		}
	}
	for _, o := range w.Spine.Organisations {
		w.orgs[strings.ToUpper(o.ODSCode)] = true
	}
	for i := range w.PDS.Patients {
		pt := &w.PDS.Patients[i]
		w.patients[pt.NHSNumber] = pt
	}
	return w
}

// Load reads spine.json and pds.json from fsys and checks every value: ASIDs
// of 12 digits, ODS codes, NHS numbers passing Modulus 11, dates, flags, the
// Vocabulary when given. The error lists every problem in both files (a
// Problems), each with its line and column.
func Load(fsys fs.FS, opts ...Option) (*World, error) {
	var s Spine
	var p PDS
	var problems Problems
	docs := map[string]*document{}
	for _, f := range []struct {
		name string
		v    any
	}{{SpineFile, &s}, {PDSFile, &p}} {
		b, err := fs.ReadFile(fsys, f.name)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", f.name, err)
		}
		d, ps := parseDocument(f.name, b, f.v)
		problems = append(problems, ps...)
		docs[f.name] = d
	}
	if len(problems) > 0 {
		return nil, problems
	}
	w, err := build(s, p, options{content: true}, opts)
	var ps Problems
	if errors.As(err, &ps) {
		for i, pr := range ps {
			ps[i] = docs[pr.File].problem(pr.Path, pr.Message)
		}
		return nil, ps
	}
	return w, err
}

// LoadDir reads a fixtures folder on disk.
func LoadDir(dir string, opts ...Option) (*World, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("fixtures: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("fixtures: %s is not a folder", dir)
	}
	w, err := Load(os.DirFS(dir), opts...)
	if err != nil {
		return nil, fmt.Errorf("fixtures %s: %w", dir, err)
	}
	return w, nil
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
