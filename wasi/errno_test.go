package wasi

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"testing"
)

// specErrnos is the errno variant of wasi_snapshot_preview1.md, in order:
// the case name and its description.
var specErrnos = [...]struct{ name, doc string }{
	{"success", "No error occurred. System call completed successfully."},
	{"2big", "Argument list too long."},
	{"acces", "Permission denied."},
	{"addrinuse", "Address in use."},
	{"addrnotavail", "Address not available."},
	{"afnosupport", "Address family not supported."},
	{"again", "Resource unavailable, or operation would block."},
	{"already", "Connection already in progress."},
	{"badf", "Bad file descriptor."},
	{"badmsg", "Bad message."},
	{"busy", "Device or resource busy."},
	{"canceled", "Operation canceled."},
	{"child", "No child processes."},
	{"connaborted", "Connection aborted."},
	{"connrefused", "Connection refused."},
	{"connreset", "Connection reset."},
	{"deadlk", "Resource deadlock would occur."},
	{"destaddrreq", "Destination address required."},
	{"dom", "Mathematics argument out of domain of function."},
	{"dquot", "Reserved."},
	{"exist", "File exists."},
	{"fault", "Bad address."},
	{"fbig", "File too large."},
	{"hostunreach", "Host is unreachable."},
	{"idrm", "Identifier removed."},
	{"ilseq", "Illegal byte sequence."},
	{"inprogress", "Operation in progress."},
	{"intr", "Interrupted function."},
	{"inval", "Invalid argument."},
	{"io", "I/O error."},
	{"isconn", "Socket is connected."},
	{"isdir", "Is a directory."},
	{"loop", "Too many levels of symbolic links."},
	{"mfile", "File descriptor value too large."},
	{"mlink", "Too many links."},
	{"msgsize", "Message too large."},
	{"multihop", "Reserved."},
	{"nametoolong", "Filename too long."},
	{"netdown", "Network is down."},
	{"netreset", "Connection aborted by network."},
	{"netunreach", "Network unreachable."},
	{"nfile", "Too many files open in system."},
	{"nobufs", "No buffer space available."},
	{"nodev", "No such device."},
	{"noent", "No such file or directory."},
	{"noexec", "Executable file format error."},
	{"nolck", "No locks available."},
	{"nolink", "Reserved."},
	{"nomem", "Not enough space."},
	{"nomsg", "No message of the desired type."},
	{"noprotoopt", "Protocol not available."},
	{"nospc", "No space left on device."},
	{"nosys", "Function not supported."},
	{"notconn", "The socket is not connected."},
	{"notdir", "Not a directory or a symbolic link to a directory."},
	{"notempty", "Directory not empty."},
	{"notrecoverable", "State not recoverable."},
	{"notsock", "Not a socket."},
	{"notsup", "Not supported, or operation not supported on socket."},
	{"notty", "Inappropriate I/O control operation."},
	{"nxio", "No such device or address."},
	{"overflow", "Value too large to be stored in data type."},
	{"ownerdead", "Previous owner died."},
	{"perm", "Operation not permitted."},
	{"pipe", "Broken pipe."},
	{"proto", "Protocol error."},
	{"protonosupport", "Protocol not supported."},
	{"prototype", "Protocol wrong type for socket."},
	{"range", "Result too large."},
	{"rofs", "Read-only file system."},
	{"spipe", "Invalid seek."},
	{"srch", "No such process."},
	{"stale", "Reserved."},
	{"timedout", "Connection timed out."},
	{"txtbsy", "Text file busy."},
	{"xdev", "Cross-device link."},
	{"notcapable", "Extension: Capabilities insufficient."},
}

func TestErrnoCount(t *testing.T) {
	if len(specErrnos) != 77 || len(errnoNames) != 77 || len(errnoMessages) != 77 {
		t.Fatalf("spec has %d errnos; errnoNames %d, errnoMessages %d, want 77", len(specErrnos), len(errnoNames), len(errnoMessages))
	}
	if ENOTCAPABLE != 76 {
		t.Errorf("ENOTCAPABLE = %d, want 76", ENOTCAPABLE)
	}
}

