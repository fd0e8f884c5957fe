@content @professional-contacts-1
Feature: Professional Contacts event content
  Checks the content rules (PC-*) of the Professional Contacts event page
  (professional_contacts_1): the resources a message carries and how many, the EpisodeOfCare
  (identifier, care setting type, references), the contact details of the managing
  organisation, and the CareTeam.

  Each rule is shown kept by the conforming example message of every message type, and
  broken by one named content break (the same change the unit tests and the reference
  publisher make), which fails that rule alone. These scenarios expect the mock in content
  mode reject (conformance's embedded mock runs so): a broken error rule answers 422
  INVALID_RESOURCE; a broken warning rule is a warning issue on a 202.

  @conforming @PC-RESOURCES @PC-EPISODE @PC-ORG-CONTACT @PC-CARETEAM
  Scenario Outline: A conforming professional-contacts-1 <message> message keeps every PC rule
    Given a conforming publish of a professional-contacts-1 <message> message in XML
    When the request is sent
    Then the request is accepted
    And the answer has no issue for rule PC-RESOURCES
    And the answer has no issue for rule PC-EPISODE
    And the answer has no issue for rule PC-ORG-CONTACT
    And the answer has no issue for rule PC-CARETEAM

    Examples:
      | message |
      | new     |
      | update  |
      | delete  |

  @violation
  Scenario Outline: <rule>: a message that <what> is rejected for <rule>
    Given a conforming publish of a professional-contacts-1 <message> message in XML
    And the message has the content break "<break>"
    When the request is sent
    Then the request is rejected for rule <rule> with status 422, Spine code INVALID_RESOURCE and issue type invalid

    @PC-RESOURCES
    Examples: PC-RESOURCES
      | rule | message | break | what |
      | PC-RESOURCES | new | pc-two-episodes | sends a second EpisodeOfCare |

    @PC-EPISODE
    Examples: PC-EPISODE
      | rule | message | break | what |
      | PC-EPISODE | update | pc-episode-type-sctid | sends an EpisodeOfCare type whose check digit is wrong |

    @PC-ORG-CONTACT
    Examples: PC-ORG-CONTACT
      | rule | message | break | what |
      | PC-ORG-CONTACT | new | pc-org-no-telecom | leaves the managing Organization's telecom out |

  @violation
  Scenario Outline: <rule>: a message that <what> gets a warning for <rule>
    Given a conforming publish of a professional-contacts-1 <message> message in XML
    And the message has the content break "<break>"
    When the request is sent
    Then the request is accepted
    And the answer has a warning for rule <rule> with Spine code INVALID_RESOURCE and issue type invalid

    @PC-CARETEAM
    Examples: PC-CARETEAM
      | rule | message | break | what |
      | PC-CARETEAM | new | pc-careteam-no-name | leaves CareTeam.name out |

