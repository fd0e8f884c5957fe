@supplier
Feature: The content of the event message the supplier's system sends
  Each scenario makes the system publish and judges the message's content against the
  generic event-content rules (RULES-CONTENT.md, EVT-*). A broken error rule fails the
  report; a broken warning rule is shown as a warning and never fails it. A rule with nothing
  to judge (no HealthcareService in the message, no earlier message of the run) is not
  assessed.

  @EVT-ORDER
  Scenario: EVT-ORDER: the message is valid against the FHIR STU3 schema (XML)
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-ORDER

  @EVT-INVARIANTS
  Scenario: EVT-INVARIANTS: the FHIR invariants hold
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-INVARIANTS

  @EVT-DATETIME
  Scenario: EVT-DATETIME: every dateTime and instant has a time zone
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-DATETIME

  @EVT-REFS
  Scenario: EVT-REFS: every reference resolves inside the Bundle
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-REFS

  @EVT-HEADER
  Scenario: EVT-HEADER: the MessageHeader names the event, its responsible organisation and its focus
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-HEADER

  @EVT-MSGEVENTTYPE
  Scenario: EVT-MSGEVENTTYPE: one complete message event type extension
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-MSGEVENTTYPE

  @EVT-SEQUENCE
  Scenario: EVT-SEQUENCE: the MessageHeader carries meta.lastUpdated
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-SEQUENCE

  @EVT-SOURCE
  Scenario: EVT-SOURCE: the MessageHeader gives a contact of the publisher
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-SOURCE

  @EVT-SOURCE-NAME
  Scenario: EVT-SOURCE-NAME: the MessageHeader names its source (warning)
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-SOURCE-NAME

  @EVT-ROUTING
  Scenario: EVT-ROUTING: the routing demographics carry NHS number, official name and birth date
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-ROUTING

  @EVT-ROUTING-PATIENT
  Scenario: EVT-ROUTING-PATIENT: the routing NHS number is the Patient's
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-ROUTING-PATIENT

  @EVT-ROUTING-MATCH
  Scenario: EVT-ROUTING-MATCH: the routing demographics agree with the Patient (warning)
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-ROUTING-MATCH

  @EVT-PATIENT
  Scenario: EVT-PATIENT: the Patient carries a verified NHS number, official name and birth date
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-PATIENT

  @EVT-PATIENT-ADDRESS
  Scenario: EVT-PATIENT-ADDRESS: the Patient's addresses have lines and a postcode (warning)
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-PATIENT-ADDRESS

  @EVT-ORGANIZATION
  Scenario: EVT-ORGANIZATION: every Organization has an ODS code and a name
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-ORGANIZATION

  @EVT-HEALTHCARESERVICE
  Scenario: EVT-HEALTHCARESERVICE: every HealthcareService has a care setting and a specialty
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-HEALTHCARESERVICE

  @EVT-IDENTIFIER
  Scenario: EVT-IDENTIFIER: every identifier has a system and a value
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-IDENTIFIER

  @EVT-SCTID
  Scenario: EVT-SCTID: every SNOMED CT code is a valid concept id (warning)
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-SCTID

  @EVT-DISPLAY
  Scenario: EVT-DISPLAY: codings of known code lists carry the list's display (warning)
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-DISPLAY

  @EVT-UNLISTED
  Scenario: EVT-UNLISTED: every resource is one the event page lists (warning)
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-UNLISTED

  @EVT-MSGID-UNIQUE @EVT-LASTUPDATED-ORDER @EVT-LIFECYCLE
  Scenario: EVT-MSGID-UNIQUE, EVT-LASTUPDATED-ORDER, EVT-LIFECYCLE: a record's new and update messages follow one another
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    When the supplier system publishes an update event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-MSGID-UNIQUE, EVT-LASTUPDATED-ORDER and EVT-LIFECYCLE

  @EVT-VERSIONID-ORDER
  Scenario: EVT-VERSIONID-ORDER: meta.versionId grows from one message to the next (when sent)
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    When the supplier system publishes an update event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EVT-VERSIONID-ORDER
