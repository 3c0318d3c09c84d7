package wasi

// Errno is an error code returned by WASI functions (u16).
//
// The zero value, ESUCCESS, means no error. Errno implements error so that
// Go code above the ABI can wrap it; use errors.Is to test for a value.
type Errno uint16

// Error codes of preview 1, in spec order.
const (
	ESUCCESS        Errno = 0  // No error occurred. System call completed successfully.
	E2BIG           Errno = 1  // Argument list too long.
	EACCES          Errno = 2  // Permission denied.
	EADDRINUSE      Errno = 3  // Address in use.
	EADDRNOTAVAIL   Errno = 4  // Address not available.
	EAFNOSUPPORT    Errno = 5  // Address family not supported.
	EAGAIN          Errno = 6  // Resource unavailable, or operation would block.
	EALREADY        Errno = 7  // Connection already in progress.
	EBADF           Errno = 8  // Bad file descriptor.
	EBADMSG         Errno = 9  // Bad message.
	EBUSY           Errno = 10 // Device or resource busy.
	ECANCELED       Errno = 11 // Operation canceled.
	ECHILD          Errno = 12 // No child processes.
	ECONNABORTED    Errno = 13 // Connection aborted.
	ECONNREFUSED    Errno = 14 // Connection refused.
	ECONNRESET      Errno = 15 // Connection reset.
	EDEADLK         Errno = 16 // Resource deadlock would occur.
	EDESTADDRREQ    Errno = 17 // Destination address required.
	EDOM            Errno = 18 // Mathematics argument out of domain of function.
	EDQUOT          Errno = 19 // Reserved.
	EEXIST          Errno = 20 // File exists.
	EFAULT          Errno = 21 // Bad address.
	EFBIG           Errno = 22 // File too large.
	EHOSTUNREACH    Errno = 23 // Host is unreachable.
	EIDRM           Errno = 24 // Identifier removed.
	EILSEQ          Errno = 25 // Illegal byte sequence.
	EINPROGRESS     Errno = 26 // Operation in progress.
	EINTR           Errno = 27 // Interrupted function.
	EINVAL          Errno = 28 // Invalid argument.
	EIO             Errno = 29 // I/O error.
	EISCONN         Errno = 30 // Socket is connected.
	EISDIR          Errno = 31 // Is a directory.
	ELOOP           Errno = 32 // Too many levels of symbolic links.
	EMFILE          Errno = 33 // File descriptor value too large.
	EMLINK          Errno = 34 // Too many links.
	EMSGSIZE        Errno = 35 // Message too large.
	EMULTIHOP       Errno = 36 // Reserved.
	ENAMETOOLONG    Errno = 37 // Filename too long.
	ENETDOWN        Errno = 38 // Network is down.
	ENETRESET       Errno = 39 // Connection aborted by network.
	ENETUNREACH     Errno = 40 // Network unreachable.
	ENFILE          Errno = 41 // Too many files open in system.
	ENOBUFS         Errno = 42 // No buffer space available.
	ENODEV          Errno = 43 // No such device.
	ENOENT          Errno = 44 // No such file or directory.
	ENOEXEC         Errno = 45 // Executable file format error.
	ENOLCK          Errno = 46 // No locks available.
	ENOLINK         Errno = 47 // Reserved.
	ENOMEM          Errno = 48 // Not enough space.
	ENOMSG          Errno = 49 // No message of the desired type.
	ENOPROTOOPT     Errno = 50 // Protocol not available.
	ENOSPC          Errno = 51 // No space left on device.
	ENOSYS          Errno = 52 // Function not supported.
	ENOTCONN        Errno = 53 // The socket is not connected.
	ENOTDIR         Errno = 54 // Not a directory or a symbolic link to a directory.
	ENOTEMPTY       Errno = 55 // Directory not empty.
	ENOTRECOVERABLE Errno = 56 // State not recoverable.
	ENOTSOCK        Errno = 57 // Not a socket.
	ENOTSUP         Errno = 58 // Not supported, or operation not supported on socket.
	ENOTTY          Errno = 59 // Inappropriate I/O control operation.
	ENXIO           Errno = 60 // No such device or address.
	EOVERFLOW       Errno = 61 // Value too large to be stored in data type.
	EOWNERDEAD      Errno = 62 // Previous owner died.
	EPERM           Errno = 63 // Operation not permitted.
	EPIPE           Errno = 64 // Broken pipe.
	EPROTO          Errno = 65 // Protocol error.
	EPROTONOSUPPORT Errno = 66 // Protocol not supported.
	EPROTOTYPE      Errno = 67 // Protocol wrong type for socket.
	ERANGE          Errno = 68 // Result too large.
	EROFS           Errno = 69 // Read-only file system.
	ESPIPE          Errno = 70 // Invalid seek.
	ESRCH           Errno = 71 // No such process.
	ESTALE          Errno = 72 // Reserved.
	ETIMEDOUT       Errno = 73 // Connection timed out.
	ETXTBSY         Errno = 74 // Text file busy.
	EXDEV           Errno = 75 // Cross-device link.
	ENOTCAPABLE     Errno = 76 // Extension: Capabilities insufficient.
)

