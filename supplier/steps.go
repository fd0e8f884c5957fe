package supplier

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
)

// Waiting.
const (
	// defaultWait bounds a trigger, and a manual trigger's wait is
	// manualWait, unless the config sets timeout.
	defaultWait = 30 * time.Second
	manualWait  = 5 * time.Minute
	// defaultQuiet is what the manual prompt announces for a publish the
	// system must not make, unless the config sets quietPeriod.
	defaultQuiet = 10 * time.Second
	pollEvery    = 20 * time.Millisecond
	// countdownEvery is how often the time left is shown as a new line
	// when the prompt is not a terminal.
	countdownEvery = 5 * time.Second
)

// The step phrases. Patterns are anchored; rule IDs are upper case with
// hyphens (JWT-SCOPE, MIME-CONTENT-TYPE).
const (
	ruleIDPattern = `[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+`

	// StepPublishes makes the system publish (or asks it to, when it must
	// refuse): "the supplier system publishes a vaccinations-1 new event for
	// a traced patient". Without an event type, the first one the endpoint
	// is assured for is used. A variant may follow: "…, as a vaccination
	// reported by another source" (see Variants).
	StepPublishes = `^the supplier system (publishes|is asked to publish) an? (?:([a-z0-9-]+) )?(new|update|delete) event for (a traced patient|an S-flagged patient|an I-flagged patient|a patient not on PDS)(?:, as (a vaccination reported by another source))?$`
	// StepReceives waits for the publish: "the mock receives a publish
	// within 30 seconds".
	StepReceives = `^the mock receives a publish within (\d+) seconds?$`
	// StepReceivesNone watches for a publish that must not come: "the mock
	// receives no publish within 10 seconds".
	StepReceivesNone = `^the mock receives no publish within (\d+) seconds?$`
	// StepConformsAll judges the captured publish on every rule.
	StepConformsAll = `^it conforms to every rule$`
	// StepConforms judges it on named rules: "it conforms to JWT-SCOPE",
	// "it conforms to JWT-SUB and JWT-SYSTEM".
	StepConforms = `^it conforms to (` + ruleIDPattern + `(?:(?:, | and )` + ruleIDPattern + `)*)$`
	// StepAccepted checks the mock answered 202 Accepted.
	StepAccepted = `^the mock accepts it$`
)

var ruleIDs = regexp.MustCompile(ruleIDPattern)

// Variants are the kinds of event a scenario may ask for beyond its type
// and message type: the name a trigger is given ({{variant}},
// NEMS_VARIANT) by the phrase a scenario uses, with what the system is to
// send. A system that cannot send one may publish the plain event; a rule
// the variant exists for then has nothing to judge and is not assessed.
var Variants = []Variant{
	{Name: "reported", Phrase: "a vaccination reported by another source",
		Means: "the Immunization records a vaccination reported by someone else: primarySource false, with reportOrigin"},
}

// Variant is one kind of event a scenario may ask for.
type Variant struct {
	// Name is what a trigger is given.
	Name string
	// Phrase is what a scenario says, after "…, as ".
	Phrase string
	// Means says what the system is to send.
	Means string
}

// describe names an event ("vaccinations-1 new") as of this variant.
func (v Variant) describe(event string) string {
	if v.Name == "" {
		return event
	}
	return event + ", as " + v.Phrase
}

// variantNamed gives the variant a scenario's phrase names ("" for none).
func variantNamed(phrase string) (Variant, error) {
	if phrase == "" {
		return Variant{}, nil
	}
	for _, v := range Variants {
		if v.Phrase == phrase {
			return v, nil
		}
	}
	return Variant{}, fmt.Errorf("unknown variant %q", phrase)
}

