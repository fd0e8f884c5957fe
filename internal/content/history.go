package content

import (
	"strings"
	"sync"

	"github.com/nems-harness/nems-harness/internal/fhir"
)

// Facts are what the journal rules remember of an accepted message.
type Facts struct {
	// Ref names the exchange for people ("request 12"); set by whoever
	// records the facts.
	Ref string
	// MessageID is MessageHeader.id.
	MessageID string
	Event     string
	Type      string // new, update, delete
	// VersionID and LastUpdated are MessageHeader.meta's ("" when absent).
	VersionID   string
	LastUpdated string
	Focus       FocusKey
	Sequence    SequenceKey
}

// FocusKey is (event, identifier system, identifier value) of the focus
// resource's identifier; zero when the focus has no identifier.
type FocusKey struct{ Event, System, Value string }

// SequenceKey is (sender ASID, routing NHS number, event); zero when the
// ASID or the NHS number is unknown.
type SequenceKey struct{ ASID, NHSNumber, Event string }

// History is the earlier accepted messages of the same run.
type History interface {
	// SeenMessageID returns an earlier message with this MessageHeader.id
	// (compared case-insensitively).
	SeenMessageID(id string) (Facts, bool)
	// LastByFocus and LastBySequence return the latest earlier message with
	// the key.
	LastByFocus(k FocusKey) (Facts, bool)
	LastBySequence(k SequenceKey) (Facts, bool)
	// Len is how many messages it holds.
	Len() int
}

// Memory is a History kept in memory. It is safe for concurrent use.
type Memory struct {
	mu    sync.Mutex
	ids   map[string]Facts
	focus map[FocusKey]Facts
	seq   map[SequenceKey]Facts
	n     int
}

// NewMemory returns an empty History.
func NewMemory() *Memory {
	return &Memory{ids: map[string]Facts{}, focus: map[FocusKey]Facts{}, seq: map[SequenceKey]Facts{}}
}

// Record remembers an accepted message.
func (h *Memory) Record(f Facts) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.n++
	if f.MessageID != "" {
		if _, dup := h.ids[strings.ToLower(f.MessageID)]; !dup {
			h.ids[strings.ToLower(f.MessageID)] = f
		}
	}
	if f.Focus != (FocusKey{}) {
		h.focus[f.Focus] = f
	}
	if f.Sequence != (SequenceKey{}) {
		h.seq[f.Sequence] = f
	}
}

// Reset forgets every message.
func (h *Memory) Reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	clear(h.ids)
	clear(h.focus)
	clear(h.seq)
	h.n = 0
}

// Len implements History.
func (h *Memory) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n
}

// SeenMessageID implements History.
func (h *Memory) SeenMessageID(id string) (Facts, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f, ok := h.ids[strings.ToLower(id)]
	return f, ok
}

// LastByFocus implements History.
func (h *Memory) LastByFocus(k FocusKey) (Facts, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f, ok := h.focus[k]
	return f, ok
}

// LastBySequence implements History.
func (h *Memory) LastBySequence(k SequenceKey) (Facts, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f, ok := h.seq[k]
	return f, ok
}

// Facts returns what the journal rules remember of this message.
func (m *Message) Facts() Facts {
	f := Facts{Event: m.Event, Type: m.Type}
	h := m.Header
	f.MessageID, _ = h.Val("id")
	f.VersionID, _ = h.Val("meta.versionId")
	f.LastUpdated, _ = h.Val("meta.lastUpdated")
	if m.Focus.Ok() {
		for _, id := range m.Focus.All("identifier") {
			sys, _ := id.Val("system")
			val, ok := id.Val("value")
			if ok {
				f.Focus = FocusKey{m.Event, sys, val}
				break
			}
		}
	}
	if nhs := m.RoutingNHSNumber(); nhs != "" && m.SenderASID != "" {
		f.Sequence = SequenceKey{m.SenderASID, nhs, m.Event}
	}
	// A Doc, the event code and the message event type alias the body (and
	// the sender ASID a request header): keep copies, or the history would
	// hold every accepted body for the rest of the run.
	f.Event, f.Type = strings.Clone(f.Event), strings.Clone(f.Type)
	f.MessageID, f.VersionID, f.LastUpdated = strings.Clone(f.MessageID), strings.Clone(f.VersionID), strings.Clone(f.LastUpdated)
	if f.Focus != (FocusKey{}) {
		f.Focus = FocusKey{f.Event, strings.Clone(f.Focus.System), strings.Clone(f.Focus.Value)}
	}
	if f.Sequence != (SequenceKey{}) {
		f.Sequence = SequenceKey{strings.Clone(f.Sequence.ASID), strings.Clone(f.Sequence.NHSNumber), f.Event}
	}
	return f
}

// RoutingNHSNumber is the value of the routing demographics nhsNumber
// sub-extension, "" when absent.
func (m *Message) RoutingNHSNumber() string {
	for _, rd := range m.Header.Ext(fhir.RoutingDemographicsURL) {
		for _, n := range rd.Ext("nhsNumber") {
			if v, ok := n.Val("valueIdentifier.value"); ok {
				return v
			}
		}
	}
	return ""
}
