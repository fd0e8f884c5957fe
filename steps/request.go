package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cucumber/godog"
)

// Identifier systems of the JWT claims.
const (
	systemASID = "https://fhir.nhs.uk/Id/accredited-system"
	systemODS  = "https://fhir.nhs.uk/Id/ods-organization-code"
)

// maxAnswer bounds how much of an answer is read.
const maxAnswer = 16 << 20

// userAgent names the harness in requests it sends.
const userAgent = "nems-harness-conformance"

func registerRequestSteps(sc *godog.ScenarioContext, st *state) {
	// What is published.
	step(sc, `^a conforming publish request$`, func() error { return nil })
	step(sc, `^a conforming publish request with an? (XML|JSON) message$`, func(format string) error {
		st.format = strings.ToLower(format)
		return nil
	})
	step(sc, `^a conforming publish of an? ([a-z0-9-]+) (new|update|delete) message in (XML|JSON)$`,
		func(event, messageType, format string) error {
			if _, ok := publishable(event); !ok {
				return fmt.Errorf("%s is not a publishable event type", event)
			}
			st.event, st.messageType, st.format = event, messageType, strings.ToLower(format)
			return nil
		})
	step(sc, `^the message is about (.+)$`, func(kind string) error {
		w, err := st.world()
		if err != nil {
			return err
		}
		st.patient, err = findPatient(w, kind)
		return err
	})
	step(sc, `^the sender is (.+)$`, func(kind string) error {
		st.senderKind = kind
		return nil
	})
	step(sc, `^the endpoint requires Spine endpoint certificates$`, func() error {
		if !strings.HasPrefix(strings.ToLower(st.cfg.Target), "https://") || st.cfg.ClientFor == nil {
			return skipf("endpoint certificates can only be assessed over mutual TLS (an https target and endpoint certificates for the senders)")
		}
		st.requireCerts = true
		return nil
	})

	// Headers.
	step(sc, `^the "([^"]*)" header is "([^"]*)"$`, func(name, value string) error {
		st.headerChanges = append(st.headerChanges, func(b *build) error {
			v, err := b.expand(value)
			if err != nil {
				return err
			}
			b.header.Set(name, v)
			return nil
		})
		return nil
	})
	removeHeader := func(name string) error {
		st.headerChanges = append(st.headerChanges, func(b *build) error {
			b.header.Del(name)
			return nil
		})
		return nil
	}
	step(sc, `^the "([^"]*)" header is removed$`, removeHeader)
	step(sc, `^the request has no "([^"]*)" header$`, removeHeader)
	step(sc, `^the "([^"]*)" header is (`+asidOther+`|`+asidUnregistered+`|`+asidNEMS+`|`+asidSender+`)$`,
		func(name, kind string) error {
			st.headerChanges = append(st.headerChanges, func(b *build) error {
				asid, err := findASID(b.w, kind, b.sender)
				if err != nil {
					return err
				}
				b.header.Set(name, asid)
				return nil
			})
			return nil
		})
	step(sc, `^the InteractionID header is the interaction of ([a-z0-9-]+)$`, func(event string) error {
		ev, ok := publishable(event)
		if !ok {
			return fmt.Errorf("%s is not a publishable event type, so it has no interaction", event)
		}
		st.headerChanges = append(st.headerChanges, func(b *build) error {
			b.header.Set("InteractionID", ev.Interaction())
			return nil
		})
		return nil
	})
	step(sc, `^the Authorization scheme is written "([^"]*)"$`, func(scheme string) error {
		st.headerChanges = append(st.headerChanges, func(b *build) error {
			v := b.header.Get("Authorization")
			_, tok, ok := strings.Cut(v, " ")
			if !ok {
				return fmt.Errorf("the Authorization header %q has no scheme to rewrite", v)
			}
			b.header.Set("Authorization", scheme+" "+tok)
			return nil
		})
		return nil
	})

	// JWT claims.
	step(sc, `^the JWT claim "([^"]*)" is "([^"]*)"$`, func(name, value string) error {
		st.claimChanges = append(st.claimChanges, func(b *build) error {
			v, err := b.expand(value)
			if err != nil {
				return err
			}
			b.claims[name] = v
			return nil
		})
		return nil
	})
	step(sc, `^the JWT claim "([^"]*)" is the JSON value (.+)$`, func(name, raw string) error {
		v, err := decodeJSON(raw)
		if err != nil {
			return fmt.Errorf("the value for claim %s is not JSON: %w", name, err)
		}
		st.claimChanges = append(st.claimChanges, func(b *build) error {
			b.claims[name] = v
			return nil
		})
		return nil
	})
	removeClaim := func(name string) error {
		st.claimChanges = append(st.claimChanges, func(b *build) error {
			delete(b.claims, name)
			return nil
		})
		return nil
	}
	step(sc, `^the JWT claim "([^"]*)" is removed$`, removeClaim)
	step(sc, `^the JWT has no "([^"]*)" claim$`, removeClaim)
	step(sc, `^the JWT claims are:$`, func(t *godog.Table) error { return st.claimTable(t) })
	step(sc, `^the JWT claim "([^"]*)" has the same value as "([^"]*)"$`, func(name, other string) error {
		st.claimChanges = append(st.claimChanges, func(b *build) error {
			v, ok := b.claims[other]
			if !ok {
				return fmt.Errorf("claim %s cannot be copied to %s: the JWT has no %s claim", other, name, other)
			}
			b.claims[name] = v
			return nil
		})
		return nil
	})
	step(sc, `^the JWT claim "([^"]*)" names (`+strings.Join([]string{asidOther, asidUnregistered, asidSender,
		odsUnknown, odsNotLinked, odsOtherSystem, odsSender, odsSenderOther}, "|")+`)$`,
		func(name, kind string) error {
			st.claimChanges = append(st.claimChanges, func(b *build) error {
				if strings.Contains(kind, "ASID") {
					asid, err := findASID(b.w, kind, b.sender)
					if err != nil {
						return err
					}
					b.claims[name] = systemASID + "|" + asid
					return nil
				}
				ods, err := findODS(b.w, kind, b.sender)
				if err != nil {
					return err
				}
				b.claims[name] = systemODS + "|" + ods
				return nil
			})
			return nil
		})
	step(sc, `^the JWT claim "([^"]*)" is an? (Device|Organization) resource with id "([^"]*)" carrying the sender's (ASID|ODS code)$`,
		func(name, resourceType, id, what string) error {
			st.claimChanges = append(st.claimChanges, func(b *build) error {
				system, value := systemASID, b.sender.ASID
				if what == "ODS code" {
					system, value = systemODS, b.sender.ODS
				}
				b.claims[name] = map[string]any{"resourceType": resourceType, "id": id,
					"identifier": []any{map[string]any{"system": system, "value": value}}}
				return nil
			})
			return nil
		})
	step(sc, `^the JWT was issued (\d+) (seconds?|minutes?|hours?) (ago|in the future)$`, func(n int, unit, when string) error {
		d := time.Duration(n) * map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour}[unit[:1]]
		if when == "ago" {
			d = -d
		}
		st.claimChanges = append(st.claimChanges, func(b *build) error {
			iat := b.now.Add(d).Unix()
			b.claims["iat"], b.claims["exp"] = iat, iat+300
			return nil
		})
		return nil
	})
	step(sc, `^the JWT expires (\d+) seconds after it was issued$`, func(n int) error {
		st.claimChanges = append(st.claimChanges, func(b *build) error {
			iat, ok := b.claims["iat"].(int64)
			if !ok {
				return fmt.Errorf("the JWT's iat claim is not a number of seconds, so exp cannot be set from it")
			}
			b.claims["exp"] = iat + int64(n)
			return nil
		})
		return nil
	})

	// The JWT's form.
	step(sc, `^the JWT header is:$`, func(doc *godog.DocString) error {
		st.jwt.header = []byte(doc.Content)
		return nil
	})
	step(sc, `^the JWT payload is:$`, func(doc *godog.DocString) error {
		st.jwt.payload = []byte(doc.Content)
		return nil
	})
	step(sc, `^the JWT is signed with the signature "([^"]*)"$`, func(sig string) error {
		st.jwt.signature = sig
		return nil
	})
	step(sc, `^the JWT is sent without its trailing dot$`, func() error {
		st.jwt.noTrailingDot = true
		return nil
	})
	step(sc, `^the JWT is encoded in standard base64 with padding$`, func() error {
		st.jwt.padded = true
		return nil
	})

	// The message.
	step(sc, `^the message body is:$`, func(doc *godog.DocString) error {
		st.rawBody, st.hasRawBody = []byte(doc.Content), true
		return nil
	})
	step(sc, `^the message body is empty$`, func() error {
		st.rawBody, st.hasRawBody = []byte{}, true
		return nil
	})
	change := func(what string, c bodyChange) {
		st.bodyChanges = append(st.bodyChanges, namedChange{what, c})
	}
	step(sc, `^the message is padded with whitespace to (\d+) bytes$`, func(n int) error {
		change(fmt.Sprintf("padding the message to %d bytes", n), padTo(n))
		return nil
	})
	step(sc, `^the message is cut off after (\d+) bytes$`, func(n int) error {
		change(fmt.Sprintf("cutting the message off after %d bytes", n), cutAfter(n))
		return nil
	})
	step(sc, `^the bundle type is "([^"]*)"$`, func(v string) error {
		change("setting the bundle type", setBundleType(v))
		return nil
	})
	step(sc, `^the event code is "([^"]*)"$`, func(v string) error {
		change("setting the event code", setEvent("code", v))
		return nil
	})
	step(sc, `^the event code system is "([^"]*)"$`, func(v string) error {
		change("setting the event code system", setEvent("system", v))
		return nil
	})
	step(sc, `^the message event type is "([^"]*)"$`, func(v string) error {
		change("setting the message event type", setMessageEventType("code", v))
		return nil
	})
	step(sc, `^the message event type is written in its 2019 form$`, func() error {
		change("writing the message event type in its 2019 form", metIn2019Form())
		return nil
	})
	step(sc, `^the message event type extension URL is "([^"]*)"$`, func(url string) error {
		change("setting the message event type extension URL", setMETURL(url))
		return nil
	})
	step(sc, `^the message is wrapped in an ITK3 wrapper$`, func() error {
		change("wrapping the message in an ITK3 wrapper", setBundleProfile(itkBundleProfile))
		return nil
	})
	step(sc, `^the first entry of the Bundle is not the MessageHeader$`, func() error {
		change("putting another resource before the MessageHeader", firstEntryNotHeader())
		return nil
	})
	step(sc, `^the message is an? ([A-Z][A-Za-z]+) resource instead of a Bundle$`, func(rt string) error {
		change("replacing the Bundle with a "+rt, resourceInsteadOfBundle(rt))
		return nil
	})
	step(sc, `^the NHS numbers are identified with the legacy system$`, func() error {
		change("identifying NHS numbers with the legacy system", replaceAll(`"`+nhsNumberSystem+`"`, `"`+legacyNHSNumberSystem+`"`, "NHS number system"))
		return nil
	})
	step(sc, `^the message is not in the FHIR namespace$`, func() error {
		change("removing the FHIR namespace", notInFHIRNamespace())
		return nil
	})

	// Sending.
	step(sc, `^the request is sent$`, func(ctx context.Context) (context.Context, error) {
		return st.send(ctx, clientSender)
	})
	step(sc, `^the request is sent without a client certificate$`, func(ctx context.Context) (context.Context, error) {
		return st.send(ctx, clientNoCert)
	})
	step(sc, `^the request is sent presenting the endpoint certificate of another registered system$`,
		func(ctx context.Context) (context.Context, error) {
			return st.send(ctx, clientOther)
		})
	step(sc, `^the request is sent with method ([A-Z]+)$`, func(ctx context.Context, method string) (context.Context, error) {
		st.method = method
		return st.send(ctx, clientSender)
	})
	step(sc, `^the request is sent to the path "([^"]*)"$`, func(ctx context.Context, path string) (context.Context, error) {
		if !strings.HasPrefix(path, "/") {
			return ctx, fmt.Errorf("the path %q must start with /", path)
		}
		st.path = path
		return st.send(ctx, clientSender)
	})
}

