package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/nems-harness/nems-harness/internal/token"
	"github.com/nems-harness/nems-harness/publish"
)

func init() {
	commands["jwt"] = command{"mint a conforming unsigned JWT (or one broken on purpose) for curl", runJWT}
}

// optionalClaims may be set though a conforming token leaves them out:
// requesting_user (JWT-USER) and the guidance's spelling of
// requesting_organization (JWT-ORG).
var optionalClaims = []string{"requesting_user", "requesting_organisation"}

func runJWT(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("jwt", stdout, stderr)
	asid := fs.String("asid", "200000000115", "ASID of the publishing system (requesting_system, sub)")
	ods := fs.String("ods", "RX3EP", "ODS code of the publishing organisation (requesting_organization)")
	aud := fs.String("aud", "https://clinicals.spineservices.nhs.uk", "aud claim")
	var set, drop listFlag
	fs.Var(&set, "set", "claim=value: replace a claim (value read as JSON when it parses, else as a string); repeatable")
	fs.Var(&drop, "drop", "claim: leave a claim out; repeatable")
	claimsOnly := fs.Bool("claims", false, "print the payload as JSON instead of the token")
	if code, ok := fs.parse(args); !ok {
		return code
	}
	claims := publish.Claims(publish.Sender{ASID: *asid, ODS: *ods}, *aud, time.Now())
	known := func(name string) bool { _, ok := claims[name]; return ok || slices.Contains(optionalClaims, name) }
	for _, s := range set {
		name, val, ok := strings.Cut(s, "=")
		if !ok || name == "" {
			return fs.usageError(fmt.Sprintf("--set %q: want claim=value", s))
		}
		if !known(name) {
			return fs.usageError(fmt.Sprintf("--set %s: not a claim of the NEMS JWT (%s)", name, claimNames(claims, true)))
		}
		var v any
		if err := json.Unmarshal([]byte(val), &v); err != nil {
			v = val
		}
		claims[name] = v
	}
	for _, d := range drop {
		if _, ok := claims[d]; !ok {
			return fs.usageError(fmt.Sprintf("--drop %s: not a claim of the token (%s)", d, claimNames(claims, false)))
		}
		delete(claims, d)
	}
	if *claimsOnly {
		b, _ := json.MarshalIndent(claims, "", "  ")
		fmt.Fprintln(stdout, string(b))
		return 0
	}
	t, err := token.Mint(claims)
	if err != nil {
		return fail(stderr, "jwt", err)
	}
	fmt.Fprintln(stdout, t)
	return 0
}

// claimNames lists the claims that may be set or dropped.
func claimNames(claims map[string]any, optional bool) string {
	names := slices.Sorted(maps.Keys(claims))
	for _, o := range optionalClaims {
		if optional && !slices.Contains(names, o) {
			names = append(names, o)
		}
	}
	return "claims: " + strings.Join(names, ", ")
}
