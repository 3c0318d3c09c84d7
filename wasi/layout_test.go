package wasi

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// field is one member of a guest struct as the spec lays it out
// (wasi_snapshot_preview1.md, "Offset:" lines): its offset, its width in
// bytes and the value the test stores in it.
type field struct {
	name  string
	off   int
	width int
	value uint64
}

// layoutCase describes one struct: the spec's size, its members, a value
// of the Go type holding exactly the members' values, and its Put and Get.
type layoutCase struct {
	name   string
	size   int // Go constant under test
	spec   int // size from the spec
	fields []field
	put    func(b []byte)
	get    func(b []byte) any
	want   any
}

func layoutCases() []layoutCase {
	fdstat := FDStat{FileType: RegularFileType, Flags: Append | NonBlock, RightsBase: 0x1234_5678_9abc_def0, RightsInheriting: 0x0fed_cba9_8765_4321}
	filestat := FileStat{Dev: 0x0102030405060708, Ino: 0x1112131415161718, FileType: SymbolicLinkType, NLink: 0x2122232425262728,
		Size: 0x3132333435363738, ATime: 0x4142434445464748, MTime: 0x5152535455565758, CTime: 0x6162636465666768}
	dirent := Dirent{Next: 0x0102030405060708, Ino: 0x1112131415161718, NameLen: 0x21222324, Type: DirectoryType}
	prestat := Prestat{Type: PreopenDir, NameLen: 0x11121314}
	event := Event{UserData: 0x0102030405060708, Errno: ENOTCAPABLE, EventType: FDWriteEvent, NBytes: 0x2122232425262728, Flags: FDReadWriteHangup}
	clockSub := Subscription{UserData: 0x0102030405060708, EventType: ClockEvent, ClockID: Monotonic,
		Timeout: 0x2122232425262728, Precision: 0x3132333435363738, Flags: SubscriptionClockAbstime}
	readSub := Subscription{UserData: 0x0102030405060708, EventType: FDReadEvent, FD: 0x11121314}
	writeSub := Subscription{UserData: 0x0102030405060708, EventType: FDWriteEvent, FD: -2}
	return []layoutCase{
		{
			name: "fdstat", size: FDStatSize, spec: 24,
			fields: []field{
				{"fs_filetype", 0, 1, uint64(fdstat.FileType)},
				{"fs_flags", 2, 2, uint64(fdstat.Flags)},
				{"fs_rights_base", 8, 8, uint64(fdstat.RightsBase)},
				{"fs_rights_inheriting", 16, 8, uint64(fdstat.RightsInheriting)},
			},
			put:  func(b []byte) { fdstat.Put(b) },
			get:  func(b []byte) any { var v FDStat; v.Get(b); return v },
			want: fdstat,
		},
		{
			name: "filestat", size: FileStatSize, spec: 64,
			fields: []field{
				{"dev", 0, 8, filestat.Dev},
				{"ino", 8, 8, filestat.Ino},
				{"filetype", 16, 1, uint64(filestat.FileType)},
				{"nlink", 24, 8, filestat.NLink},
				{"size", 32, 8, filestat.Size},
				{"atim", 40, 8, filestat.ATime},
				{"mtim", 48, 8, filestat.MTime},
				{"ctim", 56, 8, filestat.CTime},
			},
			put:  func(b []byte) { filestat.Put(b) },
			get:  func(b []byte) any { var v FileStat; v.Get(b); return v },
			want: filestat,
		},
		{
			name: "dirent", size: DirentSize, spec: 24,
			fields: []field{
				{"d_next", 0, 8, dirent.Next},
				{"d_ino", 8, 8, dirent.Ino},
				{"d_namlen", 16, 4, uint64(dirent.NameLen)},
				{"d_type", 20, 1, uint64(dirent.Type)},
			},
			put:  func(b []byte) { dirent.Put(b) },
			get:  func(b []byte) any { var v Dirent; v.Get(b); return v },
			want: dirent,
		},
		{
			name: "prestat", size: PrestatSize, spec: 8,
			fields: []field{
				{"tag", 0, 1, uint64(prestat.Type)},
				{"dir.pr_name_len", 4, 4, uint64(prestat.NameLen)},
			},
			put:  func(b []byte) { prestat.Put(b) },
			get:  func(b []byte) any { var v Prestat; v.Get(b); return v },
			want: prestat,
		},
		{
			name: "event", size: EventSize, spec: 32,
			fields: []field{
				{"userdata", 0, 8, event.UserData},
				{"error", 8, 2, uint64(event.Errno)},
				{"type", 10, 1, uint64(event.EventType)},
				{"fd_readwrite.nbytes", 16, 8, event.NBytes},
				{"fd_readwrite.flags", 24, 2, uint64(event.Flags)},
			},
			put:  func(b []byte) { event.Put(b) },
			get:  func(b []byte) any { var v Event; v.Get(b); return v },
			want: event,
		},
		{
			name: "subscription/clock", size: SubscriptionSize, spec: 48,
			fields: []field{
				{"userdata", 0, 8, clockSub.UserData},
				{"u.tag", 8, 1, uint64(clockSub.EventType)},
				{"u.clock.id", 16, 4, uint64(clockSub.ClockID)},
				{"u.clock.timeout", 24, 8, clockSub.Timeout},
				{"u.clock.precision", 32, 8, clockSub.Precision},
				{"u.clock.flags", 40, 2, uint64(clockSub.Flags)},
			},
			put:  func(b []byte) { clockSub.Put(b) },
			get:  func(b []byte) any { var v Subscription; v.Get(b); return v },
			want: clockSub,
		},
		{
			name: "subscription/fd_read", size: SubscriptionSize, spec: 48,
			fields: []field{
				{"userdata", 0, 8, readSub.UserData},
				{"u.tag", 8, 1, uint64(readSub.EventType)},
				{"u.fd_read.file_descriptor", 16, 4, uint64(uint32(readSub.FD))},
			},
			put:  func(b []byte) { readSub.Put(b) },
			get:  func(b []byte) any { var v Subscription; v.Get(b); return v },
			want: readSub,
		},
		{
			name: "subscription/fd_write", size: SubscriptionSize, spec: 48,
			fields: []field{
				{"userdata", 0, 8, writeSub.UserData},
				{"u.tag", 8, 1, uint64(writeSub.EventType)},
				{"u.fd_write.file_descriptor", 16, 4, uint64(uint32(writeSub.FD))},
			},
			put:  func(b []byte) { writeSub.Put(b) },
			get:  func(b []byte) any { var v Subscription; v.Get(b); return v },
			want: writeSub,
		},
	}
}