var errnoNames = [...]string{
	"ESUCCESS",
	"E2BIG",
	"EACCES",
	"EADDRINUSE",
	"EADDRNOTAVAIL",
	"EAFNOSUPPORT",
	"EAGAIN",
	"EALREADY",
	"EBADF",
	"EBADMSG",
	"EBUSY",
	"ECANCELED",
	"ECHILD",
	"ECONNABORTED",
	"ECONNREFUSED",
	"ECONNRESET",
	"EDEADLK",
	"EDESTADDRREQ",
	"EDOM",
	"EDQUOT",
	"EEXIST",
	"EFAULT",
	"EFBIG",
	"EHOSTUNREACH",
	"EIDRM",
	"EILSEQ",
	"EINPROGRESS",
	"EINTR",
	"EINVAL",
	"EIO",
	"EISCONN",
	"EISDIR",
	"ELOOP",
	"EMFILE",
	"EMLINK",
	"EMSGSIZE",
	"EMULTIHOP",
	"ENAMETOOLONG",
	"ENETDOWN",
	"ENETRESET",
	"ENETUNREACH",
	"ENFILE",
	"ENOBUFS",
	"ENODEV",
	"ENOENT",
	"ENOEXEC",
	"ENOLCK",
	"ENOLINK",
	"ENOMEM",
	"ENOMSG",
	"ENOPROTOOPT",
	"ENOSPC",
	"ENOSYS",
	"ENOTCONN",
	"ENOTDIR",
	"ENOTEMPTY",
	"ENOTRECOVERABLE",
	"ENOTSOCK",
	"ENOTSUP",
	"ENOTTY",
	"ENXIO",
	"EOVERFLOW",
	"EOWNERDEAD",
	"EPERM",
	"EPIPE",
	"EPROTO",
	"EPROTONOSUPPORT",
	"EPROTOTYPE",
	"ERANGE",
	"EROFS",
	"ESPIPE",
	"ESRCH",
	"ESTALE",
	"ETIMEDOUT",
	"ETXTBSY",
	"EXDEV",
	"ENOTCAPABLE",
}

var errnoMessages = [...]string{
	"No error occurred. System call completed successfully",
	"Argument list too long",
	"Permission denied",
	"Address in use",
	"Address not available",
	"Address family not supported",
	"Resource unavailable, or operation would block",
	"Connection already in progress",
	"Bad file descriptor",
	"Bad message",
	"Device or resource busy",
	"Operation canceled",
	"No child processes",
	"Connection aborted",
	"Connection refused",
	"Connection reset",
	"Resource deadlock would occur",
	"Destination address required",
	"Mathematics argument out of domain of function",
	"Reserved",
	"File exists",
	"Bad address",
	"File too large",
	"Host is unreachable",
	"Identifier removed",
	"Illegal byte sequence",
	"Operation in progress",
	"Interrupted function",
	"Invalid argument",
	"I/O error",
	"Socket is connected",
	"Is a directory",
	"Too many levels of symbolic links",
	"File descriptor value too large",
	"Too many links",
	"Message too large",
	"Reserved",
	"Filename too long",
	"Network is down",
	"Connection aborted by network",
	"Network unreachable",
	"Too many files open in system",
	"No buffer space available",
	"No such device",
	"No such file or directory",
	"Executable file format error",
	"No locks available",
	"Reserved",
	"Not enough space",
	"No message of the desired type",
	"Protocol not available",
	"No space left on device",
	"Function not supported",
	"The socket is not connected",
	"Not a directory or a symbolic link to a directory",
	"Directory not empty",
	"State not recoverable",
	"Not a socket",
	"Not supported, or operation not supported on socket",
	"Inappropriate I/O control operation",
	"No such device or address",
	"Value too large to be stored in data type",
	"Previous owner died",
	"Operation not permitted",
	"Broken pipe",
	"Protocol error",
	"Protocol not supported",
	"Protocol wrong type for socket",
	"Result too large",
	"Read-only file system",
	"Invalid seek",
	"No such process",
	"Reserved",
	"Connection timed out",
	"Text file busy",
	"Cross-device link",
	"Extension: Capabilities insufficient",
}

// Name returns the symbolic name of the errno, e.g. "ENOENT".
func (e Errno) Name() string {
	if int(e) < len(errnoNames) {
		return errnoNames[e]
	}
	return "errno(" + itoa(uint64(e)) + ")"
}

// Error returns the spec's description of the errno, lower-cased like Go's syscall errors.
func (e Errno) Error() string {
	if int(e) < len(errnoMessages) {
		m := errnoMessages[e]
		if m != "" && m[0] >= 'A' && m[0] <= 'Z' && !(len(m) > 1 && m[1] >= 'A' && m[1] <= 'Z') {
			return string(m[0]+'a'-'A') + m[1:]
		}
		return m
	}
	return "errno " + itoa(uint64(e))
}

// String returns Name.
func (e Errno) String() string { return e.Name() }

// ErrnoByName returns the errno with the given symbolic name ("EACCES", "acces"
// and "EACCESS" style spellings are not normalised beyond case).
func ErrnoByName(name string) (Errno, bool) {
	for i, n := range errnoNames {
		if equalFold(n, name) || equalFold(n[1:], name) {
			return Errno(i), true
		}
	}
	return 0, false
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
