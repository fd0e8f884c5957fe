package mockspine

import (
	"fmt"
	"net/http"
	"slices"
	"unicode/utf8"
)

// Outcome is a rule's verdict on one request.
type Outcome string

const (
	Pass        Outcome = "pass"
	Fail        Outcome = "fail"
	NotAssessed Outcome = "not-assessed"
)

// Answer is how the mock answers a breach of a rule: HTTP status, Spine code
// and FHIR issue type.
type Answer struct {
	Status    int       `json:"status"`
	Code      SpineCode `json:"spineCode"`
	IssueType string    `json:"issueType"`
}

// Rule is one rule of the guidance: its identity, its words, how a breach is
// answered, and the one check that judges it. The catalogue (rules.go) is the
// only place rules are defined.
type Rule struct {
	ID     string `json:"id"`
	Area   string `json:"area"`
	Text   string `json:"text"`
	Source string `json:"source"`
	// Profiles the rule applies to; empty means every profile.
	Profiles []Profile `json:"profiles,omitempty"`
	// Answer is the usual answer to a breach; a check may give another for a
	// particular way of breaking the rule (see Verdict.Answer).
	Answer Answer `json:"answer"`
	// Transport is true for rules judged below HTTP (the TLS handshake), so a
	// missing answer is expected.
	Transport bool `json:"transport,omitempty"`

	check func(r *Rule, x *Exchange) Verdict
}

// AppliesTo reports whether the rule is enforced in a profile.
func (r *Rule) AppliesTo(p Profile) bool {
	return len(r.Profiles) == 0 || slices.Contains(r.Profiles, p)
}

// Verdict is one rule's judgement of one request.
type Verdict struct {
	Rule    string  `json:"rule"`
	Outcome Outcome `json:"outcome"`
	// Reason says what was wrong (fail), why the rule could not be judged
	// (not assessed), or what was seen (pass).
	Reason string `json:"reason,omitempty"`
	// Answer is set on a failure.
	Answer *Answer `json:"answer,omitempty"`
}

// Diagnostics is the OperationOutcome diagnostics text for a failure: the
// rule ID first, then the reason.
func (v Verdict) Diagnostics() string { return "[" + v.Rule + "] " + v.Reason }

// pass, fail and skip build verdicts inside checks.
func (r *Rule) pass(format string, a ...any) Verdict {
	return Verdict{Rule: r.ID, Outcome: Pass, Reason: reason(format, a...)}
}

func (r *Rule) fail(format string, a ...any) Verdict {
	ans := r.Answer
	return Verdict{Rule: r.ID, Outcome: Fail, Reason: reason(format, a...), Answer: &ans}
}

// failAs fails with an answer other than the rule's usual one.
func (r *Rule) failAs(ans Answer, format string, a ...any) Verdict {
	return Verdict{Rule: r.ID, Outcome: Fail, Reason: reason(format, a...), Answer: &ans}
}

func (r *Rule) skip(format string, a ...any) Verdict {
	return Verdict{Rule: r.ID, Outcome: NotAssessed, Reason: reason(format, a...)}
}

// MaxReason bounds a verdict's reason: checks quote what the request sent,
// and a request may send megabytes where a code was expected.
const MaxReason = 2000

// reason formats a verdict's reason, cut at MaxReason bytes on a character
// boundary.
func reason(format string, a ...any) string {
	s := fmt.Sprintf(format, a...)
	if len(s) <= MaxReason {
		return s
	}
	cut := MaxReason
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d more bytes not shown)", s[:cut], len(s)-cut)
}

// Answers used by more than one rule.
var (
	answerHeader    = Answer{http.StatusBadRequest, CodeMissingOrInvalidHeader, IssueInvalid}
	answerJWT       = Answer{http.StatusBadRequest, CodeMissingOrInvalidHeader, IssueStructure}
	answerASIDCheck = Answer{http.StatusForbidden, CodeASIDCheckFailed, IssueForbidden}
)
