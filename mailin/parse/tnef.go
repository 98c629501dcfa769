package parse

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
)

// A minimal reader of the attachments of Outlook's TNEF (winmail.dat,
// application/ms-tnef), as [MS-OXTNEF] (Transport Neutral Encapsulation
// Format) specifies it. No Go TNEF library is served by the module proxy
// this project builds with, so only what gives back the files is read:
// the attachment attributes attAttachRendData (a new attachment),
// attAttachTitle (its short name), attAttachData (its content) and
// attAttachment (its MAPI properties, for the long file name, the MIME
// type and the Content-ID), and attOemCodepage for the 8-bit strings.
// The message's own properties (its RTF body) are skipped.

// tnefSignature starts a TNEF stream (MS-OXTNEF 2.1.3.1), little-endian.
const tnefSignature = 0x223E9F78

// The TNEF attributes read (MS-OXTNEF 2.1.3.3): the ID with its type in
// the high word.
const (
	attAttachRendData = 0x00069002
	attAttachTitle    = 0x00018010
	attAttachData     = 0x0006800F
	attAttachment     = 0x00069005
	attOemCodepage    = 0x00069007
)

// The MAPI properties of an attachment read from attAttachment
// (MS-OXPROPS).
const (
	pidTagAttachDataBinary   = 0x3701
	pidTagAttachLongFilename = 0x3707
	pidTagAttachMimeTag      = 0x370E
	pidTagAttachContentID    = 0x3712
)

// tnefFile is a file carried in a TNEF stream.
type tnefFile struct {
	name, contentType, contentID string
	data                         []byte
}

var errTNEF = errors.New("not a TNEF stream")

// readTNEF returns the files of a TNEF stream, in order. A stream cut
// short or damaged returns the files read before the damage and an error.
func readTNEF(data []byte) ([]tnefFile, error) {
	if len(data) < 6 || binary.LittleEndian.Uint32(data) != tnefSignature {
		return nil, errTNEF
	}
	var files []tnefFile
	codepage := uint32(1252)
	var cur *tnefFile
	var title string // attAttachTitle, used when no long name comes
	flush := func() {
		if cur != nil {
			if cur.name == "" {
				cur.name = title
			}
			files = append(files, *cur)
		}
		cur, title = nil, ""
	}
	for pos := 6; pos < len(data); {
		// level (1 byte), attribute ID, length, value, checksum (2 bytes).
		if len(data)-pos < 9 {
			flush()
			return files, fmt.Errorf("TNEF attribute at byte %d: cut short", pos)
		}
		id := binary.LittleEndian.Uint32(data[pos+1:])
		n := int(binary.LittleEndian.Uint32(data[pos+5:]))
		if n < 0 || n > len(data)-pos-9-2 {
			flush()
			return files, fmt.Errorf("TNEF attribute %#08x at byte %d: its %d bytes run past the end", id, pos, n)
		}
		value := data[pos+9 : pos+9+n]
		pos += 9 + n + 2
		switch id {
		case attOemCodepage:
			if len(value) >= 4 {
				codepage = binary.LittleEndian.Uint32(value)
			}
		case attAttachRendData:
			flush()
			cur = &tnefFile{}
		case attAttachTitle:
			title = tnefString8(value, codepage)
		case attAttachData:
			if cur == nil {
				cur = &tnefFile{}
			}
			cur.data = value
		case attAttachment:
			if cur == nil {
				cur = &tnefFile{}
			}
			cur.readProps(value, codepage)
		}
	}
	flush()
	return files, nil
}

