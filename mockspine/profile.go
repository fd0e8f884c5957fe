package mockspine

import (
	"fmt"
	"slices"
	"strings"
)

// Profile selects which version of the guidance the mock enforces.
type Profile string

const (
	// Profile2019 is the guidance as written on 2019-01-17 (the default).
	Profile2019 Profile = "nems-2019-01"
	// ProfileCurrent is today's guidance: XML media types only, and sub must
	// equal requesting_user when that claim is present.
	ProfileCurrent Profile = "nems-current"
)

// profiles lists every profile, default first.
var profiles = []Profile{Profile2019, ProfileCurrent}

// Profiles returns every profile, default first (a copy).
func Profiles() []Profile { return slices.Clone(profiles) }

// ParseProfile checks a profile name given on the command line or in a file.
func ParseProfile(s string) (Profile, error) {
	if s == "" {
		return Profile2019, nil
	}
	for _, p := range profiles {
		if string(p) == s {
			return p, nil
		}
	}
	names := make([]string, len(profiles))
	for i, p := range profiles {
		names[i] = string(p)
	}
	return "", fmt.Errorf("unknown profile %q (choose %s)", s, strings.Join(names, " or "))
}

// allowsJSON reports whether the profile accepts FHIR JSON media types.
func (p Profile) allowsJSON() bool { return p != ProfileCurrent }
