package mockspine

// SpineCode is an entry of the Spine-ErrorOrWarningCode-1 code system.
type SpineCode struct {
	Code    string `json:"code"`
	Display string `json:"display"`
}

// Spine error and warning codes the mock answers with, with the displays
// given by Spine Core's error handling page.
var (
	CodeMissingOrInvalidHeader = SpineCode{"MISSING_OR_INVALID_HEADER", "There is a required header missing or invalid"}
	CodeASIDCheckFailed        = SpineCode{"ASID_CHECK_FAILED", "The sender or receiver's ASID is not authorised for this interaction"}
	CodeBadRequest             = SpineCode{"BAD_REQUEST", "Bad request"}
	CodeInvalidRequestMessage  = SpineCode{"INVALID_REQUEST_MESSAGE", "Invalid Request Message"}
	CodeInvalidResource        = SpineCode{"INVALID_RESOURCE", "Invalid validation of resource"}
	CodeInvalidCodeValue       = SpineCode{"INVALID_CODE_VALUE", "Invalid code value"}
	CodeAccessDenied           = SpineCode{"ACCESS_DENIED", "Access has been denied to process this request"}
	CodeInvalidNHSNumber       = SpineCode{"INVALID_NHS_NUMBER", "NHS number invalid"}
	CodeInvalidDemographics    = SpineCode{"INVALID_PATIENT_DEMOGRAPHICS", "Invalid patient demographics (that is, PDS trace failed)"}
	CodePatientSensitive       = SpineCode{"PATIENT_SENSITIVE", "Patient record marked as sensitive or invalid on PDS"}
	CodeNoRecordFound          = SpineCode{"NO_RECORD_FOUND", "No record found"}
	CodeInternalServerError    = SpineCode{"INTERNAL_SERVER_ERROR", "Unexpected internal server error"}
	CodeDeprecated             = SpineCode{"DEPRECATED", "The operation being performed has been deprecated"}
)

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
