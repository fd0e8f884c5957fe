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
var catalogue = []*Rule{
	{ID: "EP-CERT", Area: AreaEndpoint, Source: srcGuidance + "; Spine Core: Spine Endpoints",
		Text:      "The caller is a registered Spine endpoint presenting its endpoint certificate: the TLS client certificate chains to the Spine CA, is in date, is not revoked, and is registered in the directory for the ASID the request claims (fromASID and requesting_system). Over plain HTTP the rule is not assessed.",
		Answer:    answerASIDCheck,
		Transport: true,
		check:     checkEndpointCert},
	{ID: "HDR-FROMASID", Area: AreaHeaders, Source: srcPublish + "; " + srcJWT,
		Text:   "The fromASID header is present, numeric, and equal to the ASID in the requesting_system claim.",
		Answer: answerHeader,
		check:  checkFromASID},
	{ID: "HDR-TOASID", Area: AreaHeaders, Source: srcPublish,
		Text:   "The toASID header is present and equal to the ASID of the NEMS service in the Spine directory.",
		Answer: answerHeader,
		check:  checkToASID},
	{ID: "HDR-INTERACTION", Area: AreaHeaders, Source: srcPublish,
		Text:   "The InteractionID header is urn:nhs:names:services:events:[Event_Code].Write, its event code matches the message's event type, and the sender's ASID is assured for that interaction. (The 2019 page said \"TBC\"; today's format is enforced in both profiles.)",
		Answer: answerHeader,
		check:  checkInteraction},
	{ID: "JWT-BEARER", Area: AreaJWT, Source: srcGuidance + "; " + srcJWT,
		Text:   "The request carries an Authorization header holding a Bearer JWT.",
		Answer: answerJWT,
		check:  checkBearer},
	{ID: "JWT-FORMAT", Area: AreaJWT, Source: srcJWT,
		Text:   "The JWT has three base64url parts: header {\"alg\":\"none\",\"typ\":\"JWT\"}, a JSON object payload, and an empty signature (the trailing dot kept).",
		Answer: answerJWT,
		check:  checkJWTFormat},
	{ID: "JWT-CLAIMS", Area: AreaJWT, Source: srcJWT,
		Text:   "The claims iss, sub, aud, exp, iat, reason_for_request, scope and requesting_system are present, non-empty and of the right JSON type (exp and iat integers).",
		Answer: answerJWT,
		check:  checkJWTClaims},
	{ID: "JWT-TIME", Area: AreaJWT, Source: srcJWT,
		Text:   "exp is iat + 300 seconds; iat is not in the future and exp has not passed (60 seconds of clock leeway).",
		Answer: answerJWT,
		check:  checkJWTTime},
	{ID: "JWT-REASON", Area: AreaJWT, Source: srcJWT,
		Text:   "reason_for_request is directcare, secondaryuses or patientaccess.",
		Answer: answerJWT,
		check:  checkJWTReason},
	{ID: "JWT-SCOPE", Area: AreaJWT, Source: srcGuidance,
		Text:   "The scope claim is exactly patient/Bundle.write.",
		Answer: answerJWT,
		check:  checkJWTScope},
	{ID: "JWT-SUB", Area: AreaJWT, Source: srcGuidance + "; " + srcJWT,
		Text:   "The sub claim equals the requesting_system claim (or, for a requesting_system given as a Device resource, the Device's id). In profile nems-current, sub equals requesting_user when that claim is present.",
		Answer: answerJWT,
		check:  checkJWTSub},
	{ID: "JWT-SYSTEM", Area: AreaLinkage, Source: srcGuidance + "; " + srcJWT,
		Text:   "requesting_system is https://fhir.nhs.uk/Id/accredited-system|<ASID> and the ASID is registered with Spine.",
		Answer: answerJWT,
		check:  checkJWTSystem},
	{ID: "JWT-ORG", Area: AreaLinkage, Source: srcGuidance + "; " + srcJWT,
		Text:   "requesting_organization (or requesting_organisation, as the guidance spells it; both must agree if both are sent) is https://fhir.nhs.uk/Id/ods-organization-code|<ODS> and the ODS code is known to Spine.",
		Answer: answerJWT,
		check:  checkJWTOrg},
	{ID: "JWT-ORG-ASID", Area: AreaLinkage, Source: srcGuidance + "; " + srcJWT,
		Text:   "The ODS code in requesting_organisation is associated with the ASID in requesting_system.",
		Answer: answerJWT,
		check:  checkJWTOrgASID},
	{ID: "JWT-USER", Area: AreaJWT, Source: srcCurrent,
		Text:   "requesting_user, when present, is https://fhir.nhs.uk/Id/sds-role-profile-id|<id>.",
		Answer: answerJWT,
		check:  checkJWTUser},
	{ID: "MIME-CONTENT-TYPE", Area: AreaMIME, Source: srcGuidance,
		Text:   "Content-Type, when present, is one of the supported FHIR media types (compared as media types; the only parameter allowed is charset=utf-8). Profile nems-current accepts the XML types only.",
		Answer: Answer{http.StatusUnsupportedMediaType, CodeBadRequest, IssueNotSupported},
		check:  checkContentType},
	{ID: "MIME-ACCEPT", Area: AreaMIME, Source: srcGuidance,
		Text:   "Accept, when present, admits a supported media type (q-values honoured; */* and application/* mean the default); the response is in the chosen type.",
		Answer: Answer{http.StatusNotAcceptable, CodeBadRequest, IssueNotSupported},
		check:  checkAccept},
	{ID: "MIME-DEFAULT", Area: AreaMIME, Source: srcGuidance,
		Text:   "With no Content-Type the body is read as application/xml+fhir;charset=utf-8, and with no Accept the answer is in application/xml+fhir;charset=utf-8.",
		Answer: Answer{http.StatusBadRequest, CodeBadRequest, IssueInvalid},
		check:  checkMIMEDefault},
	{ID: "MSG-WELLFORMED", Area: AreaMessage, Source: srcErrors,
		Text:   "The body parses in the declared format: XML in the namespace http://hl7.org/fhir, or FHIR JSON.",
		Answer: Answer{http.StatusBadRequest, CodeBadRequest, IssueInvalid},
		check:  checkWellFormed},
	{ID: "MSG-SIZE", Area: AreaMessage, Source: srcPublish + " (today's page)",
		Text:   "The body is no larger than 3 MB (3,145,728 bytes).",
		Answer: Answer{http.StatusRequestEntityTooLarge, CodeInvalidRequestMessage, IssueTooCostly},
		check:  checkSize},
	{ID: "MSG-BUNDLE", Area: AreaMessage, Source: srcPublish + "; " + srcBundle,
		Text:   "The body is a Bundle of type message, without ITK3 wrapper, whose first entry is a MessageHeader with a known, publishable event type and a message event type of new, update or delete.",
		Answer: Answer{http.StatusUnprocessableEntity, CodeInvalidResource, IssueInvalid},
		check:  checkBundle},
	{ID: "NHS-FORMAT", Area: AreaNHS, Source: srcGuidance + "; " + srcPDS,
		Text:   "Every NHS number in the message (any identifier with system https://fhir.nhs.uk/Id/nhs-number or http://fhir.nhs.net/Id/nhs-number) is 10 digits with a valid Modulus 11 check digit.",
		Answer: Answer{http.StatusBadRequest, CodeInvalidNHSNumber, IssueValue},
		check:  checkNHSFormat},
	{ID: "NHS-TRACED", Area: AreaNHS, Source: srcGuidance,
		Text:   "Every NHS number has been traced on PDS: it is on PDS, and the family name (case-insensitive) and birth date given beside it match the PDS record.",
		Answer: Answer{http.StatusBadRequest, CodeInvalidDemographics, IssueBusinessRule},
		check:  checkNHSTraced},
	{ID: "NHS-FLAGS", Area: AreaNHS, Source: srcPubIG,
		Text:   "No event is published for a patient whose PDS record carries an S (sensitive) or I (invalid) flag.",
		Answer: Answer{http.StatusForbidden, CodePatientSensitive, IssueForbidden},
		check:  checkNHSFlags},
}

// Rules returns the catalogue in order. The slice is shared: do not modify.
func Rules() []*Rule { return catalogue }

// RuleByID finds a rule.
func RuleByID(id string) (*Rule, bool) {
	r, ok := ruleIndex[id]
	return r, ok
}

var ruleIndex = func() map[string]*Rule {
	m := make(map[string]*Rule, len(catalogue))
	for _, r := range catalogue {
		m[r.ID] = r
	}
	return m
}()
