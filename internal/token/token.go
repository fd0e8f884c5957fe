// Package token reads and mints the unsigned JSON Web Token that Spine
// expects as a Bearer token in the Authorization header (rules JWT-BEARER and
// JWT-FORMAT of the rule catalogue). The claim rules (JWT-CLAIMS, JWT-TIME
// and the rest) are checked elsewhere through the Token accessors.
package token

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
)

// ErrSections is wrapped by the error for a token that does not have exactly
// three dot-separated sections; its text is Spine Core's diagnostics for a
// structurally invalid JWT.
var ErrSections = errors.New("The JWT associated with the Authorisation header must have the 3 sections")

// Token is a structurally valid unsigned JWT. Those Parse gives are
// shared (see Parse) and never changed.
type Token struct {
	Raw string
	// Header holds the JOSE header, numbers decoded as float64.
	Header map[string]any
	// Claims holds the payload, numbers decoded as json.Number.
	Claims map[string]any
	// HeaderJSON and ClaimsJSON are the decoded header and payload exactly
	// as sent, for evidence.
	HeaderJSON json.RawMessage
	ClaimsJSON json.RawMessage
}

// Parse checks the structure of an unsigned JWT (rule JWT-FORMAT) and decodes
// it. The token must have exactly three dot-separated sections; header and
// payload must be unpadded base64url (RFC 7515) of valid UTF-8 JSON objects
// without duplicate names (RFC 7515 section 4, RFC 7519 section 4; names are
// checked at every depth); the header must have alg "none" and typ "JWT" (typ
// compared case-insensitively) and no crit; the signature section must be
// empty, so the token ends with a dot. The first problem found is returned
// as an error saying exactly what is wrong.
//
// The Token is shared: parsing the text of the token parsed last gives
// that Token again, so it must not be changed.
func Parse(raw string) (*Token, error) {
	if t := last.Load(); t != nil && t.Raw == raw {
		return t, nil
	}
	t, ok := parseFast(raw)
	if !ok {
		var err error
		if t, err = parseChecked(raw); err != nil {
			return nil, err
		}
	}
	last.Store(t)
	return t, nil
}

// last is the token Parse gave last. A publisher sends one token with
// every request while it is valid (a load generator does, for minutes):
// the token is then decoded once, not on every request. Parse depends on
// nothing but the text, so the Token it gave serves as well.
var last atomic.Pointer[Token]

// parseChecked is Parse checking each requirement in turn, to say exactly
// which one a token breaks. Parse goes to it only when parseFast declines a
// token, so every refusal, and its text, comes from here.
func parseChecked(raw string) (*Token, error) {
	if n := strings.Count(raw, ".") + 1; n != 3 {
		if n == 2 && !strings.HasSuffix(raw, ".") {
			return nil, fmt.Errorf("%w, found 2: an unsigned token must end with \".\" after the payload (the empty signature)", ErrSections)
		}
		return nil, fmt.Errorf("%w, found %d", ErrSections, n)
	}
	h, rest, _ := strings.Cut(raw, ".")
	p, sig, _ := strings.Cut(rest, ".")

	header, err := decodeSection("header", h, 0)
	if err != nil {
		return nil, err
	}
	if err := checkObject("header", header); err != nil {
		return nil, err
	}
	if err := checkHeaderJSON(header); err != nil {
		return nil, err
	}
	payload, err := decodeSection("payload", p, len(h)+1)
	if err != nil {
		return nil, err
	}
	if err := checkObject("payload", payload); err != nil {
		return nil, err
	}
	if sig != "" {
		return nil, fmt.Errorf("JWT signature must be empty (unsigned token), found %d characters after the second \".\"", len(sig))
	}

	// The checks above are stricter than the library's; it still verifies
	// the none method and decodes header and claims.
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodNone.Alg()}),
		jwt.WithJSONNumber(),
		jwt.WithoutClaimsValidation(),
	)
	claims := jwt.MapClaims{}
	tok, err := parser.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) {
		return jwt.UnsafeAllowNoneSignatureType, nil
	})
	if err != nil {
		return nil, fmt.Errorf("JWT rejected: %w", err)
	}
	return &Token{
		Raw:        raw,
		Header:     tok.Header,
		Claims:     map[string]any(claims),
		HeaderJSON: json.RawMessage(header),
		ClaimsJSON: json.RawMessage(payload),
	}, nil
}

