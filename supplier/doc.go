// Package supplier assures a supplier's own NEMS publishing system: the
// supplier points their system at the mock NEMS, the @supplier scenarios
// (features/supplier) make it publish, and the assurance report says, rule
// by rule, whether what it sent conforms, with the evidence: every request
// as sent (headers, body, decoded JWT), the mock's answer and every rule's
// verdict.
//
// # How a run goes
//
// [Run] (the assure command) starts the mock in this process, with the
// embedded fixtures or the supplier's own, over plain HTTP or mutual TLS.
// For each scenario it picks a patient of the kind the scenario names from
// the fixtures (traced, S-flagged, I-flagged, or a valid test-range NHS
// number not on PDS), fires the trigger of the supplier's [Config] (a shell
// command, a webhook, or instructions for a person), and watches the mock's
// journal. The requests that arrive between the trigger and the deadline
// and carry the patient's NHS number (or, for a system that garbles the
// number, both the family name and birth date PDS holds) are the
// scenario's capture: they are attached to the scenario (request and
// response dumps, decoded JWT, verdicts) and judged by the same rule engine
// as every other mode.
//
// A scenario whose event type the supplier's endpoint is not assured for,
// or whose kind of patient the fixtures lack, is skipped: not assessed,
// never failed.
//
// # The report
//
// Rows come from every request the mock received during the run
// (assessment.FromJournal over [PublisherView]); a refused TLS handshake
// fails EP-CERT, and a publish the system must not have made fails
// NHS-TRACED (patient not on PDS) or NHS-FLAGS (S or I flag). Each row
// lists the scenarios that judged the rule; failed and skipped scenarios
// are named in the notes. Run writes cucumber.json, junit.xml,
// journal.jsonl (which assess can judge again later), assurance-report.html
// and assurance-report.md.
//
// # Embedding
//
// A supplier with a godog suite of their own can use [NewSession] and
// register the steps with [Session.InitializeScenario]; the step phrases
// are the Step* constants.
package supplier