// expand replaces the placeholders a literal value may hold.
func (b *build) expand(v string) (string, error) {
	if !strings.Contains(v, "{") {
		return v, nil
	}
	repl := []string{
		"{the sender's ASID}", b.sender.ASID,
		"{the sender's ODS code}", b.sender.ODS,
		"{the NEMS ASID}", b.w.NEMSASID(),
	}
	out := strings.NewReplacer(repl...).Replace(v)
	if i := strings.Index(out, "{the "); i >= 0 {
		return "", fmt.Errorf("unknown placeholder in %q; the steps know {the sender's ASID}, {the sender's ODS code} and {the NEMS ASID}", v)
	}
	return out, nil
}

// decodeJSON reads one JSON value, keeping numbers exact.
func decodeJSON(raw string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("more than one JSON value in %s", raw)
	}
	return v, nil
}

// claimTable applies a table of claims: a header row "claim | value" (the
// value a string) or "claim | JSON value"; the value (absent) removes the
// claim.
func (st *state) claimTable(t *godog.Table) error {
	if len(t.Rows) < 2 || len(t.Rows[0].Cells) != 2 {
		return fmt.Errorf("the claims table needs a header row (claim | value, or claim | JSON value) and at least one claim")
	}
	asJSON := strings.EqualFold(strings.TrimSpace(t.Rows[0].Cells[1].Value), "JSON value")
	for _, row := range t.Rows[1:] {
		name, raw := row.Cells[0].Value, row.Cells[1].Value
		if raw == "(absent)" {
			st.claimChanges = append(st.claimChanges, func(b *build) error { delete(b.claims, name); return nil })
			continue
		}
		if asJSON {
			v, err := decodeJSON(raw)
			if err != nil {
				return fmt.Errorf("the value for claim %s is not JSON: %w", name, err)
			}
			st.claimChanges = append(st.claimChanges, func(b *build) error { b.claims[name] = v; return nil })
			continue
		}
		st.claimChanges = append(st.claimChanges, func(b *build) error {
			v, err := b.expand(raw)
			if err != nil {
				return err
			}
			b.claims[name] = v
			return nil
		})
	}
	return nil
}

