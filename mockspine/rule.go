package mockspine

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"

	"github.com/nems-harness/nems-harness/internal/content"
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

// Breach is one answer a rule gives when it is broken: the answer itself,
// which breaches get it, and the response header fields it adds.
type Breach struct {
	// Name identifies an alternative answer within its rule (the checks
	// name it); the usual answer has none.
	Name string `json:"name,omitempty"`
	// When says, in words, which breaches get this answer.
	When string `json:"when"`
	Answer
	// Header holds the response header fields the answer adds.
	Header []HeaderField `json:"header,omitempty"`
}

// HeaderField is one response header field.
type HeaderField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// PublisherView says how a rule's verdict bears on a publisher where that
// differs from how it bears on the endpoint. The mock judges a rule "not
// assessed" when a request needed nothing of it (MIME-DEFAULT when both
// Content-Type and Accept are named); for the publisher that request kept
// the rule, provided every rule in Given passed.
type PublisherView struct {
	Text  string   `json:"text"`
	Given []string `json:"given"`
}

// Rule is one rule of the guidance: its identity, its words, every answer
// it gives when broken, the rules it depends on, and the one check that
// judges it. The catalogue (rules.go) is the only place rules are defined;
// Rules and RuleByID hand out copies.
type Rule struct {
	ID   string `json:"id"`
	Area string `json:"area"`
	// Summary is the rule in a few words, for tables.
	Summary string `json:"summary"`
	Text    string `json:"text"`
	Source  string `json:"source"`
	// Profiles the rule applies to; empty means every profile.
	Profiles []Profile `json:"profiles,omitempty"`
	// Answer is the usual answer to a breach.
	Answer Breach `json:"answer"`
	// Alternatives are the other answers, each for a particular way of
	// breaking the rule; a check names the one it gives.
	Alternatives []Breach `json:"alternatives,omitempty"`
	// DependsOn lists the rules whose failure can leave this one not
	// assessed: its check needs what they judge.
	DependsOn []string `json:"dependsOn,omitempty"`
	// Publisher, when set, is how the verdict bears on a publisher where
	// that differs from the endpoint's (see Verdict.Publisher).
	Publisher *PublisherView `json:"publisher,omitempty"`
	// Transport is true for rules judged below HTTP too (the TLS
	// handshake), so a breach may get no HTTP answer at all; Handshake
	// says which breaches the handshake refuses.
	Transport bool   `json:"transport,omitempty"`
	Handshake string `json:"handshake,omitempty"`
	// Severity is "error" or "warning" for a content rule (a warning never
	// fails a request or a report); empty for an envelope rule.
	Severity string `json:"severity,omitempty"`

	check func(r *Rule, x *Exchange) Verdict
}

// AppliesTo reports whether the rule is enforced in a profile.
func (r *Rule) AppliesTo(p Profile) bool {
	return len(r.Profiles) == 0 || slices.Contains(r.Profiles, p)
}

// Answers returns every answer the rule can give, the usual one first.
func (r *Rule) Answers() []Breach {
	out := make([]Breach, 0, 1+len(r.Alternatives))
	out = append(out, r.Answer.clone())
	for _, b := range r.Alternatives {
		out = append(out, b.clone())
	}
	return out
}

// Alternative finds an alternative answer by name.
func (r *Rule) Alternative(name string) (Breach, bool) {
	for _, b := range r.Alternatives {
		if b.Name == name {
			return b.clone(), true
		}
	}
	return Breach{}, false
}

func (b Breach) clone() Breach {
	b.Header = slices.Clone(b.Header)
	return b
}

// clone is a copy of the rule sharing nothing an importer could change.
// The copy has no check: rules are judged by Judge.Evaluate alone.
func (r *Rule) clone() Rule {
	c := *r
	c.check = nil
	c.Profiles = slices.Clone(r.Profiles)
	c.Answer = r.Answer.clone()
	c.Alternatives = nil
	for _, b := range r.Alternatives {
		c.Alternatives = append(c.Alternatives, b.clone())
	}
	c.DependsOn = slices.Clone(r.DependsOn)
	if r.Publisher != nil {
		p := *r.Publisher
		p.Given = slices.Clone(p.Given)
		c.Publisher = &p
	}
	return c
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
	// Publisher is the outcome for the publisher when the rule's
	// PublisherView makes it differ from Outcome; empty otherwise.
	Publisher Outcome `json:"publisher,omitempty"`
	// Severity is the rule's severity, for a content rule.
	Severity string `json:"severity,omitempty"`
	// Findings are a failed content rule's breaches, located.
	Findings []content.Finding `json:"findings,omitempty"`

	// alt says which catalogue answer a failure gave: 0 the usual one, k
	// the k-th alternative; Evaluate takes it out of the verdict.
	alt int8
	// notNeeded marks a not-assessed verdict given because the request
	// needed nothing of the rule (see PublisherView).
	notNeeded bool
}

