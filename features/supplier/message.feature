@supplier
Feature: The event message the supplier's system sends

  @MSG-WELLFORMED
  Scenario: MSG-WELLFORMED: the body is well-formed FHIR in the declared format
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to MSG-WELLFORMED

  @MSG-SIZE
  Scenario: MSG-SIZE: the body is no larger than 3 MB
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to MSG-SIZE

  @MSG-BUNDLE
  Scenario: MSG-BUNDLE: the body is a message Bundle led by a MessageHeader with a publishable event
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to MSG-BUNDLE
