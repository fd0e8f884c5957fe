package codes_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nems-harness/nems-harness/internal/codes"
)

func TestCheckSCTID(t *testing.T) {
	cases := []struct {
		code   string
		reason string // "" when valid
	}{
		{"866371000000107", ""}, // worked example of the catalogue
		{"86637100000010", "partition 01"},
		{"314081000", ""},
		{"171191008", ""},
		{"1239891000000106", ""},
		{"2201661000000107", ""},
		{"413083006", ""},
		{"1085431000000105", ""},
		{"988351000000107", ""},
		{"100005", ""},    // six digits, the shortest
		{"138875005", ""}, // SNOMED CT root concept
		{"866371000000108", "Verhoeff"},
		{"863671000000107", "Verhoeff"}, // two digits swapped
		{"314081001", "Verhoeff"},       // partition 00, wrong check digit
		{"314091000", "Verhoeff"},
		{"12345", "5 digits"},
		{"1234567890123456789", "19 digits"},
		{"0314081000", "leading zero"},
		{"31408100O", "not all digits"},
		{"314081000 ", "not all digits"},
		{"", "empty"},
		{"314081120", "partition 12"},
		{"123456", "partition 45"},
		{"１２３４５６", "not all digits"},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			err := codes.CheckSCTID(tc.code)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				if !codes.ValidSCTID(tc.code) {
					t.Fatal("ValidSCTID disagrees")
				}
				return
			}
			if err == nil {
				t.Fatalf("want %q, got valid", tc.reason)
			}
			if !errors.Is(err, codes.ErrSCTID) {
				t.Errorf("%v does not wrap ErrSCTID", err)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("%v does not say %q", err, tc.reason)
			}
		})
	}
}

func TestVerhoeffCatchesEverySingleDigitError(t *testing.T) {
	const valid = "866371000000107"
	for i := range valid {
		for d := byte('0'); d <= '9'; d++ {
			if d == valid[i] {
				continue
			}
			b := []byte(valid)
			b[i] = d
			if codes.VerhoeffValid(string(b)) {
				t.Errorf("%s passes", b)
			}
		}
	}
	if codes.VerhoeffValid("") || codes.VerhoeffValid("12a") {
		t.Error("non-digits pass")
	}
}

func ExampleCheckSCTID() {
	fmt.Println(codes.CheckSCTID("866371000000107"))
	fmt.Println(codes.CheckSCTID("86637100000010"))
	// Output:
	// <nil>
	// not a valid SNOMED CT concept id: 86637100000010 has partition 01 (a concept id has 00 or 10)
}
