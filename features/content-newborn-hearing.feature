@content @newborn-hearing-1
Feature: Newborn Hearing event content
  Checks the content rules (NBH-*) of the Newborn Hearing event page (newborn_hearing_1): no
  update message, the resources of a new and of a delete, the focus Encounter, the AABR and
  AOAE hearing tests (fixed codes, outcomes from their value sets, at most one AABR and two
  AOAE tests per ear), the screening outcome, the PractitionerRole and the professional
  comment.

  Each rule is shown kept by the conforming example message of every message type, and
  broken by one named content break (the same change the unit tests and the reference
  publisher make), which fails that rule alone. These scenarios expect the mock in content
  mode reject (conformance's embedded mock runs so): a broken error rule answers 422
  INVALID_RESOURCE; a broken warning rule is a warning issue on a 202.
  The "update" examples of this event are re-publications carrying the message event type new.

  @conforming @NBH-NOUPDATE @NBH-RESOURCES @NBH-ENCOUNTER @NBH-PROCEDURE @NBH-OBSERVATION @NBH-PRACTROLE @NBH-COMMUNICATION
  Scenario Outline: A conforming newborn-hearing-1 <message> message keeps every NBH rule
    Given a conforming publish of a newborn-hearing-1 <message> message in XML
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule NBH-NOUPDATE
    And the answer has no issue for rule NBH-RESOURCES
    And the answer has no issue for rule NBH-ENCOUNTER
    And the answer has no issue for rule NBH-PROCEDURE
    And the answer has no issue for rule NBH-OBSERVATION
    And the answer has no issue for rule NBH-PRACTROLE
    And the answer has no issue for rule NBH-COMMUNICATION

    Examples:
      | message |
      | new     |
      | update  |
      | delete  |

  @violation
  Scenario Outline: <rule>: a message that <what> is rejected for <rule>
    Given a conforming publish of a newborn-hearing-1 <message> message in XML
    And the message has the content break "<break>"
    When the request is sent
    Then the request is rejected for rule <rule> with status 422, Spine code INVALID_RESOURCE and issue type invalid

    @NBH-NOUPDATE
    Examples: NBH-NOUPDATE
      | rule | message | break | what |
      | NBH-NOUPDATE | update | nbh-update | re-publishes a changed outcome as update instead of new |

    @NBH-RESOURCES
    Examples: NBH-RESOURCES
      | rule | message | break | what |
      | NBH-RESOURCES | new | nbh-no-observation | leaves the summary Observation out |

    @NBH-ENCOUNTER
    Examples: NBH-ENCOUNTER
      | rule | message | break | what |
      | NBH-ENCOUNTER | new | nbh-encounter-no-period | leaves Encounter.period out |

    @NBH-PROCEDURE
    Examples: NBH-PROCEDURE
      | rule | message | break | what |
      | NBH-PROCEDURE | update | nbh-procedure-not-performed | leaves Procedure.performedDateTime out |

    @NBH-OBSERVATION
    Examples: NBH-OBSERVATION
      | rule | message | break | what |
      | NBH-OBSERVATION | new | nbh-outcome-sctid | sends a screening outcome whose check digit is wrong |

    @NBH-PRACTROLE
    Examples: NBH-PRACTROLE
      | rule | message | break | what |
      | NBH-PRACTROLE | new | nbh-role-professional-type | codes the professional type with ProfessionalType-1 instead of DCH-ProfessionalType-1 |

    @NBH-COMMUNICATION
    Examples: NBH-COMMUNICATION
      | rule | message | break | what |
      | NBH-COMMUNICATION | update | nbh-communication-blood-spot | sends the blood spot comment type 007 instead of 008 |

