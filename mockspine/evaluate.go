package mockspine

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/nems-harness/nems-harness/internal/content"
	"github.com/nems-harness/nems-harness/internal/mediatype"
	"github.com/nems-harness/nems-harness/internal/token"
	"github.com/nems-harness/nems-harness/mockspine/world"
)

// Judge runs the catalogue over requests: for live traffic, scenarios, a
// supplier's captured traffic and old journals alike.
type Judge struct {
	Profile Profile
	World   *world.World
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Disabled rules are not enforced: their check is skipped and they
	// pass. It exists to show that a suite catches a mock that stops
	// enforcing a rule (serve --disable-rule).
	Disabled map[string]bool
	// Content is how failed content rules bear on the answer; "" is
	// ContentReport.
	Content ContentMode
	// History is the run's accepted messages, for the content rules that
	// remember; Evaluate records every message it accepts. Nil: those
	// rules are not assessed.
	History *content.Memory
}

// Judgement is the verdict of every rule on one request and the answer the
// mock gives.
type Judgement struct {
	Profile  Profile   `json:"profile"`
	Verdicts []Verdict `json:"verdicts"`
	Response Response  `json:"response"`

	// token is the JWT as decoded for the rules, nil when it could not be.
	token *token.Token
	// run is the run the request was judged in (Entry.Run), "" without a
	// History.
	run string
	// bodyUTF8 is set when the body was read as FHIR, which found it UTF-8
	// (the journal then need not look again).
	bodyUTF8 bool
	// turn is the history whose turn the judgement holds, until the
	// request is journalled (endTurn).
	turn *content.Memory
}

// endTurn gives back the history's turn the judgement holds, if any.
func (j *Judgement) endTurn() {
	if j.turn != nil {
		j.turn.EndTurn()
		j.turn = nil
	}
}

// takeTurn waits for the history's turn before the first look at it (or
// the first record in it): concurrent requests are then judged against the
// history one after the other, in the order they are journalled.
func (x *Exchange) takeTurn() {
	if x.history != nil && x.turn == nil {
		x.history.Turn()
		x.turn = x.history
	}
}

// Response is the answer to a request.
type Response struct {
	Status int         `json:"status"`
	Header http.Header `json:"header,omitempty"`
	Body   []byte      `json:"-"`
}

// Failed returns the failed verdicts that fail the request (see
// Verdict.Fails: not the broken warning rules), in catalogue order.
func (j *Judgement) Failed() []Verdict {
	var out []Verdict
	for _, v := range j.Verdicts {
		if v.Fails() {
			out = append(out, v)
		}
	}
	return out
}

// Verdict returns the verdict for one rule.
func (j *Judgement) Verdict(id string) (Verdict, bool) {
	for _, v := range j.Verdicts {
		if v.Rule == id {
			return v, true
		}
	}
	return Verdict{}, false
}

// mode is the content mode in force.
func (jd *Judge) mode() ContentMode {
	if jd.Content == "" {
		return ContentReport
	}
	return jd.Content
}

// Again judges a recorded publish again as the mock judged it: as at the
// time it was received, in the content mode the entry records (jd's when
// it records none), and, when jd keeps a History, in the entry's run: an
// entry of a run other than the History's empties it first, as the mock's
// restart or cleared journal did. Judging a journal's publishes in order
// through one judge then gives the verdicts, status and header fields the
// mock gave.
func (jd *Judge) Again(ctx context.Context, e *Entry) (*Judgement, error) {
	req, err := e.Request()
	if err != nil {
		return nil, err
	}
	again := *jd
	if e.Content != "" {
		again.Content = e.Content
	}
	received := e.Received
	again.Now = func() time.Time { return received }
	if jd.History != nil {
		jd.History.Follow(e.Run)
	}
	return again.Evaluate(ctx, req)
}

// now is the judge's clock.
func (jd *Judge) now() time.Time {
	if jd.Now != nil {
		return jd.Now()
	}
	return time.Now()
}