// Fails reports whether the verdict fails the request: a failed rule,
// unless it is a content rule of severity warning.
func (v Verdict) Fails() bool { return v.Outcome == Fail && v.Severity != string(content.Warning) }

// Diagnostics is the OperationOutcome diagnostics text for a failure: the
// rule ID first, then the reason.
func (v Verdict) Diagnostics() string { return "[" + v.Rule + "] " + v.Reason }

// PublisherOutcome is the outcome as it bears on the publisher: Publisher
// when the catalogue gave the rule a publisher's view, else Outcome.
func (v Verdict) PublisherOutcome() Outcome {
	if v.Publisher != "" {
		return v.Publisher
	}
	return v.Outcome
}

// pass, fail, failWith, skip, skipOn and notNeeded build verdicts inside
// checks.
func (r *Rule) pass(format string, a ...any) Verdict {
	return Verdict{Rule: r.ID, Outcome: Pass, Reason: reason(format, a...)}
}

func (r *Rule) fail(format string, a ...any) Verdict {
	return r.failed(0, format, a...)
}

// failWith fails with the alternative answer of that name. A name the
// catalogue does not give the rule is a mistake in a check (a test reads
// every check for one); the usual answer is given then.
func (r *Rule) failWith(name, format string, a ...any) Verdict {
	for i := range r.Alternatives {
		if r.Alternatives[i].Name == name {
			return r.failed(int8(i+1), format, a...)
		}
	}
	return r.fail(format, a...)
}

func (r *Rule) failed(alt int8, format string, a ...any) Verdict {
	ans := r.breach(alt).Answer
	return Verdict{Rule: r.ID, Outcome: Fail, Reason: reason(format, a...), Answer: &ans, alt: alt}
}

// breach is the catalogue answer a failure gave (see Verdict.alt).
func (r *Rule) breach(alt int8) *Breach {
	if alt > 0 && int(alt) <= len(r.Alternatives) {
		return &r.Alternatives[alt-1]
	}
	return &r.Answer
}

// skip is a not-assessed verdict for a reason of the request's own (plain
// HTTP, a rule disabled), not another rule's failure.
func (r *Rule) skip(format string, a ...any) Verdict {
	return Verdict{Rule: r.ID, Outcome: NotAssessed, Reason: reason(format, a...)}
}

// skipOn is a not-assessed verdict because the rules named in on (one ID,
// or several separated by ", "; each one of r.DependsOn) did not give the
// check what it needs. The reason ends by naming them.
func (r *Rule) skipOn(on, format string, a ...any) Verdict {
	return Verdict{Rule: r.ID, Outcome: NotAssessed, Reason: reason(format, a...) + " (" + on + ")"}
}

// notNeeded is a not-assessed verdict because the request needed nothing
// of the rule; the rule's PublisherView decides what it means for the
// publisher.
func (r *Rule) notNeeded(format string, a ...any) Verdict {
	v := r.skip(format, a...)
	v.notNeeded = true
	return v
}

// MaxReason bounds a verdict's reason: checks quote what the request sent,
// and a request may send megabytes where a code was expected.
const MaxReason = 2000

