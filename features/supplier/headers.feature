@supplier
Feature: The Spine headers the supplier's system sends

  @HDR-FROMASID
  Scenario: HDR-FROMASID: fromASID is the system's own ASID, as in requesting_system
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to HDR-FROMASID

  @HDR-TOASID
  Scenario: HDR-TOASID: toASID is the ASID of NEMS
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to HDR-TOASID

  @HDR-INTERACTION
  Scenario: HDR-INTERACTION: InteractionID names the event's publish interaction, one the system is assured for
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to HDR-INTERACTION
