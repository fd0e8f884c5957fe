package codes

import (
	"errors"
	"fmt"
)

// SNOMED is the system url of SNOMED CT codings.
const SNOMED = "http://snomed.info/sct"

// ErrSCTID is wrapped by every error CheckSCTID returns.
var ErrSCTID = errors.New("not a valid SNOMED CT concept id")

// Verhoeff tables: d is the multiplication table of the dihedral group
// D5, p the permutation applied at each position.
var (
	verhoeffD = [10][10]byte{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
		{3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
		{9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	verhoeffP = [8][10]byte{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
		{8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
		{2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
	}
)

// VerhoeffValid reports whether digits (ASCII digits only) end with the
// Verhoeff check digit of the digits before it.
func VerhoeffValid(digits string) bool {
	if digits == "" {
		return false
	}
	var c byte
	for i := 0; i < len(digits); i++ {
		ch := digits[len(digits)-1-i]
		if ch < '0' || ch > '9' {
			return false
		}
		c = verhoeffD[c][verhoeffP[i%8][ch-'0']]
	}
	return c == 0
}

// CheckSCTID says why code is not a valid SNOMED CT concept identifier, or
// returns nil: 6 to 18 digits, no leading zero, partition identifier (the
// two digits before the last) 00 or 10, and a Verhoeff check digit. It is
// the check that can be made offline; it says nothing of whether the
// concept exists or belongs to a reference set.
func CheckSCTID(code string) error {
	if code == "" {
		return fmt.Errorf("%w: empty", ErrSCTID)
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return fmt.Errorf("%w: %q is not all digits", ErrSCTID, shorten(code))
		}
	}
	if len(code) < 6 || len(code) > 18 {
		return fmt.Errorf("%w: %s has %d digits (6 to 18)", ErrSCTID, shorten(code), len(code))
	}
	if code[0] == '0' {
		return fmt.Errorf("%w: %s has a leading zero", ErrSCTID, code)
	}
	if part := code[len(code)-3 : len(code)-1]; part != "00" && part != "10" {
		return fmt.Errorf("%w: %s has partition %s (a concept id has 00 or 10)", ErrSCTID, code, part)
	}
	if !VerhoeffValid(code) {
		return fmt.Errorf("%w: %s fails the Verhoeff check digit", ErrSCTID, code)
	}
	return nil
}

// ValidSCTID reports whether CheckSCTID accepts code.
func ValidSCTID(code string) bool { return CheckSCTID(code) == nil }

func shorten(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
