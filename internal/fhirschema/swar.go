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
