@content @vaccinations-1
Feature: Vaccinations event content
  Checks the content rules (VAC-*) of the Vaccinations event page (vaccinations_1): the
  resources a message carries and how many, the Immunization (vaccination procedure,
  identifier, date, references, dose sequence, site and route), not-given vaccinations,
  reported vaccinations, the vaccine code, PractitionerRole codes from ProfessionalType-1
  and Specialty-1, and the Encounter and its type.

  Each rule is shown kept by the conforming example message of every message type, and
  broken by one named content break (the same change the unit tests and the reference
  publisher make), which fails that rule alone. These scenarios expect the mock in content
  mode reject (conformance's embedded mock runs so): a broken error rule answers 422
  INVALID_RESOURCE; a broken warning rule is a warning issue on a 202.

  @conforming @VAC-RESOURCES @VAC-IMMUNIZATION @VAC-NOTGIVEN @VAC-REPORTORIGIN @VAC-VACCINECODE @VAC-PRACTROLE @VAC-ENCOUNTER @VAC-ENCOUNTER-TYPE
  Scenario Outline: A conforming vaccinations-1 <message> message keeps every VAC rule
    Given a conforming publish of a vaccinations-1 <message> message in XML
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule VAC-RESOURCES
    And the answer has no issue for rule VAC-IMMUNIZATION
    And the answer has no issue for rule VAC-NOTGIVEN
    And the answer has no issue for rule VAC-REPORTORIGIN
    And the answer has no issue for rule VAC-VACCINECODE
    And the answer has no issue for rule VAC-PRACTROLE
    And the answer has no issue for rule VAC-ENCOUNTER
    And the answer has no issue for rule VAC-ENCOUNTER-TYPE

    Examples:
      | message |
      | new     |
      | update  |
      | delete  |

  @violation
  Scenario Outline: <rule>: a message that <what> is rejected for <rule>
    Given a conforming publish of a vaccinations-1 <message> message in XML
    And the message has the content break "<break>"
    When the request is sent
    Then the request is rejected for rule <rule> with status 422, Spine code INVALID_RESOURCE and issue type invalid

    @VAC-RESOURCES
    Examples: VAC-RESOURCES
      | rule | message | break | what |
      | VAC-RESOURCES | new | vac-two-immunizations | sends a second Immunization |

    @VAC-IMMUNIZATION
    Examples: VAC-IMMUNIZATION
      | rule | message | break | what |
      | VAC-IMMUNIZATION | new | vac-no-date | leaves Immunization.date out |

    @VAC-NOTGIVEN
    Examples: VAC-NOTGIVEN
      | rule | message | break | what |
      | VAC-NOTGIVEN | update | vac-not-given-no-reason | sets notGiven true without explanation.reasonNotGiven |

    @VAC-PRACTROLE
    Examples: VAC-PRACTROLE
      | rule | message | break | what |
      | VAC-PRACTROLE | new | vac-role-dch-specialty | codes the PractitionerRole specialty with DCH-Specialty-1 instead of Specialty-1 |

    @VAC-ENCOUNTER
    Examples: VAC-ENCOUNTER
      | rule | message | break | what |
      | VAC-ENCOUNTER | delete | vac-encounter-no-subject | leaves Encounter.subject out |

  @violation
  Scenario Outline: <rule>: a message that <what> gets a warning for <rule>
    Given a conforming publish of a vaccinations-1 <message> message in XML
    And the message has the content break "<break>"
    When the request is sent
    Then the request is accepted
    And the answer has a warning for rule <rule> with Spine code INVALID_RESOURCE and issue type invalid

    @VAC-REPORTORIGIN
    Examples: VAC-REPORTORIGIN
      | rule | message | break | what |
      | VAC-REPORTORIGIN | new | vac-reported-no-origin | sets primarySource false without reportOrigin |

    @VAC-VACCINECODE
    Examples: VAC-VACCINECODE
      | rule | message | break | what |
      | VAC-VACCINECODE | new | vac-vaccine-code-sctid | sends a vaccine code whose check digit is wrong |

    @VAC-ENCOUNTER-TYPE
    Examples: VAC-ENCOUNTER-TYPE
      | rule | message | break | what |
      | VAC-ENCOUNTER-TYPE | new | vac-encounter-type-unlisted | sends encounter type 15, not a DCH-ChildHealthEncounterType-1 code (0015 is) |

