package supplier_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nems-harness/nems-harness/examples/publisher/nemspub"
	"github.com/nems-harness/nems-harness/fixtures"
	"github.com/nems-harness/nems-harness/internal/assessment"
	"github.com/nems-harness/nems-harness/mockspine"
	"github.com/nems-harness/nems-harness/mockspine/world"
	"github.com/nems-harness/nems-harness/reports"
	"github.com/nems-harness/nems-harness/supplier"
)

// publisherBin is the reference publisher, built once for every test.
var publisherBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "supplier-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	publisherBin = filepath.Join(dir, "publisher")
	if err := buildPublisher(publisherBin); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func buildPublisher(out string) error {
	// go test puts its own go command first on PATH.
	gobin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("finding the go command: %w", err)
	}
	cmd := exec.Command(gobin, "build", "-o", out, "../examples/publisher")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the reference publisher: %v\n%s", err, b)
	}
	return nil
}

// publisherConfig is the minimal command-template config, for the built
// publisher with a misbehaviour (or none).
func publisherConfig(t *testing.T, misbehave string) *supplier.Config {
	t.Helper()
	cmd := publisherBin + " {{eventType}} {{nhsNumber}} {{messageType}}"
	if misbehave != "" {
		cmd = publisherBin + " --misbehave " + misbehave + " {{eventType}} {{nhsNumber}} {{messageType}}"
	}
	return &supplier.Config{System: "Reference publisher", Trigger: supplier.Trigger{Command: cmd},
		QuietPeriod: supplier.Duration(time.Second), Timeout: supplier.Duration(10 * time.Second), Dir: t.TempDir()}
}

// run runs the supplier scenarios; godog's output is logged when the test
// fails.
func run(t *testing.T, opts supplier.Options) *supplier.Result {
	t.Helper()
	var out bytes.Buffer
	opts.Output, opts.NoColors = &out, true
	if opts.OutDir == "" {
		opts.OutDir = t.TempDir()
	}
	res, err := supplier.Run(context.Background(), opts)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("godog output:\n%s", out.String())
		}
	})
	require.NoError(t, err)
	return res
}

func verdicts(r *reports.Report) map[string]reports.Verdict {
	m := map[string]reports.Verdict{}
	for _, row := range r.Rules {
		m[row.ID] = row.Verdict.Normal()
	}
	return m
}

func TestGoodPublisherPassesTheWholeSuite(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	res := run(t, supplier.Options{Config: publisherConfig(t, ""), OutDir: out, Version: "test"})

	for _, sc := range res.Scenarios {
		assert.NotEqual(t, "failed", sc.Status, "%s: %s", sc.Name, sc.Failure)
	}
	for id, v := range verdicts(res.Report) {
		if id == "EP-CERT" {
			assert.Equal(t, reports.NotAssessed, v, "EP-CERT over plain HTTP")
			continue
		}
		if id == "EVT-VERSIONID-ORDER" {
			assert.Equal(t, reports.NotAssessed, v, "the reference publisher sends no meta.versionId")
			continue
		}
		assert.Equal(t, reports.Pass, v, id)
	}
	assert.True(t, res.Passed())
	assert.Equal(t, "Assurance report: Reference publisher", res.Report.Title)
	assert.Equal(t, "assure", res.Report.Mode)
	// The scenarios: 24 envelope rules, 1 smoke, 15 events, 3 refusals, 22
	// generic content, 32 per-event content; EP-CERT is skipped over plain
	// HTTP, EVT-VERSIONID-ORDER because the publisher sends no
	// meta.versionId (not assessed).
	assert.Equal(t, reports.ScenarioCounts{Passed: 95, Skipped: 2}, res.Report.Scenarios)

	for _, name := range []string{"cucumber.json", "junit.xml", "journal.jsonl", "assurance-report.html", "assurance-report.md"} {
		assert.FileExists(t, filepath.Join(out, name))
	}
	// The cucumber JSON carries the evidence the assessment package reads.
	f, err := os.Open(filepath.Join(out, "cucumber.json"))
	require.NoError(t, err)
	defer f.Close()
	rows, counts, err := assessment.FromCucumber(f, mockspine.Profile2019)
	require.NoError(t, err)
	assert.Equal(t, 95, counts.Passed)
	assert.NotEmpty(t, rows)
	b, err := os.ReadFile(filepath.Join(out, "cucumber.json"))
	require.NoError(t, err)
	for _, name := range []string{`"name": "request"`, `"name": "response"`, `"name": "jwt"`, `"name": "verdicts"`, `"name": "trigger"`} {
		assert.Contains(t, string(b), name)
	}
	// The journal holds every publish, for assess.
	entries, err := mockspine.ReadJournal(filepath.Join(out, "journal.jsonl"))
	require.NoError(t, err)
	assert.Len(t, entries, 64+32)
}