// readProps reads the properties of an attachment it uses from a MAPI
// property list (MS-OXTNEF 2.1.3.4, MsgPropertyList). A list it cannot
// read to the end gives what was read before.
func (f *tnefFile) readProps(b []byte, codepage uint32) {
	r := &tnefReader{b: b}
	count := r.u32()
	for i := uint32(0); i < count && r.ok(); i++ {
		typ, id := r.u16(), r.u16()
		if id >= 0x8000 { // a named property: GUID, kind, then an ID or a name
			r.skip(16)
			if r.u32() == 0 {
				r.skip(4)
			} else {
				r.skip(pad4(int(r.u32())))
			}
		}
		values := r.values(typ)
		if !r.ok() {
			return
		}
		if len(values) == 0 {
			continue
		}
		v := values[0]
		switch id {
		case pidTagAttachLongFilename:
			f.name = tnefText(v, typ, codepage)
		case pidTagAttachMimeTag:
			f.contentType = strings.ToLower(tnefText(v, typ, codepage))
		case pidTagAttachContentID:
			f.contentID = strings.Trim(tnefText(v, typ, codepage), "<>")
		case pidTagAttachDataBinary:
			if f.data == nil && typ == 0x0102 {
				f.data = v
			}
		}
	}
}

// tnefReader reads little-endian values from b; past the end, it reads
// zeros and ok reports false.
type tnefReader struct {
	b   []byte
	pos int
}

func (r *tnefReader) ok() bool { return r.pos <= len(r.b) }

func (r *tnefReader) take(n int) []byte {
	if n < 0 || n > len(r.b)-r.pos {
		r.pos = len(r.b) + 1
		return nil
	}
	r.pos += n
	return r.b[r.pos-n : r.pos]
}

func (r *tnefReader) skip(n int) { r.take(n) }

func (r *tnefReader) u16() uint16 {
	if b := r.take(2); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (r *tnefReader) u32() uint32 {
	if b := r.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

// values reads the value or values of a property of type typ: fixed-size
// types are read and dropped (nil); strings, binaries and objects are
// returned, each a count, then lengths and data padded to 4 bytes.
func (r *tnefReader) values(typ uint16) [][]byte {
	base, multi := typ&^0x1000, typ&0x1000 != 0
	size := tnefFixedSizes[base]
	switch {
	case size > 0 && !multi:
		r.skip(size)
		return nil
	case size > 0:
		r.skip(int(r.u32()) * size)
		return nil
	case base == 0x001E || base == 0x001F || base == 0x0102 || base == 0x000D:
		n := r.u32()
		var out [][]byte
		for k := uint32(0); k < n && r.ok(); k++ {
			l := int(r.u32())
			v := r.take(l)
			r.skip(pad4(l) - l)
			out = append(out, v)
		}
		return out
	}
	r.pos = len(r.b) + 1 // a type this reader does not know: stop
	return nil
}

// tnefFixedSizes are the sizes of the fixed-size property types in TNEF,
// where 16-bit integers and booleans take 4 bytes (MS-OXTNEF 2.1.3.4).
var tnefFixedSizes = map[uint16]int{0x0002: 4, 0x0003: 4, 0x0004: 4, 0x000A: 4, 0x000B: 4, 0x0005: 8,
	0x0006: 8, 0x0007: 8, 0x0014: 8, 0x0040: 8, 0x0048: 16}

func pad4(n int) int { return (n + 3) &^ 3 }

// tnefText decodes a string property: UTF-16LE (PtypString) or 8-bit in
// the stream's codepage (PtypString8), without its terminating NUL.
func tnefText(v []byte, typ uint16, codepage uint32) string {
	if typ&^0x1000 != 0x001F {
		return tnefString8(v, codepage)
	}
	u := make([]uint16, 0, len(v)/2)
	for i := 0; i+1 < len(v); i += 2 {
		u = append(u, binary.LittleEndian.Uint16(v[i:]))
	}
	return strings.TrimRight(string(utf16.Decode(u)), "\x00")
}

// tnefString8 decodes an 8-bit string in a Windows codepage.
func tnefString8(v []byte, codepage uint32) string {
	v = []byte(strings.TrimRight(string(v), "\x00"))
	cs := codepages[codepage]
	if cs == "" && codepage >= 1250 && codepage <= 1258 {
		cs = fmt.Sprintf("windows-%d", codepage)
	}
	return decodeCharset(v, cs)
}

// codepages are the charsets of the Windows codepages besides 1250–1258.
var codepages = map[uint32]string{932: "shift_jis", 936: "gbk", 949: "euc-kr", 950: "big5", 65001: "utf-8",
	20127: "us-ascii", 28591: "iso-8859-1", 28592: "iso-8859-2", 28605: "iso-8859-15", 20866: "koi8-r"}
