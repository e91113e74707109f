//go:build unix

package msgraphchat_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used (user + system, every
// thread: the fake's server side included), which other processes on a
// busy machine do not inflate the way they inflate wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