// misbehaviourTags picks the scenarios that show a misbehaviour.
func misbehaviourTags(m nemspub.Misbehaviour) string {
	if m.Event != "" {
		return "@" + m.Event // the event's publishes, new, update and delete
	}
	if m.Scenario != "" {
		return "@must-not-publish"
	}
	return "@smoke"
}

func TestEachMisbehaviourFailsExactlyItsRule(t *testing.T) {
	t.Parallel()
	for _, m := range nemspub.Misbehaviours() {
		if m.Scenario == "mutual TLS" {
			continue // TestMutualTLS
		}
		t.Run(m.Name, func(t *testing.T) {
			t.Parallel()
			if _, judged := mockspine.RuleByID(m.Rules[0]); !judged {
				t.Skipf("the mock does not judge %s", m.Rules[0])
			}
			res := run(t, supplier.Options{Config: publisherConfig(t, m.Name), Tags: misbehaviourTags(m)})
			if m.Warning {
				// A broken warning rule is reported as a warning; the result passes.
				assert.Empty(t, res.FailedRules())
				assert.Equal(t, reports.Warn, verdicts(res.Report)[m.Rules[0]])
				assert.True(t, res.Passed())
				return
			}
			want := slices.Clone(m.Rules)
			slices.Sort(want)
			got := res.FailedRules()
			slices.Sort(got)
			assert.Equal(t, want, got)
			assert.False(t, res.Passed())
			assert.Positive(t, res.Report.Scenarios.Failed)
		})
	}
}

func TestMutualTLS(t *testing.T) {
	t.Parallel()
	tlsDir := filepath.Join(t.TempDir(), "pki")
	good := run(t, supplier.Options{Config: publisherConfig(t, ""), Tags: "@smoke,@EP-CERT", TLSDir: tlsDir})
	assert.True(t, good.Passed(), "%v", good.FailedRules())
	assert.Equal(t, reports.Pass, verdicts(good.Report)["EP-CERT"])
	assert.True(t, strings.HasPrefix(good.Report.Target, "https://"))

	// The PKI made by the first run is reused.
	bad := run(t, supplier.Options{Config: publisherConfig(t, "no-client-cert"), Tags: "@smoke", TLSDir: tlsDir})
	assert.Equal(t, []string{"EP-CERT"}, bad.FailedRules())
	// The refusal is the mock's journal entry of the handshake, with
	// EP-CERT's verdict: the row's evidence.
	var evidence []string
	for _, row := range bad.Report.Rules {
		if row.ID == "EP-CERT" {
			for _, ev := range row.Evidence {
				evidence = append(evidence, ev.Message)
			}
		}
	}
	require.NotEmpty(t, evidence)
	assert.Contains(t, strings.Join(evidence, "\n"), "was refused: no client certificate was presented")
	require.Len(t, bad.Scenarios, 1)
	assert.Contains(t, bad.Scenarios[0].Failure, "exited with status 1")
}

func TestAVariantTheSystemCannotSendLeavesItsRuleNotAssessed(t *testing.T) {
	t.Parallel()
	// Told by {{variant}} rather than NEMS_VARIANT, the publisher sends a
	// reported vaccination and VAC-REPORTORIGIN is judged.
	cfg := publisherConfig(t, "")
	cfg.Trigger.Command = "NEMS_VARIANT=ignored " + publisherBin + " --variant '{{variant}}' {{eventType}} {{nhsNumber}} {{messageType}}"
	res := run(t, supplier.Options{Config: cfg, Tags: "@VAC-REPORTORIGIN"})
	assert.Equal(t, reports.Pass, verdicts(res.Report)["VAC-REPORTORIGIN"])

	// A system that cannot record one sends the plain event: nothing to judge.
	cfg = publisherConfig(t, "")
	cfg.Trigger.Command = "NEMS_VARIANT= " + publisherBin + " {{eventType}} {{nhsNumber}} {{messageType}}"
	res = run(t, supplier.Options{Config: cfg, Tags: "@VAC-REPORTORIGIN"})
	assert.Equal(t, reports.NotAssessed, verdicts(res.Report)["VAC-REPORTORIGIN"])
	assert.True(t, res.Passed(), "not assessed is no failure: %v", res.FailedRules())
	assert.Equal(t, reports.ScenarioCounts{Skipped: 1}, res.Report.Scenarios)
}

