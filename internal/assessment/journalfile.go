package assessment

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/nems-harness/nems-harness/internal/content"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
	"github.com/nems-harness/nems-harness/reports"
)

// JournalOptions say how to assess a journal file.
type JournalOptions struct {
	// Profile is the profile to report under; "" means the one the journal
	// was judged under. Without Rejudge it must be that one.
	Profile mockspine.Profile
	// Rejudge judges every recorded publish again, under Profile against
	// World (nil: the embedded fixtures must be passed by the caller), as
	// at the time it was received.
	Rejudge bool
	World   *world.World
}

// JournalResult is a journal's assessment.
type JournalResult struct {
	Profile mockspine.Profile
	// Rows has one row per rule of the profile, judged as the publisher's.
	Rows []reports.RuleRow
	// Requests counts the entries, Rejudged the publishes judged again,
	// Bytes the journal's size.
	Requests, Rejudged int
	Bytes              int64
	// Other counts the requests that were not publishes; OtherSeen lists
	// the first of them.
	Other     int
	OtherSeen []string
	// TLS is set when any request came over TLS.
	TLS bool
	// Handshakes, Refused and HandshakesSeen are as in Journal.
	Handshakes, Refused int
	HandshakesSeen      []string
}

// AssessJournalFile assesses a journal file (serve --journal, assure)
// streaming it, an entry at a time, in memory bounded by its largest entry
// and the evidence a report shows, whatever the file's size.
func AssessJournalFile(ctx context.Context, path string, o JournalOptions) (*JournalResult, error) {
	return AssessJournal(ctx, func() (io.ReadCloser, error) { return os.Open(path) }, o)
}

// AssessJournal assesses the journal open returns (called once, or twice
// when the profile must be learnt before re-judging).
func AssessJournal(ctx context.Context, open func() (io.ReadCloser, error), o JournalOptions) (*JournalResult, error) {
	if o.Profile != "" {
		if _, err := mockspine.ParseProfile(string(o.Profile)); err != nil {
			return nil, err
		}
	}
	if o.Rejudge && o.World == nil {
		return nil, fmt.Errorf("re-judging needs the fixtures to judge against")
	}
	p := o.Profile
	if o.Rejudge && p == "" {
		// The profile the journal was judged under, before judging again.
		recorded, _, err := scan(ctx, open, nil)
		if err != nil {
			return nil, err
		}
		p = mockspine.Profile2019
		if len(recorded) == 1 {
			p = recorded[0]
		}
	}

	var (
		a *Journal
		// pre counts the requests seen before the profile is known: none
		// of them was judged, so they touch no row.
		pre   = NewJournal(mockspine.Profile2019, true)
		judge *mockspine.Judge
		res   = &JournalResult{}
	)
	if o.Rejudge {
		// Judged again in the journal's order, with a memory of accepted
		// messages for the content rules that remember, emptied at every
		// new run the entries record (Judge.Again).
		judge = &mockspine.Judge{Profile: p, World: o.World, History: content.NewMemory()}
	}
	start := func(p mockspine.Profile) {
		a = NewJournal(p, true)
		a.requests, a.Other, a.OtherSeen, a.TLS = pre.requests, pre.Other, pre.OtherSeen, pre.TLS
		a.Handshakes, a.Refused, a.HandshakesSeen = pre.Handshakes, pre.Refused, pre.HandshakesSeen
	}
	if p != "" {
		start(p)
	}
	recorded, bytes, err := scan(ctx, open, func(e mockspine.Entry) error {
		if judge != nil {
			judged, err := Rejudge(ctx, judge, &e)
			if err != nil {
				return err
			}
			if judged {
				res.Rejudged++
			}
		}
		if a == nil && (e.Profile != "" || e.Verdicts != nil) {
			start(cmp.Or(e.Profile, mockspine.Profile2019))
		}
		if a == nil {
			pre.Add(e)
			return nil
		}
		a.Add(e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if a == nil {
		start(mockspine.Profile2019)
	}
	if a.Requests() == 0 {
		return nil, fmt.Errorf("the journal holds no request")
	}
	if !o.Rejudge {
		var names []string
		for _, r := range recorded {
			names = append(names, string(r))
		}
		switch {
		case len(recorded) > 1:
			return nil, fmt.Errorf("the journal mixes profiles %s; pass --rejudge --profile P to judge it all under one", strings.Join(names, " and "))
		case o.Profile != "" && len(recorded) == 1 && recorded[0] != o.Profile:
			return nil, fmt.Errorf("the journal was judged under %s; pass --rejudge to judge it under %s", names[0], o.Profile)
		}
	}
	res.Profile, res.Rows, res.Requests, res.Bytes = a.profile, a.Rows(), a.Requests(), bytes
	res.Other, res.OtherSeen, res.TLS = a.Other, a.OtherSeen, a.TLS
	res.Handshakes, res.Refused, res.HandshakesSeen = a.Handshakes, a.Refused, a.HandshakesSeen
	return res, nil
}

// scan reads a journal an entry at a time, handing each to fn (when set),
// and returns the profiles the entries were judged under and the bytes
// read.
func scan(ctx context.Context, open func() (io.ReadCloser, error), fn func(mockspine.Entry) error) ([]mockspine.Profile, int64, error) {
	f, err := open()
	if err != nil {
		return nil, 0, fmt.Errorf("reading journal: %w", err)
	}
	defer f.Close()
	seen := map[mockspine.Profile]bool{}
	s := mockspine.NewJournalScanner(f)
	for n := 0; s.Scan(); n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, 0, err
			}
		}
		e := s.Entry()
		if e.Profile != "" {
			seen[e.Profile] = true
		}
		if fn != nil {
			if err := fn(e); err != nil {
				return nil, 0, err
			}
		}
	}
	if err := s.Err(); err != nil {
		return nil, 0, fmt.Errorf("reading journal: %w", err)
	}
	var out []mockspine.Profile
	for p := range seen {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, s.Bytes, nil
}
