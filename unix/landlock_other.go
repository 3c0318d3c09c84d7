//go:build !linux

package unix

// The non-Linux fallback of landlock_linux.go: the same API, restricting
// nothing. Keep the declarations in step with landlock_linux.go.

import "errors"

// PortRange is an inclusive range of TCP ports.
type PortRange struct {
	Lo, Hi uint16
}

// Restrictions says what the process may still reach after RestrictSelf
// (see landlock_linux.go; ignored here).
type Restrictions struct {
	ReadOnly, ReadWrite []string
	Resolver            bool
	BindTCP, ConnectTCP []PortRange
}

// Backstop describes the kernel restriction in force after RestrictSelf.
type Backstop struct {
	ABI     int
	FS      bool
	TCP     bool
	Scoped  bool
	Threads string
	Reason  string
}

// Active reports whether the kernel restricts the process (never here).
func (b Backstop) Active() bool { return b.FS }

// String describes the backstop for the start-up log.
func (b Backstop) String() string { return "none: " + b.Reason }

var errNoLandlock = errors.New("landlock is Linux-only")

// LandlockABI reports that there is no Landlock outside Linux.
func LandlockABI() (int, error) { return 0, errNoLandlock }

// RestrictSelf restricts nothing outside Linux; the Backstop says so.
func RestrictSelf(r Restrictions) (Backstop, error) {
	return Backstop{Reason: errNoLandlock.Error()}, nil
}
