@content
Feature: Event content: the generic rules
  Checks the content every publishable event message must carry, as the NEMS generic event
  requirements and each event's page set it out (RULES-CONTENT.md, rules EVT-*): the schema's
  element order, the FHIR invariants, dateTime forms, references inside the Bundle, the
  MessageHeader (id, event, message event type, source, sequence), the routing demographics
  and their agreement with the Patient, Patient, Organization and HealthcareService population,
  identifiers and codes, and the rules that remember earlier messages of the run.

  These scenarios expect the mock in content mode reject (conformance's embedded mock runs so):
  a broken error rule answers 422 INVALID_RESOURCE; a broken warning rule is a warning issue on
  a 202. Each scenario changes one thing in the conforming Vaccinations message.

  # EVT-ORDER

  @conforming @EVT-ORDER
  Scenario: EVT-ORDER: the Immunization's elements keep the schema's order and values
    Given a conforming publish request
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-ORDER

  @violation @EVT-ORDER
  Scenario: EVT-ORDER: a Patient.gender outside its code list breaks the schema
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <gender value="female"/> | <gender value="girl"/> |
    When the request is sent
    Then the request is rejected for rule EVT-ORDER with status 422, Spine code INVALID_RESOURCE and issue type structure

  # EVT-INVARIANTS

  @conforming @EVT-INVARIANTS
  Scenario: EVT-INVARIANTS: the FHIR invariants hold
    Given a conforming publish request
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-INVARIANTS

  @violation @EVT-INVARIANTS
  Scenario: EVT-INVARIANTS: an element with neither value nor children breaks global-1
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <lotNumber value="MR2417K"/> | <lotNumber/> |
    When the request is sent
    Then the request is rejected for rule EVT-INVARIANTS with status 422, Spine code INVALID_RESOURCE and issue type invalid

  # EVT-DATETIME

  @conforming @EVT-DATETIME
  Scenario: EVT-DATETIME: every dateTime and instant carries a time zone
    Given a conforming publish request
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-DATETIME

  @violation @EVT-DATETIME
  Scenario: EVT-DATETIME: a MessageHeader timestamp without a time zone
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <timestamp value="2024-05-14T11:00:00+01:00"/> | <timestamp value="2024-05-14T11:00:00"/> |
    When the request is sent
    Then the request is rejected for rule EVT-DATETIME with status 422, Spine code INVALID_RESOURCE and issue type invalid

  # EVT-REFS

  @conforming @EVT-REFS
  Scenario: EVT-REFS: every reference resolves inside the Bundle
    Given a conforming publish request
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-REFS

  @violation @EVT-REFS
  Scenario: EVT-REFS: a practitioner reference to no entry of the Bundle
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <reference value="urn:uuid:d22f6405-d172-59f3-9c8c-8df96583018c"/> | <reference value="urn:uuid:00000000-0000-4000-8000-000000000000"/> |
    When the request is sent
    Then the request is rejected for rule EVT-REFS with status 422, Spine code INVALID_RESOURCE and issue type invalid

  # EVT-HEADER

  @conforming @EVT-HEADER
  Scenario: EVT-HEADER: the MessageHeader names the event, its responsible organisation and its focus
    Given a conforming publish request
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-HEADER

  @violation @EVT-HEADER
  Scenario: EVT-HEADER: an event display other than the event's
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <display value="Vaccinations"/> | <display value="Vaccination"/> |
    When the request is sent
    Then the request is rejected for rule EVT-HEADER with status 422, Spine code INVALID_RESOURCE and issue type invalid

  # EVT-MSGEVENTTYPE

  @conforming @EVT-MSGEVENTTYPE
  Scenario: EVT-MSGEVENTTYPE: the message event type extension has one complete coding
    Given a conforming publish request
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-MSGEVENTTYPE

  @violation @EVT-MSGEVENTTYPE
  Scenario: EVT-MSGEVENTTYPE: a message event type coding without a display
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <display value="New event message"/> |  |
    When the request is sent
    Then the request is rejected for rule EVT-MSGEVENTTYPE with status 422, Spine code INVALID_RESOURCE and issue type invalid

  # EVT-SEQUENCE

  @conforming @EVT-SEQUENCE
  Scenario: EVT-SEQUENCE: the MessageHeader carries meta.lastUpdated
    Given a conforming publish request
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-SEQUENCE

  @violation @EVT-SEQUENCE
  Scenario: EVT-SEQUENCE: a MessageHeader without meta.lastUpdated
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <lastUpdated value="2024-05-14T11:00:00.000+01:00"/> |  |
    When the request is sent
    Then the request is rejected for rule EVT-SEQUENCE with status 422, Spine code INVALID_RESOURCE and issue type invalid

  # EVT-SOURCE

  @conforming @EVT-SOURCE
  Scenario: EVT-SOURCE: the MessageHeader gives a contact of the publisher
    Given a conforming publish request
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-SOURCE

  @violation @EVT-SOURCE
  Scenario: EVT-SOURCE: a source contact whose value does not match its system
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <system value="phone"/> | <system value="email"/> |
    When the request is sent
    Then the request is rejected for rule EVT-SOURCE with status 422, Spine code INVALID_RESOURCE and issue type invalid

  # EVT-SOURCE-NAME

  @conforming @EVT-SOURCE-NAME
  Scenario: EVT-SOURCE-NAME: the MessageHeader names its source system
    Given a conforming publish request
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-SOURCE-NAME

  @violation @EVT-SOURCE-NAME
  Scenario: EVT-SOURCE-NAME: a MessageHeader source without a name
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <name value="RIVERSIDE CHILD HEALTH SYSTEM"/> |  |
    When the request is sent
    Then the answer has status 202
    And the answer has a warning for rule EVT-SOURCE-NAME with Spine code INVALID_RESOURCE and issue type invalid

  # EVT-ROUTING

  @conforming @EVT-ROUTING
  Scenario: EVT-ROUTING: the routing demographics carry the NHS number, official name and birth date
    Given a conforming publish request
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-ROUTING

  @violation @EVT-ROUTING
  Scenario: EVT-ROUTING: a routing name that is not the official one
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <use value="official"/> | <use value="usual"/> |
    When the request is sent
    Then the request is rejected for rule EVT-ROUTING with status 422, Spine code INVALID_RESOURCE and issue type invalid

  # EVT-ROUTING-MATCH

  @conforming @EVT-ROUTING-MATCH
  Scenario: EVT-ROUTING-MATCH: the routing demographics agree with the Patient
    Given a conforming publish request
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-ROUTING-MATCH

  @violation @EVT-ROUTING-MATCH
  Scenario: EVT-ROUTING-MATCH: a routing given name other than the Patient's
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <given value=" | <given value="Zed"/><given value=" |
    When the request is sent
    Then the answer has status 202
    And the answer has a warning for rule EVT-ROUTING-MATCH with Spine code INVALID_RESOURCE and issue type invalid

  # EVT-PATIENT

  @conforming @EVT-PATIENT
  Scenario: EVT-PATIENT: the Patient carries a verified NHS number, an official name and a birth date
    Given a conforming publish request
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-PATIENT

  @violation @EVT-PATIENT
  Scenario: EVT-PATIENT: an NHS number whose verification status is not 01
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <code value="01"/> | <code value="02"/> |
    When the request is sent
    Then the request is rejected for rule EVT-PATIENT with status 422, Spine code INVALID_RESOURCE and issue type invalid

  # EVT-PATIENT-ADDRESS

  @conforming @EVT-PATIENT-ADDRESS
  Scenario: EVT-PATIENT-ADDRESS: the Patient's address has lines and a postcode
    Given a conforming publish request
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-PATIENT-ADDRESS

  @violation @EVT-PATIENT-ADDRESS
  Scenario: EVT-PATIENT-ADDRESS: a Patient address without a postcode
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <postalCode value="LS18 5NX"/> |  |
    When the request is sent
    Then the answer has status 202
    And the answer has a warning for rule EVT-PATIENT-ADDRESS with Spine code INVALID_RESOURCE and issue type invalid

  # EVT-ORGANIZATION

  @conforming @EVT-ORGANIZATION
  Scenario: EVT-ORGANIZATION: every Organization has an ODS code and a name
    Given a conforming publish request
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-ORGANIZATION

  @violation @EVT-ORGANIZATION
  Scenario: EVT-ORGANIZATION: an Organization without a name
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <name value="RIVERSIDE COMMUNITY TRUST"/> |  |
    When the request is sent
    Then the request is rejected for rule EVT-ORGANIZATION with status 422, Spine code INVALID_RESOURCE and issue type invalid

  # EVT-IDENTIFIER

  @conforming @EVT-IDENTIFIER
  Scenario: EVT-IDENTIFIER: every identifier has a system and a value
    Given a conforming publish request
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-IDENTIFIER

  @violation @EVT-IDENTIFIER
  Scenario: EVT-IDENTIFIER: an Immunization identifier without a system
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <system value="https://fhir.riverside-childhealth.example/Id/event-record"/> |  |
    When the request is sent
    Then the request is rejected for rule EVT-IDENTIFIER with status 422, Spine code INVALID_RESOURCE and issue type invalid

  # EVT-SCTID

  @conforming @EVT-SCTID
  Scenario: EVT-SCTID: every SNOMED CT code is a valid concept id
    Given a conforming publish request
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-SCTID

  @violation @EVT-SCTID
  Scenario: EVT-SCTID: a SNOMED CT code with a wrong check digit
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <code value="91775009"/> | <code value="91775008"/> |
    When the request is sent
    Then the answer has status 202
    And the answer has a warning for rule EVT-SCTID with Spine code INVALID_RESOURCE and issue type invalid

  # EVT-DISPLAY

  @conforming @EVT-DISPLAY
  Scenario: EVT-DISPLAY: every coding of a known code list carries the list's display
    Given a conforming publish request
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-DISPLAY

  @violation @EVT-DISPLAY
  Scenario: EVT-DISPLAY: an NHS number verification status with another display
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <display value="Number present and verified"/> | <display value="Verified"/> |
    When the request is sent
    Then the answer has status 202
    And the answer has a warning for rule EVT-DISPLAY with Spine code INVALID_RESOURCE and issue type invalid

  # EVT-UNLISTED

  @conforming @EVT-UNLISTED
  Scenario: EVT-UNLISTED: every resource is one the event page lists
    Given a conforming publish request
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-UNLISTED

  @violation @EVT-UNLISTED
  Scenario: EVT-UNLISTED: a Device, which the Vaccinations page does not list
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <!-- Responsible organisation --> | <entry><fullUrl value="urn:uuid:0e5c5b8e-8f43-4d2e-9a4b-3c7e5f9d2a10"/><resource><Device><id value="0e5c5b8e-8f43-4d2e-9a4b-3c7e5f9d2a10"/><status value="active"/></Device></resource></entry><!-- Responsible organisation --> |
    When the request is sent
    Then the answer has status 202
    And the answer has a warning for rule EVT-UNLISTED with Spine code INVALID_RESOURCE and issue type invalid

  # EVT-HEALTHCARESERVICE

  @conforming @EVT-HEALTHCARESERVICE
  Scenario: EVT-HEALTHCARESERVICE: a HealthcareService with a care setting and a Specialty-1 specialty
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <!-- Responsible organisation --> | <entry><fullUrl value="urn:uuid:6d1e0a4c-2a55-4bf3-9b39-7f0f3c7b2d11"/><resource><HealthcareService><id value="6d1e0a4c-2a55-4bf3-9b39-7f0f3c7b2d11"/><providedBy><reference value="urn:uuid:4152623c-07c4-5e9e-a484-27cefb1e9e4c"/></providedBy><type><coding><system value="http://snomed.info/sct"/><code value="1060971000000108"/><display value="General practice service"/></coding></type><specialty><coding><system value="https://fhir.nhs.uk/STU3/CodeSystem/Specialty-1"/><code value="420"/><display value="Paediatrics"/></coding></specialty></HealthcareService></resource></entry><!-- Responsible organisation --> |
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-HEALTHCARESERVICE

  @violation @EVT-HEALTHCARESERVICE
  Scenario: EVT-HEALTHCARESERVICE: a HealthcareService specialty outside Specialty-1
    Given a conforming publish request
    And in the message, the text is replaced:
      | from | to |
      | <!-- Responsible organisation --> | <entry><fullUrl value="urn:uuid:6d1e0a4c-2a55-4bf3-9b39-7f0f3c7b2d11"/><resource><HealthcareService><id value="6d1e0a4c-2a55-4bf3-9b39-7f0f3c7b2d11"/><providedBy><reference value="urn:uuid:4152623c-07c4-5e9e-a484-27cefb1e9e4c"/></providedBy><type><coding><system value="http://snomed.info/sct"/><code value="1060971000000108"/><display value="General practice service"/></coding></type><specialty><coding><system value="https://fhir.nhs.uk/STU3/CodeSystem/Specialty-1"/><code value="9999"/><display value="Paediatrics"/></coding></specialty></HealthcareService></resource></entry><!-- Responsible organisation --> |
    When the request is sent
    Then the request is rejected for rule EVT-HEALTHCARESERVICE with status 422, Spine code INVALID_RESOURCE and issue type invalid

  # EVT-ROUTING-PATIENT

  @conforming @EVT-ROUTING-PATIENT
  Scenario: EVT-ROUTING-PATIENT: the routing NHS number is the Patient's
    Given a conforming publish request
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-ROUTING-PATIENT

  @violation @EVT-ROUTING-PATIENT
  Scenario: EVT-ROUTING-PATIENT: a Patient with another NHS number than the routing one
    Given a conforming publish request
    And the Patient resource carries the NHS number of another patient on PDS
    When the request is sent
    Then the answer has an issue for rule EVT-ROUTING-PATIENT with Spine code INVALID_RESOURCE and issue type invalid
