package reports

import (
	"encoding/base64"
	"strings"
	"time"
)

const (
	sampleTarget = "http://127.0.0.1:8080"
	samplePath   = "/STU3/Events/1/$process-message"
)

// sampleJWT builds an unsigned NEMS access token with the given scope.
func sampleJWT(scope string) string {
	enc := base64.RawURLEncoding.EncodeToString
	header := enc([]byte(`{"alg":"none","typ":"JWT"}`))
	payload := enc([]byte(`{"iss":"https://riverside.example/child-health","sub":"https://fhir.nhs.uk/Id/accredited-system|200000000117",` +
		`"aud":"https://clinicals.spineservices.nhs.uk","exp":1748962342,"iat":1748962042,"reason_for_request":"directcare",` +
		`"scope":"` + scope + `","requesting_system":"https://fhir.nhs.uk/Id/accredited-system|200000000117",` +
		`"requesting_organization":"https://fhir.nhs.uk/Id/ods-organization-code|RR8"}`))
	return header + "." + payload + "."
}

// sampleRequest is a publish request as a supplier's publisher sends it.
func sampleRequest(scope, nhsNumber string) *HTTPMessage {
	return &HTTPMessage{
		StartLine: "POST " + sampleTarget + samplePath,
		Header: map[string][]string{
			"Authorization":  {"Bearer " + sampleJWT(scope)},
			"Content-Type":   {"application/fhir+xml;charset=utf-8"},
			"Fromasid":       {"200000000117"},
			"Toasid":         {"111111111111"},
			"Interactionid":  {"urn:nhs:names:services:events:Vaccinations.Write"},
			"Accept":         {"application/fhir+xml"},
			"Content-Length": {"1184"},
		},
		Body: `<Bundle xmlns="http://hl7.org/fhir">
  <meta><profile value="https://fhir.nhs.uk/STU3/StructureDefinition/EMS-Bundle-1"/></meta>
  <type value="message"/>
  <entry>
    <resource>
      <MessageHeader>
        <event>
          <system value="https://fhir.nhs.uk/STU3/CodeSystem/EventType-1"/>
          <code value="vaccinations-1"/>
        </event>
      </MessageHeader>
    </resource>
  </entry>
  <entry>
    <resource>
      <Patient>
        <identifier>
          <system value="https://fhir.nhs.uk/Id/nhs-number"/>
          <value value="` + nhsNumber + `"/>
        </identifier>
      </Patient>
    </resource>
  </entry>
</Bundle>`,
	}
}

// sampleOutcome is the mock's OperationOutcome answer.
func sampleOutcome(status, spineCode, issueType, diagnostics string) *HTTPMessage {
	return &HTTPMessage{
		StartLine: "HTTP " + status,
		Header:    map[string][]string{"Content-Type": {"application/xml+fhir;charset=utf-8"}},
		Body: `<OperationOutcome xmlns="http://hl7.org/fhir">
  <meta><profile value="https://fhir.nhs.uk/STU3/StructureDefinition/Spine-OperationOutcome-1"/></meta>
  <issue>
    <severity value="error"/>
    <code value="` + issueType + `"/>
    <details>
      <coding>
        <system value="https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1"/>
        <code value="` + spineCode + `"/>
      </coding>
    </details>
    <diagnostics value="` + diagnostics + `"/>
  </issue>
</OperationOutcome>`,
	}
}