// reason formats a verdict's reason, cut at MaxReason bytes on a character
// boundary. It is fmt.Sprintf for the verbs and arguments the checks use
// (%s, %d, %q and %v of strings, integers and booleans; errors are passed
// as their text), without fmt's reflection: every request has some seventy
// verdicts, and their arguments do not escape, so they are not allocated
// either. A reason without verbs is the format itself; "%s" of a string is
// the string. TestReasonFormats holds every call to these verbs and types.
func reason(format string, a ...any) string {
	if vetPrintf {
		// Never run: it shows vet that reason's callers are printf-like,
		// so it checks their verbs and arguments.
		return fmt.Sprintf(format, a...)
	}
	var s string
	switch {
	case len(a) == 0 && strings.IndexByte(format, '%') < 0:
		// A constant of the source, valid UTF-8 and short
		// (TestReasonFormats).
		return format
	case len(a) == 1 && format == "%s":
		if str, ok := a[0].(string); ok {
			s = str
			break
		}
		fallthrough
	default:
		slot := reasonMemo.slot(format)
		if m := slot.last.Load(); m != nil && m.same(format, a) {
			return m.text
		}
		var buf [256]byte
		b, valid := appendf(buf[:0], format, a)
		if len(b) <= MaxReason && valid {
			slot.remember(format, a, b)
			return reasonText.keep(b)
		}
		s = string(b)
	}
	if len(s) <= MaxReason && utf8.ValidString(s) {
		return s
	}
	if !utf8.ValidString(s) {
		s = validUTF8(s)
	}
	if len(s) <= MaxReason {
		return s
	}
	cut := MaxReason
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "… (" + strconv.Itoa(len(s)-cut) + " more bytes not shown)"
}

// reasonMemo holds, for each format (by where its text lies: formats are
// constants of the source), the last reason formatted with it: most checks
// give the same reason to every request of a publisher (the same token,
// header fields and record types), and comparing the arguments costs less
// than formatting them again.
var reasonMemo memoTable

// memoTable is a table of remembered reasons, a slot per format; formats
// that share a slot take turns.
type memoTable [256]memoSlot

type memoSlot struct {
	last atomic.Pointer[memoReason]
	// changes counts the reasons remembered in the slot: a format whose
	// arguments change with each request (or two formats sharing the
	// slot) stops replacing it, rather than allocate on every request.
	changes atomic.Int32
}

// maxMemoChanges is how many times a slot's reason is replaced.
const maxMemoChanges = 16

// memoReason is a reason and the format and arguments it was formatted
// from. It never changes once in a slot.
type memoReason struct {
	format string
	args   []any
	text   string
}

func (t *memoTable) slot(format string) *memoSlot {
	p := uint64(uintptr(unsafe.Pointer(unsafe.StringData(format))))
	return &t[(p*0x9E3779B97F4A7C15)>>56]
}

// same reports whether m was formatted from format and a. The remembered
// arguments are strings, integers and booleans, so == compares them with
// a's by type and value, and never panics.
func (m *memoReason) same(format string, a []any) bool {
	if len(m.format) != len(format) || unsafe.StringData(m.format) != unsafe.StringData(format) || len(m.args) != len(a) {
		return false
	}
	for i := range a {
		if m.args[i] != a[i] {
			return false
		}
	}
	return true
}

// remember keeps text, formatted from format and a, in the slot. The
// arguments are copied: a string argument may be part of a request's body,
// which the slot must not keep alive.
func (sl *memoSlot) remember(format string, a []any, text []byte) {
	if sl.changes.Load() >= maxMemoChanges {
		return
	}
	args := make([]any, len(a))
	for i, v := range a {
		switch t := v.(type) {
		case string:
			args[i] = strings.Clone(t)
		// New boxes, not a's: a's arguments then do not escape.
		case int:
			args[i] = int(t)
		case int64:
			args[i] = int64(t)
		case bool:
			args[i] = bool(t)
		default:
			return // a named type: formatted each time
		}
	}
	sl.changes.Add(1)
	sl.last.Store(&memoReason{format: format, args: args, text: string(text)})
}

// vetPrintf is false: see reason.
const vetPrintf = false

// reasonText holds the text of the reasons reason formats. A request has
// a score of them, each a few dozen bytes, and most live only until the
// journal has packed them: copied into a slab shared by every request,
// they cost an allocation per slab rather than one each.
var reasonText slab

// slab hands out strings copied into a shared buffer, which is only ever
// appended to: what it has handed out never changes. Its strings keep the
// whole buffer alive, so it takes short texts only.
type slab struct {
	mu  sync.Mutex
	buf strings.Builder
}

// reasonSlabSize is the size of a slab's buffers; keep copies texts up to an
// eighth of it, and allocates longer ones on their own.
const reasonSlabSize = 4 << 10