func TestEventTypesTheEndpointIsNotAssuredForAreNotAssessed(t *testing.T) {
	t.Parallel()
	cfg := publisherConfig(t, "")
	// The maternity screening system is assured for newborn hearing and
	// NIPE only.
	cfg.ASID = "477121000325"
	cfg.Trigger.Command = publisherBin + " --asid 477121000325 --ods R1K01 {{eventType}} {{nhsNumber}} {{messageType}}"
	res := run(t, supplier.Options{Config: cfg, Tags: "@vaccinations-1,@newborn-hearing-1"})
	var passed, skipped int
	for _, sc := range res.Scenarios {
		switch sc.Status {
		case "passed":
			passed++
			assert.Equal(t, "newborn-hearing-1", sc.Event)
		case "skipped":
			skipped++
			assert.Contains(t, sc.Skipped, "not assured for vaccinations-1")
		default:
			t.Errorf("%s: %s %s", sc.Name, sc.Status, sc.Failure)
		}
	}
	// Each event: its new, update and delete publishes, and one scenario
	// per rule of its own (7 newborn hearing, 8 vaccinations).
	assert.Equal(t, 3+7, passed)
	assert.Equal(t, 3+8, skipped)
	assert.True(t, res.Passed())
	assert.Contains(t, strings.Join(res.Report.Notes, "\n"), "Not assessed (11 scenario(s))")
}

func TestPatientKindsTheFixturesLackAreNotAssessed(t *testing.T) {
	t.Parallel()
	def, err := fixtures.Default()
	require.NoError(t, err)
	var pds world.PDS
	for _, p := range def.PDS.Patients {
		if len(p.Flags) == 0 {
			pds.Patients = append(pds.Patients, p)
		}
	}
	w, err := world.New(def.Spine, pds)
	require.NoError(t, err)
	res := run(t, supplier.Options{Config: publisherConfig(t, ""), World: w, Tags: "@NHS-FLAGS,@must-not-publish"})
	status := map[string]string{}
	for _, sc := range res.Scenarios {
		status[sc.Name] = sc.Status
	}
	assert.Equal(t, map[string]string{
		"NHS-FLAGS: the patient's PDS record carries no S or I flag":   "passed",
		"NHS-TRACED: no event for a patient who is not on PDS":         "passed",
		"NHS-FLAGS: no event for a patient with an S (sensitive) flag": "skipped",
		"NHS-FLAGS: no event for a patient with an I (invalid) flag":   "skipped",
	}, status)
	assert.True(t, res.Passed())
	rows := map[string]reports.RuleRow{}
	for _, row := range res.Report.Rules {
		rows[row.ID] = row
	}
	// Traffic kept NHS-FLAGS, but nothing showed the system refusing.
	assert.Equal(t, reports.NotAssessed, rows["NHS-FLAGS"].Verdict)
	assert.Contains(t, rows["NHS-FLAGS"].Reason, "its must-not-publish scenarios were skipped: the fixtures have no S-flagged patient")
	assert.Equal(t, reports.Pass, rows["NHS-TRACED"].Verdict, "traffic kept it and its refusal scenario ran")
}

// TestARefusalRulePassesOnlyWhenItsScenarioRan: traffic alone does not
// pass NHS-FLAGS while the scenarios asking the system to refuse were left
// out.
func TestARefusalRulePassesOnlyWhenItsScenarioRan(t *testing.T) {
	t.Parallel()
	res := run(t, supplier.Options{Config: publisherConfig(t, ""), Tags: "@NHS-FLAGS && ~@must-not-publish"})
	for _, row := range res.Report.Rules {
		if row.ID == "NHS-FLAGS" {
			assert.Equal(t, reports.NotAssessed, row.Verdict)
			assert.Contains(t, row.Reason, "no must-not-publish scenario of it ran")
		}
	}
}

