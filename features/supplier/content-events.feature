@supplier
Feature: The event content of each event the supplier's system publishes
  Each scenario makes the system publish one event of the type and message type where a
  per-event content rule (RULES-CONTENT.md: VAC-*, PC-*, BST-*, NBH-*, NIPE-*) has something
  to judge, and judges the message against that rule. An event type the supplier's endpoint
  is not assured for is skipped, so its rules are not assessed, never passed. A broken error
  rule fails the report; a broken warning rule is shown as a warning and never fails it. A
  rule with nothing to judge in what the system sent (no Immunization reported from another
  source, for VAC-REPORTORIGIN, when the system cannot record one) is not assessed. The
  Vaccinations and Professional Contacts scenarios publish one record's life cycle, in this
  order: a new, updates, then a delete; VAC-REPORTORIGIN's is a second record's new.

  @vaccinations-1 @VAC-RESOURCES
  Scenario: VAC-RESOURCES: resource counts: one Immunization, Patient and MessageHeader, Organizations, optional others
    When the supplier system publishes a vaccinations-1 new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to VAC-RESOURCES

  @vaccinations-1 @VAC-IMMUNIZATION
  Scenario: VAC-IMMUNIZATION: the Immunization: vaccination procedure, one identifier, date, references, dose sequence, site and route
    When the supplier system publishes a vaccinations-1 update event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to VAC-IMMUNIZATION

  @vaccinations-1 @VAC-NOTGIVEN
  Scenario: VAC-NOTGIVEN: reasonNotGiven when not given, none when given (imm-1, imm-2)
    When the supplier system publishes a vaccinations-1 update event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to VAC-NOTGIVEN

  @vaccinations-1 @VAC-REPORTORIGIN
  Scenario: VAC-REPORTORIGIN: reportOrigin when the vaccination was reported (primarySource false) (warning)
    When the supplier system publishes a vaccinations-1 new event for a traced patient, as a vaccination reported by another source
    Then the mock receives a publish within 30 seconds
    And it conforms to VAC-REPORTORIGIN

  @vaccinations-1 @VAC-VACCINECODE
  Scenario: VAC-VACCINECODE: vaccineCode from CareConnect-VaccineCode-1 or a valid SNOMED CT id (warning)
    When the supplier system publishes a vaccinations-1 update event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to VAC-VACCINECODE

  @vaccinations-1 @VAC-PRACTROLE
  Scenario: VAC-PRACTROLE: PractitionerRole: organization, practitioner, ProfessionalType-1 code, one Specialty-1 specialty
    When the supplier system publishes a vaccinations-1 update event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to VAC-PRACTROLE

  @vaccinations-1 @VAC-ENCOUNTER-TYPE
  Scenario: VAC-ENCOUNTER-TYPE: Encounter type from DCH-ChildHealthEncounterType-1 (warning)
    When the supplier system publishes a vaccinations-1 update event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to VAC-ENCOUNTER-TYPE

  @vaccinations-1 @VAC-ENCOUNTER
  Scenario: VAC-ENCOUNTER: Encounter: a type, one coding a type, subject the Patient, at most one Location
    When the supplier system publishes a vaccinations-1 delete event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to VAC-ENCOUNTER

  @professional-contacts-1 @PC-RESOURCES
  Scenario: PC-RESOURCES: resource counts: one EpisodeOfCare, Patient and MessageHeader, Organizations, optional others
    When the supplier system publishes a professional-contacts-1 new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to PC-RESOURCES

  @professional-contacts-1 @PC-EPISODE
  Scenario: PC-EPISODE: EpisodeOfCare: one identifier, SNOMED CT care setting type, managing Organization, Patient, teams
    When the supplier system publishes a professional-contacts-1 update event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to PC-EPISODE

  @professional-contacts-1 @PC-ORG-CONTACT
  Scenario: PC-ORG-CONTACT: the managing Organization has a telecom
    When the supplier system publishes a professional-contacts-1 update event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to PC-ORG-CONTACT

  @professional-contacts-1 @PC-CARETEAM
  Scenario: PC-CARETEAM: CareTeam: subject the Patient, a name, every participant a role (warning)
    When the supplier system publishes a professional-contacts-1 delete event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to PC-CARETEAM

  @blood-spot-test-outcome-1 @BST-NOUPDATE
  Scenario: BST-NOUPDATE: no update message: a changed outcome is published as new
    When the supplier system publishes a blood-spot-test-outcome-1 update event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to BST-NOUPDATE

  @blood-spot-test-outcome-1 @BST-RESOURCES
  Scenario: BST-RESOURCES: resource counts of a new and of a delete
    When the supplier system publishes a blood-spot-test-outcome-1 new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to BST-RESOURCES

  @blood-spot-test-outcome-1 @BST-ENCOUNTER
  Scenario: BST-ENCOUNTER: the focus Encounter: identifier, type, provider, subject and location
    When the supplier system publishes a blood-spot-test-outcome-1 new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to BST-ENCOUNTER

  @blood-spot-test-outcome-1 @BST-DIAGNOSTICREPORT
  Scenario: BST-DIAGNOSTICREPORT: DiagnosticReport: subject the Patient, issued
    When the supplier system publishes a blood-spot-test-outcome-1 new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to BST-DIAGNOSTICREPORT

  @blood-spot-test-outcome-1 @BST-PROCEDURE
  Scenario: BST-PROCEDURE: every test or examination with its fixed code and display, and a SNOMED CT outcome
    When the supplier system publishes a blood-spot-test-outcome-1 new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to BST-PROCEDURE

  @blood-spot-test-outcome-1 @BST-COMMUNICATION
  Scenario: BST-COMMUNICATION: the professional comment: completed, sender, subject and comment type
    When the supplier system publishes a blood-spot-test-outcome-1 update event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to BST-COMMUNICATION

  @newborn-hearing-1 @NBH-NOUPDATE
  Scenario: NBH-NOUPDATE: no update message: a changed outcome is published as new
    When the supplier system publishes a newborn-hearing-1 update event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to NBH-NOUPDATE

  @newborn-hearing-1 @NBH-RESOURCES
  Scenario: NBH-RESOURCES: resource counts of a new and of a delete
    When the supplier system publishes a newborn-hearing-1 new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to NBH-RESOURCES

  @newborn-hearing-1 @NBH-ENCOUNTER
  Scenario: NBH-ENCOUNTER: the focus Encounter: identifier, type, provider, subject and location
    When the supplier system publishes a newborn-hearing-1 new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to NBH-ENCOUNTER

  @newborn-hearing-1 @NBH-PROCEDURE
  Scenario: NBH-PROCEDURE: Procedures: AABR and AOAE tests, outcomes from their value sets, per-ear counts
    When the supplier system publishes a newborn-hearing-1 update event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to NBH-PROCEDURE

  @newborn-hearing-1 @NBH-OBSERVATION
  Scenario: NBH-OBSERVATION: screening outcome Observation: subject, SNOMED CT value, effectiveDateTime
    When the supplier system publishes a newborn-hearing-1 new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to NBH-OBSERVATION

  @newborn-hearing-1 @NBH-PRACTROLE
  Scenario: NBH-PRACTROLE: PractitionerRole: organization, practitioner, one DCH-ProfessionalType-1 code
    When the supplier system publishes a newborn-hearing-1 new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to NBH-PRACTROLE

  @newborn-hearing-1 @NBH-COMMUNICATION
  Scenario: NBH-COMMUNICATION: the professional comment: completed, sender, subject and comment type
    When the supplier system publishes a newborn-hearing-1 update event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to NBH-COMMUNICATION

  @nipe-outcome-1 @NIPE-NOUPDATE
  Scenario: NIPE-NOUPDATE: no update message: a changed outcome is published as new
    When the supplier system publishes a nipe-outcome-1 update event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to NIPE-NOUPDATE

  @nipe-outcome-1 @NIPE-RESOURCES
  Scenario: NIPE-RESOURCES: resource counts of a new (three or four examinations) and of a delete
    When the supplier system publishes a nipe-outcome-1 new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to NIPE-RESOURCES

  @nipe-outcome-1 @NIPE-ENCOUNTER
  Scenario: NIPE-ENCOUNTER: the focus Encounter: identifier, type, provider, subject and location
    When the supplier system publishes a nipe-outcome-1 new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to NIPE-ENCOUNTER

  @nipe-outcome-1 @NIPE-PROCEDURE
  Scenario: NIPE-PROCEDURE: every test or examination with its fixed code and display, and a SNOMED CT outcome
    When the supplier system publishes a nipe-outcome-1 new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to NIPE-PROCEDURE

  @nipe-outcome-1 @NIPE-PRACTROLE
  Scenario: NIPE-PRACTROLE: PractitionerRole: organization, practitioner, professional type, job role, key worker, DCH-Specialty-1
    When the supplier system publishes a nipe-outcome-1 new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to NIPE-PRACTROLE

  @nipe-outcome-1 @NIPE-OBSERVATION
  Scenario: NIPE-OBSERVATION: BCG eligibility Observation with its fixed codes and displays
    When the supplier system publishes a nipe-outcome-1 new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to NIPE-OBSERVATION

  @nipe-outcome-1 @NIPE-COMMUNICATION
  Scenario: NIPE-COMMUNICATION: the professional comment: completed, sender, subject and comment type
    When the supplier system publishes a nipe-outcome-1 update event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to NIPE-COMMUNICATION