func readField(b []byte, f field) uint64 {
	switch f.width {
	case 1:
		return uint64(b[f.off])
	case 2:
		return uint64(binary.LittleEndian.Uint16(b[f.off:]))
	case 4:
		return uint64(binary.LittleEndian.Uint32(b[f.off:]))
	case 8:
		return binary.LittleEndian.Uint64(b[f.off:])
	}
	panic("bad width")
}

func writeField(b []byte, f field) {
	switch f.width {
	case 1:
		b[f.off] = byte(f.value)
	case 2:
		binary.LittleEndian.PutUint16(b[f.off:], uint16(f.value))
	case 4:
		binary.LittleEndian.PutUint32(b[f.off:], uint32(f.value))
	case 8:
		binary.LittleEndian.PutUint64(b[f.off:], f.value)
	default:
		panic("bad width")
	}
}

func TestLayoutSizes(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"fdstat", FDStatSize, 24},
		{"filestat", FileStatSize, 64},
		{"dirent", DirentSize, 24},
		{"event", EventSize, 32},
		{"subscription", SubscriptionSize, 48},
		{"prestat", PrestatSize, 8},
		{"iovec", IOVecSize, 8},
	} {
		if c.got != c.want {
			t.Errorf("%s size = %d, want %d (spec)", c.name, c.got, c.want)
		}
	}
}

// TestLayoutPut checks every field's offset and width, that padding bytes
// are written as zero (no stale data leaks to the guest), and that Put
// writes nothing past the struct.
func TestLayoutPut(t *testing.T) {
	for _, c := range layoutCases() {
		t.Run(c.name, func(t *testing.T) {
			if c.size != c.spec {
				t.Fatalf("size = %d, want %d", c.size, c.spec)
			}
			b := bytes.Repeat([]byte{0xAA}, c.size+16)
			c.put(b[:c.size])
			covered := make([]bool, c.size)
			for _, f := range c.fields {
				if f.off+f.width > c.size {
					t.Fatalf("field %s [%d,%d) outside the struct", f.name, f.off, f.off+f.width)
				}
				if got := readField(b, f); got != f.value {
					t.Errorf("field %s @%d: got %#x, want %#x", f.name, f.off, got, f.value)
				}
				for i := f.off; i < f.off+f.width; i++ {
					if covered[i] {
						t.Errorf("field %s overlaps another field at byte %d", f.name, i)
					}
					covered[i] = true
				}
			}
			for i, cov := range covered {
				if !cov && b[i] != 0 {
					t.Errorf("padding byte %d = %#x, want 0", i, b[i])
				}
			}
			for i := c.size; i < len(b); i++ {
				if b[i] != 0xAA {
					t.Fatalf("Put wrote byte %d past the struct's %d bytes", i, c.size)
				}
			}
		})
	}
}

