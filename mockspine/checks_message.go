package mockspine

import (
	"slices"
	"time"

	"github.com/nems-harness/nems-harness/mockspine/world"
)

func checkWellFormed(r *Rule, x *Exchange) Verdict {
	switch {
	case x.BodyTruncated:
		return r.skipOn("MSG-SIZE", "the body is over the size limit and was not read")
	case x.coding != "":
		return r.failWith("content-encoding", "the body is sent with Content-Encoding %q; NEMS accepts only an uncompressed body (no Content-Encoding, or identity), so it was not read as FHIR", x.coding)
	case x.BodyError != "":
		return r.fail("the request body could not be read in full (%d bytes arrived): %s", len(x.Body), x.BodyError)
	case x.contentTypeErr != nil:
		return r.skipOn("MIME-CONTENT-TYPE", "the body's format is unknown because its Content-Type is not supported")
	case len(x.Body) == 0:
		return r.fail("the request has no body; a publish carries a FHIR Bundle")
	case x.bundleErr != nil:
		return r.fail("the body is not well-formed %s: %s", formatName(string(x.bodyFormat)), x.bundleErr.Error())
	}
	return r.pass("well-formed FHIR %s, %d bytes", formatName(string(x.bodyFormat)), len(x.Body))
}

func formatName(f string) string {
	if f == "json" {
		return "JSON"
	}
	return "XML"
}

func checkSize(r *Rule, x *Exchange) Verdict {
	if x.BodyTruncated {
		return r.fail("the body is larger than the 3 MB (%d bytes) NEMS accepts", MaxBody)
	}
	if x.BodyError != "" {
		return r.skipOn("MSG-WELLFORMED", "the body could not be read in full, so its size is not known")
	}
	return r.pass("%d bytes, within 3 MB", len(x.Body))
}

func checkBundle(r *Rule, x *Exchange) Verdict {
	b := x.bundle
	if b == nil {
		return r.skipOn("MSG-WELLFORMED", "the body could not be read")
	}
	switch {
	case b.ITKWrapper:
		return r.fail("the message carries an ITK3 wrapper (%s); NEMS adds the wrapper itself, publishers must not", b.ResourceType)
	case b.ResourceType != "Bundle":
		return r.fail("the body is a %s, not a Bundle", b.ResourceType)
	case b.Type != "message":
		return r.fail("Bundle.type is %q; it must be \"message\"", b.Type)
	case b.Entries == 0:
		return r.fail("the Bundle has no entries; the first must be a MessageHeader")
	case b.FirstResource != "MessageHeader" || b.Header == nil:
		return r.fail("the first entry is a %s; it must be the MessageHeader", b.FirstResource)
	}
	h := b.Header
	if h.EventCode == "" {
		return r.fail("MessageHeader.event has no code")
	}
	if h.EventSystem == eventSystem2019 {
		return r.failWith("not-publishable", "event %s (%s) is a PDS event, which NEMS only lets subscribers receive", h.EventCode, h.EventSystem)
	}
	ev, known := LookupEventType(h.EventCode)
	if !known {
		return r.failWith("unknown-event-type", "event type %q is not an event type NEMS knows", h.EventCode)
	}
	if h.EventSystem != eventSystem {
		return r.fail("MessageHeader.event system is %q; it must be %s", h.EventSystem, eventSystem)
	}
	if !ev.Publishable() {
		return r.failWith("not-publishable", "event type %s (%s) can be subscribed to but not published", ev.Code, ev.Name)
	}
	if d, dep := x.World.Deprecation(ev.Code); dep && withdrawn(d, x.Now) {
		return r.failWith("not-publishable", "event type %s was withdrawn on %s; see %s", ev.Code, d.Date, d.URL)
	}
	wantSystem, knownExt := messageEventTypeForms[h.MessageEventTypeURL]
	switch {
	case h.MessageEventTypeURL == "":
		return r.fail("the MessageHeader has no message event type extension (Extension-MessageEventType-1)")
	case !knownExt:
		return r.fail("message event type extension %q is not Extension-MessageEventType-1 or its 2019 form", h.MessageEventTypeURL)
	case h.MessageEventTypeSystem != wantSystem:
		return r.fail("message event type coding system is %q; with %s it must be %s", h.MessageEventTypeSystem, h.MessageEventTypeURL, wantSystem)
	case !slices.Contains(messageEventTypes, h.MessageEventType):
		return r.fail("message event type %q must be new, update or delete", h.MessageEventType)
	}
	return r.pass("Bundle of type message, %d entries: %s %s", b.Entries, ev.Code, h.MessageEventType)
}

// withdrawn reports whether a deprecated event's date has come.
func withdrawn(d world.DeprecatedEvent, now time.Time) bool {
	t, err := time.Parse(time.DateOnly, d.Date)
	return err == nil && !now.Before(t)
}
