Feature: Publish operation and message structure
  Checks the NEMS "Publish an Event Message" page and the message architecture it points to:
  - events are published with POST to /STU3/Events/1/$process-message (the 2019 example used
    /$process-message); other methods and paths are refused;
  - the body is well-formed FHIR, in XML (namespace http://hl7.org/fhir) or JSON, of at
    most 3 MB;
  - the body is a Bundle of type "message" without an ITK3 wrapper, whose first entry is a
    MessageHeader naming an event type publishers may publish and a message event type of
    new, update or delete.

  # The operation

  @conforming @MSG-BUNDLE @MSG-WELLFORMED
  Scenario Outline: Every publishable event type is accepted as new, update and delete, in XML and JSON
    Given a conforming publish of a <event> <message type> message in <format>
    When the request is sent
    Then the request is accepted

    Examples: XML
      | event                     | message type | format |
      | blood-spot-test-outcome-1 | new          | XML    |
      | blood-spot-test-outcome-1 | update       | XML    |
      | blood-spot-test-outcome-1 | delete       | XML    |
      | newborn-hearing-1         | new          | XML    |
      | newborn-hearing-1         | update       | XML    |
      | newborn-hearing-1         | delete       | XML    |
      | nipe-outcome-1            | new          | XML    |
      | nipe-outcome-1            | update       | XML    |
      | nipe-outcome-1            | delete       | XML    |
      | professional-contacts-1   | new          | XML    |
      | professional-contacts-1   | update       | XML    |
      | professional-contacts-1   | delete       | XML    |
      | vaccinations-1            | new          | XML    |
      | vaccinations-1            | update       | XML    |
      | vaccinations-1            | delete       | XML    |

    @nems-2019-01
    Examples: JSON (2019 guidance only)
      | event                     | message type | format |
      | blood-spot-test-outcome-1 | new          | JSON   |
      | blood-spot-test-outcome-1 | update       | JSON   |
      | blood-spot-test-outcome-1 | delete       | JSON   |
      | newborn-hearing-1         | new          | JSON   |
      | newborn-hearing-1         | update       | JSON   |
      | newborn-hearing-1         | delete       | JSON   |
      | nipe-outcome-1            | new          | JSON   |
      | nipe-outcome-1            | update       | JSON   |
      | nipe-outcome-1            | delete       | JSON   |
      | professional-contacts-1   | new          | JSON   |
      | professional-contacts-1   | update       | JSON   |
      | professional-contacts-1   | delete       | JSON   |
      | vaccinations-1            | new          | JSON   |
      | vaccinations-1            | update       | JSON   |
      | vaccinations-1            | delete       | JSON   |

  @conforming @operation
  Scenario: A publish to the path of the 2019 example is accepted
    Given a conforming publish request
    When the request is sent to the path "/$process-message"
    Then the request is accepted

  @operation
  Scenario Outline: Methods other than POST are refused on the publish path
    Given a conforming publish request
    When the request is sent with method <method>
    Then the answer has status 405
    And the answer is a Spine OperationOutcome
    And the answer's issue has Spine code BAD_REQUEST and issue type not-supported
    And the answer's "Allow" header is "POST"

    Examples:
      | method |
      | GET    |
      | PUT    |
      | PATCH  |
      | DELETE |

  @operation
  Scenario Outline: Paths other than the publish path are refused
    Given a conforming publish request
    When the request is sent to the path "<path>"
    Then the answer has status 404
    And the answer is a Spine OperationOutcome
    And the answer's issue has Spine code NO_RECORD_FOUND and issue type not-found

    Examples:
      | path                             |
      | /STU3/Events/1/process-message   |
      | /STU3/Events/2/$process-message  |
      | /STU3/Events/1/$process-messages |
      | /STU3/Bundle                     |

  # MSG-WELLFORMED

  @conforming @MSG-WELLFORMED
  Scenario: A well-formed XML message is accepted
    Given a conforming publish request with an XML message
    When the request is sent
    Then the request is accepted

  @violation @MSG-WELLFORMED
  Scenario Outline: A message that is not well-formed is rejected
    Given a conforming publish request with <message>
    And the message is cut off after 200 bytes
    When the request is sent
    Then the request is rejected for rule MSG-WELLFORMED with status 400, Spine code BAD_REQUEST and issue type invalid

    Examples:
      | message        |
      | an XML message |

    @nems-2019-01
    Examples: JSON (2019 guidance only)
      | message        |
      | a JSON message |

  @violation @MSG-WELLFORMED
  Scenario: An XML message outside the FHIR namespace is rejected
    Given a conforming publish request with an XML message
    And the message is not in the FHIR namespace
    When the request is sent
    Then the request is rejected for rule MSG-WELLFORMED with status 400, Spine code BAD_REQUEST and issue type invalid

  @violation @MSG-WELLFORMED
  Scenario: A publish without a message is rejected
    Given a conforming publish request
    And the message body is empty
    When the request is sent
    Then the request is rejected for rule MSG-WELLFORMED with status 400, Spine code BAD_REQUEST and issue type invalid

  @violation @MSG-WELLFORMED
  Scenario: A JSON message declared as XML is rejected
    Given a conforming publish request with a JSON message
    And the "Content-Type" header is "application/fhir+xml;charset=utf-8"
    And the "Accept" header is "application/fhir+xml;charset=utf-8"
    When the request is sent
    Then the request is rejected for rule MSG-WELLFORMED with status 400, Spine code BAD_REQUEST and issue type invalid

  @violation @MSG-WELLFORMED @nems-2019-01
  Scenario: An XML message declared as JSON is rejected
    Given a conforming publish request with an XML message
    And the "Content-Type" header is "application/fhir+json;charset=utf-8"
    When the request is sent
    Then the request is rejected for rule MSG-WELLFORMED with status 400, Spine code BAD_REQUEST and issue type invalid

  # MSG-SIZE

  @conforming @MSG-SIZE
  Scenario: A message of exactly 3 MB is accepted
    Given a conforming publish request
    And the message is padded with whitespace to 3145728 bytes
    When the request is sent
    Then the request is accepted

  @violation @MSG-SIZE
  Scenario: A message larger than 3 MB is rejected
    Given a conforming publish request
    And the message is padded with whitespace to 3145729 bytes
    When the request is sent
    Then the request is rejected for rule MSG-SIZE with status 413, Spine code INVALID_REQUEST_MESSAGE and issue type too-costly

  # MSG-BUNDLE

  # In profile nems-current the event content rule EVT-MSGEVENTTYPE wants today's form: a
  # content mode reject mock refuses the 2019 form for it, not for MSG-BUNDLE.
  @conforming @MSG-BUNDLE
  Scenario Outline: The 2019 form of the message event type extension is read
    Given a conforming publish request with <message>
    And the message event type is written in its 2019 form
    When the request is sent
    Then the answer has no issue for rule MSG-BUNDLE

    Examples:
      | message        |
      | an XML message |

    @nems-2019-01
    Examples: JSON (2019 guidance only)
      | message        |
      | a JSON message |

  @violation @MSG-BUNDLE
  Scenario Outline: A Bundle that is not of type message is rejected
    Given a conforming publish request with <message>
    And the bundle type is "<type>"
    When the request is sent
    Then the request is rejected for rule MSG-BUNDLE with status 422, Spine code INVALID_RESOURCE and issue type invalid

    Examples:
      | message        | type        |
      | an XML message | collection  |
      | an XML message | transaction |
      | an XML message | document    |

    @nems-2019-01
    Examples: JSON (2019 guidance only)
      | message        | type       |
      | a JSON message | collection |

  @violation @MSG-BUNDLE
  Scenario Outline: A message event type other than new, update or delete is rejected
    Given a conforming publish request with <message>
    And the message event type is "<message event type>"
    When the request is sent
    Then the request is rejected for rule MSG-BUNDLE with status 422, Spine code INVALID_RESOURCE and issue type invalid

    Examples:
      | message        | message event type |
      | an XML message | cancel             |
      | an XML message | New                |
      | an XML message | create             |

    @nems-2019-01
    Examples: JSON (2019 guidance only)
      | message        | message event type |
      | a JSON message | cancel             |

  @violation @MSG-BUNDLE
  Scenario: A message event type extension with another URL is rejected
    Given a conforming publish request
    And the message event type extension URL is "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-EventType-1"
    When the request is sent
    Then the request is rejected for rule MSG-BUNDLE with status 422, Spine code INVALID_RESOURCE and issue type invalid

  @violation @MSG-BUNDLE
  Scenario Outline: A message wrapped in an ITK3 wrapper is rejected
    NEMS adds the ITK3 wrapper itself when it forwards an event; publishers must not.

    Given a conforming publish request with <message>
    And the message is wrapped in an ITK3 wrapper
    When the request is sent
    Then the request is rejected for rule MSG-BUNDLE with status 422, Spine code INVALID_RESOURCE and issue type invalid

    Examples:
      | message        |
      | an XML message |

    @nems-2019-01
    Examples: JSON (2019 guidance only)
      | message        |
      | a JSON message |

  @violation @MSG-BUNDLE
  Scenario: A Bundle whose first entry is not the MessageHeader is rejected
    Given a conforming publish request
    And the first entry of the Bundle is not the MessageHeader
    When the request is sent
    Then the request is rejected for rule MSG-BUNDLE with status 422, Spine code INVALID_RESOURCE and issue type invalid

  @violation @MSG-BUNDLE
  Scenario: A resource other than a Bundle is rejected
    Given a conforming publish request
    And the message is a Patient resource instead of a Bundle
    When the request is sent
    Then the request is rejected for rule MSG-BUNDLE with status 422, Spine code INVALID_RESOURCE and issue type invalid

  @violation @MSG-BUNDLE
  Scenario: An event code from another code system is rejected
    Given a conforming publish request
    And the event code system is "http://snomed.info/sct"
    When the request is sent
    Then the request is rejected for rule MSG-BUNDLE with status 422, Spine code INVALID_RESOURCE and issue type invalid

  @violation @MSG-BUNDLE
  Scenario: An event type NEMS does not know is rejected
    Given a conforming publish request
    And the event code is "vaccinations-9"
    When the request is sent
    Then the request is rejected for rule MSG-BUNDLE with status 400, Spine code INVALID_CODE_VALUE and issue type code-invalid

  @violation @MSG-BUNDLE
  Scenario Outline: A PDS event, which publishers may only subscribe to, is refused
    Given a conforming publish request
    And the event code is "<event code>"
    And the event code system is "<code system>"
    When the request is sent
    Then the request is rejected for rule MSG-BUNDLE with status 403, Spine code ACCESS_DENIED and issue type forbidden

    Examples: today's PDS event codes, and the 2019 ones
      | event code               | code system                                         |
      | pds-change-of-address-1  | https://fhir.nhs.uk/STU3/CodeSystem/EventType-1     |
      | pds-death-notification-1 | https://fhir.nhs.uk/STU3/CodeSystem/EventType-1     |
      | PDS002                   | https://fhir.nhs.uk/STU3/CodeSystem/EMS-EventType-1 |
