package supplier

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/nems-harness/nems-harness/mockspine"
)

// maxOutput bounds how much of a trigger's output is kept.
const maxOutput = 64 << 10

// triggerRequest asks the system to publish one event.
type triggerRequest struct {
	Scenario    string
	Event       mockspine.EventType
	MessageType string
	Patient     Patient
	// Variant is the kind of event asked for, if any.
	Variant Variant
	// Refuse is set when the system is expected to refuse.
	Refuse bool
	// Vars fill the template's placeholders; Env is the environment of a
	// command.
	Vars map[string]string
	Env  []string
	// Wait is how long the harness will wait for the publish (or for
	// silence), for the manual prompt.
	Wait time.Duration
}

// triggerResult is what happened when the trigger ran.
type triggerResult struct {
	Kind string
	// Description is the command as run, or the webhook's method and URL.
	Description string
	Started     time.Time
	Duration    time.Duration
	// ExitCode is the command's exit status (-1 when it did not exit).
	ExitCode int
	// Status is the webhook's HTTP status.
	Status int
	// Stdout and Stderr are the command's output; a webhook's answer body
	// is in Stdout.
	Stdout, Stderr string
	// Err says why the trigger failed: a non-zero exit, a timeout, an HTTP
	// error status.
	Err error
}

// text is the trigger's run as an attachment.
func (r triggerResult) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", r.Kind, r.Description)
	fmt.Fprintf(&b, "started %s, took %s\n", r.Started.UTC().Format(time.RFC3339Nano), r.Duration.Round(time.Millisecond))
	switch r.Kind {
	case "command":
		fmt.Fprintf(&b, "exit status %d\n", r.ExitCode)
	case "webhook":
		fmt.Fprintf(&b, "HTTP status %d\n", r.Status)
	}
	if r.Err != nil {
		fmt.Fprintf(&b, "error: %v\n", r.Err)
	}
	if r.Stdout != "" {
		fmt.Fprintf(&b, "\n--- stdout ---\n%s\n", strings.TrimRight(r.Stdout, "\n"))
	}
	if r.Stderr != "" {
		fmt.Fprintf(&b, "\n--- stderr ---\n%s\n", strings.TrimRight(r.Stderr, "\n"))
	}
	return b.String()
}

// trigger makes the system publish.
type trigger interface {
	fire(ctx context.Context, req triggerRequest) triggerResult
}

// newTrigger builds the configured trigger.
func newTrigger(c *Config, prompt io.Writer, system, publishURL string) trigger {
	timeout := time.Duration(c.Timeout)
	if timeout == 0 {
		timeout = defaultWait
	}
	switch {
	case c.Trigger.Command != "":
		return &commandTrigger{tmpl: c.Trigger.Command, dir: c.Dir, timeout: timeout}
	case c.Trigger.Webhook != nil:
		return &webhookTrigger{hook: *c.Trigger.Webhook, timeout: timeout, client: &http.Client{Timeout: timeout}}
	default:
		return &manualTrigger{out: prompt, system: system, url: publishURL}
	}
}

// commandTrigger runs a shell command template.
type commandTrigger struct {
	tmpl    string
	dir     string
	timeout time.Duration
}

func (t *commandTrigger) fire(ctx context.Context, req triggerRequest) triggerResult {
	line := expand(t.tmpl, req.Vars, shellQuote)
	res := triggerResult{Kind: "command", Description: line, Started: time.Now(), ExitCode: -1}
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", line)
	cmd.Dir = t.dir
	cmd.Env = req.Env
	cmd.Stdin = nil
	var stdout, stderr boundedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// A command that leaves a child holding its output open is not waited
	// for beyond this.
	cmd.WaitDelay = 2 * time.Second
	ownProcessGroup(cmd)
	err := cmd.Run()
	res.Duration = time.Since(res.Started)
	res.Stdout, res.Stderr = stdout.String(), stderr.String()
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		res.Err = fmt.Errorf("the trigger command did not finish within %s and was stopped", t.timeout)
	case errors.As(err, &exitErr):
		res.Err = fmt.Errorf("the trigger command exited with status %d", res.ExitCode)
	case err != nil:
		res.Err = fmt.Errorf("running the trigger command: %w", err)
	}
	return res
}

// webhookTrigger sends an HTTP request.
type webhookTrigger struct {
	hook    Webhook
	timeout time.Duration
	client  *http.Client
}