// scenarioRun is what one scenario did and saw.
type scenarioRun struct {
	mu   sync.Mutex
	name string
	uri  string
	tags []string

	event       string
	messageType string
	patient     *Patient
	refuse      bool
	trigger     *triggerResult
	since       uint64
	start       time.Time
	end         time.Time

	window     []mockspine.Entry
	captured   []mockspine.Entry
	handshakes []handshakeEvent
	judged     []string
	every      bool

	passedSteps int
	failure     string
	skipped     string
	failed      bool
	skippedStep bool
}

type scenarioKey struct{}

func runFrom(ctx context.Context) *scenarioRun {
	r, _ := ctx.Value(scenarioKey{}).(*scenarioRun)
	return r
}

// InitializeScenario registers the supplier steps and hooks with godog.
func (s *Session) InitializeScenario(sc *godog.ScenarioContext) {
	sc.Before(func(ctx context.Context, p *godog.Scenario) (context.Context, error) {
		run := &scenarioRun{name: p.Name, uri: p.Uri}
		for _, t := range p.Tags {
			run.tags = append(run.tags, t.Name)
		}
		s.mu.Lock()
		s.scenarios = append(s.scenarios, run)
		s.mu.Unlock()
		return context.WithValue(ctx, scenarioKey{}, run), nil
	})
	sc.StepContext().After(func(ctx context.Context, _ *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
		if run := runFrom(ctx); run != nil {
			run.record(status, err)
		}
		return ctx, nil
	})
	sc.Step(StepPublishes, s.publishes)
	sc.Step(StepReceives, s.receives)
	sc.Step(StepReceivesNone, s.receivesNone)
	sc.Step(StepConformsAll, func(ctx context.Context) (context.Context, error) { return s.conforms(ctx, nil) })
	sc.Step(StepConforms, func(ctx context.Context, list string) (context.Context, error) {
		return s.conforms(ctx, ruleIDs.FindAllString(list, -1))
	})
	sc.Step(StepAccepted, s.accepted)
}

// record folds a step's result into the scenario's.
func (r *scenarioRun) record(status godog.StepResultStatus, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch status {
	case godog.StepPassed:
		r.passedSteps++
	case godog.StepSkipped:
		r.skippedStep = true
	default: // failed, undefined, pending, ambiguous
		if !r.failed {
			r.failed = true
			if err != nil {
				r.failure = err.Error()
			} else {
				r.failure = "step is " + status.String()
			}
		}
	}
}

// status is the scenario's result: passed, failed or skipped.
func (r *scenarioRun) status() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.failed:
		return reportsFailed
	case r.skippedStep || r.passedSteps == 0:
		return reportsSkipped
	}
	return reportsPassed
}

const (
	reportsPassed  = "passed"
	reportsFailed  = "failed"
	reportsSkipped = "skipped"
)

// skip ends a scenario as not assessed, saying why.
func (s *Session) skip(ctx context.Context, run *scenarioRun, format string, a ...any) (context.Context, error) {
	msg := fmt.Sprintf(format, a...)
	run.mu.Lock()
	run.skipped = msg
	run.mu.Unlock()
	// The suite runner attaches the reason to the skipped step.
	return ctx, fmt.Errorf("%w: %s", godog.ErrSkip, msg)
}

// eventType resolves the scenario's event type against what the
// supplier's endpoint is assured for. A non-empty skip reason means the
// scenario cannot be assessed.
func (s *Session) eventType(code string) (ev mockspine.EventType, skip string, err error) {
	if code == "" {
		for _, in := range s.endpoint.Interactions {
			for _, e := range mockspine.PublishableEventTypes() {
				if e.Interaction() == in {
					return e, "", nil
				}
			}
		}
		return ev, fmt.Sprintf("the supplier's endpoint (ASID %s) is assured for no publishable event type in spine.json", s.endpoint.ASID), nil
	}
	ev, ok := mockspine.LookupEventType(code)
	if !ok {
		return ev, "", fmt.Errorf("the scenario names %q, which is not an event type NEMS knows", code)
	}
	if !ev.Publishable() {
		return ev, "", fmt.Errorf("the scenario names %s, which publishers cannot send", code)
	}
	if !slices.Contains(s.endpoint.Interactions, ev.Interaction()) {
		return ev, fmt.Sprintf("the supplier's endpoint (ASID %s) is not assured for %s: %s is not among its interactions in spine.json",
			s.endpoint.ASID, code, ev.Interaction()), nil
	}
	return ev, "", nil
}