// TestLayoutGet decodes a buffer built from the spec's offsets, with
// garbage in every padding byte, and round-trips Put/Get.
func TestLayoutGet(t *testing.T) {
	for _, c := range layoutCases() {
		t.Run(c.name, func(t *testing.T) {
			b := bytes.Repeat([]byte{0xEE}, c.size)
			for _, f := range c.fields {
				writeField(b, f)
			}
			if got := c.get(b); got != c.want {
				t.Errorf("Get from spec layout:\n got %+v\nwant %+v", got, c.want)
			}
			rt := make([]byte, c.size)
			c.put(rt)
			if got := c.get(rt); got != c.want {
				t.Errorf("Get(Put(v)):\n got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

// TestSubscriptionGetZeroesOtherFields: a hostile guest may leave garbage in
// the union's other members; Get must not carry it into the Go value.
func TestSubscriptionGetZeroesOtherFields(t *testing.T) {
	for _, c := range []struct {
		name string
		tag  EventType
		want Subscription
	}{
		{"clock", ClockEvent, Subscription{UserData: 7, EventType: ClockEvent, ClockID: 0xF3F2F1F0, Timeout: 0xFFFFFFFFFFFFFFFF, Precision: 0xFFFFFFFFFFFFFFFF, Flags: 0xFFFF}},
		{"fd_read", FDReadEvent, Subscription{UserData: 7, EventType: FDReadEvent, FD: FD(-0x0C0D0E10)}},
		{"fd_write", FDWriteEvent, Subscription{UserData: 7, EventType: FDWriteEvent, FD: FD(-0x0C0D0E10)}},
		{"unknown tag", 9, Subscription{UserData: 7, EventType: 9}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := bytes.Repeat([]byte{0xFF}, SubscriptionSize)
			binary.LittleEndian.PutUint64(b, 7)
			b[8] = byte(c.tag)
			binary.LittleEndian.PutUint32(b[16:], 0xF3F2F1F0)
			s := Subscription{ClockID: 5, Timeout: 6, Precision: 7, Flags: 8, FD: 9} // stale values
			s.Get(b)
			if s != c.want {
				t.Errorf("Get:\n got %+v\nwant %+v", s, c.want)
			}
		})
	}
}

// TestSubscriptionPutZeroesOtherFields: Put of an fd subscription must not
// write the Go value's clock fields into the union.
func TestSubscriptionPutZeroesOtherFields(t *testing.T) {
	s := Subscription{UserData: 1, EventType: FDReadEvent, FD: 4, ClockID: 3, Timeout: 5, Precision: 6, Flags: 1}
	b := bytes.Repeat([]byte{0xFF}, SubscriptionSize)
	s.Put(b)
	want := make([]byte, SubscriptionSize)
	want[0] = 1
	want[8] = byte(FDReadEvent)
	want[16] = 4
	if !bytes.Equal(b, want) {
		t.Errorf("Put:\n got % x\nwant % x", b, want)
	}
}

func TestAppendDirent(t *testing.T) {
	d := Dirent{Next: 2, Ino: 99, Type: RegularFileType}
	name := []byte("hello.txt")
	full := make([]byte, DirentSize+len(name))
	d.NameLen = DirNameLen(len(name))
	d.Put(full)
	copy(full[DirentSize:], name)
	for _, c := range []struct {
		name    string
		bufLen  int
		off     int
		wantOff int
	}{
		{"fits", 64, 0, DirentSize + len(name)},
		{"exact", DirentSize + len(name), 0, DirentSize + len(name)},
		{"name truncated", DirentSize + 3, 0, DirentSize + 3},
		{"header truncated", 10, 0, 10},
		{"at offset", 64, 5, 5 + DirentSize + len(name)},
		{"full buffer", 16, 16, 16},
		{"offset past end", 16, 20, 16},
		{"empty", 0, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			buf := bytes.Repeat([]byte{0xAA}, c.bufLen)
			got := AppendDirent(buf, c.off, Dirent{Next: 2, Ino: 99, Type: RegularFileType, NameLen: 12345}, name)
			if got != c.wantOff {
				t.Fatalf("offset = %d, want %d", got, c.wantOff)
			}
			if c.off < c.bufLen {
				if w := full[:got-c.off]; !bytes.Equal(buf[c.off:got], w) {
					t.Errorf("bytes:\n got % x\nwant % x", buf[c.off:got], w)
				}
			}
			for i := got; i < len(buf); i++ {
				if buf[i] != 0xAA {
					t.Fatalf("wrote byte %d past the returned offset %d", i, got)
				}
			}
		})
	}
}
