package suite

import (
	"encoding/xml"
	"fmt"
	"os"
	"strings"
	"time"
)

// JUnit XML as CI servers read it: a skipped scenario is <skipped> with its
// reason, so CI's count is the run's.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// writeJUnit writes the run's scenarios as JUnit XML, one test suite per
// feature file in the order they ran.
func writeJUnit(path, name string, res *Result) error {
	doc := junitSuites{Name: name, Tests: res.Tally.Total(), Failures: res.Tally.Failed, Skipped: res.Tally.Skipped,
		Time: seconds(res.Elapsed)}
	index := map[string]int{}
	var durations []time.Duration
	for _, sc := range res.Scenarios {
		i, ok := index[sc.URI]
		if !ok {
			i = len(doc.Suites)
			index[sc.URI] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: sc.Feature})
			durations = append(durations, 0)
		}
		s := &doc.Suites[i]
		c := junitCase{Name: fmt.Sprintf("%s (line %d)", sc.Name, sc.Line), ClassName: sc.URI, Time: seconds(sc.Duration)}
		durations[i] += sc.Duration
		s.Tests++
		switch sc.Status {
		case "passed":
		case "failed":
			s.Failures++
			msg, _, _ := strings.Cut(sc.Reason, "\n")
			c.Failure = &junitMessage{Message: msg, Text: sc.Reason}
		default:
			s.Skipped++
			reason := sc.Reason
			if reason == "" {
				reason = "no step ran"
			}
			c.Skipped = &junitMessage{Message: reason}
		}
		s.Cases = append(s.Cases, c)
	}
	for i := range doc.Suites {
		doc.Suites[i].Time = seconds(durations[i])
	}
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("writing JUnit XML: %w", err)
	}
	if err := os.WriteFile(path, append([]byte(xml.Header), append(b, '\n')...), 0o644); err != nil {
		return fmt.Errorf("writing JUnit XML: %w", err)
	}
	return nil
}