// isBase64URL marks the base64url alphabet (RFC 4648 section 5).
var isBase64URL = func() (t [256]bool) {
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" {
		t[c] = true
	}
	return t
}()

// decodeSection decodes one section; off is its offset in the token, for
// error texts.
func decodeSection(name, seg string, off int) ([]byte, error) {
	if seg == "" {
		return nil, fmt.Errorf("JWT %s section is empty", name)
	}
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if isBase64URL[c] {
			continue
		}
		if c == '=' {
			return nil, fmt.Errorf("JWT %s is base64url with \"=\" padding (offset %d of the token); RFC 7515 requires base64url without padding", name, off+i)
		}
		r, _ := utf8.DecodeRuneInString(seg[i:])
		what := fmt.Sprintf("%q", r)
		if r == utf8.RuneError {
			what = fmt.Sprintf("byte 0x%02X", c)
		}
		hint := ""
		if c == '+' || c == '/' {
			hint = " (standard base64 used instead of base64url?)"
		}
		return nil, fmt.Errorf("JWT %s is not base64url: %s at offset %d of the token is not in the base64url alphabet%s", name, what, off+i, hint)
	}
	if len(seg)%4 == 1 {
		return nil, fmt.Errorf("JWT %s is not valid base64url: %d characters cannot encode whole bytes", name, len(seg))
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(seg)
	if err != nil {
		return nil, fmt.Errorf("JWT %s is not canonical base64url: the unused bits of its last character must be zero", name)
	}
	return b, nil
}

// checkObject checks that data is valid UTF-8 holding one JSON object whose
// objects have no duplicate names.
func checkObject(name string, data []byte) error {
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		return fmt.Errorf("JWT %s is not valid UTF-8: byte 0x%02X at offset %d of the decoded %s", name, data[i], i, name)
	}
	if !json.Valid(data) {
		detail := "invalid JSON"
		var syn *json.SyntaxError
		if err := json.Unmarshal(data, new(json.RawMessage)); errors.As(err, &syn) {
			detail = fmt.Sprintf("%v (offset %d of the decoded %s)", syn, syn.Offset, name)
		} else if err != nil {
			detail = err.Error()
		}
		return fmt.Errorf("JWT %s is not valid JSON: %s", name, detail)
	}
	if first := bytes.TrimLeft(data, " \t\r\n"); first[0] != '{' {
		return fmt.Errorf("JWT %s is not a JSON object: it is %s", name, jsonKind(first[0]))
	}
	if key, inside, found := duplicateName(data); found {
		what := "claim"
		if name == "header" {
			what = "parameter"
		}
		if inside != "" {
			return fmt.Errorf("JWT %s has the name %q more than once inside %s %q", name, key, what, inside)
		}
		return fmt.Errorf("JWT %s has the %s %q more than once", name, what, key)
	}
	return nil
}

