// Package nhsnumber checks NHS numbers: ten ASCII digits whose last digit is
// the Modulus 11 check digit of the first nine.
//
// The check digit is computed by multiplying the first nine digits by the
// weights 10, 9, ..., 2, summing the products, and subtracting the remainder
// of that sum divided by 11 from 11. A result of 11 becomes 0; a result of 10
// means no NHS number can start with those nine digits.
package nhsnumber

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Length is the number of digits in an NHS number.
const Length = 10

// Sentinel errors, for errors.Is. The errors Check returns wrap one of them
// but read as a full sentence on their own.
var (
	// ErrFormat means the value is not exactly ten ASCII digits.
	ErrFormat = errors.New("NHS number must be 10 digits")
	// ErrCheckDigit means the tenth digit is not the Modulus 11 check digit
	// of the first nine, or the first nine digits have no check digit.
	ErrCheckDigit = errors.New("NHS number fails the Modulus 11 check")
)

// Error describes why a value is not a valid NHS number.
type Error struct {
	// Value is the value checked (shortened when very long).
	Value string
	// Kind is ErrFormat or ErrCheckDigit.
	Kind error
	msg  string
}

func (e *Error) Error() string { return e.msg }

// Unwrap returns Kind.
func (e *Error) Unwrap() error { return e.Kind }

// maxShown bounds how much of a malformed value an error message repeats.
const maxShown = 24

// Check reports whether s is a valid NHS number. It returns nil when s is
// ten ASCII digits with a correct Modulus 11 check digit, and otherwise an
// *Error whose message says what is wrong, for example
// "NHS number 6101231234 fails the Modulus 11 check: check digit should be 2, is 4".
func Check(s string) error {
	if len(s) != Length || !allDigits(s) {
		return &Error{Value: shorten(s), Kind: ErrFormat, msg: formatMessage(s)}
	}
	want, ok := CheckDigit(s[:Length-1])
	if !ok {
		return &Error{Value: s, Kind: ErrCheckDigit, msg: fmt.Sprintf(
			"NHS number %s fails the Modulus 11 check: no check digit exists for %s (the remainder gives 10)",
			s, s[:Length-1])}
	}
	if got := int(s[Length-1] - '0'); got != want {
		return &Error{Value: s, Kind: ErrCheckDigit, msg: fmt.Sprintf(
			"NHS number %s fails the Modulus 11 check: check digit should be %d, is %d", s, want, got)}
	}
	return nil
}

// Valid reports whether Check(s) returns nil.
func Valid(s string) bool { return Check(s) == nil }

// CheckDigit returns the Modulus 11 check digit for the first nine digits of
// an NHS number. ok is false when nine is not nine ASCII digits or when the
// digits have no check digit (11 minus the remainder is 10).
func CheckDigit(nine string) (digit int, ok bool) {
	if len(nine) != Length-1 || !allDigits(nine) {
		return 0, false
	}
	sum := 0
	for i := 0; i < Length-1; i++ {
		sum += int(nine[i]-'0') * (Length - i)
	}
	check := 11 - sum%11
	switch check {
	case 11:
		return 0, true
	case 10:
		return 0, false
	default:
		return check, true
	}
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func formatMessage(s string) string {
	switch {
	case s == "":
		return "NHS number is empty: it must be 10 digits"
	case allDigits(s):
		return fmt.Sprintf("NHS number %s has %d digits: it must be 10 digits", shorten(s), len(s))
	default:
		return fmt.Sprintf("NHS number %q must be 10 digits (0-9 only, no spaces or other characters)", shorten(s))
	}
}

// shorten cuts s to at most maxShown bytes on a rune boundary, marking the
// cut with an ellipsis.
func shorten(s string) string {
	if len(s) <= maxShown {
		return s
	}
	cut := maxShown
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
