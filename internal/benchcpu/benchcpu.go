// Package benchcpu reports the CPU time a benchmark's process used, beside
// wall time: on a busy shared machine other processes inflate wall time far
// more than the CPU time of the process under test.
package benchcpu

import (
	"testing"
	"time"
)

// Meter measures the process's CPU time from its start.
type Meter struct{ start time.Duration }

// Start starts a meter; call it just before the benchmark's loop.
func Start() Meter { return Meter{start: processCPU()} }

// Report reports, as the metric "cpu-ns/"+unit, the process's CPU time
// since the meter started (user and system time of every thread, so a
// loopback server's side and the garbage collector are included) divided
// by b.N and by perOp units per operation. Call it after the loop.
func (m Meter) Report(b *testing.B, perOp float64, unit string) {
	if m.start < 0 || b.N == 0 {
		return
	}
	used := processCPU() - m.start
	b.ReportMetric(float64(used.Nanoseconds())/float64(b.N)/perOp, "cpu-ns/"+unit)
}
