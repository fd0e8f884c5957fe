Feature: MIME types
  Checks the Generic Publication API Guidance's list of supported MIME types and its default:
  - a Content-Type header, when sent, names a supported type;
  - an Accept header, when sent, admits a supported type, and the answer is written in it;
  - without Content-Type the message is read as application/xml+fhir;charset=utf-8, and
    without Accept the answer is written in application/xml+fhir;charset=utf-8.
  Media types are compared as media types (names are not case-sensitive, spaces around ";"
  are allowed); the only parameter allowed is charset=utf-8.

  The 2019 guidance supports eight types, four for XML and four for JSON. Today's guidance
  supports the XML types only.

  # MIME-CONTENT-TYPE

  @conforming @MIME-CONTENT-TYPE
  Scenario Outline: A message declared as a supported media type is accepted
    Given a conforming publish request with <message>
    And the "Content-Type" header is "<media type>"
    When the request is sent
    Then the request is accepted

    Examples: XML
      | message        | media type                         |
      | an XML message | application/fhir+xml               |
      | an XML message | application/fhir+xml;charset=utf-8 |
      | an XML message | application/xml+fhir               |
      | an XML message | application/xml+fhir;charset=utf-8 |

    @nems-2019-01
    Examples: JSON (2019 guidance only)
      | message        | media type                          |
      | a JSON message | application/fhir+json               |
      | a JSON message | application/fhir+json;charset=utf-8 |
      | a JSON message | application/json+fhir               |
      | a JSON message | application/json+fhir;charset=utf-8 |

  @conforming @MIME-CONTENT-TYPE
  Scenario Outline: A supported media type written differently is still that media type
    Given a conforming publish request with an XML message
    And the "Content-Type" header is "<media type>"
    When the request is sent
    Then the request is accepted

    Examples:
      | media type                           |
      | application/fhir+xml; charset=utf-8  |
      | application/fhir+xml ; charset=UTF-8 |
      | Application/FHIR+XML                 |
      | APPLICATION/XML+FHIR;CHARSET=utf-8   |

  @violation @MIME-CONTENT-TYPE
  Scenario Outline: A message declared as an unsupported media type is rejected
    Given a conforming publish request with an XML message
    And the "Content-Type" header is "<media type>"
    When the request is sent
    Then the request is rejected for rule MIME-CONTENT-TYPE with status 415, Spine code BAD_REQUEST and issue type not-supported

    Examples:
      | media type                                       |
      | application/json                                 |
      | application/xml                                  |
      | text/xml                                         |
      | text/plain                                       |
      | application/fhir+turtle                          |
      | application/fhir+xml;charset=iso-8859-1          |
      | application/fhir+xml;version=3.0                 |
      | application/fhir+xml;charset=utf-8;charset=utf-8 |
      | fhir+xml                                         |

  @violation @MIME-CONTENT-TYPE @nems-current
  Scenario Outline: Today's guidance does not accept JSON messages
    Given a conforming publish request with a JSON message
    And the "Content-Type" header is "<media type>"
    And the request has no "Accept" header
    When the request is sent
    Then the request is rejected for rule MIME-CONTENT-TYPE with status 415, Spine code BAD_REQUEST and issue type not-supported

    Examples:
      | media type                          |
      | application/fhir+json               |
      | application/fhir+json;charset=utf-8 |
      | application/json+fhir               |
      | application/json+fhir;charset=utf-8 |

  # MIME-ACCEPT

  @conforming @MIME-ACCEPT
  Scenario Outline: A publish accepting a supported media type is accepted
    Given a conforming publish request
    And the "Accept" header is "<media type>"
    When the request is sent
    Then the request is accepted

    Examples: XML
      | media type                         |
      | application/fhir+xml               |
      | application/fhir+xml;charset=utf-8 |
      | application/xml+fhir               |
      | application/xml+fhir;charset=utf-8 |

    @nems-2019-01
    Examples: JSON (2019 guidance only)
      | media type                          |
      | application/fhir+json               |
      | application/fhir+json;charset=utf-8 |
      | application/json+fhir               |
      | application/json+fhir;charset=utf-8 |

  @conforming @MIME-ACCEPT
  Scenario Outline: An answer is written in the media type the publisher accepts
    To see the answer's media type the request is refused: its JWT breaks two rules (the
    scope and the reason for request), so that the answer is an OperationOutcome.

    Given a conforming publish request
    And the JWT claim "scope" is "patient/*.read"
    And the JWT claim "reason_for_request" is "research"
    And the "Accept" header is "<Accept>"
    When the request is sent
    Then the answer has status 400
    And the answer is a Spine OperationOutcome
    And the answer's Content-Type is exactly "<answer type>"

    Examples: XML
      | Accept                             | answer type                        |
      | application/fhir+xml               | application/fhir+xml               |
      | application/fhir+xml;charset=utf-8 | application/fhir+xml;charset=utf-8 |
      | application/xml+fhir               | application/xml+fhir               |
      | application/xml+fhir;charset=utf-8 | application/xml+fhir;charset=utf-8 |

    @nems-2019-01
    Examples: JSON (2019 guidance only)
      | Accept                              | answer type                         |
      | application/fhir+json               | application/fhir+json               |
      | application/fhir+json;charset=utf-8 | application/fhir+json;charset=utf-8 |
      | application/json+fhir               | application/json+fhir               |
      | application/json+fhir;charset=utf-8 | application/json+fhir;charset=utf-8 |

    Examples: wild cards, q-values, other spellings and several types
      | Accept                                           | answer type                        |
      | */*                                              | application/xml+fhir;charset=utf-8 |
      | application/*                                    | application/xml+fhir;charset=utf-8 |
      | text/html, application/fhir+xml                  | application/fhir+xml               |
      | APPLICATION/FHIR+XML                             | application/fhir+xml               |
      | application/fhir+xml; charset=UTF-8              | application/fhir+xml;charset=utf-8 |
      | application/fhir+xml;q=0.5, application/xml+fhir | application/xml+fhir               |

    @nems-2019-01
    Examples: JSON preferred by q-value (2019 guidance)
      | Accept                                            | answer type           |
      | application/fhir+xml;q=0.5, application/fhir+json | application/fhir+json |

    @nems-current
    Examples: JSON preferred but not supported (today's guidance)
      | Accept                                            | answer type          |
      | application/fhir+json, application/fhir+xml;q=0.5 | application/fhir+xml |

  @violation @MIME-ACCEPT
  Scenario Outline: A publish accepting no supported media type is rejected, in the default media type
    Given a conforming publish request
    And the "Accept" header is "<Accept>"
    When the request is sent
    Then the request is rejected for rule MIME-ACCEPT with status 406, Spine code BAD_REQUEST and issue type not-supported
    And the answer's Content-Type is exactly "application/xml+fhir;charset=utf-8"

    Examples:
      | Accept                                  |
      | text/html                               |
      | application/json                        |
      | application/xml                         |
      | image/*                                 |
      | application/fhir+xml;q=0                |
      | application/fhir+xml;charset=iso-8859-1 |

    @nems-current
    Examples: JSON types (today's guidance)
      | Accept                              |
      | application/fhir+json               |
      | application/fhir+json;charset=utf-8 |
      | application/json+fhir               |
      | application/json+fhir;charset=utf-8 |

  # MIME-DEFAULT

  @conforming @MIME-DEFAULT
  Scenario: An XML message sent without Content-Type or Accept is accepted
    Given a conforming publish request with an XML message
    And the request has no "Content-Type" header
    And the request has no "Accept" header
    When the request is sent
    Then the request is accepted

  @conforming @MIME-DEFAULT
  Scenario: Without Accept the answer is written in application/xml+fhir;charset=utf-8
    To see the answer's media type the request is refused: its JWT breaks two rules (the
    scope and the reason for request), so that the answer is an OperationOutcome.

    Given a conforming publish request
    And the JWT claim "scope" is "patient/*.read"
    And the JWT claim "reason_for_request" is "research"
    And the request has no "Accept" header
    When the request is sent
    Then the answer has status 400
    And the answer is a Spine OperationOutcome
    And the answer's Content-Type is exactly "application/xml+fhir;charset=utf-8"

  @violation @MIME-DEFAULT
  Scenario: A JSON message sent without Content-Type is read as XML, and rejected
    Given a conforming publish request with a JSON message
    And the request has no "Content-Type" header
    And the request has no "Accept" header
    When the request is sent
    Then the request is rejected for rule MIME-DEFAULT with status 400, Spine code BAD_REQUEST and issue type invalid
    And the answer's Content-Type is exactly "application/xml+fhir;charset=utf-8"
