package mockspine

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Requirements on the JWT from Spine Core and the guidance.
const (
	requiredScope = "patient/Bundle.write"
	tokenLifetime = 300 * time.Second
	clockLeeway   = 60 * time.Second
)

var (
	mandatoryClaims = []string{"iss", "sub", "aud", "exp", "iat", "reason_for_request", "scope", "requesting_system"}
	reasons         = []string{"directcare", "secondaryuses", "patientaccess"}
)

// tokenSkip is the not-assessed verdict for a rule that needs the JWT when
// the JWT could not be read.
func (x *Exchange) tokenSkip(r *Rule) (Verdict, bool) {
	if x.bearerErr != nil {
		return r.skipOn("JWT-BEARER", "no Bearer token to read"), true
	}
	if x.tokErr != nil {
		return r.skipOn("JWT-FORMAT", "the JWT could not be decoded"), true
	}
	return Verdict{}, false
}

func checkBearer(r *Rule, x *Exchange) Verdict {
	if _, sent := x.headerValue("Authorization"); !sent {
		return r.fail("The Authorisation header must be supplied")
	}
	if x.bearerErr != nil {
		return r.fail("%s", x.bearerErr.Error())
	}
	return r.pass("Authorization: Bearer token of %d characters", len(x.bearer))
}

func checkJWTFormat(r *Rule, x *Exchange) Verdict {
	if x.bearerErr != nil {
		return r.skipOn("JWT-BEARER", "no Bearer token to read")
	}
	if x.tokErr != nil {
		return r.fail("%s", x.tokErr.Error())
	}
	return r.pass("unsigned JWT: header alg none, typ JWT; %d claims", len(x.tok.Claims))
}

