package nhsnumber

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		kind    error // nil when valid
		message string
	}{
		{name: "valid", in: "9990000018"},
		{name: "valid, check digit from remainder 0 (11 becomes 0)", in: "9990000050"},
		{name: "valid, all zeros", in: "0000000000"},
		{name: "valid, specification example patient", in: "9912003888"},
		{name: "valid, birth notification baby", in: "5900005879"},
		{
			name: "wrong check digit (specification death notification example)", in: "6101231234",
			kind:    ErrCheckDigit,
			message: "NHS number 6101231234 fails the Modulus 11 check: check digit should be 2, is 4",
		},
		{
			name: "wrong check digit (specification birth notification mother)", in: "1112223330",
			kind:    ErrCheckDigit,
			message: "NHS number 1112223330 fails the Modulus 11 check: check digit should be 9, is 0",
		},
		{
			name: "first nine digits have no check digit", in: "1234567890",
			kind:    ErrCheckDigit,
			message: "NHS number 1234567890 fails the Modulus 11 check: no check digit exists for 123456789 (the remainder gives 10)",
		},
		{name: "empty", in: "", kind: ErrFormat, message: "NHS number is empty: it must be 10 digits"},
		{name: "nine digits", in: "999000001", kind: ErrFormat, message: "NHS number 999000001 has 9 digits: it must be 10 digits"},
		{name: "eleven digits", in: "99900000180", kind: ErrFormat, message: "NHS number 99900000180 has 11 digits: it must be 10 digits"},
		{name: "spaces", in: "999 000 0018", kind: ErrFormat, message: `NHS number "999 000 0018" must be 10 digits (0-9 only, no spaces or other characters)`},
		{name: "letter", in: "999000001X", kind: ErrFormat},
		{name: "leading space", in: " 999000001", kind: ErrFormat},
		{name: "hyphens", in: "999-000-00", kind: ErrFormat},
		{name: "non-ASCII digits", in: "٩٩٩٠٠٠٠٠١٨", kind: ErrFormat},
		{name: "fullwidth digits", in: "９９９０００００１８", kind: ErrFormat},
		{name: "sign", in: "+999000001", kind: ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.in)
			if tt.kind == nil {
				assert.NoError(t, err)
				assert.True(t, Valid(tt.in))
				return
			}
			require.Error(t, err)
			assert.False(t, Valid(tt.in))
			assert.ErrorIs(t, err, tt.kind)
			var e *Error
			require.True(t, errors.As(err, &e))
			assert.Equal(t, tt.kind, e.Kind)
			if tt.message != "" {
				assert.Equal(t, tt.message, err.Error())
			}
			assert.True(t, strings.HasPrefix(err.Error(), "NHS number "), "message %q", err.Error())
		})
	}
}

func TestCheckShortensLongValues(t *testing.T) {
	long := strings.Repeat("x", 5000)
	err := Check(long)
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 200)
	assert.Contains(t, err.Error(), "…")

	digits := strings.Repeat("9", 5000)
	err = Check(digits)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "has 5000 digits")
	assert.Less(t, len(err.Error()), 200)
}

func TestCheckDigit(t *testing.T) {
	tests := []struct {
		nine  string
		digit int
		ok    bool
	}{
		{"999000001", 8, true},
		{"999000005", 0, true},
		{"610123123", 2, true},
		{"123456789", 0, false},
		{"12345678", 0, false},
		{"12345678a", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.nine, func(t *testing.T) {
			d, ok := CheckDigit(tt.nine)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.digit, d)
		})
	}
}

// Every single-digit change to a valid number must be caught: the weights
// are all non-zero modulo the prime 11.
func TestCheckCatchesEverySingleDigitError(t *testing.T) {
	for _, valid := range []string{"9990000018", "9912003888", "5900005879", "9990000050"} {
		require.NoError(t, Check(valid))
		for i := 0; i < Length; i++ {
			for d := byte('0'); d <= '9'; d++ {
				if valid[i] == d {
					continue
				}
				changed := valid[:i] + string(d) + valid[i+1:]
				assert.ErrorIs(t, Check(changed), ErrCheckDigit, "%s", changed)
			}
		}
	}
}

func FuzzCheck(f *testing.F) {
	for _, seed := range []string{
		"9990000018", "9912003888", "6101231234", "1112223330", "1234567890",
		"", "999000001", "99900000180", "999 000 0018", "٩٩٩٠٠٠٠٠١٨", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := Check(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Check(%q) returned %T, want *Error", s, err)
			}
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrCheckDigit) {
				t.Fatalf("Check(%q) error %q wraps neither sentinel", s, err)
			}
			if len(e.Error()) > 200 {
				t.Fatalf("Check(%q) message too long: %d bytes", s, len(e.Error()))
			}
			return
		}
		if len(s) != Length || !allDigits(s) {
			t.Fatalf("Check(%q) accepted a value that is not 10 ASCII digits", s)
		}
		// Independent recomputation of the Modulus 11 rule.
		sum := 0
		for i := 0; i < 9; i++ {
			sum += int(s[i]-'0') * (10 - i)
		}
		check := (11 - sum%11) % 11
		if check == 10 || check != int(s[9]-'0') {
			t.Fatalf("Check(%q) accepted a wrong check digit", s)
		}
	})
}
