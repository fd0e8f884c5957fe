package mockspine

import "slices"

// SpineCode is an entry of the Spine-ErrorOrWarningCode-1 code system.
type SpineCode struct {
	Code    string `json:"code"`
	Display string `json:"display"`
}

// Spine error and warning codes the mock answers with, with the displays
// given by Spine Core's error handling page. They are unexported so that no
// importer can change them; SpineCodes lists them.
var (
	codeMissingOrInvalidHeader = SpineCode{"MISSING_OR_INVALID_HEADER", "There is a required header missing or invalid"}
	codeASIDCheckFailed        = SpineCode{"ASID_CHECK_FAILED", "The sender or receiver's ASID is not authorised for this interaction"}
	codeBadRequest             = SpineCode{"BAD_REQUEST", "Bad request"}
	codeInvalidRequestMessage  = SpineCode{"INVALID_REQUEST_MESSAGE", "Invalid Request Message"}
	codeInvalidResource        = SpineCode{"INVALID_RESOURCE", "Invalid validation of resource"}
	codeInvalidCodeValue       = SpineCode{"INVALID_CODE_VALUE", "Invalid code value"}
	codeAccessDenied           = SpineCode{"ACCESS_DENIED", "Access has been denied to process this request"}
	codeInvalidNHSNumber       = SpineCode{"INVALID_NHS_NUMBER", "NHS number invalid"}
	codeInvalidDemographics    = SpineCode{"INVALID_PATIENT_DEMOGRAPHICS", "Invalid patient demographics (that is, PDS trace failed)"}
	codePatientSensitive       = SpineCode{"PATIENT_SENSITIVE", "Patient record marked as sensitive or invalid on PDS"}
	codeNoRecordFound          = SpineCode{"NO_RECORD_FOUND", "No record found"}
	codeInternalServerError    = SpineCode{"INTERNAL_SERVER_ERROR", "Unexpected internal server error"}
	codeDeprecated             = SpineCode{"DEPRECATED", "The operation being performed has been deprecated"}
)

var spineCodes = []SpineCode{
	codeMissingOrInvalidHeader, codeASIDCheckFailed, codeBadRequest, codeInvalidRequestMessage,
	codeInvalidResource, codeInvalidCodeValue, codeAccessDenied, codeInvalidNHSNumber,
	codeInvalidDemographics, codePatientSensitive, codeNoRecordFound, codeInternalServerError, codeDeprecated,
}

// SpineCodes returns every Spine code the mock answers with (a copy).
func SpineCodes() []SpineCode { return slices.Clone(spineCodes) }

// LookupSpineCode finds a Spine code the mock answers with by its code.
func LookupSpineCode(code string) (SpineCode, bool) {
	i := slices.IndexFunc(spineCodes, func(c SpineCode) bool { return c.Code == code })
	if i < 0 {
		return SpineCode{}, false
	}
	return spineCodes[i], true
}

// FHIR issue types (http://hl7.org/fhir/STU3/valueset-issue-type.html) the
// mock uses.
const (
	IssueInvalid       = "invalid"
	IssueStructure     = "structure"
	IssueForbidden     = "forbidden"
	IssueNotSupported  = "not-supported"
	IssueTooCostly     = "too-costly"
	IssueCodeInvalid   = "code-invalid"
	IssueValue         = "value"
	IssueBusinessRule  = "business-rule"
	IssueNotFound      = "not-found"
	IssueProcessing    = "processing"
	IssueInformational = "informational"
)
