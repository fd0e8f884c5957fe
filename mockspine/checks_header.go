package mockspine

import (
	"strings"
)

func checkFromASID(r *Rule, x *Exchange) Verdict {
	from, sent := x.headerValue("fromASID")
	switch {
	case !sent || strings.TrimSpace(from) == "":
		return r.fail("the fromASID header must be supplied")
	case !isDigits(from):
		return r.fail("the fromASID header (%s) must be a numeric ASID", from)
	}
	if x.tok == nil {
		return r.skipOn("JWT-FORMAT", "fromASID %s is present and numeric; it cannot be compared with requesting_system because the JWT could not be read", from)
	}
	sys, err := x.requestingSystem()
	if err != nil {
		return r.skipOn("JWT-SYSTEM", "fromASID %s is present and numeric; requesting_system cannot be read to compare it", from)
	}
	if sys.Value != from {
		return r.failWith("requesting-system-mismatch", "The ASID defined in the requesting_system (%s) does not match the FromASID in the request (%s)", sys.Value, from)
	}
	return r.pass("fromASID %s matches requesting_system", from)
}

func checkToASID(r *Rule, x *Exchange) Verdict {
	to, sent := x.headerValue("toASID")
	if !sent || strings.TrimSpace(to) == "" {
		return r.fail("the toASID header must be supplied")
	}
	if to != x.World.NEMSASID() {
		return r.failWith("not-nems", "toASID (%s) is not the ASID of the NEMS service (%s)", to, x.World.NEMSASID())
	}
	return r.pass("toASID %s is NEMS", to)
}

func checkInteraction(r *Rule, x *Exchange) Verdict {
	id, sent := x.headerValue("InteractionID")
	if !sent || strings.TrimSpace(id) == "" {
		return r.fail("the InteractionID header must be supplied")
	}
	code, ok := strings.CutPrefix(id, interactionPrefix)
	if ok {
		code, ok = strings.CutSuffix(code, interactionSuffix)
	}
	if !ok || code == "" {
		return r.fail("InteractionID (%s) must be of the form %s[Event_Code]%s", id, interactionPrefix, interactionSuffix)
	}
	ev, known := eventByInteractionCode(code)
	if !known {
		return r.fail("InteractionID (%s) names no publishable event: %s is not a publish interaction event code", id, code)
	}
	// The message's event is compared only when it is a publishable event;
	// any other event code is MSG-BUNDLE's to report.
	msgEvent, compared := x.messageEvent()
	if compared && msgEvent != ev.Code {
		return r.fail("InteractionID (%s) is for %s but the message's event type is %s", id, ev.Code, msgEvent)
	}
	sender, _ := x.headerValue("fromASID")
	if !isDigits(sender) {
		if sys, err := x.requestingSystem(); err == nil {
			sender = sys.Value
		}
	}
	if _, registered := x.World.Endpoint(sender); !registered {
		return r.skipOn("HDR-FROMASID, JWT-SYSTEM", "InteractionID %s is well formed; the sender's ASID is unknown, so its assurance cannot be judged", id)
	}
	if !x.World.Assured(sender, id) {
		return r.failWith("not-assured",
			"ASID %s is not assured for the interaction %s", sender, id)
	}
	if !compared {
		return r.pass("InteractionID %s; ASID %s assured (the message's event type could not be compared)", id, sender)
	}
	return r.pass("InteractionID %s matches the event type; ASID %s assured", id, sender)
}

// messageEvent returns the message's event code when it is a publishable
// event type.
func (x *Exchange) messageEvent() (string, bool) {
	b := x.bundle
	if b == nil || b.Header == nil {
		return "", false
	}
	ev, ok := LookupEventType(b.Header.EventCode)
	if !ok || !ev.Publishable() {
		return "", false
	}
	return ev.Code, true
}
