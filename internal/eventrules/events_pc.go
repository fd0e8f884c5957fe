package eventrules

// professionalContacts is the Professional Contacts event
// (professional_contacts_1 page).
var professionalContacts = Event{
	Code: "professional-contacts-1", Display: "Professional Contacts", Name: "Professional Contacts", Short: "PC",
	Focus: "EpisodeOfCare", PatientPath: "patient",
	MessageTypes: []string{New, Update, Delete},
	Counts: sameCounts([]Count{
		{"MessageHeader", 1, 1}, {"EpisodeOfCare", 1, 1}, {"Patient", 1, 1}, {"Organization", 1, all},
		{"CareTeam", 0, all}, {"Practitioner", 0, all}, {"PractitionerRole", 0, all},
	}, New, Update, Delete),
	Rules: []Rule{
		{ID: "PC-RESOURCES", Severity: Error, Kind: Counts,
			Text:   "Resource counts: MessageHeader 1..1, EpisodeOfCare 1..1, Patient 1..1, Organization 1..*, CareTeam 0..*, Practitioner 0..*, PractitionerRole 0..*; the same on new, update and delete.",
			Source: `PC "Resource Cardinality" row of each resource table; "Identifying Information"`},
		{ID: "PC-EPISODE", Severity: Error, Resource: "EpisodeOfCare", FocusOnly: true,
			Text:   "The EpisodeOfCare: exactly one identifier, with system and value; at least one type with a SNOMED CT coding, every SNOMED CT coding in type a valid concept id (CareConnect-CareSettingType-1 is refset-defined); managingOrganization resolves to an Organization; patient resolves to the Patient; every team resolves to a CareTeam; careManager, when present, resolves to a Practitioner.",
			Source: "PC EpisodeOfCare table (identifier 1..1, type 1..* from CareConnect-CareSettingType-1, managingOrganization 1..1, team 0..*); CC-EpisodeOfCare; CCX ValueSet-CareConnect-CareSettingType-1",
			Reqs: []Req{
				{Path: "identifier", Min: 1, Max: 1},
				{Each: "identifier", Path: "system", Min: 1},
				{Each: "identifier", Path: "value", Min: 1},
				{Path: "type", Min: 1},
				{Path: "type", Codings: &Codings{System: snomed, Min: 1, Max: all, SCTID: true}},
				{Path: "managingOrganization", Min: 1, To: "Organization"},
				{Path: "patient", To: "Patient"},
				{Path: "team", To: "CareTeam"},
				{Path: "careManager", To: "Practitioner"},
			}},
		{ID: "PC-ORG-CONTACT", Severity: Error, Resource: "Organization", Via: "managingOrganization",
			Text:   "The Organization that EpisodeOfCare.managingOrganization resolves to has at least one telecom with system and value. Other Organizations need none.",
			Source: `PC Organization table, row telecom ("MUST include contact details for use by subscribers")`,
			Reqs: []Req{
				{Path: "telecom", Min: 1},
				{Each: "telecom", Path: "system", Min: 1},
				{Each: "telecom", Path: "value", Min: 1},
			}},
		{ID: "PC-CARETEAM", Severity: Warning, Resource: "CareTeam",
			Text:   "Every CareTeam: subject resolves to the Patient; name present; every participant has a role.",
			Source: "PC CareTeam table (subject \"should reference the Patient\", name \"should be included\", participant \"should include their role\")",
			Reqs: []Req{
				{Path: "subject", Min: 1, To: "Patient"},
				{Path: "name", Min: 1},
				{Each: "participant", Path: "role", Min: 1},
			}},
	},
}
