//go:build !race

package assessment_test

const raceEnabled = false
