Feature: NHS numbers and PDS
  Checks the Generic Publication API Guidance's requirement that events are published only
  for patients traced on the Personal Demographics Service (PDS), and the Publication
  implementation guide's rule on sensitive records:
  - every NHS number in the message (every identifier with the system
    https://fhir.nhs.uk/Id/nhs-number, or the legacy http://fhir.nhs.net/Id/nhs-number) is ten
    digits with a valid Modulus 11 check digit;
  - every NHS number is on PDS, and the family name and birth date given beside it match the
    PDS record (the family name regardless of case);
  - no event is published for a patient whose PDS record carries an S (sensitive) or
    I (invalid) flag.

  The patients are taken from the PDS fixtures in use.

  # NHS-FORMAT

  @conforming @NHS-FORMAT @NHS-TRACED @NHS-FLAGS
  Scenario Outline: An event for a traced patient is accepted
    Given a conforming publish request with <message>
    And the message is about a traced patient
    When the request is sent
    Then the request is accepted

    Examples:
      | message        |
      | an XML message |

    @nems-2019-01
    Examples: JSON (2019 guidance only)
      | message        |
      | a JSON message |

  # The event content rules want today's system (EVT-ROUTING, EVT-PATIENT): a content mode
  # reject mock refuses such a message for them, not for the NHS number rules.
  @conforming @NHS-FORMAT
  Scenario: NHS numbers identified with the legacy system are checked and pass the NHS number rules
    Given a conforming publish request
    And the message is about a traced patient
    And the NHS numbers are identified with the legacy system
    When the request is sent
    Then the answer has no issue for rule NHS-FORMAT
    And the answer has no issue for rule NHS-TRACED

  @violation @NHS-FORMAT
  Scenario Outline: An event whose NHS number is not a valid NHS number is rejected
    Given a conforming publish request with <message>
    And the message is about <patient>
    When the request is sent
    Then the request is rejected for rule NHS-FORMAT with status 400, Spine code INVALID_NHS_NUMBER and issue type value

    Examples:
      | message        | patient                                               |
      | an XML message | a patient whose NHS number fails the Modulus 11 check |
      | an XML message | a patient whose NHS number has 9 digits               |

    @nems-2019-01
    Examples: JSON (2019 guidance only)
      | message        | patient                                               |
      | a JSON message | a patient whose NHS number fails the Modulus 11 check |

  @violation @NHS-FORMAT
  Scenario: An invalid NHS number identified with the legacy system is rejected too
    Given a conforming publish request
    And the message is about a patient whose NHS number fails the Modulus 11 check
    And the NHS numbers are identified with the legacy system
    When the request is sent
    Then the request is rejected for rule NHS-FORMAT with status 400, Spine code INVALID_NHS_NUMBER and issue type value

  # NHS-TRACED

  @conforming @NHS-TRACED
  Scenario: The family name matches PDS regardless of case
    Given a conforming publish request
    And the message is about a traced patient whose family name is written in lower case
    When the request is sent
    Then the request is accepted

  @violation @NHS-TRACED
  Scenario Outline: An event for a patient not traced on PDS is rejected
    Given a conforming publish request with <message>
    And the message is about <patient>
    When the request is sent
    Then the request is rejected for rule NHS-TRACED with status 400, Spine code INVALID_PATIENT_DEMOGRAPHICS and issue type business-rule

    Examples:
      | message        | patient                                             |
      | an XML message | a patient not on PDS                                |
      | an XML message | a traced patient whose family name differs from PDS |
      | an XML message | a traced patient whose birth date differs from PDS  |

    @nems-2019-01
    Examples: JSON (2019 guidance only)
      | message        | patient                                             |
      | a JSON message | a patient not on PDS                                |
      | a JSON message | a traced patient whose family name differs from PDS |
      | a JSON message | a traced patient whose birth date differs from PDS  |

  # NHS-FLAGS

  @violation @NHS-FLAGS
  Scenario Outline: An event for a patient flagged on PDS is rejected
    Given a conforming publish request
    And the message is about <patient>
    When the request is sent
    Then the request is rejected for rule NHS-FLAGS with status 403, Spine code PATIENT_SENSITIVE and issue type forbidden

    Examples:
      | patient                    |
      | an S-flagged patient       |
      | an I-flagged patient       |
