package mockspine

import (
	"strings"

	"github.com/nems-harness/nems-harness/internal/mediatype"
)

func checkContentType(r *Rule, x *Exchange) Verdict {
	ct, sent := x.headerValue("Content-Type")
	if !sent {
		return r.pass("no Content-Type: the body is read as %s (MIME-DEFAULT)", mediatype.Default)
	}
	if x.contentTypeErr != nil {
		return r.fail("Content-Type %q: %s", ct, x.contentTypeErr.Error())
	}
	return r.pass("Content-Type %s", x.contentType.Name)
}

func checkAccept(r *Rule, x *Exchange) Verdict {
	accept := strings.Join(x.Header["Accept"], ",")
	if strings.TrimSpace(accept) == "" {
		return r.pass("no Accept: the answer is in %s (MIME-DEFAULT)", mediatype.Default)
	}
	if x.acceptErr != nil {
		return r.fail("Accept %q: %s", accept, x.acceptErr.Error())
	}
	return r.pass("Accept %q: answering in %s", accept, x.accept.Name)
}

func checkMIMEDefault(r *Rule, x *Exchange) Verdict {
	_, ctSent := x.headerValue("Content-Type")
	acceptSent := strings.TrimSpace(strings.Join(x.Header["Accept"], ",")) != ""
	switch {
	case ctSent && acceptSent:
		return r.notNeeded("the request names both Content-Type and Accept, so no default was needed")
	case ctSent:
		return r.pass("no Accept: answering in %s", mediatype.Default)
	case x.BodyTruncated:
		return r.skipOn("MSG-SIZE", "the body is over the size limit")
	case !x.bodyReadable():
		return r.skipOn("MSG-WELLFORMED", "the body was not read as FHIR")
	case x.bundleErr != nil:
		hint := ""
		if looksLikeJSON(x.Body) {
			hint = " (it looks like JSON: send Content-Type application/fhir+json)"
		}
		return r.fail("no Content-Type, so the body was read as %s, and it is not FHIR XML%s", mediatype.Default, hint)
	}
	return r.pass("no Content-Type: body read as %s", mediatype.Default)
}

// looksLikeJSON reports whether a body starts like a JSON document.
func looksLikeJSON(b string) bool {
	for _, c := range []byte(b) {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{', '[':
			return true
		}
		return false
	}
	return false
}
