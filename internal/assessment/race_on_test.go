//go:build race

package assessment_test

// raceEnabled is true under the race detector, which slows decoding
// tenfold: the streamed journal is then smaller.
const raceEnabled = true