// keep returns b as a string.
func (sl *slab) keep(b []byte) string {
	if len(b) == 0 || len(b) > reasonSlabSize/8 {
		return string(b)
	}
	sl.mu.Lock()
	defer sl.mu.Unlock()
	if sl.buf.Cap()-sl.buf.Len() < len(b) {
		sl.buf = strings.Builder{}
		sl.buf.Grow(reasonSlabSize)
	}
	at := sl.buf.Len()
	sl.buf.Write(b)
	return sl.buf.String()[at:]
}

// appendf appends to b what fmt.Sprintf gives for the verbs %s, %d, %q, %v
// and %% (no flags, widths or precisions) of strings, integers and
// booleans, of any named type without methods. Anything else is written
// as fmt writes a wrong verb ("%!x(int=5)" becomes "%!x(int)");
// TestReasonFormats keeps the checks from giving it.
//
// It also reports whether what it appended is UTF-8, looking only at the
// arguments given as text: the formats are (TestReasonFormats), and so is
// everything else it writes.
func appendf(b []byte, format string, a []any) ([]byte, bool) {
	arg, valid := 0, true
	for i := 0; i < len(format); i++ {
		// The text up to the next verb, in one piece.
		if k := strings.IndexByte(format[i:], '%'); k != 0 {
			if k < 0 {
				k = len(format) - i
			}
			b = append(b, format[i:i+k]...)
			i += k - 1
			continue
		}
		i++
		if i == len(format) {
			b = append(b, "%!(NOVERB)"...)
			break
		}
		verb := format[i]
		if verb == '%' {
			b = append(b, '%')
			continue
		}
		if arg >= len(a) {
			b = append(b, '%', '!', verb)
			b = append(b, "(MISSING)"...)
			continue
		}
		at := len(b)
		b = appendArg(b, verb, a[arg])
		if (verb == 's' || verb == 'v') && valid {
			valid = utf8.Valid(b[at:])
		}
		arg++
	}
	if arg < len(a) {
		b = append(b, "%!(EXTRA)"...)
	}
	return b, valid
}

// appendArg appends one argument as verb formats it.
func appendArg(b []byte, verb byte, v any) []byte {
	switch t := v.(type) {
	case string:
		return appendString(b, verb, t, v)
	case int:
		return appendInt(b, verb, int64(t), v)
	case int64:
		return appendInt(b, verb, t, v)
	case bool:
		if verb == 'v' {
			return strconv.AppendBool(b, t)
		}
	}
	// Named types, by kind (reflect.ValueOf lets nothing escape).
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return appendString(b, verb, rv.String(), v)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return appendInt(b, verb, rv.Int(), v)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if verb == 'd' || verb == 'v' {
			return strconv.AppendUint(b, rv.Uint(), 10)
		}
	}
	return badVerb(b, verb, v)
}

func appendString(b []byte, verb byte, s string, v any) []byte {
	switch verb {
	case 's', 'v':
		return append(b, s...)
	case 'q':
		return strconv.AppendQuote(b, s)
	}
	return badVerb(b, verb, v)
}

func appendInt(b []byte, verb byte, n int64, v any) []byte {
	if verb == 'd' || verb == 'v' {
		return strconv.AppendInt(b, n, 10)
	}
	return badVerb(b, verb, v)
}

func badVerb(b []byte, verb byte, v any) []byte {
	b = append(b, '%', '!', verb, '(')
	if v == nil {
		b = append(b, "<nil>"...)
	} else {
		b = append(b, reflect.TypeOf(v).String()...)
	}
	return append(b, ')')
}

// validUTF8 replaces each byte of s that is not UTF-8 with U+FFFD, as
// JSON does: a reason reads the same live, in the journal file and in the
// admin API.
func validUTF8(s string) string {
	b := make([]rune, 0, len(s))
	for _, r := range s {
		b = append(b, r)
	}
	return string(b)
}

// Answers used by more than one rule.
var (
	answerHeader    = Answer{http.StatusBadRequest, codeMissingOrInvalidHeader, IssueInvalid}
	answerJWT       = Answer{http.StatusBadRequest, codeMissingOrInvalidHeader, IssueStructure}
	answerASIDCheck = Answer{http.StatusForbidden, codeASIDCheckFailed, IssueForbidden}
)
