@supplier
Feature: The media types the supplier's system sends
  A publisher conforms when what it sends is acceptable: a supported
  Content-Type (or none, with an XML body), and an Accept header (if any) that
  admits a supported type. A system that names both types needs no default, and
  passes MIME-DEFAULT.

  @MIME-CONTENT-TYPE
  Scenario: MIME-CONTENT-TYPE: Content-Type, when sent, is a supported FHIR type
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to MIME-CONTENT-TYPE

  @MIME-ACCEPT
  Scenario: MIME-ACCEPT: Accept, when sent, admits a supported FHIR type
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to MIME-ACCEPT

  @MIME-DEFAULT
  Scenario: MIME-DEFAULT: a body sent without Content-Type is FHIR XML
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to MIME-DEFAULT
