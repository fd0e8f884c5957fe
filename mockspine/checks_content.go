package mockspine

import (
	"github.com/nems-harness/nems-harness/internal/content"
)

// maxFindings bounds the breaches a verdict keeps (the reason counts them
// all).
const maxFindings = 200

// checkContent judges one content rule: every content rule is reached in
// one go, on the element tree read with the body, the first time one is
// asked for.
func checkContent(r *Rule, x *Exchange) Verdict {
	if v, ok := x.Verdict("MSG-BUNDLE"); !ok || v.Outcome != Pass || x.doc == nil {
		v := r.skip("MSG-BUNDLE failed")
		v.Severity = r.Severity
		return v
	}
	res := x.contentResult(r.ID)
	var v Verdict
	switch res.Outcome {
	case content.Pass:
		v = r.pass("%s", res.Reason)
	case content.Fail:
		v = r.fail("%s", res.Summary())
		v.Findings = res.Findings[:min(len(res.Findings), maxFindings)]
	default:
		v = r.skip("%s", res.Reason)
	}
	v.Severity = r.Severity
	return v
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

// contentResult returns a content rule's result, judging every content
// rule the first time.
func (x *Exchange) contentResult(id string) content.Result {
	if x.results == nil {
		x.results = contentCatalogue.Judge(x.contentMessage())
	}
	for _, res := range x.results {
		if res.Rule.ID == id {
			return res
		}
	}
	return content.Result{Outcome: content.NotAssessed, Reason: "no such content rule"}
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