// sampleReport is an assure-mode report with passes, failures and rules not
// assessed, in catalogue order.
func sampleReport() *Report {
	const (
		fJWT = "features/jwt.feature"
		fHdr = "features/headers.feature"
		fNHS = "features/nhs_number.feature"
		fMsg = "features/message.feature"
	)
	guidance := "Generic Publication API Guidance (NEMS, 2019-01-17)"
	jwtSrc := "Spine Core: Access Tokens and Audit (JWT)"
	return &Report{
		Title:     "Assurance report: Riverside Child Health v4.2",
		Subject:   "Riverside Child Health v4.2 (ASID 200000000117, ODS RR8)",
		Target:    sampleTarget,
		Profile:   "nems-2019-01",
		Mode:      "assure",
		Generated: time.Date(2025, 6, 3, 14, 7, 22, 0, time.FixedZone("BST", 3600)),
		Version:   "v0.4.0",
		Scenarios: ScenarioCounts{Passed: 9, Failed: 2, Skipped: 1},
		Notes: []string{
			"EP-CERT is not assessed over plain HTTP: run against the mock's TLS endpoint to assess it.",
			"The publisher sent requesting_organization (Spine Core's spelling).",
		},
		Rules: []RuleRow{
			{ID: "EP-CERT", Area: "Endpoint registration", Source: guidance + "; Spine Core: Spine Endpoints",
				Text:    "The caller is a registered Spine endpoint presenting its endpoint certificate: the TLS client certificate chains to the Spine CA, is in date, is not revoked, and is registered in the directory for the ASID the request claims.",
				Verdict: NotAssessed, Reason: "The publisher connected over plain HTTP, so no client certificate was presented.",
				Scenarios: []ScenarioRef{{Name: "Publish with the endpoint certificate", Feature: "features/endpoint.feature", Status: StatusSkipped}}},
			{ID: "HDR-FROMASID", Area: "Request headers", Source: "NEMS Publish an Event Message; " + jwtSrc,
				Text:      "The fromASID header is present, numeric, and equal to the ASID in the requesting_system claim.",
				Verdict:   Pass,
				Scenarios: []ScenarioRef{{Name: "Publish a vaccination event", Feature: fHdr, Status: StatusPassed}}},
			{ID: "HDR-INTERACTION", Area: "Request headers", Source: "NEMS Publish an Event Message",
				Text:      "The InteractionID header is urn:nhs:names:services:events:[Event_Code].Write, its event code matches the message's event type, and the sender's ASID is assured for that interaction.",
				Verdict:   Pass,
				Scenarios: []ScenarioRef{{Name: "Publish a vaccination event", Feature: fHdr, Status: StatusPassed}}},
			{ID: "JWT-BEARER", Area: "JWT and claims", Source: guidance + "; " + jwtSrc,
				Text:      "The request carries an Authorization header holding a Bearer JWT.",
				Verdict:   Pass,
				Scenarios: []ScenarioRef{{Name: "Publish a vaccination event", Feature: fJWT, Status: StatusPassed}}},
			{ID: "JWT-SCOPE", Area: "JWT and claims", Source: guidance,
				Text:    "The scope claim is exactly patient/Bundle.write.",
				Verdict: Fail, Reason: "The publisher asked for scope patient/*.read.",
				Scenarios: []ScenarioRef{
					{Name: "Publish a vaccination event", Feature: fJWT, Status: StatusFailed},
					{Name: "Publish a vaccination update", Feature: fJWT, Status: StatusFailed},
				},
				Evidence: []Evidence{{
					Scenario: "Publish a vaccination event",
					Message:  "[JWT-SCOPE] Required scopes not found in token (patient/*.read)",
					Request:  sampleRequest("patient/*.read", "9434765919"),
					Response: sampleOutcome("400 Bad Request", "MISSING_OR_INVALID_HEADER", "structure", "[JWT-SCOPE] Required scopes not found in token (patient/*.read)"),
				}}},
			{ID: "JWT-SUB", Area: "JWT and claims", Source: guidance + "; " + jwtSrc,
				Text:      "The sub claim equals the requesting_system claim.",
				Verdict:   Pass,
				Scenarios: []ScenarioRef{{Name: "Publish a vaccination event", Feature: fJWT, Status: StatusPassed}}},
			{ID: "JWT-ORG", Area: "ASID and ODS linkage", Source: guidance + "; " + jwtSrc,
				Text:      "requesting_organization (or requesting_organisation) is https://fhir.nhs.uk/Id/ods-organization-code|<ODS> and the ODS code is known to Spine.",
				Verdict:   Pass,
				Reason:    "requesting_organization used",
				Scenarios: []ScenarioRef{{Name: "Publish a vaccination event", Feature: fJWT, Status: StatusPassed}}},
			{ID: "MIME-CONTENT-TYPE", Area: "MIME types", Source: guidance,
				Text:      "Content-Type, when present, is one of the supported FHIR media types.",
				Verdict:   Pass,
				Scenarios: []ScenarioRef{{Name: "Publish a vaccination event", Feature: fMsg, Status: StatusPassed}}},
			{ID: "MSG-SIZE", Area: "Publish operation and message structure", Source: "NEMS Publish an Event Message (today's page)",
				Text:    "The body is no larger than 3 MB (3,145,728 bytes).",
				Verdict: Pass},
			{ID: "NHS-FORMAT", Area: "NHS numbers and PDS", Source: guidance + "; Spine Core: PDS",
				Text:    "Every NHS number in the message is 10 digits with a valid Modulus 11 check digit.",
				Verdict: Fail, Reason: "NHS number 6101231234 fails the Modulus 11 check.",
				Scenarios: []ScenarioRef{{Name: "Publish a newborn hearing outcome", Feature: fNHS, Status: StatusFailed}},
				Evidence: []Evidence{{
					Scenario: "Publish a newborn hearing outcome",
					Message:  "[NHS-FORMAT] NHS number 6101231234 has an invalid check digit",
					Request:  sampleRequest("patient/Bundle.write", "6101231234"),
					Response: sampleOutcome("400 Bad Request", "INVALID_NHS_NUMBER", "value", "[NHS-FORMAT] NHS number 6101231234 has an invalid check digit"),
				}}},
			{ID: "NHS-FLAGS", Area: "NHS numbers and PDS", Source: "NEMS Publication implementation guide",
				Text:    "No event is published for a patient whose PDS record carries an S (sensitive) or I (invalid) flag.",
				Verdict: NotAssessed, Reason: "The publisher sent no event for a flagged patient."},
		},
	}
}

