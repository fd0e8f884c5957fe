@content @nipe-outcome-1
Feature: NIPE Outcome event content
  Checks the content rules (NIPE-*) of the NIPE Outcome event page (nipe_outcome_1): no
  update message, the resources of a new and of a delete, the focus Encounter, the four
  examinations with their fixed codes and displays and SNOMED CT outcomes, the
  PractitionerRole, the BCG eligibility and the professional comment.

  Each rule is shown kept by the conforming example message of every message type, and
  broken by one named content break (the same change the unit tests and the reference
  publisher make), which fails that rule alone. These scenarios expect the mock in content
  mode reject (conformance's embedded mock runs so): a broken error rule answers 422
  INVALID_RESOURCE; a broken warning rule is a warning issue on a 202.
  The "update" examples of this event are re-publications carrying the message event type new.

  @conforming @NIPE-NOUPDATE @NIPE-RESOURCES @NIPE-ENCOUNTER @NIPE-PROCEDURE @NIPE-PRACTROLE @NIPE-OBSERVATION @NIPE-COMMUNICATION
  Scenario Outline: A conforming nipe-outcome-1 <message> message keeps every NIPE rule
    Given a conforming publish of a nipe-outcome-1 <message> message in XML
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule NIPE-NOUPDATE
    And the answer has no issue for rule NIPE-RESOURCES
    And the answer has no issue for rule NIPE-ENCOUNTER
    And the answer has no issue for rule NIPE-PROCEDURE
    And the answer has no issue for rule NIPE-PRACTROLE
    And the answer has no issue for rule NIPE-OBSERVATION
    And the answer has no issue for rule NIPE-COMMUNICATION

    Examples:
      | message |
      | new     |
      | update  |
      | delete  |

  @violation
  Scenario Outline: <rule>: a message that <what> is rejected for <rule>
    Given a conforming publish of a nipe-outcome-1 <message> message in XML
    And the message has the content break "<break>"
    When the request is sent
    Then the request is rejected for rule <rule> with status 422, Spine code INVALID_RESOURCE and issue type invalid

    @NIPE-NOUPDATE
    Examples: NIPE-NOUPDATE
      | rule | message | break | what |
      | NIPE-NOUPDATE | update | nipe-update | re-publishes a changed outcome as update instead of new |

    @NIPE-RESOURCES
    Examples: NIPE-RESOURCES
      | rule | message | break | what |
      | NIPE-RESOURCES | new | nipe-two-examinations | sends two examinations (a new carries three or four) |

    @NIPE-ENCOUNTER
    Examples: NIPE-ENCOUNTER
      | rule | message | break | what |
      | NIPE-ENCOUNTER | new | nipe-encounter-no-provider | leaves Encounter.serviceProvider out |

    @NIPE-PROCEDURE
    Examples: NIPE-PROCEDURE
      | rule | message | break | what |
      | NIPE-PROCEDURE | new | nipe-examination-display | sends the hip examination display with a trailing space |

    @NIPE-PRACTROLE
    Examples: NIPE-PRACTROLE
      | rule | message | break | what |
      | NIPE-PRACTROLE | new | nipe-role-no-specialty | leaves PractitionerRole.specialty out |

    @NIPE-OBSERVATION
    Examples: NIPE-OBSERVATION
      | rule | message | break | what |
      | NIPE-OBSERVATION | new | nipe-bcg-display | sends the BCG eligibility display "Not Eligible for BCG" |

    @NIPE-COMMUNICATION
    Examples: NIPE-COMMUNICATION
      | rule | message | break | what |
      | NIPE-COMMUNICATION | update | nipe-communication-wrong-pair | pairs comment code 009 with the 6-8 weeks display |

