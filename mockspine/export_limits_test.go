package mockspine

// SetJournalLimits changes how much a journal keeps in memory.
func SetJournalLimits(j *Journal, entries, bytes int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.limit, j.byteLimit = entries, bytes
}
