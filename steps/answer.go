package steps

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/cucumber/godog"

	"github.com/nems-harness/nems-harness/internal/mediatype"
	"github.com/nems-harness/nems-harness/mockspine"
)

func registerAnswerSteps(sc *godog.ScenarioContext, st *state) {
	step(sc, `^the request is accepted$`, st.accepted)
	step(sc, `^the request is rejected for rule ([A-Z0-9-]+) with status (\d{3}), Spine code ([A-Z_]+) and issue type ([a-z-]+)$`,
		st.rejected)
	step(sc, `^the request is rejected for rule ([A-Z0-9-]+) with Spine code ([A-Z_]+) and issue type ([a-z-]+)$`,
		func(rule, code, issueType string) error {
			a, err := st.need()
			if err != nil {
				return fmt.Errorf("rule %s: %w", rule, err)
			}
			return a.ruleIssue(rule, code, issueType)
		})
	step(sc, `^the answer has status (\d{3})$`, st.hasStatus)
	step(sc, `^the answer has status (\d{3}), or (\d{3}) over mutual TLS, where the endpoint certificate no longer matches the claimed ASID \(rule EP-CERT\)$`,
		st.statusUnlessCertMismatch)
	step(sc, `^the answer has an issue for rule ([A-Z0-9-]+) with Spine code ([A-Z_]+) and issue type ([a-z-]+)$`,
		func(rule, code, issueType string) error {
			a, err := st.need()
			if err != nil {
				return err
			}
			return a.ruleIssue(rule, code, issueType)
		})
	step(sc, `^an issue's diagnostics start with "([^"]*)"$`, func(prefix string) error {
		o, a, err := st.outcome()
		if err != nil {
			return err
		}
		for _, is := range o.Issues {
			if strings.HasPrefix(is.Diagnostics, prefix) {
				return nil
			}
		}
		return fmt.Errorf("expected an issue whose diagnostics start with %q; %s", prefix, a.summary())
	})
	step(sc, `^the diagnostics for rule ([A-Z0-9-]+) contain "([^"]*)"$`, func(rule, text string) error {
		o, a, err := st.outcome()
		if err != nil {
			return err
		}
		is := findIssue(o, rule)
		if is == nil {
			return fmt.Errorf("rule %s: no issue's diagnostics start with [%s]; %s", rule, rule, a.summary())
		}
		if !strings.Contains(is.Diagnostics, text) {
			return fmt.Errorf("rule %s: expected the diagnostics to contain %q, they are %q", rule, text, is.Diagnostics)
		}
		return nil
	})
	step(sc, `^the answer's issue has Spine code ([A-Z_]+) and issue type ([a-z-]+)$`, func(code, issueType string) error {
		o, a, err := st.outcome()
		if err != nil {
			return err
		}
		if len(o.Issues) != 1 {
			return fmt.Errorf("expected one issue, found %d; %s", len(o.Issues), a.summary())
		}
		return checkIssue(&o.Issues[0], "the issue", code, issueType)
	})
	step(sc, `^the answer's Content-Type is exactly "([^"]*)"$`, func(want string) error {
		a, err := st.need()
		if err != nil {
			return err
		}
		if got := a.header.Values("Content-Type"); len(got) != 1 || got[0] != want {
			return fmt.Errorf("expected the answer's Content-Type to be exactly %q, got %q", want, strings.Join(got, ", "))
		}
		return nil
	})
	step(sc, `^the answer is a Spine OperationOutcome$`, func() error {
		_, _, err := st.outcome()
		return err
	})
	step(sc, `^the answer's "([^"]*)" header is "([^"]*)"$`, func(name, want string) error {
		a, err := st.need()
		if err != nil {
			return err
		}
		if got := a.header.Values(name); len(got) != 1 || got[0] != want {
			return fmt.Errorf("expected the answer's %s header to be %q, got %q", name, want, strings.Join(got, ", "))
		}
		return nil
	})
	step(sc, `^the answer's "([^"]*)" header starts with "([^"]*)"$`, func(name, prefix string) error {
		a, err := st.need()
		if err != nil {
			return err
		}
		if got := a.header.Get(name); !strings.HasPrefix(got, prefix) {
			return fmt.Errorf("expected the answer's %s header to start with %q, got %q", name, prefix, got)
		}
		return nil
	})
	step(sc, `^the TLS handshake is refused$`, st.handshakeRefused)
}

// need returns the answer to the last request, or says why there is none.
func (st *state) need() (*answer, error) {
	if !st.sent {
		return nil, errors.New("no request has been sent yet: a scenario needs a \"When the request is sent\" step before judging the answer")
	}
	if st.answer == nil {
		return nil, fmt.Errorf("no HTTP answer from %s: %v", st.lastTarget, st.transportErr)
	}
	return st.answer, nil
}

// outcome reads the answer as a Spine-OperationOutcome-1.
func (st *state) outcome() (*mockspine.OperationOutcome, *answer, error) {
	a, err := st.need()
	if err != nil {
		return nil, nil, err
	}
	o, err := a.outcome()
	return o, a, err
}

func (a *answer) format() mediatype.Format {
	if strings.Contains(strings.ToLower(a.contentType), "json") {
		return mediatype.JSON
	}
	return mediatype.XML
}

func (a *answer) outcome() (*mockspine.OperationOutcome, error) {
	if len(a.body) == 0 {
		return nil, fmt.Errorf("expected a Spine OperationOutcome, but the answer (HTTP %d) has no body", a.status)
	}
	o, err := mockspine.ParseOperationOutcome(a.body, a.format())
	if err != nil {
		return nil, fmt.Errorf("the answer (HTTP %d, Content-Type %q) is not a Spine-OperationOutcome-1: %v\n%s",
			a.status, a.contentType, err, shorten(string(a.body), 600))
	}
	return o, nil
}

