package fhir

// sym stands for an element name the collector looks for, symNone for any
// other: deciding what an element means is then a small integer switch,
// not a string comparison per rule.
type sym uint8

const (
	symNone sym = iota
	symBirthDate
	symCode
	symCoding
	symContained
	symDisplay
	symEndpoint
	symEntry
	symEvent
	symExtension
	symFamily
	symID
	symMeta
	symModifierExtension
	symName
	symProfile
	symResource
	symSource
	symSystem
	symType
	symURL
	symUse
	symValue
	symValueCodeableConcept
	symValueDateTime
	symValueHumanName
	symCount
)

// symNames are the names symbols stand for.
var symNames = [symCount]string{
	symBirthDate:            "birthDate",
	symCode:                 "code",
	symCoding:               "coding",
	symContained:            "contained",
	symDisplay:              "display",
	symEndpoint:             "endpoint",
	symEntry:                "entry",
	symEvent:                "event",
	symExtension:            "extension",
	symFamily:               "family",
	symID:                   "id",
	symMeta:                 "meta",
	symModifierExtension:    "modifierExtension",
	symName:                 "name",
	symProfile:              "profile",
	symResource:             "resource",
	symSource:               "source",
	symSystem:               "system",
	symType:                 "type",
	symURL:                  "url",
	symUse:                  "use",
	symValue:                "value",
	symValueCodeableConcept: "valueCodeableConcept",
	symValueDateTime:        "valueDateTime",
	symValueHumanName:       "valueHumanName",
}

// symByName finds a name's symbol when it is not in the schema's table.
var symByName = func() map[string]sym {
	m := make(map[string]sym, symCount)
	for s := symNone + 1; s < symCount; s++ {
		m[symNames[s]] = s
	}
	return m
}()

// symBySchema gives the symbol of each name of the schema's table (see
// Doc): the readers that build a Doc know the index already.
var symBySchema = func() []sym {
	t := make([]sym, len(schemaNames))
	for i, n := range schemaNames {
		t[i] = symByName[n]
	}
	return t
}()

// symOf returns the symbol of name.
func symOf(name string) sym { return symByName[name] }

// symOfID returns the symbol of name, whose index in the Doc's names is
// id.
func symOfID(id uint16, name string) sym {
	if int(id) < len(symBySchema) {
		return symBySchema[id]
	}
	return symOf(name)
}
