package fhirschema

import (
	"sort"
	"sync"
)

// The schema's names, each once: every element name of every content
// model (FHIR and XHTML) and every resource name. A reader that keeps
// element names can keep their index here instead, for the life of the
// process, and the Walker tells it the index of each element it finds
// declared, so that no name is looked up twice.
var (
	namesOnce sync.Once
	names     []string
	nameIndex map[string]uint16
	typeNames []uint16 // typeNames[type] indexes names, for resources
)

func buildNames() {
	set := map[string]bool{}
	for i := range modelTable {
		for _, e := range modelTable[i].elems {
			set[e.name] = true
		}
	}
	for n := range resourceTable {
		set[n] = true
	}
	delete(set, "")
	names = make([]string, 1, len(set)+1) // "" first
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names[1:])
	nameIndex = make(map[string]uint16, len(names))
	for i, n := range names {
		nameIndex[n] = uint16(i)
	}
	buildModelInfos()
	typeNames = make([]uint16, len(typeTable))
	for n, id := range resourceTable {
		typeNames[id] = nameIndex[n]
	}
}

// Names returns the schema's element and resource names, each once, ""
// first, in a fixed order. The slice is shared: do not modify it.
func Names() []string {
	namesOnce.Do(buildNames)
	return names
}

// NameIndex returns the index in Names of name, if it is there.
func NameIndex(name string) (int, bool) {
	namesOnce.Do(buildNames)
	i, ok := nameIndex[name]
	return int(i), ok
}
