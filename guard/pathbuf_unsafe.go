package guard

import (
	"path"
	"unsafe"
)

// pathBuf builds the guest path of a decision without allocating: the
// string it returns aliases the buffer and is only valid until the next
// call. The guard uses such a string only during the one call it decides;
// whatever outlives the call (audit records) is cloned (System.deny,
// System.allowed), and the policy engine copies what it keeps
// (policy.Engine.Decide). An allocation per path_open was about 5% of an
// open here.
type pathBuf struct {
	b []byte
}

// join is join (path.go) into the buffer.
func (pb *pathBuf) join(base, rel string) (string, bool) {
	if rel == "" || rel[0] == '/' || !cleanRel(rel) {
		return join(base, rel)
	}
	pb.b = pb.b[:0]
	if base != "/" {
		pb.b = append(pb.b, base...)
	}
	pb.b = append(pb.b, '/')
	pb.b = append(pb.b, rel...)
	if len(pb.b) > 2*maxPathLen {
		return path.Clean(string(pb.b)), true // not worth keeping a buffer that large
	}
	return unsafe.String(unsafe.SliceData(pb.b), len(pb.b)), true
}

// maxPathLen is what the ABI allows a guest path (design decision 6).
const maxPathLen = 4096
