package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nems-harness/nems-harness/internal/token"
	"github.com/nems-harness/nems-harness/publish"
)

func init() {
	commands["jwt"] = command{"mint a conforming unsigned JWT (or one broken on purpose) for curl", runJWT}
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func runJWT(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("jwt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asid := fs.String("asid", "200000000115", "ASID of the publishing system (requesting_system, sub)")
	ods := fs.String("ods", "RX3EP", "ODS code of the publishing organisation (requesting_organization)")
	aud := fs.String("aud", "https://clinicals.spineservices.nhs.uk", "aud claim")
	var set, drop listFlag
	fs.Var(&set, "set", "claim=value: replace a claim (value read as JSON when it parses, else as a string); repeatable")
	fs.Var(&drop, "drop", "claim: leave a claim out; repeatable")
	claimsOnly := fs.Bool("claims", false, "print the payload as JSON instead of the token")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	claims := publish.Claims(publish.Sender{ASID: *asid, ODS: *ods}, *aud, time.Now())
	for _, s := range set {
		name, val, ok := strings.Cut(s, "=")
		if !ok || name == "" {
			return fail(stderr, "jwt", fmt.Errorf("--set %q: want claim=value", s))
		}
		var v any
		if err := json.Unmarshal([]byte(val), &v); err != nil {
			v = val
		}
		claims[name] = v
	}
	for _, d := range drop {
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
