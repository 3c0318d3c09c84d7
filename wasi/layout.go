package wasi

import "encoding/binary"

// Encoding and decoding of the preview 1 structs in the wasm32 little-endian
// layout. Callers pass a slice of exactly (at least) the struct's size; the
// functions never allocate. Padding bytes are written as zero so that no
// stale guest or host data leaks through them.

var le = binary.LittleEndian

// Put encodes s into b[:FDStatSize].
func (s *FDStat) Put(b []byte) {
	_ = b[FDStatSize-1]
	clear(b[:8])
	b[0] = byte(s.FileType)
	le.PutUint16(b[2:], uint16(s.Flags))
	le.PutUint64(b[8:], uint64(s.RightsBase))
	le.PutUint64(b[16:], uint64(s.RightsInheriting))
}

// Get decodes b[:FDStatSize] into s.
func (s *FDStat) Get(b []byte) {
	_ = b[FDStatSize-1]
	s.FileType = FileType(b[0])
	s.Flags = FDFlags(le.Uint16(b[2:]))
	s.RightsBase = Rights(le.Uint64(b[8:]))
	s.RightsInheriting = Rights(le.Uint64(b[16:]))
}

// Put encodes s into b[:FileStatSize].
func (s *FileStat) Put(b []byte) {
	_ = b[FileStatSize-1]
	le.PutUint64(b[0:], s.Dev)
	le.PutUint64(b[8:], s.Ino)
	le.PutUint64(b[16:], uint64(s.FileType)) // filetype u8 + 7 bytes padding
	le.PutUint64(b[24:], s.NLink)
	le.PutUint64(b[32:], s.Size)
	le.PutUint64(b[40:], s.ATime)
	le.PutUint64(b[48:], s.MTime)
	le.PutUint64(b[56:], s.CTime)
}

// Get decodes b[:FileStatSize] into s.
func (s *FileStat) Get(b []byte) {
	_ = b[FileStatSize-1]
	s.Dev = le.Uint64(b[0:])
	s.Ino = le.Uint64(b[8:])
	s.FileType = FileType(b[16])
	s.NLink = le.Uint64(b[24:])
	s.Size = le.Uint64(b[32:])
	s.ATime = le.Uint64(b[40:])
	s.MTime = le.Uint64(b[48:])
	s.CTime = le.Uint64(b[56:])
}

// Put encodes d into b[:DirentSize].
func (d *Dirent) Put(b []byte) {
	_ = b[DirentSize-1]
	le.PutUint64(b[0:], d.Next)
	le.PutUint64(b[8:], d.Ino)
	le.PutUint32(b[16:], d.NameLen)
	le.PutUint32(b[20:], uint32(d.Type)) // d_type u8 + 3 bytes padding
}

// Get decodes b[:DirentSize] into d.
func (d *Dirent) Get(b []byte) {
	_ = b[DirentSize-1]
	d.Next = le.Uint64(b[0:])
	d.Ino = le.Uint64(b[8:])
	d.NameLen = le.Uint32(b[16:])
	d.Type = FileType(b[20])
}

// Put encodes p into b[:PrestatSize].
func (p *Prestat) Put(b []byte) {
	_ = b[PrestatSize-1]
	le.PutUint32(b[0:], uint32(p.Type))
	le.PutUint32(b[4:], p.NameLen)
}

// Get decodes b[:PrestatSize] into p.
func (p *Prestat) Get(b []byte) {
	_ = b[PrestatSize-1]
	p.Type = PreopenType(b[0])
	p.NameLen = le.Uint32(b[4:])
}

// Put encodes e into b[:EventSize].
func (e *Event) Put(b []byte) {
	_ = b[EventSize-1]
	le.PutUint64(b[0:], e.UserData)
	le.PutUint16(b[8:], uint16(e.Errno))
	le.PutUint16(b[10:], uint16(e.EventType)) // type u8 + 1 byte padding
	le.PutUint32(b[12:], 0)
	le.PutUint64(b[16:], e.NBytes)
	le.PutUint64(b[24:], uint64(e.Flags)) // flags u16 + 6 bytes padding
}

// Get decodes b[:EventSize] into e.
func (e *Event) Get(b []byte) {
	_ = b[EventSize-1]
	e.UserData = le.Uint64(b[0:])
	e.Errno = Errno(le.Uint16(b[8:]))
	e.EventType = EventType(b[10])
	e.NBytes = le.Uint64(b[16:])
	e.Flags = EventRWFlags(le.Uint16(b[24:]))
}

// Put encodes s into b[:SubscriptionSize].
func (s *Subscription) Put(b []byte) {
	_ = b[SubscriptionSize-1]
	clear(b[:SubscriptionSize])
	le.PutUint64(b[0:], s.UserData)
	b[8] = byte(s.EventType)
	switch s.EventType {
	case ClockEvent:
		le.PutUint32(b[16:], uint32(s.ClockID))
		le.PutUint64(b[24:], s.Timeout)
		le.PutUint64(b[32:], s.Precision)
		le.PutUint16(b[40:], uint16(s.Flags))
	default:
		le.PutUint32(b[16:], uint32(s.FD))
	}
}

// Get decodes b[:SubscriptionSize] into s. Fields that do not belong to
// the subscription's tag are zeroed. An unknown tag is kept as is; the
// System rejects it with EINVAL in the matching event.
func (s *Subscription) Get(b []byte) {
	_ = b[SubscriptionSize-1]
	*s = Subscription{UserData: le.Uint64(b[0:]), EventType: EventType(b[8])}
	switch s.EventType {
	case ClockEvent:
		s.ClockID = ClockID(le.Uint32(b[16:]))
		s.Timeout = le.Uint64(b[24:])
		s.Precision = le.Uint64(b[32:])
		s.Flags = SubClockFlags(le.Uint16(b[40:]))
	case FDReadEvent, FDWriteEvent:
		s.FD = FD(le.Uint32(b[16:]))
	}
}

// AppendDirent encodes one directory entry (header then name) into buf at
// off, truncating it if buf is too short, as fd_readdir requires. It
// returns the new offset; off == len(buf) means buf is full.
func AppendDirent(buf []byte, off int, d Dirent, name []byte) int {
	if off >= len(buf) {
		return len(buf)
	}
	d.NameLen = DirNameLen(len(name))
	if len(buf)-off >= DirentSize {
		d.Put(buf[off:])
		off += DirentSize
	} else {
		var hdr [DirentSize]byte
		d.Put(hdr[:])
		return off + copy(buf[off:], hdr[:])
	}
	return off + copy(buf[off:], name)
}
