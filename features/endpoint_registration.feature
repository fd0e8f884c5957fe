@EP-CERT
Feature: Endpoint registration
  Checks the Generic Publication API Guidance's requirement that only registered Spine
  endpoints may publish (with Spine Core's "Spine Endpoints" page): the caller connects over
  mutual TLS and presents its endpoint certificate, which is issued by the Spine certificate
  authority, in date, and registered in the Spine directory for the ASID the request claims
  (the fromASID header and the requesting_system claim).

  These scenarios need an endpoint served over mutual TLS and an endpoint certificate for
  each sending system. Over plain HTTP they are skipped, and the rule is reported as
  "not assessed", never as passed.

  Background:
    Given the endpoint requires Spine endpoint certificates

  @conforming
  Scenario: A registered endpoint presenting its own endpoint certificate is accepted
    Given a conforming publish request
    When the request is sent
    Then the request is accepted

  @violation
  Scenario: A caller presenting no certificate is refused during the TLS handshake
    Given a conforming publish request
    When the request is sent without a client certificate
    Then the TLS handshake is refused

  @violation
  Scenario: A caller presenting the certificate of another registered system is refused
    The certificate is genuine, but the directory registers it for another ASID than the
    one the request claims.

    Given a conforming publish request
    When the request is sent presenting the endpoint certificate of another registered system
    Then the request is rejected for rule EP-CERT with status 403, Spine code ASID_CHECK_FAILED and issue type forbidden
