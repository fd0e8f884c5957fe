@content @blood-spot-test-outcome-1
Feature: Blood Spot Test Outcome event content
  Checks the content rules (BST-*) of the Blood Spot Test Outcome event page
  (blood_spot_test_outcome_1): no update message (a changed outcome is published again as
  new), the resources of a new and of a delete, the focus Encounter, the DiagnosticReport,
  the eleven blood spot tests with their fixed codes and displays and SNOMED CT outcomes,
  and the professional comment.

  Each rule is shown kept by the conforming example message of every message type, and
  broken by one named content break (the same change the unit tests and the reference
  publisher make), which fails that rule alone. These scenarios expect the mock in content
  mode reject (conformance's embedded mock runs so): a broken error rule answers 422
  INVALID_RESOURCE; a broken warning rule is a warning issue on a 202.
  The "update" examples of this event are re-publications carrying the message event type new.

  @conforming @BST-NOUPDATE @BST-RESOURCES @BST-ENCOUNTER @BST-DIAGNOSTICREPORT @BST-PROCEDURE @BST-COMMUNICATION
  Scenario Outline: A conforming blood-spot-test-outcome-1 <message> message keeps every BST rule
    Given a conforming publish of a blood-spot-test-outcome-1 <message> message in XML
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule BST-NOUPDATE
    And the answer has no issue for rule BST-RESOURCES
    And the answer has no issue for rule BST-ENCOUNTER
    And the answer has no issue for rule BST-DIAGNOSTICREPORT
    And the answer has no issue for rule BST-PROCEDURE
    And the answer has no issue for rule BST-COMMUNICATION

    Examples:
      | message |
      | new     |
      | update  |
      | delete  |

  @violation
  Scenario Outline: <rule>: a message that <what> is rejected for <rule>
    Given a conforming publish of a blood-spot-test-outcome-1 <message> message in XML
    And the message has the content break "<break>"
    When the request is sent
    Then the request is rejected for rule <rule> with status 422, Spine code INVALID_RESOURCE and issue type invalid

    @BST-NOUPDATE
    Examples: BST-NOUPDATE
      | rule | message | break | what |
      | BST-NOUPDATE | update | bst-update | re-publishes a changed outcome as update instead of new |

    @BST-RESOURCES
    Examples: BST-RESOURCES
      | rule | message | break | what |
      | BST-RESOURCES | new | bst-no-report | leaves the DiagnosticReport out |

    @BST-ENCOUNTER
    Examples: BST-ENCOUNTER
      | rule | message | break | what |
      | BST-ENCOUNTER | new | bst-encounter-type-8 | sends encounter type 8 instead of 008 |

    @BST-DIAGNOSTICREPORT
    Examples: BST-DIAGNOSTICREPORT
      | rule | message | break | what |
      | BST-DIAGNOSTICREPORT | delete | bst-report-not-issued | leaves DiagnosticReport.issued out |

    @BST-PROCEDURE
    Examples: BST-PROCEDURE
      | rule | message | break | what |
      | BST-PROCEDURE | new | bst-outcome-valueset-system | puts the DCH-BloodSpotOutcome-1 ValueSet url in the outcome's coding system, as the specification's example does |

    @BST-COMMUNICATION
    Examples: BST-COMMUNICATION
      | rule | message | break | what |
      | BST-COMMUNICATION | update | bst-communication-status | sends the Communication with status in-progress |

