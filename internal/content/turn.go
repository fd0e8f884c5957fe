package content

// Turn makes concurrent messages take turns at the memory: the rules that
// remember judge a message against the accepted messages before it, and
// "before" must be one order for every judge of the run. A caller takes
// the turn before the first look at the memory and gives it back
// (EndTurn) once the message is remembered, or not, and journalled: two
// messages sent at once (the same message twice, say) are then judged one
// after the other, in the order the journal gives them, and re-judging
// the journal gives the verdicts given live.
func (h *Memory) Turn() { h.turn.Lock() }

// EndTurn gives back the turn Turn took.
func (h *Memory) EndTurn() { h.turn.Unlock() }
