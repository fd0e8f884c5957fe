@supplier
Feature: The ASID and ODS code the supplier's system claims
  requesting_system names the system's own ASID, registered with Spine;
  requesting_organization names an ODS code Spine knows and links to that ASID.

  @JWT-SYSTEM
  Scenario: JWT-SYSTEM: requesting_system names the system's registered ASID
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to JWT-SYSTEM

  @JWT-ORG
  Scenario: JWT-ORG: requesting_organization names an ODS code known to Spine
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to JWT-ORG

  @JWT-ORG-ASID
  Scenario: JWT-ORG-ASID: the ODS code is linked to the system's ASID
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to JWT-ORG-ASID