func checkJWTClaims(r *Rule, x *Exchange) Verdict {
	if v, skip := x.tokenSkip(r); skip {
		return v
	}
	var problems []string
	for _, name := range mandatoryClaims {
		raw, ok := x.tok.Claims[name]
		if !ok {
			problems = append(problems, fmt.Sprintf("The mandatory claim %s from the JWT associated with the Authorisation header is missing", name))
			continue
		}
		if p := claimTypeProblem(x.Profile, name, raw); p != "" {
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		return r.fail("%s", strings.Join(problems, "; "))
	}
	return r.pass("all %d mandatory claims present and well typed", len(mandatoryClaims))
}

// claimTypeProblem describes what is wrong with a mandatory claim's value.
func claimTypeProblem(p Profile, name string, raw any) string {
	switch v := raw.(type) {
	case nil:
		return fmt.Sprintf("Empty JWT %s claim (null)", name)
	case string:
		if name == "exp" || name == "iat" {
			return fmt.Sprintf("JWT %s claim must be an integer number of seconds, is the string %q", name, v)
		}
		if strings.TrimSpace(v) == "" {
			return fmt.Sprintf("Empty JWT %s claim", name)
		}
	case json.Number:
		if name != "exp" && name != "iat" {
			return fmt.Sprintf("JWT %s claim must be a string, is the number %s", name, v)
		}
		if _, err := v.Int64(); err != nil {
			return fmt.Sprintf("JWT %s claim must be an integer number of seconds, is %s", name, v)
		}
	case map[string]any:
		if name == "requesting_system" && p == Profile2019 {
			if len(v) == 0 {
				return "Empty JWT requesting_system claim"
			}
			return ""
		}
		return fmt.Sprintf("JWT %s claim must be a %s, is a JSON object", name, wantType(name))
	case []any:
		if name == "aud" && len(v) > 0 {
			return ""
		}
		return fmt.Sprintf("JWT %s claim must be a %s, is a JSON array", name, wantType(name))
	default:
		return fmt.Sprintf("JWT %s claim must be a %s", name, wantType(name))
	}
	return ""
}

func wantType(name string) string {
	if name == "exp" || name == "iat" {
		return "integer"
	}
	return "string"
}

func checkJWTTime(r *Rule, x *Exchange) Verdict {
	if v, skip := x.tokenSkip(r); skip {
		return v
	}
	exp, expOK, expErr := x.tok.Int("exp")
	iat, iatOK, iatErr := x.tok.Int("iat")
	if !expOK || !iatOK || expErr != nil || iatErr != nil {
		return r.skipOn("JWT-CLAIMS", "exp and iat must both be integers to be judged")
	}
	now := x.Now.Unix()
	leeway := int64(clockLeeway / time.Second)
	switch {
	case exp-iat != int64(tokenLifetime/time.Second):
		return r.fail("exp (%d) must be iat (%d) + 300 seconds; it is iat + %d", exp, iat, exp-iat)
	case iat > now+leeway:
		return r.fail("iat (%d) is %d seconds in the future", iat, iat-now)
	case exp < now-leeway:
		return r.fail("the JWT expired at %d, %d seconds ago", exp, now-exp)
	}
	return r.pass("iat %d, exp iat + 300 s, in date", iat)
}

// stringClaim reads a claim the rule needs as a string, or says why the rule
// cannot be judged.
func stringClaim(r *Rule, x *Exchange, name string) (string, Verdict, bool) {
	if v, skip := x.tokenSkip(r); skip {
		return "", v, false
	}
	s, ok, err := x.tok.String(name)
	if !ok {
		return "", r.skipOn("JWT-CLAIMS", "the %s claim is missing", name), false
	}
	if err != nil {
		return "", r.skipOn("JWT-CLAIMS", "the %s claim is not a string", name), false
	}
	return s, Verdict{}, true
}

func checkJWTReason(r *Rule, x *Exchange) Verdict {
	reason, v, ok := stringClaim(r, x, "reason_for_request")
	if !ok {
		return v
	}
	if !slices.Contains(reasons, reason) {
		return r.fail("reason_for_request (%s) must be one of %s", reason, strings.Join(reasons, ", "))
	}
	return r.pass("reason_for_request %s", reason)
}

func checkJWTScope(r *Rule, x *Exchange) Verdict {
	scope, v, ok := stringClaim(r, x, "scope")
	if !ok {
		return v
	}
	if scope != requiredScope {
		return r.fail("Required scopes not found in token (%s); the scope must be %s", scope, requiredScope)
	}
	return r.pass("scope %s", scope)
}

func checkJWTSub(r *Rule, x *Exchange) Verdict {
	sub, v, ok := stringClaim(r, x, "sub")
	if !ok {
		return v
	}
	if x.Profile == ProfileCurrent {
		if user, present, err := x.tok.String("requesting_user"); present {
			if err != nil {
				return r.skipOn("JWT-USER", "requesting_user is not a string")
			}
			if sub != user {
				return r.fail("requesting_user (%s) and sub (%s) claim's values must match", user, sub)
			}
			return r.pass("sub matches requesting_user")
		}
	}
	raw, present := x.tok.Claims["requesting_system"]
	if !present || raw == nil {
		return r.skipOn("JWT-CLAIMS", "the requesting_system claim is missing")
	}
	switch sys := raw.(type) {
	case string:
		if sub != sys {
			return r.fail("requesting_system (%s) and sub (%s) claim's values must match", sys, sub)
		}
		return r.pass("sub matches requesting_system")
	case map[string]any:
		id, err := x.requestingSystem()
		if err != nil {
			return r.skipOn("JWT-SYSTEM", "requesting_system cannot be read")
		}
		if id.ID == "" {
			return r.fail("requesting_system is a Device resource without an id, so sub (%s) cannot match it", sub)
		}
		if sub != id.ID {
			return r.fail("sub (%s) must match the id (%s) of the requesting_system Device resource", sub, id.ID)
		}
		return r.pass("sub matches the requesting_system Device id")
	}
	return r.skipOn("JWT-CLAIMS", "requesting_system is neither a string nor a resource")
}

func checkJWTSystem(r *Rule, x *Exchange) Verdict {
	if v, skip := x.tokenSkip(r); skip {
		return v
	}
	id, err := x.requestingSystem()
	if errors.Is(err, errAbsent) {
		return r.fail("The mandatory claim requesting_system from the JWT associated with the Authorisation header is missing")
	}
	if err != nil {
		return r.fail("%s", err.Error())
	}
	if _, ok := x.World.Endpoint(id.Value); !ok {
		return r.fail("The ASID defined in the requesting_system (%s) is unknown", id.Value)
	}
	if id.Resource != "" {
		return r.pass("requesting_system %s resource with ASID %s, registered", id.Resource, id.Value)
	}
	return r.pass("requesting_system ASID %s, registered", id.Value)
}

func checkJWTOrg(r *Rule, x *Exchange) Verdict {
	if v, skip := x.tokenSkip(r); skip {
		return v
	}
	id, err := x.requestingOrganisation()
	if err != nil {
		return r.fail("%s", err.Error())
	}
	if !x.World.KnownODS(id.Value) {
		return r.fail("The ODS code defined in the requesting_organisation (%s) is unknown", id.Value)
	}
	return r.pass("%s gives ODS code %s, known to Spine", id.Claim, id.Value)
}

func checkJWTOrgASID(r *Rule, x *Exchange) Verdict {
	if v, skip := x.tokenSkip(r); skip {
		return v
	}
	sys, errSys := x.requestingSystem()
	org, errOrg := x.requestingOrganisation()
	if errSys != nil || errOrg != nil {
		return r.skipOn("JWT-SYSTEM, JWT-ORG", "requesting_system and requesting_organisation must both be readable")
	}
	if _, ok := x.World.Endpoint(sys.Value); !ok {
		return r.skipOn("JWT-SYSTEM", "the requesting_system ASID is unknown")
	}
	if !x.World.ODSLinked(sys.Value, org.Value) {
		return r.fail("requesting_system ASID (%s) is not associated with the requesting_organisation ODS code (%s)", sys.Value, org.Value)
	}
	return r.pass("ASID %s is associated with ODS code %s", sys.Value, org.Value)
}

func checkJWTUser(r *Rule, x *Exchange) Verdict {
	if v, skip := x.tokenSkip(r); skip {
		return v
	}
	if _, present := x.tok.Claims["requesting_user"]; !present {
		return r.pass("requesting_user not sent (optional)")
	}
	id, err := x.identifierClaim("requesting_user", systemUser, "")
	if errors.Is(err, errAbsent) {
		return r.fail("requesting_user is null; leave the claim out or give %s|[id]", systemUser)
	}
	if err != nil {
		return r.fail("%s", err.Error())
	}
	return r.pass("requesting_user SDS role profile %s", id.Value)
}