// hostile is a string that tries to break out of every format.
const hostile = "<script>alert(1)</script> | pipe ``` `tick` \n# heading\n- item"

// hostileReport puts hostile text in every field a writer shows.
func hostileReport() *Report {
	msg := &HTTPMessage{
		StartLine: "POST " + hostile,
		Header:    map[string][]string{"X-Evil" + hostile: {hostile}},
		Body:      hostile + "\n```\n</pre><script>alert(2)</script>",
	}
	return &Report{
		Title: hostile, Subject: hostile, Target: hostile, Profile: hostile, Mode: hostile, Version: hostile,
		Notes: []string{hostile},
		Rules: []RuleRow{
			{ID: "EVIL|" + hostile, Area: hostile, Text: hostile, Source: hostile, Verdict: Fail, Reason: hostile,
				Scenarios: []ScenarioRef{{Name: hostile, Feature: hostile, Status: hostile}},
				Evidence:  []Evidence{{Scenario: hostile, Message: hostile, Request: msg, Response: msg}}},
			{ID: "NA", Area: hostile, Text: hostile, Verdict: NotAssessed, Reason: hostile},
		},
	}
}

// ruleIDs lists the IDs of a report's rules.
func ruleIDs(r *Report) []string {
	ids := make([]string, len(r.Rules))
	for i, row := range r.Rules {
		ids[i] = row.ID
	}
	return ids
}

// render renders r with the named writer.
func render(name string, r *Report) (string, error) {
	w, ok := Lookup(name)
	if !ok {
		return "", errUnknown(name)
	}
	var b strings.Builder
	err := w.Write(&b, r)
	return b.String(), err
}

type errUnknown string

func (e errUnknown) Error() string { return "unknown writer " + string(e) }
