//go:build linux

package guard

import (
	"syscall"
	"time"
	"unsafe"
)

// threadCPU returns the CPU time (user and system) the calling thread has
// used: on a machine shared with other work it measures what a call costs
// much more steadily than the wall clock (the benchmark locks its thread).
func threadCPU() time.Duration {
	const clockThreadCPUTimeID = 3
	var ts syscall.Timespec
	syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}
