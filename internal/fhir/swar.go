package fhir

import "math/bits"

// Eight bytes at a time: the scanners look for the few bytes that end a
// run (a quote, a backslash, a control character; the end of indentation)
// a word at a time.

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

// zeroBytes flags (in their high bits) the bytes of x that are zero; the
// lowest flag is exact, higher ones may be false after a true one.
func zeroBytes(x uint64) uint64 { return (x - ones) & ^x & highs }

// lessBytes flags the bytes of x below n (n <= 0x80), as zeroBytes does.
func lessBytes(x uint64, n byte) uint64 { return (x - ones*uint64(n)) & ^x & highs }

// firstFlag is the index of the lowest flagged byte.
func firstFlag(m uint64) int { return bits.TrailingZeros64(m) >> 3 }

// asciiLetters flags the bytes of x that are ASCII letters; every byte of
// x must be below 0x80. Setting bit 0x20 maps 'A'-'Z' onto 'a'-'z' and no
// other byte there; the two sums then set a byte's high bit from 'a' on
// and from past 'z' on, without carrying into the next byte.
func asciiLetters(x uint64) uint64 {
	l := x | ones*0x20
	return (l + ones*(0x80-'a')) &^ (l + ones*(0x80-'z'-1)) & highs
}

// skipRun returns the first index from i on of a byte of s that is not c
// (len(s) if none).
func skipRun(s string, i int, c byte) int {
	cs := ones * uint64(c)
	for i+8 <= len(s) {
		if y := load64(s, i) ^ cs; y != 0 {
			return i + bits.TrailingZeros64(y)>>3
		}
		i += 8
	}
	for i < len(s) && s[i] == c {
		i++
	}
	return i
}

// skipSpaces returns the first index from i on of a byte of s that is not
// ' ' (len(s) if none).
func skipSpaces(s string, i int) int {
	for i+8 <= len(s) {
		if y := load64(s, i) ^ (ones * ' '); y != 0 {
			return i + bits.TrailingZeros64(y)>>3
		}
		i += 8
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}
