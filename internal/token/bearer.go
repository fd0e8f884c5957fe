package token

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNoAuthorization is the error for a missing or empty Authorization
// header; its text is Spine Core's diagnostics for that case.
var ErrNoAuthorization = errors.New("The Authorisation header must be supplied")

// Bearer extracts the token from an Authorization header value of the form
// "Bearer <token>" (RFC 6750 section 2.1). The scheme compares
// case-insensitively. RFC 6750 separates scheme and token by 1*SP, so
// "Bearer  x" (two spaces) is accepted and yields "x"; a tab is refused.
// Whitespace around the whole value is ignored, as HTTP field parsing strips
// it anyway. Errors: ErrNoAuthorization for an empty value, and errors naming
// the problem for another scheme, a missing token, a list of credentials
// ("Bearer a, Bearer b": a comma is no base64url character, so a JWT holds
// none) or whitespace inside the token.
func Bearer(authorization string) (string, error) {
	v := strings.Trim(authorization, " \t")
	if v == "" {
		return "", ErrNoAuthorization
	}
	sep := strings.IndexAny(v, " \t")
	if sep < 0 {
		if strings.EqualFold(v, "Bearer") {
			return "", errors.New("Authorization header has the Bearer scheme but no token")
		}
		return "", errors.New(`Authorization header must be "Bearer" followed by a space and the token; the value is a single word`)
	}
	scheme := v[:sep]
	if !strings.EqualFold(scheme, "Bearer") {
		return "", fmt.Errorf("Authorization scheme must be \"Bearer\", is %q", scheme)
	}
	// v ends in a non-blank byte, so tok is not empty.
	tok := strings.TrimLeft(v[sep:], " ")
	if tok[0] == '\t' {
		return "", errors.New("Authorization header must separate the Bearer scheme from the token with spaces, not tabs")
	}
	if strings.Contains(tok, ",") {
		return "", errors.New("Authorization header must hold one Bearer token; it holds a list")
	}
	// Two byte searches: ContainsAny looks at a token's every byte in turn.
	if strings.IndexByte(tok, ' ') >= 0 || strings.IndexByte(tok, '\t') >= 0 {
		return "", errors.New("Bearer token must not contain whitespace")
	}
	return tok, nil
}