// TestEmptySelectionsFail: a tag expression that does not parse or selects
// no supplier scenario is an error before the mock starts.
func TestEmptySelectionsFail(t *testing.T) {
	t.Parallel()
	for _, tags := range []string{"@NOPE", "((", "@smoke && ~@smoke", "not @smoke"} {
		out := filepath.Join(t.TempDir(), "out")
		_, err := supplier.Run(context.Background(), supplier.Options{Config: publisherConfig(t, ""), Tags: tags, OutDir: out})
		require.Error(t, err, tags)
		assert.NotContains(t, err.Error(), "\n")
		_, statErr := os.Stat(out)
		assert.True(t, os.IsNotExist(statErr), "nothing is written for %q", tags)
	}
}

func TestAFailingTriggerFailsTheScenarioWithItsStderr(t *testing.T) {
	t.Parallel()
	cfg := publisherConfig(t, "")
	cfg.Trigger.Command = "echo 'cannot reach the test system' >&2; exit 4"
	res := run(t, supplier.Options{Config: cfg, Tags: "@smoke"})
	require.Len(t, res.Scenarios, 1)
	sc := res.Scenarios[0]
	assert.Equal(t, "failed", sc.Status)
	assert.Contains(t, sc.Failure, "exited with status 4")
	assert.Contains(t, sc.Failure, "cannot reach the test system")
	assert.False(t, res.Passed())
	assert.Empty(t, res.FailedRules(), "no request, so no rule failed")
	notes := strings.Join(res.Report.Notes, "\n")
	assert.Contains(t, notes, "Scenarios failed: 1, the trigger command exited with status 4: cannot reach the test system")
	assert.Contains(t, notes, "(A new event for a traced patient conforms to every rule).")
}

// TestNotesAndCountsAgreeWithTheEvidence: scenarios that fail on one rule
// are one note with their count, and the rule's row counts as many
// scenarios as it shows requests.
func TestNotesAndCountsAgreeWithTheEvidence(t *testing.T) {
	t.Parallel()
	res := run(t, supplier.Options{Config: publisherConfig(t, "scope"), Tags: "@smoke,@JWT-SCOPE,@HDR-TOASID"})
	require.Len(t, res.Scenarios, 3)
	var failedNotes []string
	for _, n := range res.Report.Notes {
		assert.False(t, strings.HasSuffix(n, ":"), "dangling colon: %q", n)
		if strings.HasPrefix(n, "Scenarios failed") {
			failedNotes = append(failedNotes, n)
		}
	}
	require.Len(t, failedNotes, 1, "%q", res.Report.Notes)
	assert.True(t, strings.HasPrefix(failedNotes[0], "Scenarios failed on JWT-SCOPE: 3, "), failedNotes[0])

	var row reports.RuleRow
	for _, r := range res.Report.Rules {
		if r.ID == "JWT-SCOPE" {
			row = r
		}
	}
	require.Len(t, row.Evidence, 3)
	scenarios := 0
	other := regexp.MustCompile(`^(\d+) other scenario\(s\) whose requests`)
	for _, ref := range row.Scenarios {
		assert.Equal(t, "failed", ref.Status, ref.Name)
		if m := other.FindStringSubmatch(ref.Name); m != nil {
			n, _ := strconv.Atoi(m[1])
			scenarios += n
		} else {
			scenarios++
		}
	}
	assert.Equal(t, len(row.Evidence), scenarios, "the row's scenarios and its evidence disagree: %+v", row.Scenarios)
	assert.Contains(t, row.Reason, "3 of 3 request(s)")
	for _, ev := range row.Evidence {
		assert.NotContains(t, ev.Message, "Decoded JWT", "the report decodes the token beside the request")
		assert.Contains(t, ev.Request.Header["Authorization"][0], "Bearer ")
	}
}

func TestNothingArrivingFailsTheScenario(t *testing.T) {
	t.Parallel()
	cfg := publisherConfig(t, "")
	cfg.Trigger.Command = "true"
	cfg.Timeout = supplier.Duration(300 * time.Millisecond)
	res := run(t, supplier.Options{Config: cfg, Tags: "@smoke"})
	require.Len(t, res.Scenarios, 1)
	assert.Contains(t, res.Scenarios[0].Failure, "no publish about NHS number")
	assert.False(t, res.Passed())
}

