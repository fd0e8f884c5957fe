// Package fhir reads the little of a FHIR STU3 message bundle, in XML or
// JSON, that the publication rules need: the bundle type, the MessageHeader's
// event and message event type, and every NHS number with the demographics
// written beside it.
package fhir

// Namespace is the FHIR XML namespace.
const Namespace = "http://hl7.org/fhir"

// NHS number identifier systems: today's and the legacy one.
const (
	NHSNumberSystem       = "https://fhir.nhs.uk/Id/nhs-number"
	LegacyNHSNumberSystem = "http://fhir.nhs.net/Id/nhs-number"
)

// Bundle is what the rules need to know about a message bundle.
type Bundle struct {
	Format string // "xml" or "json"
	// ResourceType is the root element or resourceType ("Bundle" when right;
	// the root element's name for an ITK wrapper root).
	ResourceType string
	Type         string // Bundle.type, e.g. "message"
	Entries      int
	// FirstResource is the resource type of the first entry ("" if none).
	FirstResource string
	// Header is read from the first entry when it is a MessageHeader.
	Header *MessageHeader
	// ITKWrapper is true when the message carries ITK3 wrapper elements
	// (a root other than Bundle in the ITK namespace, or an ITK header).
	ITKWrapper bool
	// NHSNumbers lists every NHS number identifier found anywhere.
	NHSNumbers []NHSNumber
}

// MessageHeader holds the MessageHeader facts the rules check.
type MessageHeader struct {
	EventSystem  string
	EventCode    string
	EventDisplay string
	// MessageEventType is the code of the message event type extension
	// (new/update/delete), with the extension URL and coding system used.
	MessageEventType       string
	MessageEventTypeURL    string
	MessageEventTypeSystem string
	SourceEndpoint         string
}

// NHSNumber is one NHS number identifier with the demographics given beside
// it in the same Patient resource or routing-demographics extension.
type NHSNumber struct {
	Value  string
	System string
	// Where says where it was found, for people reading diagnostics: the
	// resource type and id followed by the element path inside the resource,
	// e.g. "Patient 5d5845f3-398f-474b-af59-14882fc7b0ca identifier" or
	// "Encounter 12779557-9033-4213-876f-69a670cdf35d subject.identifier";
	// for the routing demographics extension, "MessageHeader routing
	// demographics".
	Where string
	// Family is the official (or first) family name given beside it, if any.
	Family string
	// BirthDate is the date part (YYYY-MM-DD in a well-formed message) of
	// the birth date given beside it, if any.
	BirthDate string
}
