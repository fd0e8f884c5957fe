package reports

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// decodedJWT is a bearer token of a request, decoded so that a reader needs
// no tool: the header and claims as indented JSON, the claims under test
// marked.
type decodedJWT struct {
	// Raw is the token as sent.
	Raw string
	// Header and Claims are the decoded parts, one entry per line.
	Header, Claims []jwtLine
	// Marked names the claims under test that the token holds.
	Marked []string
	// Problem says why the token could not be decoded (then Header and
	// Claims hold what could be).
	Problem string
}

// jwtLine is one line of a decoded part; Marked when it holds a claim
// under test.
type jwtLine struct {
	Text   string
	Marked bool
}

// bearerTokens returns the tokens of every "Authorization: Bearer" header
// of a request, in order.
func bearerTokens(m *HTTPMessage) []string {
	if m == nil {
		return nil
	}
	var out []string
	for k, vs := range m.Header {
		if !strings.EqualFold(k, "Authorization") {
			continue
		}
		for _, v := range vs {
			scheme, token, ok := strings.Cut(strings.TrimSpace(v), " ")
			if ok && strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(token) != "" {
				out = append(out, strings.TrimSpace(token))
			}
		}
	}
	return out
}

// decodeJWT decodes a compact JWT's header and claims (no signature is
// checked: NEMS tokens are unsigned) and marks the claims named in
// underTest.
func decodeJWT(token string, underTest []string) decodedJWT {
	d := decodedJWT{Raw: token}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		d.Problem = fmt.Sprintf("not a JWT: %d part(s) separated by dots, where a JWT has 3", len(parts))
		if len(parts) < 2 {
			return d
		}
	}
	marked := map[string]bool{}
	for _, c := range underTest {
		marked[c] = true
	}
	var problems []string
	decodePart := func(name, part string, mark bool) []jwtLine {
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(part, "="))
		if err != nil {
			problems = append(problems, name+" is not base64url")
			return nil
		}
		var b bytes.Buffer
		if err := json.Indent(&b, raw, "", "  "); err != nil {
			problems = append(problems, name+" is not JSON")
			return []jwtLine{{Text: strings.ToValidUTF8(string(raw), "\uFFFD")}}
		}
		var lines []jwtLine
		for _, l := range strings.Split(b.String(), "\n") {
			line := jwtLine{Text: strings.ToValidUTF8(l, "\uFFFD")}
			if mark {
				if key, ok := topLevelKey(l); ok && marked[key] {
					line.Marked = true
					d.Marked = append(d.Marked, key)
				}
			}
			lines = append(lines, line)
		}
		return lines
	}
	d.Header = decodePart("the header", parts[0], false)
	d.Claims = decodePart("the claims", parts[1], true)
	if len(parts) == 3 && parts[2] != "" {
		problems = append(problems, "it carries a signature, where a NEMS token's is empty")
	}
	if d.Problem == "" && len(problems) > 0 {
		d.Problem = strings.Join(problems, "; ")
	}
	return d
}

// topLevelKey reads the key of a line of indented JSON at the first level
// ("  \"scope\": ...").
func topLevelKey(line string) (string, bool) {
	rest, ok := strings.CutPrefix(line, `  "`)
	if !ok || strings.HasPrefix(rest, " ") {
		return "", false
	}
	key, _, ok := strings.Cut(rest, `":`)
	return key, ok
}

// claimNames are the top-level claim names of a token, sorted.
func claimNames(token string) []string {
	parts := strings.Split(token, ".")
	if len(parts) < 2 {
		return nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil
	}
	var claims map[string]json.RawMessage
	if json.Unmarshal(raw, &claims) != nil {
		return nil
	}
	names := make([]string, 0, len(claims))
	for k := range claims {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// claimsUnderTest chooses the claims to mark in an evidence's token: those
// the evidence names (Evidence.Claims), else the token's claims its message
// names (a failure says which claim was wrong), else those the rule's text
// names (the catalogue says what the rule looks at).
func claimsUnderTest(row RuleRow, e Evidence, token string) []string {
	if len(e.Claims) > 0 {
		return e.Claims
	}
	names := claimNames(token)
	if found := wordsIn(e.Message, names); len(found) > 0 {
		return found
	}
	return wordsIn(row.Text, names)
}

// wordsIn returns the names that occur in text as whole words (letters,
// digits and underscores), case kept.
func wordsIn(text string, names []string) []string {
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_')
	}) {
		words[w] = true
	}
	var out []string
	for _, n := range names {
		if words[n] {
			out = append(out, n)
		}
	}
	return out
}

// evidenceJWTs decodes every bearer token of an evidence's request.
func evidenceJWTs(row RuleRow, e Evidence) []decodedJWT {
	var out []decodedJWT
	for _, tok := range bearerTokens(e.Request) {
		out = append(out, decodeJWT(tok, claimsUnderTest(row, e, tok)))
	}
	return out
}
