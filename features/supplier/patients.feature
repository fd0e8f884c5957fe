@supplier
Feature: The patients the supplier's system publishes for
  A publisher traces its patients on PDS and sends their NHS number with the
  demographics PDS holds. It must not publish for a patient PDS does not know,
  nor for one whose PDS record carries an S (sensitive) or I (invalid) flag:
  asked to, the system must refuse, and nothing may reach NEMS. (A refusal may
  make the trigger command exit non-zero; that is not a failure here.)

  Patients come from the fixtures in use, by kind. A kind the fixtures do not
  hold is not assessed. The patient not on PDS is a valid test-range NHS number
  that pds.json does not list.

  @NHS-FORMAT
  Scenario: NHS-FORMAT: every NHS number in the message is valid (Modulus 11)
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to NHS-FORMAT

  @NHS-TRACED
  Scenario: NHS-TRACED: the patient is on PDS, with the family name and birth date PDS holds
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to NHS-TRACED

  @NHS-FLAGS
  Scenario: NHS-FLAGS: the patient's PDS record carries no S or I flag
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to NHS-FLAGS

  @NHS-TRACED @must-not-publish
  Scenario: NHS-TRACED: no event for a patient who is not on PDS
    When the supplier system is asked to publish a new event for a patient not on PDS
    Then the mock receives no publish within 10 seconds

  @NHS-FLAGS @must-not-publish
  Scenario: NHS-FLAGS: no event for a patient with an S (sensitive) flag
    When the supplier system is asked to publish a new event for an S-flagged patient
    Then the mock receives no publish within 10 seconds

  @NHS-FLAGS @must-not-publish
  Scenario: NHS-FLAGS: no event for a patient with an I (invalid) flag
    When the supplier system is asked to publish a new event for an I-flagged patient
    Then the mock receives no publish within 10 seconds