// publishWait is how long to wait for a publish the scenario expects.
func (s *Session) publishWait(scenario time.Duration) time.Duration {
	switch {
	case s.cfg.Timeout > 0:
		return time.Duration(s.cfg.Timeout)
	case s.cfg.Trigger.Manual:
		return manualWait
	}
	return scenario
}

// quietWait is how long to watch for a publish that must not come.
func (s *Session) quietWait(scenario time.Duration) time.Duration {
	if s.opts.QuietPeriod > 0 {
		return s.opts.QuietPeriod
	}
	if s.cfg.QuietPeriod > 0 {
		return time.Duration(s.cfg.QuietPeriod)
	}
	return scenario
}

// vars are the template placeholders and the command's environment.
func (s *Session) vars(ev mockspine.EventType, messageType, variant string, p Patient) (map[string]string, []string) {
	given := ""
	if len(p.Given) > 0 {
		given = p.Given[0]
	}
	vars := map[string]string{
		"eventType": ev.Code, "messageType": messageType, "nhsNumber": p.NHSNumber,
		"family": p.Family, "given": given, "birthDate": p.BirthDate,
		"asid": s.endpoint.ASID, "nemsAsid": s.world.NEMSASID(), "nemsUrl": s.mock.url, "interaction": ev.Interaction(),
		"variant": variant,
	}
	env := map[string]string{
		"NEMS_URL": s.mock.url, "NEMS_ASID": s.world.NEMSASID(), "NEMS_SUPPLIER_ASID": s.endpoint.ASID,
		"NEMS_EVENT_TYPE": ev.Code, "NEMS_MESSAGE_TYPE": messageType, "NEMS_NHS_NUMBER": p.NHSNumber,
		"NEMS_FAMILY": p.Family, "NEMS_GIVEN": given, "NEMS_BIRTH_DATE": p.BirthDate, "NEMS_INTERACTION": ev.Interaction(),
	}
	if variant != "" {
		env["NEMS_VARIANT"] = variant
	}
	if t := s.mock.tls; t != nil {
		env["NEMS_TLS_CA"] = t.CA
		if t.Cert != "" {
			env["NEMS_TLS_CERT"], env["NEMS_TLS_KEY"] = t.Cert, t.Key
		}
	}
	return vars, triggerEnv(env)
}

