package supplier

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
)

// Config is the assurance config a supplier writes (for example
// assure.json): how to make their system publish, and optionally what the
// system is called, which directory endpoint it is, and how long to wait.
//
//	{"system": "Riverside Child Health 4.2",
//	 "asid": "200000000115",
//	 "trigger": {"command": "./publish.sh {{eventType}} {{nhsNumber}} {{messageType}}"},
//	 "timeout": "30s", "quietPeriod": "10s"}
type Config struct {
	// System names the system under assessment in the report's title.
	System string `json:"system,omitempty"`
	// ASID is the system's directory endpoint in spine.json; empty means
	// the first endpoint listed.
	ASID string `json:"asid,omitempty"`
	// Fixtures is a folder holding spine.json and pds.json, relative to
	// the config file; empty means the embedded fixtures.
	Fixtures string `json:"fixtures,omitempty"`
	// Profile is nems-2019-01 (the default) or nems-current.
	Profile string `json:"profile,omitempty"`
	// Timeout is how long to wait for a publish the system should make,
	// replacing the scenario's own figure ("within 30 seconds"), and how
	// long a trigger may run. Zero keeps the scenario's figure (five
	// minutes for a manual trigger).
	Timeout Duration `json:"timeout,omitempty"`
	// QuietPeriod is how long to wait for a publish the system must not
	// make, replacing the scenario's figure ("within 10 seconds").
	QuietPeriod Duration `json:"quietPeriod,omitempty"`
	// Trigger makes the system publish.
	Trigger Trigger `json:"trigger"`
	// Comment is ignored: room for a note in the file.
	Comment string `json:"comment,omitempty"`

	// Dir is the folder of the config file: trigger commands run there and
	// Fixtures is read relative to it. LoadConfig sets it.
	Dir string `json:"-"`
}

// Trigger says how to make the system publish: exactly one of Command,
// Webhook and Manual.
type Trigger struct {
	// Command is a shell command template, run with sh -c in the config's
	// folder, e.g. "./publish.sh {{eventType}} {{nhsNumber}} {{messageType}}".
	Command string `json:"command,omitempty"`
	// Webhook is an HTTP request to send.
	Webhook *Webhook `json:"webhook,omitempty"`
	// Manual prints what to do and waits for a person to do it.
	Manual bool `json:"manual,omitempty"`
}

// Webhook is an HTTP request that makes the system publish. URL, Body and
// header values are templates.
type Webhook struct {
	URL string `json:"url"`
	// Method defaults to POST.
	Method  string            `json:"method,omitempty"`
	Body    string            `json:"body,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
}

// Kind names the trigger: "command", "webhook" or "manual".
func (t Trigger) Kind() string {
	switch {
	case t.Command != "":
		return "command"
	case t.Webhook != nil:
		return "webhook"
	case t.Manual:
		return "manual"
	}
	return ""
}

// Duration is a time.Duration read from JSON as a Go duration string
// ("30s", "2m") or a number of seconds.
type Duration time.Duration

// UnmarshalJSON reads "30s" or 30.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("duration %q: want e.g. \"30s\" or \"2m\"", s)
		}
		*d = Duration(v)
		return nil
	}
	var secs float64
	if err := json.Unmarshal(b, &secs); err != nil {
		return fmt.Errorf("duration %s: want a string such as \"30s\" or a number of seconds", b)
	}
	*d = Duration(secs * float64(time.Second))
	return nil
}

// MarshalJSON writes the duration as a string such as "30s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// LoadConfig reads and checks an assurance config file. Its folder becomes
// Config.Dir.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("assurance config: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("assurance config: %w", err)
	}
	c, err := ParseConfig(b, filepath.Dir(abs))
	if err != nil {
		return nil, fmt.Errorf("assurance config %s: %w", path, err)
	}
	return c, nil
}

// ParseConfig reads and checks an assurance config; dir is the folder
// commands run in and relative paths are read from.
func ParseConfig(b []byte, dir string) (*Config, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("unexpected data after the JSON object")
	}
	c.Dir = dir
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Validate checks a config: one trigger, known placeholders, sane values.
func (c *Config) Validate() error {
	t := c.Trigger
	n := 0
	for _, set := range []bool{t.Command != "", t.Webhook != nil, t.Manual} {
		if set {
			n++
		}
	}
	switch {
	case n == 0:
		return errors.New(`no trigger: give "trigger": {"command": "…"}, {"webhook": {"url": "…"}} or {"manual": true}`)
	case n > 1:
		return errors.New("the trigger must be one of command, webhook and manual")
	case strings.TrimSpace(t.Command) == "" && t.Command != "":
		return errors.New("trigger.command is blank")
	}
	if err := checkTemplate("trigger.command", t.Command); err != nil {
		return err
	}
	if w := t.Webhook; w != nil {
		if err := checkTemplate("trigger.webhook.url", w.URL); err != nil {
			return err
		}
		u, err := url.Parse(strings.NewReplacer("{{", "", "}}", "").Replace(w.URL))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("trigger.webhook.url %q must be an http or https URL", w.URL)
		}
		if err := checkTemplate("trigger.webhook.body", w.Body); err != nil {
			return err
		}
		for k, v := range w.Headers {
			if err := checkTemplate("trigger.webhook.headers."+k, v); err != nil {
				return err
			}
		}
	}
	if c.Timeout < 0 || c.QuietPeriod < 0 {
		return errors.New("timeout and quietPeriod must not be negative")
	}
	if c.Profile != "" {
		if _, err := mockspine.ParseProfile(c.Profile); err != nil {
			return err
		}
	}
	return nil
}

// fixturesDir is the config's fixtures folder, resolved against its own
// folder; "" when none is named.
func (c *Config) fixturesDir() string {
	if c.Fixtures == "" {
		return ""
	}
	if filepath.IsAbs(c.Fixtures) || c.Dir == "" {
		return c.Fixtures
	}
	return filepath.Join(c.Dir, c.Fixtures)
}

// endpoint is the supplier's directory entry: the one the config names, or
// the first in spine.json.
func (c *Config) endpoint(w *world.World) (*world.Endpoint, error) {
	if c.ASID != "" {
		ep, ok := w.Endpoint(c.ASID)
		if !ok {
			return nil, fmt.Errorf("the config's asid %s is not an endpoint in the fixtures' spine.json", c.ASID)
		}
		return ep, nil
	}
	if len(w.Spine.Endpoints) == 0 {
		return nil, errors.New("the fixtures' spine.json lists no endpoint for the supplier's system")
	}
	return &w.Spine.Endpoints[0], nil
}

// systemName is what the report calls the system.
func (c *Config) systemName(ep *world.Endpoint) string {
	switch {
	case strings.TrimSpace(c.System) != "":
		return strings.TrimSpace(c.System)
	case ep != nil && ep.Name != "":
		return ep.Name
	case ep != nil:
		return "supplier system (ASID " + ep.ASID + ")"
	}
	return "supplier system"
}
