package content

// All returns every content rule, in RULES-CONTENT.md order: the generic
// rules, then each event's. An event's rules are appended here as one
// more table.
func All() []*Rule {
	return append(Generic(), Events()...)
}