// Evaluate judges one request against every rule of the profile and builds
// the answer: 202 when every rule passed (or could not be assessed), else an
// OperationOutcome with one issue per failed rule and the HTTP status of the
// first.
func (jd *Judge) Evaluate(ctx context.Context, req Request) (*Judgement, error) {
	j, err := jd.evaluate(ctx, req, &Judgement{Verdicts: make([]Verdict, 0, len(catalogue))})
	if j != nil {
		j.endTurn() // nothing journals it here
	}
	return j, err
}

// evaluate is Evaluate, judging into j: an empty judgement but for the
// room its Verdicts have.
func (jd *Judge) evaluate(ctx context.Context, req Request, j *Judgement) (*Judgement, error) {
	now := req.Received
	if now.IsZero() {
		now = jd.now()
	}
	j.Profile, j.Verdicts = jd.Profile, j.Verdicts[:0]
	if jd.History != nil {
		j.run = jd.History.Run()
	}
	if why, over := headerTooLarge(req.Header); over {
		// Beyond the mock's limits no rule is judged (nor the body read):
		// the request is refused as a whole, and every rule says why it
		// was not assessed.
		for _, r := range catalogue {
			if r.AppliesTo(jd.Profile) {
				j.Verdicts = append(j.Verdicts, r.skip("the request was not judged: %s", why))
			}
		}
		rt, err := mediatype.Negotiate(strings.Join(req.Header.Values("Accept"), ","), jd.Profile.allowsJSON())
		if err != nil {
			rt = defaultType()
		}
		j.Response = simpleAnswer(Answer{http.StatusRequestHeaderFieldsTooLarge, codeBadRequest, IssueTooCostly}, why, rt)
		return j, nil
	}
	x := newExchange(req, jd.Profile, jd.World, now)
	x.contentMode, x.history = jd.Content, jd.History
	// The history's turn, once taken, passes to the judgement; on an
	// error (or a panic) nothing is remembered, and it is given back.
	handed := false
	defer func() {
		if !handed && x.turn != nil {
			x.turn.EndTurn()
		}
	}()
	x.verdicts = &j.Verdicts
	// added are the answers of the failures, for the header fields they
	// add; nil while every rule passes.
	var added []*Breach
	// A context that is never cancelled (a publish's) is not asked
	// before each rule.
	done := ctx.Done()
	for i, r := range catalogue {
		if done != nil {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("judging request: %w", err)
			}
		}
		if !r.AppliesTo(jd.Profile) {
			continue
		}
		// The verdict is finished in place: a verdict is some fifteen
		// words, and a request has a verdict per rule.
		j.Verdicts = append(j.Verdicts, r.check(r, x))
		v := &j.Verdicts[len(j.Verdicts)-1]
		if len(jd.Disabled) > 0 && jd.Disabled[r.ID] {
			*v = r.pass("not enforced: the rule is disabled on this mock")
		}
		if v.Outcome == Fail {
			added = append(added, r.breach(v.alt))
		}
		v.alt = 0
		if v.notNeeded {
			v.notNeeded = false
			if r.Publisher != nil && x.allPassed(r.Publisher.Given) {
				v.Publisher = Pass
			}
		}
		x.place[i] = int16(len(j.Verdicts))
	}
	j.Response = x.respond(j, added)
	j.token = x.tok
	j.bodyUTF8 = x.doc != nil
	x.remember(j)
	j.turn, handed = x.turn, true
	x.release()
	return j, nil
}

// remember records an accepted message (MSG-BUNDLE passed, answered 202)
// in the run's history, for the content rules that remember.
func (x *Exchange) remember(j *Judgement) {
	if x.history == nil || j.Response.Status != http.StatusAccepted || x.doc == nil {
		return
	}
	if v, ok := x.Verdict("MSG-BUNDLE"); !ok || v.Outcome != Pass {
		return
	}
	f := x.contentMessage().Facts()
	f.Ref = content.DefaultRef(f.Type, f.MessageID)
	x.takeTurn()
	x.history.RecordIn(j.run, f)
}

