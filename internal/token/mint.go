package token

import (
	"encoding/base64"
	"fmt"

	"github.com/golang-jwt/jwt/v5"
)

// Mint builds an unsigned token: header {"alg":"none","typ":"JWT"}, the
// claims as given (any JSON values; names come out sorted) as payload, and
// an empty signature after the trailing dot. Nil claims mint an empty
// object. The error comes from values JSON cannot encode.
func Mint(claims map[string]any) (string, error) {
	if claims == nil {
		claims = map[string]any{}
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims(claims)).
		SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		return "", fmt.Errorf("minting unsigned JWT: %w", err)
	}
	return s, nil
}

// MintRaw builds a token from raw header and payload bytes, each encoded as
// unpadded base64url, followed by signature exactly as given (already
// encoded, or any text). Nothing is checked: it is for tests and scenarios
// that need broken tokens.
func MintRaw(header, payload []byte, signature string) string {
	return base64.RawURLEncoding.EncodeToString(header) + "." +
		base64.RawURLEncoding.EncodeToString(payload) + "." + signature
}
