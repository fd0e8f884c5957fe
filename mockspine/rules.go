package mockspine

import "net/http"

// Source documents the rules come from.
const (
	srcGuidance = "Generic Publication API Guidance (NEMS, 2019-01-17)"
	srcPublish  = "NEMS Publish an Event Message"
	srcJWT      = "Spine Core: Access Tokens and Audit (JWT)"
	srcErrors   = "Spine Core: Error handling"
	srcBundle   = "NEMS message architecture: bundle structure"
	srcPubIG    = "NEMS Publication implementation guide"
	srcPDS      = "Spine Core: PDS"
	srcCurrent  = "NEMS Generic Publication API Guidance (today's page)"
)

// Areas group rules for feature files and reports.
const (
	AreaEndpoint = "Endpoint registration"
	AreaHeaders  = "Request headers"
	AreaJWT      = "JWT and claims"
	AreaLinkage  = "ASID and ODS linkage"
	AreaMIME     = "MIME types"
	AreaMessage  = "Publish operation and message structure"
	AreaNHS      = "NHS numbers and PDS"
)

// catalogue is every rule, in the order whose first breach sets the HTTP
// status. Each rule's check lives in the checks_*.go file of its area.
var catalogue = append([]*Rule{
	{ID: "EP-CERT", Area: AreaEndpoint, Source: srcGuidance + "; Spine Core: Spine Endpoints",
		Summary: "registered Spine endpoint presenting its endpoint certificate (mutual TLS)",
		Text:    "The caller is a registered Spine endpoint presenting its endpoint certificate: the TLS client certificate chains to the Spine CA, is in date, is not revoked, and is registered in the directory for the ASID the request claims (fromASID and requesting_system). Over plain HTTP the rule is not assessed.",
		Answer:  usual(answerASIDCheck, "the certificate is out of date, revoked, or not registered for the ASID the request claims"),
		Alternatives: []Breach{
			alt("no-certificate", "no client certificate", Answer{http.StatusForbidden, codeAccessDenied, IssueForbidden}),
		},
		Handshake: "no certificate, one from another CA, out of date, or revoked",
		Transport: true,
		check:     checkEndpointCert},
	{ID: "HDR-FROMASID", Area: AreaHeaders, Source: srcPublish + "; " + srcJWT,
		Summary: "`fromASID` present, numeric, equal to requesting_system's ASID",
		Text:    "The fromASID header is present, numeric, and equal to the ASID in the requesting_system claim.",
		Answer:  usual(answerHeader, "fromASID is missing or not numeric"),
		Alternatives: []Breach{
			alt("requesting-system-mismatch", "requesting_system names another ASID", answerJWT),
		},
		DependsOn: []string{"JWT-FORMAT", "JWT-SYSTEM"},
		check:     checkFromASID},
	{ID: "HDR-TOASID", Area: AreaHeaders, Source: srcPublish,
		Summary: "`toASID` is the NEMS ASID",
		Text:    "The toASID header is present and equal to the ASID of the NEMS service in the Spine directory.",
		Answer:  usual(answerHeader, "toASID is missing"),
		Alternatives: []Breach{
			alt("not-nems", "another ASID", answerASIDCheck),
		},
		check: checkToASID},
	{ID: "HDR-INTERACTION", Area: AreaHeaders, Source: srcPublish,
		Summary: "`InteractionID` = `urn:nhs:names:services:events:[Event_Code].Write`, matching the event, sender assured",
		Text:    "The InteractionID header is urn:nhs:names:services:events:[Event_Code].Write, its event code matches the message's event type, and the sender's ASID is assured for that interaction. (The 2019 page said \"TBC\"; today's format is enforced in both profiles.)",
		Answer:  usual(answerHeader, "InteractionID is missing, malformed, names no publishable event, or does not match the message's event type"),
		Alternatives: []Breach{
			alt("not-assured", "sender not assured", answerASIDCheck),
		},
		DependsOn: []string{"HDR-FROMASID", "JWT-SYSTEM"},
		check:     checkInteraction},
	{ID: "JWT-BEARER", Area: AreaJWT, Source: srcGuidance + "; " + srcJWT,
		Summary: "`Authorization: Bearer <jwt>`",
		Text:    "The request carries exactly one Authorization header, holding one Bearer JWT (RFC 6750); several Authorization headers, or a list of credentials in one, break the rule.",
		Answer:  usual(answerJWT, "the Authorization header is missing, not one Bearer token, or sent more than once", header("WWW-Authenticate", `Bearer realm="NEMS", error="invalid_request"`)),
		check:   checkBearer},
	{ID: "JWT-FORMAT", Area: AreaJWT, Source: srcJWT,
		Summary:   "unsigned JWT: alg none, typ JWT, empty signature",
		Text:      "The JWT has three base64url parts: header {\"alg\":\"none\",\"typ\":\"JWT\"}, a JSON object payload, and an empty signature (the trailing dot kept).",
		Answer:    usual(answerJWT, "the token is not an unsigned JWT of three base64url parts", header("WWW-Authenticate", `Bearer realm="NEMS", error="invalid_token"`)),
		DependsOn: []string{"JWT-BEARER"},
		check:     checkJWTFormat},
	{ID: "JWT-CLAIMS", Area: AreaJWT, Source: srcJWT,
		Summary:   "iss, sub, aud, exp, iat, reason_for_request, scope, requesting_system present and typed",
		Text:      "The claims iss, sub, aud, exp, iat, reason_for_request, scope and requesting_system are present, non-empty and of the right JSON type (exp and iat integers).",
		Answer:    usual(answerJWT, "a mandatory claim is missing, empty or of the wrong JSON type"),
		DependsOn: []string{"JWT-BEARER", "JWT-FORMAT"},
		check:     checkJWTClaims},
	{ID: "JWT-TIME", Area: AreaJWT, Source: srcJWT,
		Summary:   "exp = iat + 300; in date (60 s leeway)",
		Text:      "exp is iat + 300 seconds; iat is not in the future and exp has not passed (60 seconds of clock leeway).",
		Answer:    usual(answerJWT, "exp is not iat + 300, iat is in the future, or the token has expired"),
		DependsOn: []string{"JWT-BEARER", "JWT-FORMAT", "JWT-CLAIMS"},
		check:     checkJWTTime},
	{ID: "JWT-REASON", Area: AreaJWT, Source: srcJWT,
		Summary:   "reason_for_request directcare, secondaryuses or patientaccess",
		Text:      "reason_for_request is directcare, secondaryuses or patientaccess.",
		Answer:    usual(answerJWT, "reason_for_request is not one of the three allowed"),
		DependsOn: []string{"JWT-BEARER", "JWT-FORMAT", "JWT-CLAIMS"},
		check:     checkJWTReason},
	{ID: "JWT-SCOPE", Area: AreaJWT, Source: srcGuidance,
		Summary:   "scope is `patient/Bundle.write`",
		Text:      "The scope claim is exactly patient/Bundle.write.",
		Answer:    usual(answerJWT, "scope is not patient/Bundle.write"),
		DependsOn: []string{"JWT-BEARER", "JWT-FORMAT", "JWT-CLAIMS"},
		check:     checkJWTScope},
	{ID: "JWT-SUB", Area: AreaJWT, Source: srcGuidance + "; " + srcJWT,
		Summary:   "sub = requesting_system (Device id for resource-form claims; requesting_user in nems-current)",
		Text:      "The sub claim equals the requesting_system claim (or, for a requesting_system given as a Device resource, the Device's id). In profile nems-current, sub equals requesting_user when that claim is present.",
		Answer:    usual(answerJWT, "sub differs from requesting_system (or requesting_user)"),
		DependsOn: []string{"JWT-BEARER", "JWT-FORMAT", "JWT-CLAIMS", "JWT-SYSTEM", "JWT-USER"},
		check:     checkJWTSub},
	{ID: "JWT-SYSTEM", Area: AreaLinkage, Source: srcGuidance + "; " + srcJWT,
		Summary:   "requesting_system `https://fhir.nhs.uk/Id/accredited-system|ASID`, ASID registered",
		Text:      "requesting_system is https://fhir.nhs.uk/Id/accredited-system|<ASID> and the ASID is registered with Spine.",
		Answer:    usual(answerJWT, "requesting_system is missing, malformed or names an unknown ASID"),
		DependsOn: []string{"JWT-BEARER", "JWT-FORMAT"},
		check:     checkJWTSystem},
	{ID: "JWT-ORG", Area: AreaLinkage, Source: srcGuidance + "; " + srcJWT,
		Summary:   "requesting_organization (or _organisation) `https://fhir.nhs.uk/Id/ods-organization-code|ODS`, known",
		Text:      "requesting_organization (or requesting_organisation, as the guidance spells it; both must agree if both are sent) is https://fhir.nhs.uk/Id/ods-organization-code|<ODS> and the ODS code is known to Spine.",
		Answer:    usual(answerJWT, "requesting_organisation is missing, malformed, inconsistent or names an unknown ODS code"),
		DependsOn: []string{"JWT-BEARER", "JWT-FORMAT"},
		check:     checkJWTOrg},
	{ID: "JWT-ORG-ASID", Area: AreaLinkage, Source: srcGuidance + "; " + srcJWT,
		Summary:   "the ODS code is linked to the ASID",
		Text:      "The ODS code in requesting_organisation is associated with the ASID in requesting_system.",
		Answer:    usual(answerJWT, "the ODS code is not associated with the ASID"),
		DependsOn: []string{"JWT-BEARER", "JWT-FORMAT", "JWT-SYSTEM", "JWT-ORG"},
		check:     checkJWTOrgASID},
	{ID: "JWT-USER", Area: AreaJWT, Source: srcCurrent,
		Summary:   "requesting_user, when present, `https://fhir.nhs.uk/Id/sds-role-profile-id|id`",
		Text:      "requesting_user, when present, is https://fhir.nhs.uk/Id/sds-role-profile-id|<id>.",
		Answer:    usual(answerJWT, "requesting_user is null or not an SDS role profile identifier"),
		DependsOn: []string{"JWT-BEARER", "JWT-FORMAT"},
		check:     checkJWTUser},
	{ID: "MIME-CONTENT-TYPE", Area: AreaMIME, Source: srcGuidance,
		Summary: "Content-Type one of the supported types",
		Text:    "Content-Type, when present, is one of the supported FHIR media types, compared as media types parsed per RFC 9110 (no whitespace around \"=\" in a parameter; the only parameter allowed is charset=utf-8). Profile nems-current accepts the XML types only.",
		Answer:  usual(Answer{http.StatusUnsupportedMediaType, codeBadRequest, IssueNotSupported}, "Content-Type is not a supported FHIR media type"),
		check:   checkContentType},
	{ID: "MIME-ACCEPT", Area: AreaMIME, Source: srcGuidance,
		Summary: "Accept admits a supported type",
		Text:    "Accept, when present, admits a supported media type (parsed per RFC 9110: q-values honoured, a range with whitespace around \"=\" is malformed and admits nothing; */* and application/* mean the default); the response is in the chosen type.",
		Answer:  usual(Answer{http.StatusNotAcceptable, codeBadRequest, IssueNotSupported}, "Accept admits no supported media type"),
		check:   checkAccept},
	{ID: "MIME-DEFAULT", Area: AreaMIME, Source: srcGuidance,
		Summary:   "no Content-Type / Accept means `application/xml+fhir;charset=utf-8`",
		Text:      "With no Content-Type the body is read as application/xml+fhir;charset=utf-8, and with no Accept the answer is in application/xml+fhir;charset=utf-8.",
		Answer:    usual(Answer{http.StatusBadRequest, codeBadRequest, IssueInvalid}, "with no Content-Type, the body is not FHIR XML"),
		DependsOn: []string{"MSG-SIZE", "MSG-WELLFORMED"},
		Publisher: &PublisherView{
			Text:  "A request that names both Content-Type and Accept needs no default; for the publisher it keeps the rule when both were accepted.",
			Given: []string{"MIME-CONTENT-TYPE", "MIME-ACCEPT"},
		},
		check: checkMIMEDefault},
	{ID: "MSG-WELLFORMED", Area: AreaMessage, Source: srcErrors,
		Summary: "body parses as FHIR XML or JSON",
		Text:    "The body parses in the declared format: XML in the namespace http://hl7.org/fhir, or FHIR JSON. Where the mock reads a value FHIR requires to be a string (an NHS number identifier's value and system, codes, urls, names, dates), a JSON number or boolean is not well-formed, and the answer names the path. The body is sent uncompressed and arrives whole.",
		Answer:  usual(Answer{http.StatusBadRequest, codeBadRequest, IssueInvalid}, "the body is missing, could not be read in full, or does not parse in its declared format"),
		Alternatives: []Breach{
			alt("content-encoding", "compressed body (Content-Encoding)",
				Answer{http.StatusBadRequest, codeBadRequest, IssueInvalid}, header("Accept-Encoding", "identity")),
		},
		DependsOn: []string{"MSG-SIZE", "MIME-CONTENT-TYPE"},
		check:     checkWellFormed},
	{ID: "MSG-SIZE", Area: AreaMessage, Source: srcPublish + " (today's page)",
		Summary:   "body ≤ 3 MB",
		Text:      "The body is no larger than 3 MB (3,145,728 bytes).",
		Answer:    usual(Answer{http.StatusRequestEntityTooLarge, codeInvalidRequestMessage, IssueTooCostly}, "the body is larger than 3 MB"),
		DependsOn: []string{"MSG-WELLFORMED"},
		check:     checkSize},
	{ID: "MSG-BUNDLE", Area: AreaMessage, Source: srcPublish + "; " + srcBundle,
		Summary: "Bundle of type message, MessageHeader first, publishable event, new/update/delete",
		Text:    "The body is a Bundle of type message, without ITK3 wrapper, whose first entry is a MessageHeader with a known, publishable event type and a message event type of new, update or delete.",
		Answer:  usual(Answer{http.StatusUnprocessableEntity, codeInvalidResource, IssueInvalid}, "the body is not a message Bundle with a MessageHeader first, or its message event type is wrong"),
		Alternatives: []Breach{
			alt("unknown-event-type", "unknown event", Answer{http.StatusBadRequest, codeInvalidCodeValue, IssueCodeInvalid}),
			alt("not-publishable", "PDS, subscribe-only or withdrawn event", Answer{http.StatusForbidden, codeAccessDenied, IssueForbidden}),
		},
		DependsOn: []string{"MSG-WELLFORMED"},
		check:     checkBundle},
	{ID: "NHS-FORMAT", Area: AreaNHS, Source: srcGuidance + "; " + srcPDS,
		Summary:   "every NHS number: 10 digits, Modulus 11",
		Text:      "Every NHS number in the message (any identifier with system https://fhir.nhs.uk/Id/nhs-number or http://fhir.nhs.net/Id/nhs-number) is 10 digits with a valid Modulus 11 check digit.",
		Answer:    usual(Answer{http.StatusBadRequest, codeInvalidNHSNumber, IssueValue}, "an NHS number is not 10 digits with a valid check digit, or there is none"),
		DependsOn: []string{"MSG-WELLFORMED"},
		check:     checkNHSFormat},
	{ID: "NHS-TRACED", Area: AreaNHS, Source: srcGuidance,
		Summary:   "every NHS number on PDS, family name and birth date matching",
		Text:      "Every NHS number has been traced on PDS: it is on PDS, and the family name (case-insensitive) and birth date given beside it match the PDS record.",
		Answer:    usual(Answer{http.StatusBadRequest, codeInvalidDemographics, IssueBusinessRule}, "an NHS number is not on PDS, or its family name or birth date does not match"),
		DependsOn: []string{"MSG-WELLFORMED", "NHS-FORMAT"},
		check:     checkNHSTraced},
	{ID: "NHS-FLAGS", Area: AreaNHS, Source: srcPubIG,
		Summary:   "no event for an S- or I-flagged patient",
		Text:      "No event is published for a patient whose PDS record carries an S (sensitive) or I (invalid) flag.",
		Answer:    usual(Answer{http.StatusForbidden, codePatientSensitive, IssueForbidden}, "the patient's PDS record carries an S or I flag"),
		DependsOn: []string{"MSG-WELLFORMED", "NHS-TRACED"},
		check:     checkNHSFlags},
}, contentRules()...)

// usual, alt and header build the catalogue's answers.
func usual(a Answer, when string, h ...HeaderField) Breach {
	return Breach{When: when, Answer: a, Header: h}
}

func alt(name, when string, a Answer, h ...HeaderField) Breach {
	return Breach{Name: name, When: when, Answer: a, Header: h}
}

func header(name, value string) HeaderField { return HeaderField{Name: name, Value: value} }

// Rules returns the catalogue in order: copies, so that no importer can
// change a rule.
func Rules() []Rule {
	out := make([]Rule, len(catalogue))
	for i, r := range catalogue {
		out[i] = r.clone()
	}
	return out
}

// RuleByID finds a rule (a copy).
func RuleByID(id string) (Rule, bool) {
	r, ok := ruleIndex[id]
	if !ok {
		return Rule{}, false
	}
	return r.clone(), true
}

var ruleIndex = func() map[string]*Rule {
	m := make(map[string]*Rule, len(catalogue))
	for _, r := range catalogue {
		m[r.ID] = r
	}
	return m
}()