func TestCommandRunsInTheConfigFolderWithTheNEMSEnvironment(t *testing.T) {
	// Not parallel: it sets an environment variable.
	cfg := publisherConfig(t, "")
	require.NoError(t, os.WriteFile(filepath.Join(cfg.Dir, "publish.sh"),
		[]byte("#!/bin/sh\nenv | grep '^NEMS_' | sort > env.txt\necho \"$1|$2|$3|$4\" > args.txt\nexec "+publisherBin+" \"$1\" \"$2\" \"$3\"\n"), 0o755))
	cfg.Trigger.Command = "./publish.sh {{eventType}} {{nhsNumber}} {{messageType}} {{family}}"
	t.Setenv("NEMS_TLS_CERT", "/inherited/and/wrong.pem")
	res := run(t, supplier.Options{Config: cfg, Tags: "@smoke"})
	assert.True(t, res.Passed(), "%+v", res.Scenarios)
	env, err := os.ReadFile(filepath.Join(cfg.Dir, "env.txt"))
	require.NoError(t, err)
	for _, want := range []string{"NEMS_URL=http://127.0.0.1:", "NEMS_ASID=999999999999", "NEMS_SUPPLIER_ASID=200000000115",
		"NEMS_EVENT_TYPE=blood-spot-test-outcome-1", "NEMS_MESSAGE_TYPE=new", "NEMS_NHS_NUMBER="} {
		assert.Contains(t, string(env), want)
	}
	assert.NotContains(t, string(env), "NEMS_TLS_CERT", "an inherited NEMS_ variable is dropped")
	args, err := os.ReadFile(filepath.Join(cfg.Dir, "args.txt"))
	require.NoError(t, err)
	assert.Regexp(t, `^blood-spot-test-outcome-1\|\d{10}\|new\|[A-Z']+\n$`, string(args))
}

func TestWebhookTrigger(t *testing.T) {
	t.Parallel()
	w, err := fixtures.Default()
	require.NoError(t, err)
	var mu sync.Mutex
	var got []map[string]string
	// The supplier's system: it publishes when its webhook is called, to
	// the NEMS URL it is told.
	system := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var ev map[string]string
		if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		ev["asid"], ev["x-test"] = r.URL.Query().Get("asid"), r.Header.Get("X-Test")
		mu.Lock()
		got = append(got, ev)
		mu.Unlock()
		p := &nemspub.Publisher{URL: ev["url"], ASID: "200000000115", ODS: "RX3EP", NEMSASID: w.NEMSASID(), PDS: &w.PDS}
		if _, err := p.Publish(r.Context(), nemspub.Event{Type: ev["event"], MessageType: ev["message"], NHSNumber: ev["nhs"]}); err != nil {
			http.Error(rw, err.Error(), http.StatusUnprocessableEntity)
			return
		}
		rw.WriteHeader(http.StatusNoContent)
	}))
	defer system.Close()
	cfg := &supplier.Config{Trigger: supplier.Trigger{Webhook: &supplier.Webhook{
		URL:     system.URL + "/events?asid={{asid}}",
		Body:    `{"event": "{{eventType}}", "message": "{{messageType}}", "nhs": "{{nhsNumber}}", "family": "{{family}}", "url": "{{nemsUrl}}"}`,
		Headers: map[string]string{"X-Test": "{{interaction}}"},
	}}, QuietPeriod: supplier.Duration(300 * time.Millisecond)}
	require.NoError(t, cfg.Validate())

	// The refusals answer 422, which is no failure where the system must
	// refuse.
	res := run(t, supplier.Options{Config: cfg, Tags: "@smoke,@must-not-publish"})
	assert.True(t, res.Passed(), "%+v", res.Scenarios)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 4)
	assert.Equal(t, "blood-spot-test-outcome-1", got[0]["event"])
	assert.Equal(t, "200000000115", got[0]["asid"])
	assert.Equal(t, "urn:nhs:names:services:events:Bloodspottestoutcome.Write", got[0]["x-test"])
	assert.True(t, strings.HasSuffix(got[0]["url"], mockspine.PublishPath))
}

