Feature: Request headers
  Checks the Spine headers that the NEMS "Publish an Event Message" page requires on every
  publish, as Spine Core's JWT validation compares them with the token:
  - fromASID: the sending system's ASID, the same as in the requesting_system claim;
  - toASID: the ASID of the NEMS service in the Spine directory;
  - InteractionID: urn:nhs:names:services:events:[Event_Code].Write for the event type of the
    message, an interaction the sending system is assured for. (The 2019 page said "TBC";
    today's format is required in both profiles.)

  @conforming @HDR-FROMASID @HDR-TOASID @HDR-INTERACTION
  Scenario: A publish with the sender's fromASID, the NEMS toASID and the event's InteractionID is accepted
    Given a conforming publish request
    When the request is sent
    Then the request is accepted

  # fromASID

  # Over mutual TLS a request whose fromASID is not the sender's ASID also no longer matches
  # the sender's endpoint certificate: rule EP-CERT, judged first, then sets the status.

  @violation @HDR-FROMASID
  Scenario: A publish without a fromASID header is rejected
    Given a conforming publish request
    And the request has no "fromASID" header
    When the request is sent
    Then the request is rejected for rule HDR-FROMASID with Spine code MISSING_OR_INVALID_HEADER and issue type invalid
    And the answer has status 400, or 403 over mutual TLS, where the endpoint certificate no longer matches the claimed ASID (rule EP-CERT)

  @violation @HDR-FROMASID
  Scenario Outline: A publish whose fromASID is not an ASID is rejected
    Given a conforming publish request
    And the "fromASID" header is "<fromASID>"
    When the request is sent
    Then the request is rejected for rule HDR-FROMASID with Spine code MISSING_OR_INVALID_HEADER and issue type invalid
    And the answer has status 400, or 403 over mutual TLS, where the endpoint certificate no longer matches the claimed ASID (rule EP-CERT)

    Examples:
      | fromASID       |
      |                |
      | ASID-1         |
      | 2000 0000 0115 |

  @violation @HDR-FROMASID
  Scenario: A publish whose fromASID differs from the ASID in requesting_system is rejected
    Given a conforming publish request
    And the "fromASID" header is the ASID of another registered system
    When the request is sent
    Then the request is rejected for rule HDR-FROMASID with Spine code MISSING_OR_INVALID_HEADER and issue type structure
    And the answer has status 400, or 403 over mutual TLS, where the endpoint certificate no longer matches the claimed ASID (rule EP-CERT)
    And the diagnostics for rule HDR-FROMASID contain "does not match the FromASID in the request"

  # toASID

  @violation @HDR-TOASID
  Scenario: A publish without a toASID header is rejected
    Given a conforming publish request
    And the request has no "toASID" header
    When the request is sent
    Then the request is rejected for rule HDR-TOASID with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type invalid

  @violation @HDR-TOASID
  Scenario Outline: A publish addressed to an ASID other than NEMS is rejected
    Given a conforming publish request
    And the "toASID" header is <toASID>
    When the request is sent
    Then the request is rejected for rule HDR-TOASID with status 403, Spine code ASID_CHECK_FAILED and issue type forbidden

    Examples:
      | toASID                                |
      | the ASID of another registered system |
      | the sender's ASID                     |
      | an ASID not registered with Spine     |

  # InteractionID

  @violation @HDR-INTERACTION
  Scenario: A publish without an InteractionID header is rejected
    Given a conforming publish request
    And the request has no "InteractionID" header
    When the request is sent
    Then the request is rejected for rule HDR-INTERACTION with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type invalid

  @violation @HDR-INTERACTION
  Scenario Outline: A publish whose InteractionID is not a publish interaction is rejected
    Given a conforming publish request
    And the "InteractionID" header is "<InteractionID>"
    When the request is sent
    Then the request is rejected for rule HDR-INTERACTION with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type invalid

    Examples: the 2019 placeholder, other forms, and event codes NEMS does not publish
      | InteractionID                                          |
      | TBC                                                    |
      | urn:nhs:names:services:events:Vaccinations.Read        |
      | urn:nhs:names:services:events:.Write                   |
      | urn:nhs:names:services:events:vaccinations.Write       |
      | urn:nhs:names:services:events:PDSChangeOfAddress.Write |
      | urn:nhs:names:services:nems:Vaccinations.Write         |

  @violation @HDR-INTERACTION
  Scenario: A publish whose InteractionID is for another event type than the message is rejected
    Given a conforming publish of a vaccinations-1 new message in XML
    And the InteractionID header is the interaction of professional-contacts-1
    When the request is sent
    Then the request is rejected for rule HDR-INTERACTION with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type invalid

  @violation @HDR-INTERACTION
  Scenario: A publish from a system not assured for the event's interaction is rejected
    Given a conforming publish of a nipe-outcome-1 new message in XML
    And the sender is a system not assured for nipe-outcome-1
    When the request is sent
    Then the request is rejected for rule HDR-INTERACTION with status 403, Spine code ASID_CHECK_FAILED and issue type forbidden
