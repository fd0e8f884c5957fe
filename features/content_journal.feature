@content
Feature: Event content: the rules that remember
  Checks the generic event requirements that need earlier messages (RULES-CONTENT.md "Rules
  that remember"), judged against the earlier accepted messages of the same run: a
  MessageHeader id is never used twice; meta.versionId grows for the same sender, patient and
  event; meta.lastUpdated does not go back for the same record; and the life cycle of a
  record (new, then update or delete) is followed. Each scenario uses a record new to the run.

  These scenarios expect the mock in content mode reject (conformance's embedded mock runs so).

  # EVT-MSGID-UNIQUE

  @conforming @EVT-MSGID-UNIQUE
  Scenario: EVT-MSGID-UNIQUE: each message has its own MessageHeader id
    Given a conforming publish request
    And the record is new to the run
    When the request is sent
    And the update message for the same record is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-MSGID-UNIQUE

  @violation @EVT-MSGID-UNIQUE
  Scenario: EVT-MSGID-UNIQUE: a MessageHeader id used before
    Given a conforming publish request
    And the record is new to the run
    And the MessageHeader id stays the same from one message to the next
    When the request is sent
    And the update message for the same record is sent
    Then the request is rejected for rule EVT-MSGID-UNIQUE with status 422, Spine code INVALID_RESOURCE and issue type invalid

  # EVT-VERSIONID-ORDER

  @conforming @EVT-VERSIONID-ORDER
  Scenario: EVT-VERSIONID-ORDER: meta.versionId grows from one message to the next
    Given a conforming publish request
    And the record is new to the run
    And the MessageHeader meta.versionId is 1000
    When the request is sent
    And the MessageHeader meta.versionId is 1001
    And the update message for the same record is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-VERSIONID-ORDER

  @violation @EVT-VERSIONID-ORDER
  Scenario: EVT-VERSIONID-ORDER: meta.versionId that does not grow
    Given a conforming publish request
    And the record is new to the run
    And the MessageHeader meta.versionId is 7
    When the request is sent
    And the update message for the same record is sent
    Then the request is rejected for rule EVT-VERSIONID-ORDER with status 422, Spine code INVALID_RESOURCE and issue type invalid

  # EVT-LASTUPDATED-ORDER

  @conforming @EVT-LASTUPDATED-ORDER
  Scenario: EVT-LASTUPDATED-ORDER: an update made after the new message
    Given a conforming publish request
    And the record is new to the run
    When the request is sent
    And the update message for the same record is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-LASTUPDATED-ORDER

  @violation @EVT-LASTUPDATED-ORDER
  Scenario: EVT-LASTUPDATED-ORDER: a message older than the record's last one
    Given a conforming publish of a vaccinations-1 update message in XML
    And the record is new to the run
    When the request is sent
    And the new message for the same record is sent
    Then the answer has status 202
    And the answer has a warning for rule EVT-LASTUPDATED-ORDER with Spine code INVALID_RESOURCE and issue type invalid

  # EVT-LIFECYCLE

  @conforming @EVT-LIFECYCLE
  Scenario: EVT-LIFECYCLE: new, then update, then delete
    Given a conforming publish request
    And the record is new to the run
    When the request is sent
    And the update message for the same record is sent
    And the delete message for the same record is sent
    Then the request is accepted
    And the answer has no issue for rule EVT-LIFECYCLE

  @violation @EVT-LIFECYCLE
  Scenario: EVT-LIFECYCLE: an update for a record never sent
    Given a conforming publish of a vaccinations-1 update message in XML
    And the record is new to the run
    When the request is sent
    Then the answer has status 202
    And the answer has a warning for rule EVT-LIFECYCLE with Spine code INVALID_RESOURCE and issue type invalid
