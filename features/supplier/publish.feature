@supplier
Feature: The supplier's system publishes the events it is assured for
  The supplier points its publishing system at the mock NEMS and names, in its
  assurance config, how to make the system publish (a command, a webhook, or a
  person at the keyboard). Each scenario makes the system publish one event for
  a patient taken from the fixtures in use, captures what it sent, and judges it
  against every rule of the guidance.

  An event type the supplier's endpoint is not assured for (its interactions in
  spine.json) is skipped: not assessed, never failed. Blood spot, newborn hearing
  and NIPE outcomes have no update message: their event pages have a changed
  outcome published again as "new", which is what the update examples expect.

  @smoke @every-rule
  Scenario: A new event for a traced patient conforms to every rule
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to every rule
    And the mock accepts it

  @events @every-rule
  Scenario Outline: A <event> <message> event conforms to every rule
    When the supplier system publishes a <event> <message> event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to every rule
    And the mock accepts it

    @blood-spot-test-outcome-1
    Examples: Blood spot test outcome
      | event                     | message |
      | blood-spot-test-outcome-1 | new     |
      | blood-spot-test-outcome-1 | update  |
      | blood-spot-test-outcome-1 | delete  |

    @newborn-hearing-1
    Examples: Newborn hearing
      | event             | message |
      | newborn-hearing-1 | new     |
      | newborn-hearing-1 | update  |
      | newborn-hearing-1 | delete  |

    @nipe-outcome-1
    Examples: NIPE outcome
      | event          | message |
      | nipe-outcome-1 | new     |
      | nipe-outcome-1 | update  |
      | nipe-outcome-1 | delete  |

    @professional-contacts-1
    Examples: Professional contacts
      | event                   | message |
      | professional-contacts-1 | new     |
      | professional-contacts-1 | update  |
      | professional-contacts-1 | delete  |

    @vaccinations-1
    Examples: Vaccinations
      | event          | message |
      | vaccinations-1 | new     |
      | vaccinations-1 | update  |
      | vaccinations-1 | delete  |
