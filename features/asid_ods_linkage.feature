Feature: ASID and ODS code linkage
  Checks the Generic Publication API Guidance's requirements on who is publishing, as Spine
  Core's JWT validation checks them against the Spine directory:
  - requesting_system is https://fhir.nhs.uk/Id/accredited-system|<ASID>, and the ASID is
    registered with Spine;
  - requesting_organisation is https://fhir.nhs.uk/Id/ods-organization-code|<ODS code>, and
    the ODS code is known to Spine. Spine Core spells the claim requesting_organization, the
    guidance requesting_organisation: either is accepted, and both must agree when both are
    sent;
  - the ODS code is associated with the ASID in the directory.

  # JWT-SYSTEM

  @conforming @JWT-SYSTEM
  Scenario: A JWT naming the sender's registered ASID as requesting system is accepted
    Given a conforming publish request
    And the JWT claim "requesting_system" names the sender's ASID
    When the request is sent
    Then the request is accepted

  @violation @JWT-SYSTEM
  Scenario Outline: A requesting_system that is not an accredited-system identifier is rejected
    The sub claim is kept equal to requesting_system, so that only requesting_system is wrong.

    Given a conforming publish request
    And the JWT claim "requesting_system" is "<requesting_system>"
    And the JWT claim "sub" has the same value as "requesting_system"
    When the request is sent
    Then the request is rejected for rule JWT-SYSTEM with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure

    Examples:
      | requesting_system                                                 |
      | {the sender's ASID}                                               |
      | https://fhir.nhs.uk/Id/ods-organization-code\|{the sender's ASID} |
      | https://fhir.nhs.uk/Id/accredited-system                          |
      | https://fhir.nhs.uk/Id/accredited-system\|                        |
      | https://fhir.nhs.uk/Id/accredited-system\|{the sender's ASID}\|1  |

  @violation @JWT-SYSTEM
  Scenario: A publish claiming an ASID not registered with Spine is rejected
    The sending system claims, in fromASID and requesting_system, an ASID the Spine directory
    does not hold. Over mutual TLS it presents its own endpoint certificate, which then does not
    match the ASID claimed.

    Given a conforming publish request
    And the sender is a system not registered with Spine
    When the request is sent
    Then the request is rejected for rule JWT-SYSTEM with Spine code MISSING_OR_INVALID_HEADER and issue type structure
    And the answer has status 400, or 403 over mutual TLS, where the endpoint certificate no longer matches the claimed ASID (rule EP-CERT)
    And the diagnostics for rule JWT-SYSTEM contain "is unknown"

  # JWT-ORG

  @conforming @JWT-ORG
  Scenario: A JWT naming the sender's ODS code in Spine Core's spelling, requesting_organization, is accepted
    Given a conforming publish request
    And the JWT claim "requesting_organization" names the sender's ODS code
    And the JWT has no "requesting_organisation" claim
    When the request is sent
    Then the request is accepted

  @conforming @JWT-ORG
  Scenario: A JWT naming the sender's ODS code in the guidance's spelling, requesting_organisation, is accepted
    Given a conforming publish request
    And the JWT claim "requesting_organisation" names the sender's ODS code
    And the JWT has no "requesting_organization" claim
    When the request is sent
    Then the request is accepted

  @conforming @JWT-ORG
  Scenario: A JWT sending both spellings with the same ODS code is accepted
    Given a conforming publish request
    And the JWT claim "requesting_organisation" has the same value as "requesting_organization"
    When the request is sent
    Then the request is accepted

  @conforming @JWT-ORG @nems-2019-01
  Scenario: In the 2019 guidance requesting_organisation may be an Organization resource
    Given a conforming publish request
    And the JWT claim "requesting_organisation" is an Organization resource with id "publisher-organisation" carrying the sender's ODS code
    And the JWT has no "requesting_organization" claim
    When the request is sent
    Then the request is accepted

  @violation @JWT-ORG
  Scenario: A JWT without a requesting organisation is rejected
    Given a conforming publish request
    And the JWT has no "requesting_organization" claim
    And the JWT has no "requesting_organisation" claim
    When the request is sent
    Then the request is rejected for rule JWT-ORG with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure

  @violation @JWT-ORG
  Scenario: A JWT naming an ODS code unknown to Spine is rejected
    Given a conforming publish request
    And the JWT claim "requesting_organization" names an ODS code unknown to Spine
    When the request is sent
    Then the request is rejected for rule JWT-ORG with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure
    And the diagnostics for rule JWT-ORG contain "is unknown"

  @violation @JWT-ORG
  Scenario Outline: A requesting organisation that is not an ODS code identifier is rejected
    Given a conforming publish request
    And the JWT claim "requesting_organization" is "<requesting_organization>"
    When the request is sent
    Then the request is rejected for rule JWT-ORG with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure

    Examples:
      | requesting_organization                                           |
      | {the sender's ODS code}                                           |
      | https://fhir.nhs.uk/Id/accredited-system\|{the sender's ODS code} |
      | https://fhir.nhs.uk/Id/ods-organization-code\|                    |

  @violation @JWT-ORG
  Scenario: A JWT sending both spellings with different ODS codes is rejected
    Given a conforming publish request
    And the JWT claim "requesting_organisation" names the ODS code of another registered system
    When the request is sent
    Then the request is rejected for rule JWT-ORG with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure

  # JWT-ORG-ASID

  @conforming @JWT-ORG-ASID
  Scenario: A JWT naming an ODS code linked to the sending system is accepted
    Given a conforming publish request
    And the JWT claim "requesting_organization" names the sender's ODS code
    When the request is sent
    Then the request is accepted

  @conforming @JWT-ORG-ASID
  Scenario: A system linked to several ODS codes may publish for any of them
    Given a conforming publish request
    And the JWT claim "requesting_organization" names another ODS code linked to the sender
    When the request is sent
    Then the request is accepted

  @violation @JWT-ORG-ASID
  Scenario Outline: A JWT naming an ODS code not linked to the sending system is rejected
    Given a conforming publish request
    And the JWT claim "requesting_organization" names <ODS code>
    When the request is sent
    Then the request is rejected for rule JWT-ORG-ASID with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure
    And the diagnostics for rule JWT-ORG-ASID contain "is not associated with the requesting_organisation ODS code"

    Examples:
      | ODS code                                                |
      | an ODS code known to Spine but not linked to the sender |
      | the ODS code of another registered system               |
