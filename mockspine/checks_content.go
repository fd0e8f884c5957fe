package mockspine

import (
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
		x.results = contentCatalogue.Judge(x.contentMessage())
	}
	res := x.contentResult(r, x.contentPlace())
	var v Verdict
	switch res.Outcome {
	case content.Pass:
		// A pass's reason is the count of instances judged: nothing to
		// clip or make valid.
		v = Verdict{Rule: r.ID, Outcome: Pass, Reason: res.Reason}
	case content.Fail:
		v = r.fail("%s", res.Summary())
		v.Findings = res.Findings[:min(len(res.Findings), maxFindings)]
	default:
		v = Verdict{Rule: r.ID, Outcome: NotAssessed, Reason: contentReason(res.Reason)}
	}
	v.Severity = r.Severity
	return v
}

// contentReason is a verdict's reason from a content result's, as
// reason("%s", s) gives it: the content rules' reasons are mostly short
// and valid already.
func contentReason(s string) string {
	if len(s) <= MaxReason && utf8.ValidString(s) {
		return s
	}
	return reason("%s", s)
}

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
func (x *Exchange) contentResult(r *Rule, i int) content.Result {
	if i >= 0 && i < len(x.results) && x.results[i].Rule.ID == r.ID {
		return x.results[i]
	}
	if i, ok := contentPlace[r]; ok && i < len(x.results) && x.results[i].Rule.ID == r.ID {
		return x.results[i]
	}
	for _, res := range x.results {
		if res.Rule.ID == r.ID {
			return res
		}
	}
	return content.Result{Outcome: content.NotAssessed, Reason: "no such content rule"}
}

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
