@supplier
Feature: The JWT the supplier's system sends
  Every publish carries an unsigned JWT as a Bearer token, with the claims Spine
  Core requires and the values the guidance sets.

  @JWT-BEARER
  Scenario: JWT-BEARER: the request carries a Bearer token
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to JWT-BEARER

  @JWT-FORMAT
  Scenario: JWT-FORMAT: the token is an unsigned JWT (alg none, empty signature)
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to JWT-FORMAT

  @JWT-CLAIMS
  Scenario: JWT-CLAIMS: every mandatory claim is present and well typed
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to JWT-CLAIMS

  @JWT-TIME
  Scenario: JWT-TIME: exp is iat + 300 seconds and the token is in date
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to JWT-TIME

  @JWT-REASON
  Scenario: JWT-REASON: reason_for_request is directcare, secondaryuses or patientaccess
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to JWT-REASON

  @JWT-SCOPE
  Scenario: JWT-SCOPE: the scope is patient/Bundle.write
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to JWT-SCOPE

  @JWT-SUB
  Scenario: JWT-SUB: sub equals requesting_system
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to JWT-SUB

  @JWT-USER
  Scenario: JWT-USER: requesting_user, when sent, is an SDS role profile ID
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to JWT-USER