// allPassed reports whether every rule named has passed already.
func (x *Exchange) allPassed(ids []string) bool {
	for _, id := range ids {
		if v, ok := x.Verdict(id); !ok || v.Outcome != Pass {
			return false
		}
	}
	return true
}

// respond builds the answer from the verdicts: the status of the first
// failure, one issue per failure, and the header fields their answers add.
// It knows no rule by name: everything comes from the catalogue.
func (x *Exchange) respond(j *Judgement, added []*Breach) Response {
	rt := x.ResponseType()
	resp := Response{Header: http.Header{}}
	// One issue per failure (added has an answer per failure), the
	// envelope rules' first, then the content rules', and room for a
	// deprecation warning; the verdicts are looked through only when
	// something failed.
	var issues []Issue
	rejected := false
	if len(added) > 0 {
		issues = make([]Issue, 0, len(added)+1)
		for i := range j.Verdicts {
			v := &j.Verdicts[i]
			if v.Outcome != Fail || v.Severity != "" {
				continue
			}
			if resp.Status == 0 {
				resp.Status = v.Answer.Status
			}
			issues = append(issues, errorIssue(*v.Answer, v.Diagnostics()))
		}
		for i := range j.Verdicts {
			v := &j.Verdicts[i]
			if v.Outcome != Fail || v.Severity == "" {
				continue
			}
			// A content rule: its mode decides.
			iss := errorIssue(*v.Answer, v.Diagnostics())
			iss.Details = codeInvalidResource
			if x.contentMode != ContentReject || v.Severity == string(content.Warning) {
				iss.Severity = "warning"
			} else {
				rejected = true
			}
			issues = append(issues, iss)
		}
	}
	if resp.Status == 0 && rejected {
		resp.Status = http.StatusUnprocessableEntity
	}
	// The response header fields the failed rules' answers add, in
	// catalogue order.
	for _, b := range added {
		for _, f := range b.Header {
			resp.Header.Set(f.Name, f.Value)
		}
	}
	if resp.Status != 0 {
		resp.Body = newOutcome(issues...).Encode(rt.Format)
		resp.Header["Content-Type"] = []string{rt.Name}
		return resp
	}
	resp.Status = http.StatusAccepted
	if d, ok := x.deprecationWarning(); ok {
		issues = slices.Insert(issues, 0, d)
	}
	if len(issues) > 0 {
		resp.Body = newOutcome(issues...).Encode(rt.Format)
		resp.Header["Content-Type"] = []string{rt.Name}
	}
	return resp
}

// deprecationWarning is the informational issue NEMS adds to a 202 for an
// event type due to be deprecated.
func (x *Exchange) deprecationWarning() (Issue, bool) {
	b := x.bundle
	if b == nil || b.Header == nil {
		return Issue{}, false
	}
	d, ok := x.World.Deprecation(b.Header.EventCode)
	if !ok || withdrawn(d, x.Now) {
		return Issue{}, false
	}
	name := b.Header.EventCode
	if ev, known := LookupEventType(name); known {
		name = ev.Name + " (" + ev.Code + ")"
	}
	date := d.Date
	if t, err := time.Parse(time.DateOnly, d.Date); err == nil {
		date = t.Format("02/01/2006")
	}
	return Issue{Severity: "information", Code: IssueInformational, Details: codeDeprecated, System: SpineCodeSystem,
		Diagnostics: fmt.Sprintf("Deprecation of the %s event type will occur on %s, for more information go to %s", name, date, d.URL)}, true
}

// simpleAnswer is an OperationOutcome answer that no rule produced: an
// unknown path, a wrong method, an unexpected failure.
func simpleAnswer(a Answer, diagnostics string, rt mediatype.Type) Response {
	h := http.Header{}
	h.Set("Content-Type", rt.Name)
	return Response{Status: a.Status, Header: h, Body: newOutcome(errorIssue(a, diagnostics)).Encode(rt.Format)}
}
