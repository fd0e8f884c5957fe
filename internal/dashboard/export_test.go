package dashboard

import "time"

// SetStreamLimits changes how much a browser's live stream may fall
// behind, for tests.
func (d *Dashboard) SetStreamLimits(buffer, perTick int, tick time.Duration) {
	d.stream.buffer, d.stream.perTick, d.stream.tick = buffer, perTick, tick
}
