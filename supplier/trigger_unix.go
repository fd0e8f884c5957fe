//go:build unix

package supplier

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup runs the command in a process group of its own, so that a
// timeout stops the shell and everything it started, not the shell alone.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
