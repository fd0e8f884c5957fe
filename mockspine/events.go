package mockspine

import "slices"

// Event types, message event types and interactions of the publish operation.

// Event type code systems: today's, and the 2019 one whose codes (PDS001…)
// are PDS events.
const (
	eventSystem     = "https://fhir.nhs.uk/STU3/CodeSystem/EventType-1"
	eventSystem2019 = "https://fhir.nhs.uk/STU3/CodeSystem/EMS-EventType-1"
)

// Message event type extension, in today's form and the 2019 form.
var messageEventTypeForms = map[string]string{
	"https://fhir.nhs.uk/STU3/StructureDefinition/Extension-MessageEventType-1":     "https://fhir.nhs.uk/STU3/CodeSystem/MessageEventType-1",
	"https://fhir.nhs.uk/STU3/StructureDefinition/Extension-EMS-MessageEventType-1": "https://fhir.nhs.uk/STU3/CodeSystem/EMS-MessageEventType-1",
}

// messageEventTypes are the message event types a publisher may send.
var messageEventTypes = []string{"new", "update", "delete"}

// MessageEventTypes returns the message event types a publisher may send
// (a copy).
func MessageEventTypes() []string { return slices.Clone(messageEventTypes) }

// EventType is an event type NEMS knows.
type EventType struct {
	Code string `json:"code"`
	// Name is the event's name as the Supported Event Messages page and the
	// event pages title it ("NIPE Outcome"). It is not the MessageHeader's
	// event.display, which EventType-1 spells differently for one event
	// ("NIPE outcome") and the content rules check (EVT-HEADER).
	Name string `json:"name"`
	// InteractionCode is the [Event_Code] of the publish InteractionID;
	// empty for subscribe-only events.
	InteractionCode string `json:"interactionCode,omitempty"`
}

// Publishable reports whether publishers may send this event type.
func (e EventType) Publishable() bool { return e.InteractionCode != "" }

// Interaction is the InteractionID a publisher sends with this event type.
func (e EventType) Interaction() string {
	if e.InteractionCode == "" {
		return ""
	}
	return interactionPrefix + e.InteractionCode + interactionSuffix
}

const (
	interactionPrefix = "urn:nhs:names:services:events:"
	interactionSuffix = ".Write"
)

// EventTypes returns the event types of the Supported Event Messages page
// (a copy).
func EventTypes() []EventType { return slices.Clone(eventTypes) }

// eventTypes lists the event types of the Supported Event Messages page.
var eventTypes = []EventType{
	{Code: "blood-spot-test-outcome-1", Name: "Blood Spot Test Outcome", InteractionCode: "Bloodspottestoutcome"},
	{Code: "newborn-hearing-1", Name: "Newborn Hearing", InteractionCode: "Newbornhearing"},
	{Code: "nipe-outcome-1", Name: "NIPE Outcome", InteractionCode: "Nipeoutcome"},
	{Code: "professional-contacts-1", Name: "Professional Contacts", InteractionCode: "Professionalcontacts"},
	{Code: "vaccinations-1", Name: "Vaccinations", InteractionCode: "Vaccinations"},
	{Code: "pds-birth-notification-1", Name: "PDS Birth Notification"},
	{Code: "pds-change-of-address-1", Name: "PDS Change of Address"},
	{Code: "pds-change-of-gp-1", Name: "PDS Change of GP"},
	{Code: "pds-death-notification-1", Name: "PDS Death Notification"},
	{Code: "pds-record-change-1", Name: "PDS Record Change"},
}

// LookupEventType finds an event type by code.
func LookupEventType(code string) (EventType, bool) {
	for _, e := range eventTypes {
		if e.Code == code {
			return e, true
		}
	}
	return EventType{}, false
}

// PublishableEventTypes lists the event types publishers may send.
func PublishableEventTypes() []EventType {
	var out []EventType
	for _, e := range eventTypes {
		if e.Publishable() {
			out = append(out, e)
		}
	}
	return out
}

// eventByInteractionCode finds the event type whose interaction uses code.
func eventByInteractionCode(code string) (EventType, bool) {
	for _, e := range eventTypes {
		if e.InteractionCode != "" && e.InteractionCode == code {
			return e, true
		}
	}
	return EventType{}, false
}
