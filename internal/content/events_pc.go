package content

const srcPC = "Professional Contacts page (professional_contacts_1)"

func professionalContactRules() []*Rule {
	pc := []string{ProfContacts}
	ep := func(e Elem) Elem { e.Of, e.The = "EpisodeOfCare", true; return e }
	return []*Rule{
		{ID: "PC-RESOURCES", Summary: "resource counts: one EpisodeOfCare, Patient and MessageHeader, Organizations, optional others", Severity: Error, Events: pc,
			Source: srcPC + ` "Resource Cardinality" row of each resource table; "Identifying Information"`,
			Text:   "Resource counts: MessageHeader 1..1, EpisodeOfCare 1..1, Patient 1..1, Organization 1..*, CareTeam 0..*, Practitioner 0..*, PractitionerRole 0..*; the same on new, update and delete.",
			Counts: counts(allTypes, "MessageHeader 1..1", "EpisodeOfCare 1..1", "Patient 1..1", "Organization 1..*",
				"CareTeam 0..*", "Practitioner 0..*", "PractitionerRole 0..*")},
		{ID: "PC-EPISODE", Summary: "EpisodeOfCare: one identifier, SNOMED CT care setting type, managing Organization, Patient, teams", Severity: Error, Events: pc,
			Source: srcPC + " EpisodeOfCare table (identifier 1..1, type 1..* from CareConnect-CareSettingType-1, managingOrganization 1..1, team 0..*); " + srcCC + " EpisodeOfCare; ValueSet CareConnect-CareSettingType-1 (refset-defined)",
			Text:   "The EpisodeOfCare: exactly one identifier, with system and value; at least one type with a SNOMED CT coding, every SNOMED CT coding in type a valid SCTID (CareConnect-CareSettingType-1 is refset-defined: its membership is not checked); managingOrganization resolves to an Organization; patient resolves to the Patient; every team resolves to a CareTeam; careManager, when present, resolves to a Practitioner.",
			Elems: []Elem{
				ep(Elem{Path: "identifier", Card: "1..1"}),
				ep(Elem{Each: "identifier", Path: "system", Card: "1..1"}),
				ep(Elem{Each: "identifier", Path: "value", Card: "1..1"}),
				ep(Elem{Path: "type", Card: "1..*"}),
				ep(Elem{Path: sys("type", SNOMED), Card: "1..*", SCTID: true}),
				ep(Elem{Path: "managingOrganization", Card: "1..1", Ref: "Organization"}),
				ep(Elem{Path: "patient", Ref: "Patient"}),
				ep(Elem{Path: "team", Ref: "CareTeam"}),
				ep(Elem{Path: "careManager", Ref: "Practitioner"}),
			}},
		{ID: "PC-ORG-CONTACT", Summary: "the managing Organization has a telecom", Severity: Error, Events: pc,
			Source: srcPC + ` Organization table, row telecom ("the Organisation resource MUST include contact details for use by subscribers")`,
			Text:   "The Organization that EpisodeOfCare.managingOrganization resolves to has at least one telecom with system and value. Other Organizations need none.",
			Check:  viaTelecom("managingOrganization", "Organization")},
		{ID: "PC-CARETEAM", Summary: "CareTeam: subject the Patient, a name, every participant a role", Severity: Warning, Events: pc,
			Source: srcPC + ` CareTeam table (subject "should reference the Patient", name "should be included", participant "should include their role")`,
			Text:   "Every CareTeam: subject resolves to the Patient; name present; every participant has a role.",
			Elems: []Elem{
				{Of: "CareTeam", Path: "subject", Card: "1..1", Ref: "Patient"},
				{Of: "CareTeam", Path: "name", Card: "1..1"},
				{Of: "CareTeam", Each: "participant", Path: "role", Card: "1..*"},
			}},
	}
}