func (t *webhookTrigger) fire(ctx context.Context, req triggerRequest) triggerResult {
	method := strings.ToUpper(strings.TrimSpace(t.hook.Method))
	if method == "" {
		method = http.MethodPost
	}
	target := expand(t.hook.URL, req.Vars, urlQuote)
	res := triggerResult{Kind: "webhook", Description: method + " " + target, Started: time.Now()}
	quote := identity
	if isJSON(t.hook) {
		quote = jsonQuote
	} else if isForm(t.hook) {
		quote = urlQuote
	}
	body := expand(t.hook.Body, req.Vars, quote)
	hr, err := http.NewRequestWithContext(ctx, method, target, strings.NewReader(body))
	if err != nil {
		res.Err = fmt.Errorf("building the webhook request: %w", err)
		return res
	}
	for k, v := range t.hook.Headers {
		hr.Header.Set(k, expand(v, req.Vars, headerQuote))
	}
	if body != "" && hr.Header.Get("Content-Type") == "" && isJSON(t.hook) {
		hr.Header.Set("Content-Type", "application/json")
	}
	resp, err := t.client.Do(hr)
	res.Duration = time.Since(res.Started)
	if err != nil {
		res.Err = fmt.Errorf("calling the webhook: %w", err)
		return res
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxOutput)) // what was read is shown
	res.Status, res.Stdout = resp.StatusCode, string(b)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		res.Err = fmt.Errorf("the webhook answered HTTP %d", resp.StatusCode)
	}
	return res
}

func isJSON(h Webhook) bool {
	for k, v := range h.Headers {
		if strings.EqualFold(k, "Content-Type") {
			return strings.Contains(strings.ToLower(v), "json")
		}
	}
	b := strings.TrimSpace(h.Body)
	return strings.HasPrefix(b, "{") || strings.HasPrefix(b, "[")
}

func isForm(h Webhook) bool {
	for k, v := range h.Headers {
		if strings.EqualFold(k, "Content-Type") {
			return strings.Contains(strings.ToLower(v), "x-www-form-urlencoded")
		}
	}
	return false
}

// manualTrigger tells a person what to make the system do.
type manualTrigger struct {
	mu     sync.Mutex
	out    io.Writer
	system string
	url    string
}

func (t *manualTrigger) fire(_ context.Context, req triggerRequest) triggerResult {
	t.mu.Lock()
	defer t.mu.Unlock()
	what := fmt.Sprintf("a %s %s event for NHS number %s", req.Event.Code, req.MessageType, req.Patient.Describe())
	if v := req.Variant; v.Name != "" {
		what += fmt.Sprintf(",\n    as %s (%s)", v.Phrase, v.Means)
	}
	var msg string
	if req.Refuse {
		msg = fmt.Sprintf("Ask %s to publish %s.\n    It must refuse: nothing may reach NEMS. Watching for %s.", t.system, what, req.Wait)
	} else {
		msg = fmt.Sprintf("Make %s publish %s\n    to %s. Waiting up to %s.", t.system, what, t.url, req.Wait)
	}
	fmt.Fprintf(t.out, "\n>>> %s\n    %s\n", req.Scenario, msg)
	return triggerResult{Kind: "manual", Description: strings.ReplaceAll(msg, "\n    ", " "), Started: time.Now()}
}

// boundedBuffer keeps the first maxOutput bytes written to it.
type boundedBuffer struct {
	mu  sync.Mutex
	b   []byte
	cut int
}

func (w *boundedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	room := maxOutput - len(w.b)
	if room >= len(p) {
		w.b = append(w.b, p...)
	} else {
		if room > 0 {
			w.b = append(w.b, p[:room]...)
		}
		w.cut += len(p) - max(room, 0)
	}
	return len(p), nil
}

func (w *boundedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cut > 0 {
		return string(w.b) + fmt.Sprintf("\n[… %d more bytes not kept]", w.cut)
	}
	return string(w.b)
}

// triggerEnv is the environment of a trigger command: the harness's own,
// without any NEMS_* variable it sets, plus those.
func triggerEnv(set map[string]string) []string {
	env := make([]string, 0, len(os.Environ())+len(set))
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if _, ours := set[name]; ours || isOurVar(name) {
			continue
		}
		env = append(env, kv)
	}
	for k, v := range set {
		env = append(env, k+"="+v)
	}
	return env
}

// ourVars are the variables the harness sets for a trigger command; an
// inherited one is dropped even when the harness has no value for it (for
// example NEMS_TLS_CERT over plain HTTP).
var ourVars = []string{"NEMS_URL", "NEMS_ASID", "NEMS_SUPPLIER_ASID", "NEMS_TLS_CA", "NEMS_TLS_CERT", "NEMS_TLS_KEY",
	"NEMS_EVENT_TYPE", "NEMS_MESSAGE_TYPE", "NEMS_NHS_NUMBER", "NEMS_FAMILY", "NEMS_GIVEN", "NEMS_BIRTH_DATE", "NEMS_INTERACTION", "NEMS_VARIANT"}

func isOurVar(name string) bool {
	for _, v := range ourVars {
		if v == name {
			return true
		}
	}
	return false
}