// summary describes an answer for error messages.
func (a *answer) summary() string {
	if len(a.body) == 0 {
		return fmt.Sprintf("the answer is HTTP %d with no body", a.status)
	}
	o, err := mockspine.ParseOperationOutcome(a.body, a.format())
	if err != nil && (o == nil || len(o.Issues) == 0) {
		return fmt.Sprintf("the answer is HTTP %d: %s", a.status, shorten(string(a.body), 600))
	}
	var parts []string
	for _, is := range o.Issues {
		parts = append(parts, fmt.Sprintf("%s %s (%s): %s", is.Severity, is.Details.Code, is.Code, shorten(is.Diagnostics, 300)))
	}
	return fmt.Sprintf("the answer is HTTP %d with issues: %s", a.status, strings.Join(parts, "; "))
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// findIssue finds the issue whose diagnostics name a rule first.
func findIssue(o *mockspine.OperationOutcome, rule string) *mockspine.Issue {
	for i := range o.Issues {
		if strings.HasPrefix(o.Issues[i].Diagnostics, "["+rule+"]") {
			return &o.Issues[i]
		}
	}
	return nil
}

func checkIssue(is *mockspine.Issue, what, code, issueType string) error {
	var problems []string
	if is.Severity != "error" {
		problems = append(problems, fmt.Sprintf("severity %q, expected \"error\"", is.Severity))
	}
	if is.Details.Code != code {
		problems = append(problems, fmt.Sprintf("Spine code %s, expected %s", is.Details.Code, code))
	}
	if is.Code != issueType {
		problems = append(problems, fmt.Sprintf("issue type %s, expected %s", is.Code, issueType))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s has %s (diagnostics: %q)", what, strings.Join(problems, ", "), is.Diagnostics)
	}
	return nil
}

// ruleIssue checks that the answer is an OperationOutcome with an issue for
// a rule, answered as expected.
func (a *answer) ruleIssue(rule, code, issueType string) error {
	o, err := a.outcome()
	if err != nil {
		return fmt.Errorf("rule %s: %w", rule, err)
	}
	is := findIssue(o, rule)
	if is == nil {
		return fmt.Errorf("rule %s: expected an issue whose diagnostics start with [%s]; %s", rule, rule, a.summary())
	}
	return checkIssue(is, "rule "+rule+": the issue", code, issueType)
}

func (st *state) accepted() error {
	a, err := st.need()
	if err != nil {
		return err
	}
	if a.status != http.StatusAccepted {
		return fmt.Errorf("expected the request to be accepted (HTTP 202), but %s", a.summary())
	}
	if len(a.body) == 0 {
		return nil
	}
	o, err := a.outcome()
	if err != nil {
		return err
	}
	for _, is := range o.Issues {
		if is.Severity == "error" || is.Severity == "fatal" {
			return fmt.Errorf("the answer is HTTP 202 but carries an %s issue: %s", is.Severity, is.Diagnostics)
		}
	}
	return nil
}

func (st *state) rejected(rule string, status int, code, issueType string) error {
	a, err := st.need()
	if err != nil {
		return fmt.Errorf("rule %s: %w", rule, err)
	}
	if a.status != status {
		return fmt.Errorf("rule %s: expected HTTP status %d, got %d; %s", rule, status, a.status, a.summary())
	}
	return a.ruleIssue(rule, code, issueType)
}

func (st *state) hasStatus(status int) error {
	a, err := st.need()
	if err != nil {
		return err
	}
	if a.status != status {
		return fmt.Errorf("expected HTTP status %d, got %d; %s", status, a.status, a.summary())
	}
	return nil
}

// statusUnlessCertMismatch checks the status of a request whose claimed ASID
// no longer matches the endpoint certificate presented: over mutual TLS rule
// EP-CERT, first in the catalogue, is broken too and sets the status.
func (st *state) statusUnlessCertMismatch(status, mtlsStatus int) error {
	a, err := st.need()
	if err != nil {
		return err
	}
	if !st.presentedCert {
		return st.hasStatus(status)
	}
	if a.status != mtlsStatus {
		return fmt.Errorf("over mutual TLS, with an endpoint certificate that does not match the ASID claimed, expected HTTP status %d (rule EP-CERT), got %d; %s",
			mtlsStatus, a.status, a.summary())
	}
	o, err := a.outcome()
	if err != nil {
		return err
	}
	if findIssue(o, "EP-CERT") == nil {
		return fmt.Errorf("over mutual TLS, expected an issue for rule EP-CERT; %s", a.summary())
	}
	return nil
}

// handshakeRefused checks that the endpoint refused the TLS handshake: no
// HTTP answer, and an error from TLS (an alert from the server, or the
// connection closed during the handshake).
func (st *state) handshakeRefused() error {
	if !st.sent {
		return errors.New("no request has been sent yet")
	}
	if st.answer != nil {
		return fmt.Errorf("expected the TLS handshake to be refused, but the endpoint answered: %s", st.answer.summary())
	}
	if refusedByServer(st.transportErr) {
		return nil
	}
	return fmt.Errorf("expected the endpoint to refuse the TLS handshake, but the request failed otherwise: %v", st.transportErr)
}

// refusedByServer recognises a handshake the server refused: a TLS alert
// from the server ("remote error: tls: ..."), or the server closing the
// connection during the handshake.
func refusedByServer(err error) bool {
	if err == nil {
		return false
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "remote error" {
		return true
	}
	if strings.Contains(err.Error(), "remote error: tls:") {
		return true
	}
	// With TLS 1.3 the client finishes its side of the handshake before
	// the server judges its certificate; the server's refusal then shows
	// as the connection closing under the request.
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed)
}
