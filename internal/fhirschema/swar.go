package fhirschema

import "math/bits"

// Eight bytes at a time, for the scans of values.

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// load64 reads s[i:i+8] as a little-endian word (one load).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// load32 reads s[i:i+4] as a little-endian word (one load).
func load32(s string, i int) uint32 {
	s = s[i : i+4]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// lessBytes flags (in their high bits) the bytes of x below n (n <=
// 0x80); the lowest flag is exact, higher ones may be false after it.
func lessBytes(x uint64, n byte) uint64 { return (x - ones*uint64(n)) & ^x & highs }

// firstFlag is the index of the lowest flagged byte.
func firstFlag(m uint64) int { return bits.TrailingZeros64(m) >> 3 }

// byteClass is the table of the bytes in (1) and out of (0) a class.
func byteClass(in func(byte) bool) (t [256]uint8) {
	for c := range 256 {
		if in(byte(c)) {
			t[c] = 1
		}
	}
	return t
}

// in8 reports whether the eight bytes of b are all in class t.
func in8(t *[256]uint8, b string) bool {
	b = b[:8]
	return t[b[0]]&t[b[1]]&t[b[2]]&t[b[3]]&t[b[4]]&t[b[5]]&t[b[6]]&t[b[7]] != 0
}

// allIn reports whether every byte of s (at least eight) is in class t:
// eight a look, the last look ending at the end (it may cover bytes seen
// already).
func allIn(t *[256]uint8, s string) bool {
	last := s[len(s)-8:]
	for len(s) > 8 {
		if t[s[0]]&t[s[1]]&t[s[2]]&t[s[3]]&t[s[4]]&t[s[5]]&t[s[6]]&t[s[7]] == 0 {
			return false
		}
		s = s[8:]
	}
	return in8(t, last)
}
