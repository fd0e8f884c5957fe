package mockspine

import (
	"errors"
	"fmt"
	"strings"
)

// Identifier naming systems used in the JWT claims.
const (
	systemASID = "https://fhir.nhs.uk/Id/accredited-system"
	systemODS  = "https://fhir.nhs.uk/Id/ods-organization-code"
	systemUser = "https://fhir.nhs.uk/Id/sds-role-profile-id"
)

// identifier is an identifier claim read either as "system|value" or, in
// profile nems-2019-01, as a FHIR resource carrying it in identifier[].
type identifier struct {
	Claim    string // the claim name as sent
	Value    string // the ASID, ODS code or user id
	Resource string // resourceType when sent as a resource
	ID       string // the resource's id element
}

var errAbsent = errors.New("absent")

// identifierClaim reads an identifier claim. It returns errAbsent when the
// claim was not sent and a descriptive error when it is malformed.
func (x *Exchange) identifierClaim(name, system, resourceType string) (identifier, error) {
	id := identifier{Claim: name}
	if x.tok == nil {
		return id, errAbsent
	}
	raw, ok := x.tok.Claims[name]
	if !ok || raw == nil {
		return id, errAbsent
	}
	switch v := raw.(type) {
	case string:
		sys, val, found := strings.Cut(v, "|")
		if !found || sys != system || val == "" || strings.Contains(val, "|") {
			return id, fmt.Errorf("%s (%s) must be of the form %s|[%s]", name, v, system, idLabel(system))
		}
		id.Value = val
		return id, nil
	case map[string]any:
		if x.Profile != Profile2019 || resourceType == "" {
			return id, fmt.Errorf("%s must be a string of the form %s|[%s], not a JSON object", name, system, idLabel(system))
		}
		if rt, _ := v["resourceType"].(string); rt != resourceType {
			return id, fmt.Errorf("%s sent as a resource must be a %s resource, is %q", name, resourceType, rt)
		}
		id.Resource = resourceType
		id.ID, _ = v["id"].(string)
		ids, _ := v["identifier"].([]any)
		for _, e := range ids {
			m, _ := e.(map[string]any)
			if s, _ := m["system"].(string); s == system {
				if val, _ := m["value"].(string); val != "" {
					id.Value = val
					return id, nil
				}
			}
		}
		return id, fmt.Errorf("%s %s resource has no identifier with system %s", name, resourceType, system)
	default:
		return id, fmt.Errorf("%s must be a string of the form %s|[%s]", name, system, idLabel(system))
	}
}

func idLabel(system string) string {
	switch system {
	case systemASID:
		return "ASID"
	case systemODS:
		return "ODSCode"
	default:
		return "id"
	}
}

// requestingSystem reads the requesting_system claim.
func (x *Exchange) requestingSystem() (identifier, error) {
	return x.identifierClaim("requesting_system", systemASID, "Device")
}

// requestingOrganisation reads the organisation claim in either spelling:
// Spine Core's requesting_organization or the guidance's
// requesting_organisation. When both are sent they must agree.
func (x *Exchange) requestingOrganisation() (identifier, error) {
	z, errZ := x.identifierClaim("requesting_organization", systemODS, "Organization")
	s, errS := x.identifierClaim("requesting_organisation", systemODS, "Organization")
	switch {
	case errZ == errAbsent && errS == errAbsent:
		return z, errors.New("the requesting_organisation claim is missing (requesting_organization in Spine Core's spelling)")
	case errS == errAbsent:
		return z, errZ
	case errZ == errAbsent:
		return s, errS
	case errZ != nil:
		return z, errZ
	case errS != nil:
		return s, errS
	case !strings.EqualFold(z.Value, s.Value):
		return z, fmt.Errorf("requesting_organization (%s) and requesting_organisation (%s) are both sent and disagree", z.Value, s.Value)
	}
	z.Claim = "requesting_organization and requesting_organisation"
	return z, nil
}

// isDigits reports whether s is non-empty and all ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