func TestErrnoNames(t *testing.T) {
	for i, s := range specErrnos {
		e := Errno(i)
		want := "E" + strings.ToUpper(s.name)
		if s.name == "success" {
			want = "ESUCCESS"
		}
		t.Run(want, func(t *testing.T) {
			if got := e.Name(); got != want {
				t.Errorf("Errno(%d).Name() = %q, want %q", i, got, want)
			}
			if got := e.String(); got != want {
				t.Errorf("Errno(%d).String() = %q, want %q", i, got, want)
			}
			// Error is the spec's text without the final period, first
			// letter lower-cased like Go's syscall errors.
			doc := strings.TrimSuffix(s.doc, ".")
			wantMsg := strings.ToLower(doc[:1]) + doc[1:]
			if got := e.Error(); got != wantMsg {
				t.Errorf("Errno(%d).Error() = %q, want %q", i, got, wantMsg)
			}
			for _, name := range []string{want, strings.ToLower(want), s.name, strings.ToUpper(s.name)} {
				if got, ok := ErrnoByName(name); !ok || got != e {
					t.Errorf("ErrnoByName(%q) = %v, %v; want %v, true", name, got, ok, e)
				}
			}
		})
	}
}

func TestErrnoOutOfRange(t *testing.T) {
	for _, c := range []struct {
		e          Errno
		name, text string
	}{
		{77, "errno(77)", "errno 77"},
		{1000, "errno(1000)", "errno 1000"},
		{65535, "errno(65535)", "errno 65535"},
	} {
		if got := c.e.Name(); got != c.name {
			t.Errorf("Errno(%d).Name() = %q, want %q", c.e, got, c.name)
		}
		if got := c.e.Error(); got != c.text {
			t.Errorf("Errno(%d).Error() = %q, want %q", c.e, got, c.text)
		}
	}
}

func TestErrnoByNameUnknown(t *testing.T) {
	for _, name := range []string{"", "E", "ENOTANERRNO", "EACCESS", "NOENT ", "errno(5)", "5"} {
		if e, ok := ErrnoByName(name); ok {
			t.Errorf("ErrnoByName(%q) = %v, true; want false", name, e)
		}
	}
}

func TestErrnoIs(t *testing.T) {
	targets := []struct {
		name   string
		target error
		match  []Errno
	}{
		{"ErrNotExist", fs.ErrNotExist, []Errno{ENOENT}},
		{"ErrExist", fs.ErrExist, []Errno{EEXIST, ENOTEMPTY}},
		{"ErrPermission", fs.ErrPermission, []Errno{EACCES, EPERM, ENOTCAPABLE}},
		{"ErrClosed", fs.ErrClosed, []Errno{EBADF}},
		{"ErrInvalid", fs.ErrInvalid, []Errno{EINVAL}},
		{"ErrUnsupported", errors.ErrUnsupported, []Errno{ENOSYS, ENOTSUP}},
		{"other", io.EOF, nil},
	}
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			for e := Errno(0); e < 80; e++ {
				want := slices.Contains(tg.match, e)
				if got := errors.Is(e, tg.target); got != want {
					t.Errorf("errors.Is(%v, %v) = %v, want %v", e.Name(), tg.target, got, want)
				}
				wrapped := &fs.PathError{Op: "open", Path: "x", Err: e}
				if got := errors.Is(wrapped, tg.target); got != want {
					t.Errorf("errors.Is(PathError{%v}, %v) = %v, want %v", e.Name(), tg.target, got, want)
				}
			}
		})
	}
	if !errors.Is(fmt.Errorf("ctx: %w", ENOENT), ENOENT) || errors.Is(ENOENT, EEXIST) {
		t.Error("errors.Is between Errno values must compare the values")
	}
}
