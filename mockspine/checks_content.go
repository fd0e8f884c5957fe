package mockspine

import (
	"sync/atomic"
	"unicode/utf8"

	"github.com/nems-harness/nems-harness/internal/content"
)

// maxFindings bounds the breaches a verdict keeps (the reason counts them
// all).
const maxFindings = 200

// contentPlace is each content rule's position in the content catalogue.
var contentPlace = map[*Rule]int{}

// checkContent judges one content rule: every content rule is reached in
// one go, on the element tree read with the body, the first time one is
// asked for.
func checkContent(r *Rule, x *Exchange) Verdict {
	if x.results == nil {
		if v, ok := x.Verdict("MSG-BUNDLE"); !ok || v.Outcome != Pass || x.doc == nil {
			v := r.skip("MSG-BUNDLE failed")
			v.Severity = r.Severity
			return v
		}
		// The rules that remember look at the history in here.
		x.takeTurn()
		x.results = contentCatalogue.Judge(x.contentMessage())
	}
	res, at := x.contentResult(r, x.contentPlace())
	if res == nil {
		res, at = x.contentResultSearched(r)
	}
	switch res.Outcome {
	case content.Pass:
		// A pass's reason is the count of instances judged: nothing to
		// clip or make valid.
		return Verdict{Rule: r.ID, Outcome: Pass, Reason: res.Reason, Severity: r.Severity}
	case content.Fail:
		v := r.fail("%s", res.Summary())
		v.Findings = res.Findings[:min(len(res.Findings), maxFindings)]
		v.Severity = r.Severity
		return v
	}
	return Verdict{Rule: r.ID, Outcome: NotAssessed, Reason: contentReason(res.Reason, at), Severity: r.Severity}
}

// contentReason is a verdict's reason from a content result's, as
// reason("%s", s) gives it: the content rules' reasons are mostly short
// and valid already. at is the rule's place in the content catalogue (-1:
// not known).
func contentReason(s string, at int) string {
	known := at >= 0 && at < len(validReasons)
	if known {
		if p := validReasons[at].Load(); p != nil && *p == s {
			return s
		}
	}
	if len(s) <= MaxReason && utf8.ValidString(s) {
		if known && validReasons[at].Load() == nil {
			kept := s
			validReasons[at].CompareAndSwap(nil, &kept)
		}
		return s
	}
	return reason("%s", s)
}

// validReasons holds, for each content rule, the first reason it gave that
// needed no change: a rule not assessed says why in the same words on
// every request, and they need not be looked at again.
var validReasons = make([]atomic.Pointer[string], len(contentCatalogue.Rules()))

// contentMessage indexes the message for the content rules, once.
func (x *Exchange) contentMessage() *content.Message {
	if x.msg == nil {
		c := content.Context{Profile: string(x.Profile), SenderASID: x.senderASID(), Body: x.Body}
		if x.history != nil {
			c.History = x.history
		}
		x.msg = content.NewMessage(x.doc, x.bundle, c)
	}
	return x.msg
}

// contentResult returns a content rule's result, the content catalogue's
// i-th (a guess, checked), once every content rule is judged.
// It returns the place too, and nil when the guess is wrong (then
// contentResultSearched finds it).
func (x *Exchange) contentResult(r *Rule, i int) (*content.Result, int) {
	if i >= 0 && i < len(x.results) && x.results[i].Rule.ID == r.ID {
		return &x.results[i], i
	}
	return nil, -1
}

// contentResultSearched is contentResult without a guess.
func (x *Exchange) contentResultSearched(r *Rule) (*content.Result, int) {
	if i, ok := contentPlace[r]; ok && i < len(x.results) && x.results[i].Rule.ID == r.ID {
		return &x.results[i], i
	}
	for i := range x.results {
		if x.results[i].Rule.ID == r.ID {
			return &x.results[i], i
		}
	}
	return &noContentRule, -1
}

// noContentRule is the result for a rule the content catalogue lacks.
var noContentRule = content.Result{Outcome: content.NotAssessed, Reason: "no such content rule"}

// contentBase is the number of rules before the content rules.
var contentBase int

func init() { contentBase = len(catalogue) - len(contentCatalogue.Rules()) }

// contentPlace guesses the place in the content catalogue of the content
// rule being judged from the verdicts reached: the content rules come
// last, in the content catalogue's order, and every rule applies to every
// profile (contentResult checks the guess).
func (x *Exchange) contentPlace() int {
	if x.verdicts == nil {
		return -1
	}
	return len(*x.verdicts) - contentBase
}

// senderASID is the sequence key's sender: the fromASID header, or the
// requesting_system ASID when the header is absent.
func (x *Exchange) senderASID() string {
	if from, ok := x.headerValue("fromASID"); ok && from != "" {
		return from
	}
	if x.tok != nil {
		if sys, err := x.requestingSystem(); err == nil {
			return sys.Value
		}
	}
	return ""
}