// Which client certificate a send presents.
type clientChoice int

const (
	clientSender clientChoice = iota // the sender's, when the run has one
	clientNoCert                     // none
	clientOther                      // another registered system's
)

// send builds the request, sends it and keeps the answer. A transport error
// is kept too (a refused TLS handshake is an answer of sorts); the steps
// that judge the answer report it.
func (st *state) send(ctx context.Context, choice clientChoice) (context.Context, error) {
	b, err := st.build()
	if err != nil {
		return ctx, err
	}
	var client *http.Client
	withCert := false
	switch choice {
	case clientSender:
		if st.cfg.ClientFor != nil {
			client = st.cfg.ClientFor(b.sender.CertASID)
		}
		if client != nil {
			withCert = true
		} else if st.requireCerts {
			return ctx, skipf("the run has no endpoint certificate for ASID %s", b.sender.CertASID)
		} else {
			client = st.plainClient()
		}
	case clientNoCert:
		client = st.plainClient()
	case clientOther:
		if st.cfg.ClientFor == nil {
			return ctx, skipf("the run has no endpoint certificates")
		}
		for i := range b.w.Spine.Endpoints {
			if e := &b.w.Spine.Endpoints[i]; e.ASID != b.sender.ASID && e.ASID != b.sender.CertASID {
				if client = st.cfg.ClientFor(e.ASID); client != nil {
					break
				}
			}
		}
		if client == nil {
			return ctx, skipf("the run has no endpoint certificate for a registered system other than the sender %s", b.sender.ASID)
		}
		withCert = true
	}

	if b.header.Get("User-Agent") == "" {
		b.header.Set("User-Agent", userAgent)
	}
	req, err := http.NewRequestWithContext(ctx, b.method, b.target, bytes.NewReader(b.body))
	if err != nil {
		return ctx, fmt.Errorf("building the HTTP request: %w", err)
	}
	req.Header = b.header.Clone()
	ctx = godog.Attach(ctx, godog.Attachment{FileName: "request", MediaType: "text/plain",
		Body: []byte(DumpRequest(b.method, b.target, b.header, b.body))})

	st.sent, st.answer, st.transportErr, st.lastTarget = true, nil, nil, b.target
	st.presentedCert = withCert && strings.HasPrefix(strings.ToLower(b.target), "https://")
	resp, err := client.Do(req)
	if err != nil {
		st.transportErr = err
		ctx = godog.Attach(ctx, godog.Attachment{FileName: "response", MediaType: "text/plain",
			Body: []byte("No HTTP answer: " + err.Error())})
		return ctx, nil
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		st.transportErr = fmt.Errorf("reading the answer: %w", err)
	}
	st.answer = &answer{status: resp.StatusCode, header: resp.Header, body: body,
		contentType: resp.Header.Get("Content-Type")}
	ctx = godog.Attach(ctx, godog.Attachment{FileName: "response", MediaType: "text/plain",
		Body: []byte(DumpResponse(resp.Proto, statusLine(resp), resp.Header, body))})
	return ctx, nil
}

// statusLine is "400 Bad Request".
func statusLine(resp *http.Response) string {
	if resp.Status != "" {
		return resp.Status
	}
	return strconv.Itoa(resp.StatusCode) + " " + http.StatusText(resp.StatusCode)
}