func (s *Session) publishes(ctx context.Context, verb, code, messageType, kindPhrase, variantPhrase string) (context.Context, error) {
	run := runFrom(ctx)
	if run == nil {
		return ctx, errors.New("the supplier steps are not initialised (no scenario state)")
	}
	ev, skip, err := s.eventType(code)
	if err != nil {
		return ctx, err
	}
	if skip != "" {
		return s.skip(ctx, run, "%s", skip)
	}
	kind, known := world.ParsePatientKind(kindPhrase)
	if !known {
		return ctx, fmt.Errorf("unknown kind of patient %q", kindPhrase)
	}
	variant, err := variantNamed(variantPhrase)
	if err != nil {
		return ctx, err
	}
	p, ok := s.patients.take(kind)
	if !ok {
		return s.skip(ctx, run, "%v", &world.NoPatientError{Kind: kind})
	}
	refuse := verb != "publishes"
	vars, env := s.vars(ev, messageType, variant.Name, p)
	wait := s.publishWait(defaultWait)
	if refuse {
		wait = s.quietWait(defaultQuiet)
	}

	run.mu.Lock()
	run.event, run.messageType, run.patient, run.refuse = ev.Code, messageType, &p, refuse
	run.since, run.start = s.mock.journal.Last(), time.Now()
	run.mu.Unlock()

	res := s.trigger.fire(ctx, triggerRequest{Scenario: run.name, Event: ev, MessageType: messageType, Patient: p,
		Variant: variant, Refuse: refuse, Vars: vars, Env: env, Wait: wait})
	run.mu.Lock()
	run.trigger = &res
	run.end = time.Now()
	run.mu.Unlock()
	ctx = godog.Attach(ctx, godog.Attachment{FileName: "trigger", MediaType: "text/plain",
		Body: []byte(fmt.Sprintf("scenario asks for %s for NHS number %s\n%s", variant.describe(ev.Code+" "+messageType), p.Describe(), res.text()))})
	if res.Err == nil || refuse {
		// A system asked to do what it must not may refuse loudly: a
		// failing trigger is no failure there, and is shown as it is.
		return ctx, nil
	}
	// Whatever already arrived is evidence of the failure.
	ctx = s.capture(ctx, run)
	msg := res.Err.Error()
	run.mu.Lock()
	for _, e := range run.captured {
		msg += "; the mock received " + summary(e)
	}
	run.mu.Unlock()
	if out := lastLines(firstNonEmpty(res.Stderr, res.Stdout), 20); out != "" {
		msg += ":\n" + out
	}
	return ctx, errors.New(msg)
}

// capture records what arrived in the scenario's window so far and
// attaches the requests about the patient. It returns the context with the
// attachments.
func (s *Session) capture(ctx context.Context, run *scenarioRun) context.Context {
	run.mu.Lock()
	defer run.mu.Unlock()
	window := s.mock.journal.List(run.since)
	var matched []mockspine.Entry
	for _, e := range window {
		if about(e, *run.patient) {
			matched = append(matched, e)
		}
	}
	run.window, run.captured = window, matched
	run.handshakes = s.mock.handshakes.between(run.start, time.Time{})
	if now := time.Now(); now.After(run.end) {
		run.end = now
	}
	for _, e := range matched {
		ctx = attachEntry(ctx, e)
	}
	return ctx
}

// attachEntry attaches a captured request: the request and response as
// HTTP dumps, the decoded JWT and every rule's verdict.
func attachEntry(ctx context.Context, e mockspine.Entry) context.Context {
	return godog.Attach(ctx,
		godog.Attachment{FileName: "request", MediaType: "text/plain", Body: []byte(requestDump(e))},
		godog.Attachment{FileName: "response", MediaType: "text/plain", Body: []byte(responseDump(e))},
		godog.Attachment{FileName: "jwt", MediaType: "text/plain", Body: []byte(jwtDump(e))},
		godog.Attachment{FileName: "verdicts", MediaType: "text/plain", Body: []byte(verdictsDump(e))},
	)
}

