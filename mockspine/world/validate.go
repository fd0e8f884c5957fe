package world

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/nems-harness/nems-harness/internal/nhsnumber"
)

// Problem is one mistake in the fixtures: where it is and what is wrong.
type Problem struct {
	File string // SpineFile or PDSFile
	// Line and Column place the mistake in the file, counted from 1; both
	// are 0 for a world built in code.
	Line, Column int
	// Path names the value in JSON terms, e.g. "endpoints[0].asid"; empty
	// for the file as a whole.
	Path    string
	Message string // what is wrong, as a predicate: "is missing"
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, " line %d, column %d", p.Line, p.Column)
	}
	b.WriteString(": ")
	if p.Path != "" {
		b.WriteString(p.Path + " ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is every mistake found in the fixtures, in file order. New,
// Load and LoadDir return it (wrapped) as their error, so one run lists
// them all.
type Problems []Problem

func (ps Problems) Error() string {
	if len(ps) == 1 {
		return ps[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d problems:", len(ps))
	for _, p := range ps {
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

// Option adds knowledge the world package does not have itself.
type Option func(*options)

type options struct {
	interactions []string // the InteractionIDs an endpoint may be assured for
	eventCodes   []string // the event type codes a deprecation may name
	// content checks every value's form too (Load does; New checks only
	// what the look-ups need, so code may build odd worlds on purpose).
	content bool
}

// Vocabulary names the publish InteractionIDs and event type codes that
// exist (the rule catalogue's); with it, an endpoint's unknown interaction
// or a deprecation of an unknown event type is a problem.
func Vocabulary(interactions, eventCodes []string) Option {
	return func(o *options) {
		o.interactions = slices.Clone(interactions)
		o.eventCodes = slices.Clone(eventCodes)
	}
}

// Flags PDS records may carry: S (sensitive) and I (invalid).
var knownFlags = []string{"S", "I"}

var (
	asidPattern   = regexp.MustCompile(`^[0-9]{12}$`)
	odsPattern    = regexp.MustCompile(`^[A-Za-z0-9]{3,10}$`)
	serialPattern = regexp.MustCompile(`^([0-9]+|0[xX][0-9A-Fa-f]+)$`)
)

// validate returns every mistake in a directory and a PDS, with paths but
// no positions: what the look-ups need always (identifiers present and
// unique, deprecation dates), the vocabulary when given, and with
// o.content the form of every value.
func validate(s Spine, p PDS, o options) Problems {
	var ps Problems
	add := func(file, path, format string, args ...any) {
		ps = append(ps, Problem{File: file, Path: path, Message: fmt.Sprintf(format, args...)})
	}
	spine := func(path, format string, args ...any) { add(SpineFile, path, format, args...) }
	pds := func(path, format string, args ...any) { add(PDSFile, path, format, args...) }

	asid := func(path, v string) {
		switch {
		case v == "":
			spine(path, "is missing")
		case o.content && !asidPattern.MatchString(v):
			spine(path, "must be an ASID of 12 digits, is %q", v)
		}
	}
	ods := func(path, v string) {
		if o.content && !odsPattern.MatchString(v) {
			spine(path, "must be an ODS code (3 to 10 letters and digits), is %q", v)
		}
	}

	asid("nems.asid", s.NEMS.ASID)
	seenASID := map[string]int{}
	seenSubject := map[string]int{}
	for i, e := range s.Endpoints {
		at := fmt.Sprintf("endpoints[%d]", i)
		asid(at+".asid", e.ASID)
		if j, dup := seenASID[e.ASID]; dup && e.ASID != "" {
			spine(at+".asid", "%s is listed already, as endpoints[%d]", e.ASID, j)
		} else {
			seenASID[e.ASID] = i
		}
		for k, c := range e.ODSCodes {
			ods(fmt.Sprintf("%s.odsCodes[%d]", at, k), c)
		}
		for k, in := range e.Interactions {
			path := fmt.Sprintf("%s.interactions[%d]", at, k)
			switch {
			case o.interactions != nil && !slices.Contains(o.interactions, in):
				spine(path, "%q is not a NEMS publish interaction (%s)", in, strings.Join(o.interactions, ", "))
			case o.content && o.interactions == nil && !strings.HasPrefix(in, "urn:nhs:names:services:events:"):
				spine(path, "%q is not a NEMS interaction (urn:nhs:names:services:events:[Event_Code].Write)", in)
			case o.content && slices.Index(e.Interactions, in) < k:
				spine(path, "%q is listed twice", in)
			}
		}
		if !o.content {
			continue
		}
		if subj := strings.TrimSpace(e.CertificateSubject); subj != "" {
			if j, dup := seenSubject[subj]; dup {
				spine(at+".certificateSubject", "%q is registered already, for endpoints[%d]: a certificate identifies one endpoint", subj, j)
			} else {
				seenSubject[subj] = i
			}
		} else if e.CertificateSubject != "" {
			spine(at+".certificateSubject", "is blank")
		}
	}
	for i, org := range s.Organisations {
		ods(fmt.Sprintf("organisations[%d].odsCode", i), org.ODSCode)
	}
	for i, d := range s.DeprecatedEvents {
		at := fmt.Sprintf("deprecatedEvents[%d]", i)
		switch {
		case d.Code == "":
			spine(at+".code", "is missing")
		case o.eventCodes != nil && !slices.Contains(o.eventCodes, d.Code):
			spine(at+".code", "%q is not an event type (%s)", d.Code, strings.Join(o.eventCodes, ", "))
		}
		if _, err := time.Parse(time.DateOnly, d.Date); err != nil {
			spine(at+".date", "must be a date YYYY-MM-DD, is %q", d.Date)
		}
		if o.content && d.URL != "" {
			if u, err := url.Parse(d.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				spine(at+".url", "must be an http(s) URL, is %q", d.URL)
			}
		}
	}
	for i, r := range s.RevokedCertificates {
		if o.content && !serialPattern.MatchString(strings.TrimSpace(r)) {
			spine(fmt.Sprintf("revokedCertificates[%d]", i), "must be a serial number in decimal, or hex starting 0x, is %q", r)
		}
	}

	seenNHS := map[string]int{}
	for i, pt := range p.Patients {
		at := fmt.Sprintf("patients[%d]", i)
		switch err := nhsnumber.Check(pt.NHSNumber); {
		case pt.NHSNumber == "":
			pds(at+".nhsNumber", "is missing")
		case o.content && err != nil:
			pds(at+".nhsNumber", "is not valid: %v", err)
		}
		if j, dup := seenNHS[pt.NHSNumber]; dup && pt.NHSNumber != "" {
			pds(at+".nhsNumber", "%s is listed already, as patients[%d]", pt.NHSNumber, j)
		} else {
			seenNHS[pt.NHSNumber] = i
		}
		if !o.content {
			continue
		}
		if pt.BirthDate != "" {
			if _, err := time.Parse(time.DateOnly, pt.BirthDate); err != nil {
				pds(at+".birthDate", "must be a date YYYY-MM-DD, is %q", pt.BirthDate)
			}
		}
		for k, f := range pt.Flags {
			if !slices.ContainsFunc(knownFlags, func(known string) bool { return strings.EqualFold(known, f) }) {
				pds(fmt.Sprintf("%s.flags[%d]", at, k), "%q is not a PDS flag the mock knows (S sensitive, I invalid)", f)
			}
		}
	}
	return ps
}
