package redistest

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal has the kernel kill redis-server if the test binary
// dies without running its clean-ups (a panic, a timeout's SIGQUIT, kill -9),
// so no server outlives the test run.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