// jsonKind names the kind of JSON value that starts with c.
func jsonKind(c byte) string {
	switch c {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// duplicateName scans valid JSON and reports the first name that occurs
// twice in one object, with the top-level name it is nested in ("" when the
// duplicate is itself at the top level). Names compare after unescaping.
// The scan is iterative, and objects with many names are checked through a
// set, so neither deep nesting nor wide objects cost more than linear time.
func duplicateName(data []byte) (key, inside string, found bool) {
	const small = 16 // objects up to this many names are searched linearly
	type frame struct {
		object bool
		start  int                 // first of this object's names in names
		set    map[string]struct{} // built once the object outgrows small
	}
	text := string(data)
	var (
		stack     []frame
		names     []string
		top       string
		expectKey bool
	)
	for i := 0; i < len(text); {
		switch c := text[i]; c {
		case ' ', '\t', '\r', '\n', ':':
			i++
		case ',':
			expectKey = len(stack) > 0 && stack[len(stack)-1].object
			i++
		case '{', '[':
			stack = append(stack, frame{object: c == '{', start: len(names)})
			expectKey = c == '{'
			i++
		case '}', ']':
			names = names[:stack[len(stack)-1].start]
			stack = stack[:len(stack)-1]
			expectKey = false
			i++
		case '"':
			end := i + 1
			for text[end] != '"' {
				if text[end] == '\\' {
					end++
				}
				end++
			}
			end++
			if expectKey {
				name := text[i+1 : end-1]
				if strings.IndexByte(name, '\\') >= 0 {
					_ = json.Unmarshal(data[i:end], &name)
				}
				f := &stack[len(stack)-1]
				own := names[f.start:]
				dup := false
				if f.set != nil {
					_, dup = f.set[name]
				} else {
					dup = slices.Contains(own, name)
				}
				if dup {
					if len(stack) == 1 {
						return name, "", true
					}
					return name, top, true
				}
				names = append(names, name)
				if f.set != nil {
					f.set[name] = struct{}{}
				} else if len(own) >= small {
					f.set = make(map[string]struct{}, 2*small)
					for _, n := range names[f.start:] {
						f.set[n] = struct{}{}
					}
				}
				if len(stack) == 1 {
					top = name
				}
				expectKey = false
			}
			i = end
		default: // number, true, false, null
			for i < len(text) && !strings.ContainsRune(",]} \t\r\n", rune(text[i])) {
				i++
			}
		}
	}
	return "", "", false
}

// checkHeaderJSON checks the JOSE header parameters of an unsigned JWT.
func checkHeaderJSON(data []byte) error {
	var h map[string]any
	if err := json.Unmarshal(data, &h); err != nil {
		return fmt.Errorf("JWT header is not a JSON object: %v", err)
	}
	return checkHeader(h)
}

// checkHeader checks decoded JOSE header parameters.
func checkHeader(h map[string]any) error {
	alg, ok := h["alg"]
	if !ok {
		return errors.New(`JWT header has no alg; it must be "none"`)
	}
	if s, isString := alg.(string); !isString {
		return fmt.Errorf(`JWT header alg must be "none", is %s`, describe(alg))
	} else if s != "none" {
		return fmt.Errorf(`JWT header alg must be "none", is %q`, s)
	}
	typ, ok := h["typ"]
	if !ok {
		return errors.New(`JWT header has no typ; it must be "JWT"`)
	}
	if s, isString := typ.(string); !isString {
		return fmt.Errorf(`JWT header typ must be "JWT", is %s`, describe(typ))
	} else if !strings.EqualFold(s, "JWT") {
		return fmt.Errorf(`JWT header typ must be "JWT", is %q`, s)
	}
	if _, ok := h["crit"]; ok {
		return errors.New(`JWT header must not have crit: an unsigned token can carry no critical extensions`)
	}
	return nil
}

// describe names a decoded JSON value for error texts.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "the boolean " + strconv.FormatBool(x)
	case json.Number:
		return "the number " + x.String()
	case float64:
		return "the number " + strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return "the string " + strconv.Quote(x)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// String returns claim name as a string. present is false when the claim is
// absent; err is set when it is present but not a JSON string.
func (t *Token) String(name string) (value string, present bool, err error) {
	v, ok := t.Claims[name]
	if !ok {
		return "", false, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", true, fmt.Errorf("claim %q must be a JSON string, is %s", name, describe(v))
	}
	return s, true, nil
}

// Int returns claim name as an integer. present is false when the claim is
// absent; err is set when it is present but not a JSON integer: a number
// written with a fraction or exponent (1.5, 1.0, 1e3), a string such as
// "123", or an integer beyond 64 bits.
func (t *Token) Int(name string) (value int64, present bool, err error) {
	v, ok := t.Claims[name]
	if !ok {
		return 0, false, nil
	}
	if num, ok := v.(json.Number); ok {
		n, perr := strconv.ParseInt(string(num), 10, 64)
		switch {
		case perr == nil:
			return n, true, nil
		case errors.Is(perr, strconv.ErrRange):
			return 0, true, fmt.Errorf("claim %q must be a JSON integer within 64 bits, is %s", name, num)
		}
	}
	return 0, true, fmt.Errorf("claim %q must be a JSON integer, is %s", name, describe(v))
}
