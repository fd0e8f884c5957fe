Feature: JWT and claims
  Checks the Generic Publication API Guidance's requirements on the Authorization header,
  with Spine Core's "Access Tokens and Audit (JWT)" page it points to: every publish carries
  an unsigned JSON Web Token as a Bearer token, holding the mandatory claims, issued for five
  minutes, for a known reason, with the scope patient/Bundle.write, whose subject is the
  requesting system (or, in today's guidance, the requesting user when one is named).

  Spine answers a broken token with HTTP 400, Spine code MISSING_OR_INVALID_HEADER and, as
  Spine Core's JWT validation table says, issue type "structure".

  # JWT-BEARER: the Authorization header holds a Bearer token

  @conforming @JWT-BEARER
  Scenario: A publish carrying its JWT as a Bearer token is accepted
    Given a conforming publish request
    When the request is sent
    Then the request is accepted

  @conforming @JWT-BEARER
  Scenario: The Bearer scheme name is not case-sensitive
    Given a conforming publish request
    And the Authorization scheme is written "bearer"
    When the request is sent
    Then the request is accepted

  @violation @JWT-BEARER
  Scenario: A publish without an Authorization header is rejected and told to use a Bearer token
    Given a conforming publish request
    And the request has no "Authorization" header
    When the request is sent
    Then the request is rejected for rule JWT-BEARER with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure
    And the answer's "WWW-Authenticate" header starts with "Bearer"

  @violation @JWT-BEARER
  Scenario Outline: A publish whose Authorization header is not a Bearer token is rejected
    Given a conforming publish request
    And the "Authorization" header is "<Authorization>"
    When the request is sent
    Then the request is rejected for rule JWT-BEARER with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure
    And the answer's "WWW-Authenticate" header starts with "Bearer"

    Examples:
      | Authorization         |
      |                       |
      | Basic dXNlcjpwdw==    |
      | Bearer                |
      | Token eyJhbGciOi.e30. |

  # JWT-FORMAT: three base64url parts, header {"alg":"none","typ":"JWT"}, empty signature

  @conforming @JWT-FORMAT
  Scenario: An unsigned JWT with an empty signature after its trailing dot is accepted
    Given a conforming publish request
    And the JWT header is:
      """
      {"alg":"none","typ":"JWT"}
      """
    When the request is sent
    Then the request is accepted

  @violation @JWT-FORMAT
  Scenario: A JWT without its trailing dot is rejected
    Given a conforming publish request
    And the JWT is sent without its trailing dot
    When the request is sent
    Then the request is rejected for rule JWT-FORMAT with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure
    And the diagnostics for rule JWT-FORMAT contain "The JWT associated with the Authorisation header must have the 3 sections"

  @violation @JWT-FORMAT
  Scenario: A signed JWT is rejected
    Given a conforming publish request
    And the JWT header is:
      """
      {"alg":"HS256","typ":"JWT"}
      """
    And the JWT is signed with the signature "c2lnbmF0dXJl"
    When the request is sent
    Then the request is rejected for rule JWT-FORMAT with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure

  @violation @JWT-FORMAT
  Scenario: An unsigned JWT that still carries a signature is rejected
    Given a conforming publish request
    And the JWT is signed with the signature "c2lnbmF0dXJl"
    When the request is sent
    Then the request is rejected for rule JWT-FORMAT with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure

  @violation @JWT-FORMAT
  Scenario Outline: A JWT whose header is not {"alg":"none","typ":"JWT"} is rejected
    Given a conforming publish request
    And the JWT header is:
      """
      <header>
      """
    When the request is sent
    Then the request is rejected for rule JWT-FORMAT with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure

    Examples:
      | header                      |
      | {"alg":"none"}              |
      | {"alg":"RS256","typ":"JWT"} |
      | {"typ":"JWT"}               |
      | ["none","JWT"]              |
      | alg none                    |

  @violation @JWT-FORMAT
  Scenario Outline: A JWT whose payload is not a JSON object is rejected
    Given a conforming publish request
    And the JWT payload is:
      """
      <payload>
      """
    When the request is sent
    Then the request is rejected for rule JWT-FORMAT with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure

    Examples:
      | payload                  |
      | ["patient/Bundle.write"] |
      | "patient/Bundle.write"   |
      | {"iss": "publisher"      |

  @violation @JWT-FORMAT
  Scenario: A JWT encoded in standard base64 with padding instead of base64url is rejected
    Given a conforming publish request
    And the JWT is encoded in standard base64 with padding
    When the request is sent
    Then the request is rejected for rule JWT-FORMAT with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure

  @violation @JWT-FORMAT
  Scenario Outline: A Bearer token that is not three dot-separated parts is rejected
    Given a conforming publish request
    And the "Authorization" header is "Bearer <token>"
    When the request is sent
    Then the request is rejected for rule JWT-FORMAT with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure

    Examples:
      | token                                     |
      | not-a-jwt                                 |
      | eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.e30   |
      | eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.e30.. |

  # JWT-CLAIMS: the mandatory claims are present, not empty, and of the right JSON type

  @conforming @JWT-CLAIMS
  Scenario: A JWT carrying every mandatory claim is accepted
    The mandatory claims are iss, sub, aud, exp, iat, reason_for_request, scope and
    requesting_system.

    Given a conforming publish request
    When the request is sent
    Then the request is accepted

  @violation @JWT-CLAIMS
  Scenario Outline: A JWT without a mandatory claim is rejected
    Given a conforming publish request
    And the JWT has no "<claim>" claim
    When the request is sent
    Then the request is rejected for rule JWT-CLAIMS with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure
    And the diagnostics for rule JWT-CLAIMS contain "The mandatory claim <claim> from the JWT associated with the Authorisation header is missing"

    Examples:
      | claim              |
      | iss                |
      | sub                |
      | aud                |
      | exp                |
      | iat                |
      | reason_for_request |
      | scope              |
      | requesting_system  |

  @violation @JWT-CLAIMS
  Scenario Outline: A JWT whose mandatory claim is empty or of the wrong JSON type is rejected
    Given a conforming publish request
    And the JWT claim "<claim>" is the JSON value <value>
    When the request is sent
    Then the request is rejected for rule JWT-CLAIMS with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure

    Examples:
      | claim              | value                    |
      | iss                | ""                       |
      | iss                | null                     |
      | aud                | ""                       |
      | sub                | {}                       |
      | exp                | "1700000300"             |
      | exp                | 1700000300.5             |
      | iat                | "now"                    |
      | reason_for_request | ""                       |
      | scope              | ["patient/Bundle.write"] |
      | requesting_system  | 200000000115             |

  @violation @JWT-CLAIMS @nems-current
  Scenario: Today's guidance does not allow requesting_system as a FHIR Device resource
    Given a conforming publish request
    And the JWT claim "requesting_system" is a Device resource with id "publisher-device" carrying the sender's ASID
    And the JWT claim "sub" is "publisher-device"
    When the request is sent
    Then the request is rejected for rule JWT-CLAIMS with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure

  # JWT-TIME: exp is iat + 300 seconds, and the token is in date

  @conforming @JWT-TIME
  Scenario Outline: A JWT issued for exactly five minutes and in date is accepted
    Given a conforming publish request
    And the JWT was issued <when>
    When the request is sent
    Then the request is accepted

    Examples: just issued, nearly expired, and a clock 30 seconds ahead of the endpoint's
      | when                     |
      | 0 seconds ago            |
      | 4 minutes ago            |
      | 30 seconds in the future |

  @violation @JWT-TIME
  Scenario Outline: A JWT not issued for exactly 300 seconds is rejected
    Given a conforming publish request
    And the JWT expires <lifetime> seconds after it was issued
    When the request is sent
    Then the request is rejected for rule JWT-TIME with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure

    Examples:
      | lifetime |
      | 299      |
      | 301      |
      | 3600     |

  @violation @JWT-TIME
  Scenario Outline: A JWT out of date is rejected
    Given a conforming publish request
    And the JWT was issued <when>
    When the request is sent
    Then the request is rejected for rule JWT-TIME with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure

    Examples: issued in the future beyond the 60 seconds of clock leeway, and expired
      | when                     |
      | 10 minutes in the future |
      | 1 hour ago               |
      | 7 minutes ago            |

  # JWT-REASON

  @conforming @JWT-REASON
  Scenario Outline: A JWT giving a reason for request Spine knows is accepted
    Given a conforming publish request
    And the JWT claim "reason_for_request" is "<reason>"
    When the request is sent
    Then the request is accepted

    Examples:
      | reason        |
      | directcare    |
      | secondaryuses |
      | patientaccess |

  @violation @JWT-REASON
  Scenario Outline: A JWT giving another reason for request is rejected
    Given a conforming publish request
    And the JWT claim "reason_for_request" is "<reason>"
    When the request is sent
    Then the request is rejected for rule JWT-REASON with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure

    Examples:
      | reason      |
      | research    |
      | DirectCare  |
      | direct care |

  # JWT-SCOPE

  @conforming @JWT-SCOPE
  Scenario: A JWT with the scope patient/Bundle.write is accepted
    Given a conforming publish request
    And the JWT claim "scope" is "patient/Bundle.write"
    When the request is sent
    Then the request is accepted

  @violation @JWT-SCOPE
  Scenario Outline: A JWT with any other scope is rejected
    Given a conforming publish request
    And the JWT claim "scope" is "<scope>"
    When the request is sent
    Then the request is rejected for rule JWT-SCOPE with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure
    And the diagnostics for rule JWT-SCOPE contain "Required scopes not found in token (<scope>)"

    Examples:
      | scope                               |
      | patient/*.read                      |
      | patient/Bundle.read                 |
      | patient/*.write                     |
      | organization/Bundle.write           |
      | patient/Bundle.write patient/*.read |
      | Patient/Bundle.write                |

  # JWT-SUB

  @conforming @JWT-SUB
  Scenario: A JWT whose subject is the requesting system is accepted
    Given a conforming publish request
    And the JWT claim "sub" has the same value as "requesting_system"
    When the request is sent
    Then the request is accepted

  @violation @JWT-SUB
  Scenario: A JWT whose subject is another system is rejected
    Given a conforming publish request
    And the JWT claim "sub" names the ASID of another registered system
    When the request is sent
    Then the request is rejected for rule JWT-SUB with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure
    And the diagnostics for rule JWT-SUB contain "values must match"

  @violation @JWT-SUB @nems-2019-01
  Scenario: In the 2019 guidance a JWT naming a requesting user still has the requesting system as its subject
    Given a conforming publish request
    And the JWT claim "requesting_user" is "https://fhir.nhs.uk/Id/sds-role-profile-id|200000000001"
    And the JWT claim "sub" has the same value as "requesting_user"
    When the request is sent
    Then the request is rejected for rule JWT-SUB with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure

  @conforming @JWT-SUB @JWT-USER @nems-current
  Scenario: In today's guidance a JWT naming a requesting user has that user as its subject
    Given a conforming publish request
    And the JWT claim "requesting_user" is "https://fhir.nhs.uk/Id/sds-role-profile-id|200000000001"
    And the JWT claim "sub" has the same value as "requesting_user"
    When the request is sent
    Then the request is accepted

  @violation @JWT-SUB @nems-current
  Scenario: In today's guidance a JWT naming a requesting user but with the system as subject is rejected
    Given a conforming publish request
    And the JWT claim "requesting_user" is "https://fhir.nhs.uk/Id/sds-role-profile-id|200000000001"
    When the request is sent
    Then the request is rejected for rule JWT-SUB with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure
    And the diagnostics for rule JWT-SUB contain "requesting_user (https://fhir.nhs.uk/Id/sds-role-profile-id|200000000001) and sub"

  @conforming @JWT-SUB @JWT-SYSTEM @nems-2019-01
  Scenario: In the 2019 guidance requesting_system may be a Device resource, and sub is its id
    The guidance's wording dates from JWTs whose claims were FHIR resources: the subject is
    then "the id element within the requesting_system claim resource".

    Given a conforming publish request
    And the JWT claim "requesting_system" is a Device resource with id "publisher-device" carrying the sender's ASID
    And the JWT claim "sub" is "publisher-device"
    When the request is sent
    Then the request is accepted

  @violation @JWT-SUB @nems-2019-01
  Scenario: In the 2019 guidance a subject that is not the id of the requesting_system Device is rejected
    Given a conforming publish request
    And the JWT claim "requesting_system" is a Device resource with id "publisher-device" carrying the sender's ASID
    And the JWT claim "sub" is "another-device"
    When the request is sent
    Then the request is rejected for rule JWT-SUB with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure

  # JWT-USER

  @conforming @JWT-USER
  Scenario: A JWT without a requesting user is accepted
    Given a conforming publish request
    And the JWT has no "requesting_user" claim
    When the request is sent
    Then the request is accepted

  @conforming @JWT-USER @nems-2019-01
  Scenario: A JWT naming the requesting user by SDS role profile id is accepted
    Given a conforming publish request
    And the JWT claim "requesting_user" is "https://fhir.nhs.uk/Id/sds-role-profile-id|200000000001"
    When the request is sent
    Then the request is accepted

  @violation @JWT-USER
  Scenario Outline: A JWT naming the requesting user in another form is rejected
    Given a conforming publish request
    And the JWT claim "requesting_user" is the JSON value <requesting_user>
    When the request is sent
    Then the request is rejected for rule JWT-USER with status 400, Spine code MISSING_OR_INVALID_HEADER and issue type structure

    Examples:
      | requesting_user                                    |
      | "nurse"                                            |
      | "https://fhir.nhs.uk/Id/sds-user-id\|200000000001" |
      | "https://fhir.nhs.uk/Id/sds-role-profile-id\|"     |
      | "https://fhir.nhs.uk/Id/sds-role-profile-id"       |
      | null                                               |
