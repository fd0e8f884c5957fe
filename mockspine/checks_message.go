package mockspine

import (
	"net/http"
	"slices"
	"time"

	"github.com/nems-harness/nems-harness/mockspine/world"
)

func checkWellFormed(r *Rule, x *Exchange) Verdict {
	switch {
	case x.BodyTruncated:
		return r.skip("the body is over the size limit and was not read (MSG-SIZE)")
	case x.contentTypeErr != nil:
		return r.skip("the body's format is unknown because its Content-Type is not supported (MIME-CONTENT-TYPE)")
	case len(x.Body) == 0:
		return r.fail("the request has no body; a publish carries a FHIR Bundle")
	case x.bundleErr != nil:
		return r.fail("the body is not well-formed %s: %v", formatName(string(x.bodyFormat)), x.bundleErr)
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
	return r.pass("%d bytes, within 3 MB", len(x.Body))
}

func checkBundle(r *Rule, x *Exchange) Verdict {
	b := x.bundle
	if b == nil {
		return r.skip("the body could not be read (MSG-WELLFORMED)")
	}
	codeInvalid := Answer{http.StatusBadRequest, CodeInvalidCodeValue, IssueCodeInvalid}
	denied := Answer{http.StatusForbidden, CodeAccessDenied, IssueForbidden}
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
		return r.failAs(denied, "event %s (%s) is a PDS event, which NEMS only lets subscribers receive", h.EventCode, h.EventSystem)
	}
	ev, known := LookupEventType(h.EventCode)
	if !known {
		return r.failAs(codeInvalid, "event type %q is not an event type NEMS knows", h.EventCode)
	}
	if h.EventSystem != eventSystem {
		return r.fail("MessageHeader.event system is %q; it must be %s", h.EventSystem, eventSystem)
	}
	if !ev.Publishable() {
		return r.failAs(denied, "event type %s (%s) can be subscribed to but not published", ev.Code, ev.Name)
	}
	if d, dep := x.World.Deprecation(ev.Code); dep && withdrawn(d, x.Now) {
		return r.failAs(denied, "event type %s was withdrawn on %s; see %s", ev.Code, d.Date, d.URL)
	}
	wantSystem, knownExt := messageEventTypeForms[h.MessageEventTypeURL]
	switch {
	case h.MessageEventTypeURL == "":
		return r.fail("the MessageHeader has no message event type extension (Extension-MessageEventType-1)")
	case !knownExt:
		return r.fail("message event type extension %q is not Extension-MessageEventType-1 or its 2019 form", h.MessageEventTypeURL)
	case h.MessageEventTypeSystem != wantSystem:
		return r.fail("message event type coding system is %q; with %s it must be %s", h.MessageEventTypeSystem, h.MessageEventTypeURL, wantSystem)
	case !slices.Contains(MessageEventTypes, h.MessageEventType):
		return r.fail("message event type %q must be new, update or delete", h.MessageEventType)
	}
	return r.pass("Bundle of type message, %d entries: %s %s", b.Entries, ev.Code, h.MessageEventType)
}

// withdrawn reports whether a deprecated event's date has come.
func withdrawn(d world.DeprecatedEvent, now time.Time) bool {
	t, err := time.Parse(time.DateOnly, d.Date)
	return err == nil && !now.Before(t)
}
