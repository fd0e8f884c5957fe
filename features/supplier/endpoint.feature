@supplier
Feature: The supplier's system is a registered Spine endpoint
  Over mutual TLS (assure --tls-dir) the system must present the endpoint
  certificate registered in the directory for its ASID. A handshake the mock
  refuses (no certificate, one from another CA, out of date or revoked) is a
  failure of EP-CERT even though no request arrives. Over plain HTTP the rule
  cannot be assessed, and the scenario is skipped.

  @EP-CERT
  Scenario: EP-CERT: the system presents its registered endpoint certificate
    When the supplier system publishes a new event for a traced patient
    Then the mock receives a publish within 30 seconds
    And it conforms to EP-CERT