// wait polls the journal until a request about the patient arrives or the
// deadline passes, telling the prompt what it waits for and counting down
// the seconds left (on one rewritten line when Options.Countdown is set,
// else a line every countdownEvery).
func (s *Session) wait(ctx context.Context, run *scenarioRun, deadline time.Time, what string) error {
	w := s.prompt
	left := func() time.Duration {
		if d := time.Until(deadline); d < time.Second {
			return max(d.Round(100*time.Millisecond), 0)
		}
		return time.Until(deadline).Round(time.Second)
	}
	fmt.Fprintf(w, "nems-harness: %s: waiting up to %s\n", what, left())
	shown := left()
	defer func() {
		if s.opts.Countdown {
			fmt.Fprint(w, "\r\x1b[K")
		}
	}()
	for {
		for _, e := range s.mock.journal.List(run.since) {
			if about(e, *run.patient) {
				return nil
			}
		}
		if !time.Now().Before(deadline) {
			return nil
		}
		if l := left(); l != shown && l >= time.Second {
			switch {
			case s.opts.Countdown:
				shown = l
				fmt.Fprintf(w, "\r\x1b[K  %s left", l)
			case shown-l >= countdownEvery:
				shown = l
				fmt.Fprintf(w, "  %s left\n", l)
			}
		}
		t := time.NewTimer(min(pollEvery, time.Until(deadline)))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (s *Session) receives(ctx context.Context, secs string) (context.Context, error) {
	run, err := triggered(ctx)
	if err != nil {
		return ctx, err
	}
	n, _ := strconv.Atoi(secs)
	wait := s.publishWait(time.Duration(n) * time.Second)
	what := fmt.Sprintf("%s: the mock waits for the system to publish %s %s for NHS number %s",
		run.name, run.event, run.messageType, run.patient.Describe())
	if err := s.wait(ctx, run, run.start.Add(wait), what); err != nil {
		return ctx, err
	}
	ctx = s.capture(ctx, run)
	run.mu.Lock()
	defer run.mu.Unlock()
	if len(run.captured) > 0 {
		return ctx, nil
	}
	msg := fmt.Sprintf("no publish about NHS number %s arrived within %s", run.patient.Describe(), wait)
	if len(run.window) > 0 {
		var list []string
		for _, e := range run.window {
			ctx = attachEntry(ctx, e)
			list = append(list, summary(e))
		}
		msg += fmt.Sprintf("; %d other request(s) arrived: %s", len(run.window), strings.Join(list, "; "))
	}
	if len(run.handshakes) > 0 {
		msg += fmt.Sprintf("; the mock's TLS handshake failed %d time(s): %s", len(run.handshakes), run.handshakes[0].Reason)
	}
	return ctx, errors.New(msg)
}

func (s *Session) receivesNone(ctx context.Context, secs string) (context.Context, error) {
	run, err := triggered(ctx)
	if err != nil {
		return ctx, err
	}
	n, _ := strconv.Atoi(secs)
	wait := s.quietWait(time.Duration(n) * time.Second)
	// Silence is watched for after the trigger has finished: a system may
	// publish after answering.
	run.mu.Lock()
	from := run.end
	run.mu.Unlock()
	what := fmt.Sprintf("%s: quiet period: the system must publish nothing for NHS number %s, as %s",
		run.name, run.patient.Describe(), mustNotReason(run.patient.Kind))
	if err := s.wait(ctx, run, from.Add(wait), what); err != nil {
		return ctx, err
	}
	ctx = s.capture(ctx, run)
	run.mu.Lock()
	defer run.mu.Unlock()
	if len(run.captured) > 0 {
		var list []string
		for _, e := range run.captured {
			list = append(list, summary(e))
		}
		return ctx, fmt.Errorf("the system published about NHS number %s, which it must not (%s): %s",
			run.patient.Describe(), mustNotReason(run.patient.Kind), strings.Join(list, "; "))
	}
	if len(run.window) > 0 {
		var list []string
		for _, e := range run.window {
			list = append(list, summary(e))
		}
		ctx = godog.Attach(ctx, godog.Attachment{FileName: "other requests", MediaType: "text/plain",
			Body: []byte(fmt.Sprintf("%d request(s) arrived while watching, none about this patient (they are judged in the report): %s",
				len(run.window), strings.Join(list, "; ")))})
	}
	return ctx, nil
}

// mustNotReason says why no event may be published for a kind of patient.
func mustNotReason(k PatientKind) string {
	switch k {
	case NotOnPDS:
		return "the patient is not on PDS, so cannot have been traced (NHS-TRACED)"
	case SFlagged:
		return "the PDS record carries an S flag (NHS-FLAGS)"
	case IFlagged:
		return "the PDS record carries an I flag (NHS-FLAGS)"
	}
	return "the scenario says so"
}

// mustNotRule is the rule a publish for a kind of patient breaks.
func mustNotRule(k PatientKind) string {
	switch k {
	case NotOnPDS:
		return "NHS-TRACED"
	case SFlagged, IFlagged:
		return "NHS-FLAGS"
	}
	return ""
}

// triggered returns the scenario after its trigger step ran.
func triggered(ctx context.Context) (*scenarioRun, error) {
	run := runFrom(ctx)
	if run == nil {
		return nil, errors.New("the supplier steps are not initialised (no scenario state)")
	}
	run.mu.Lock()
	defer run.mu.Unlock()
	if run.patient == nil {
		return nil, errors.New(`no trigger ran: a "the supplier system publishes …" step must come first`)
	}
	return run, nil
}

// conforms judges the captured requests on the named rules, or on every
// rule of the profile when ids is nil.
func (s *Session) conforms(ctx context.Context, ids []string) (context.Context, error) {
	run, err := triggered(ctx)
	if err != nil {
		return ctx, err
	}
	every := ids == nil
	want := map[string]bool{}
	if every {
		for _, r := range mockspine.Rules() {
			if r.AppliesTo(s.profile) {
				want[r.ID] = true
				ids = append(ids, r.ID)
			}
		}
	} else {
		for _, id := range ids {
			r, ok := mockspine.RuleByID(id)
			if !ok {
				return ctx, fmt.Errorf("%s is not a rule of the catalogue", id)
			}
			if !r.AppliesTo(s.profile) {
				return s.skip(ctx, run, "%s does not apply in profile %s", id, s.profile)
			}
			want[id] = true
		}
	}
	run.mu.Lock()
	run.judged = append(run.judged, ids...)
	run.every = run.every || every
	captured := run.captured
	run.mu.Unlock()
	if len(captured) == 0 {
		return ctx, errors.New(`no publish was captured to judge: "the mock receives a publish" must come first`)
	}

	var fails []string
	passed := map[string]bool{}
	unjudged := map[string][]string{}
	for _, e := range captured {
		if !isPublish(e) {
			fails = append(fails, fmt.Sprintf("%s: %s %s is not a publish (the mock answered HTTP %d); NEMS publishes with POST %s",
				e.ID, e.Method, e.Path, e.Response.Status, mockspine.PublishPath))
			continue
		}
		for _, v := range PublisherVerdicts(e) {
			if !want[v.Rule] {
				continue
			}
			switch {
			case v.Fails():
				fails = append(fails, e.ID+": "+v.Diagnostics())
			case v.Outcome == mockspine.Fail: // a warning rule: judged, reported, never failing
				passed[v.Rule] = true
			case v.Outcome == mockspine.Pass:
				passed[v.Rule] = true
			default:
				unjudged[v.Rule] = append(unjudged[v.Rule], v.Reason)
			}
		}
	}
	if len(fails) > 0 {
		return ctx, errors.New(strings.Join(fails, "\n"))
	}
	if every {
		return ctx, nil
	}
	var notAssessed []string
	for _, id := range ids {
		if !passed[id] {
			reason := strings.Join(slices.Compact(unjudged[id]), "; ")
			if reason == "" {
				reason = "the mock gave no verdict"
			}
			notAssessed = append(notAssessed, id+": "+reason)
		}
	}
	if len(notAssessed) > 0 {
		return s.skip(ctx, run, "%s", strings.Join(notAssessed, "; "))
	}
	return ctx, nil
}

func (s *Session) accepted(ctx context.Context) (context.Context, error) {
	run, err := triggered(ctx)
	if err != nil {
		return ctx, err
	}
	run.mu.Lock()
	captured := run.captured
	run.mu.Unlock()
	if len(captured) == 0 {
		return ctx, errors.New(`no publish was captured: "the mock receives a publish" must come first`)
	}
	var bad []string
	for _, e := range captured {
		if e.Response.Status != 202 {
			bad = append(bad, summary(e))
		}
	}
	if len(bad) > 0 {
		return ctx, fmt.Errorf("the mock did not answer 202 Accepted: %s", strings.Join(bad, "; "))
	}
	return ctx, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// lastLines keeps the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"…"}, lines[len(lines)-n:]...)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