func TestManualTrigger(t *testing.T) {
	t.Parallel()
	w, err := fixtures.Default()
	require.NoError(t, err)
	// A person reading the prompts and doing what they say.
	person := &operator{t: t, world: w}
	cfg := &supplier.Config{Trigger: supplier.Trigger{Manual: true}, Timeout: supplier.Duration(5 * time.Second),
		QuietPeriod: supplier.Duration(300 * time.Millisecond)}
	res := run(t, supplier.Options{Config: cfg, Prompt: person, Tags: "@smoke,@JWT-SCOPE"})
	assert.True(t, res.Passed(), "%+v", res.Scenarios)
	assert.Equal(t, 2, person.count())
}

var instruction = regexp.MustCompile(`Make .* publish a (\S+) (\S+) event for NHS number (\d{10})`)

// operator follows manual prompts: for each "Make … publish a EVENT TYPE
// event for NHS number N" it publishes with the reference publisher.
type operator struct {
	t     *testing.T
	world *world.World
	mu    sync.Mutex
	url   string
	done  int
}

func (o *operator) Write(p []byte) (int, error) {
	text := string(p)
	o.mu.Lock()
	defer o.mu.Unlock()
	if i := strings.Index(text, " at http"); i >= 0 && o.url == "" {
		o.url = strings.Fields(text[i+4:])[0]
	}
	if m := instruction.FindStringSubmatch(text); m != nil {
		event, message, nhs := m[1], m[2], m[3]
		p := &nemspub.Publisher{URL: o.url, ASID: "200000000115", ODS: "RX3EP", NEMSASID: o.world.NEMSASID(), PDS: &o.world.PDS}
		go func() {
			time.Sleep(50 * time.Millisecond) // a person takes a moment
			if _, err := p.Publish(context.Background(), nemspub.Event{Type: event, MessageType: message, NHSNumber: nhs}); err != nil {
				o.t.Errorf("publishing as told: %v", err)
			}
		}()
		o.done++
	}
	return len(p), nil
}

func (o *operator) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.done
}

// The per-event content rules are rows of their own: an event the
// endpoint is assured for is judged, one it is not assured for is not
// assessed, never passed.
func TestEventContentRulesOfUnassuredEventsAreNotAssessed(t *testing.T) {
	t.Parallel()
	cfg := publisherConfig(t, "")
	// The maternity screening system is assured for newborn hearing and
	// NIPE only.
	cfg.ASID = "477121000325"
	cfg.Trigger.Command = publisherBin + " --asid 477121000325 --ods R1K01 {{eventType}} {{nhsNumber}} {{messageType}}"
	res := run(t, supplier.Options{Config: cfg, Tags: "@vaccinations-1,@newborn-hearing-1"})
	require.True(t, res.Passed(), "%v", res.FailedRules())
	v := verdicts(res.Report)
	for _, id := range []string{"NBH-NOUPDATE", "NBH-RESOURCES", "NBH-ENCOUNTER", "NBH-PROCEDURE", "NBH-OBSERVATION", "NBH-PRACTROLE", "NBH-COMMUNICATION"} {
		assert.Equal(t, reports.Pass, v[id], id)
	}
	for _, id := range []string{"VAC-RESOURCES", "VAC-IMMUNIZATION", "VAC-ENCOUNTER", "BST-PROCEDURE", "NIPE-PROCEDURE", "PC-EPISODE"} {
		assert.Equal(t, reports.NotAssessed, v[id], id)
	}
}

// TestWaitsAreShownWithACountdown: the prompt says what the harness waits
// for and counts the seconds down; Options.QuietPeriod overrides the
// config's.
func TestWaitsAreShownWithACountdown(t *testing.T) {
	t.Parallel()
	cfg := publisherConfig(t, "")
	cfg.QuietPeriod = supplier.Duration(time.Minute) // overridden below
	var prompt bytes.Buffer
	res, err := supplier.Run(context.Background(), supplier.Options{Config: cfg, Tags: "@must-not-publish && @NHS-TRACED",
		OutDir: t.TempDir(), Prompt: &prompt, Countdown: true, QuietPeriod: 2500 * time.Millisecond})
	require.NoError(t, err)
	require.Len(t, res.Scenarios, 1)
	assert.Equal(t, "passed", res.Scenarios[0].Status)
	text := prompt.String()
	assert.Contains(t, text, "quiet period: the system must publish nothing for NHS number")
	assert.Contains(t, text, "waiting up to ")
	assert.Contains(t, text, "\r\x1b[K  1s left")
	assert.NotContains(t, text, "waiting up to 1m", "the option overrides the config")
}
