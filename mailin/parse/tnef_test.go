package parse

import (
	"bytes"
	"encoding/binary"
	"testing"
	"unicode/utf16"
)

// tnefAttr writes one TNEF attribute (MS-OXTNEF 2.1.3.3): level, ID,
// length, value, checksum.
func tnefAttr(level byte, id uint32, value []byte) []byte {
	var sum uint16
	for _, c := range value {
		sum += uint16(c)
	}
	out := []byte{level}
	out = binary.LittleEndian.AppendUint32(out, id)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(value)))
	out = append(out, value...)
	return binary.LittleEndian.AppendUint16(out, sum)
}

// tnefProp writes one variable-length MAPI property of type typ.
func tnefProp(typ, id uint16, value []byte) []byte {
	out := binary.LittleEndian.AppendUint16(nil, typ)
	out = binary.LittleEndian.AppendUint16(out, id)
	out = binary.LittleEndian.AppendUint32(out, 1)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(value)))
	out = append(out, value...)
	return append(out, make([]byte, pad4(len(value))-len(value))...)
}

func tnefProps(props ...[]byte) []byte {
	out := binary.LittleEndian.AppendUint32(nil, uint32(len(props)))
	return append(out, bytes.Join(props, nil)...)
}

func utf16z(s string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s + "\x00")) {
		out = binary.LittleEndian.AppendUint16(out, u)
	}
	return out
}

func tnefStream(attrs ...[]byte) []byte {
	out := binary.LittleEndian.AppendUint32(nil, tnefSignature)
	out = binary.LittleEndian.AppendUint16(out, 1)
	return append(out, bytes.Join(attrs, nil)...)
}

// sampleTNEF is a stream of three files: named by an 8-bit long name in
// codepage 1252 with a MIME type, by its short title only, and by a
// UTF-16 long name with its content in PidTagAttachDataBinary and a
// Content-ID.
func sampleTNEF() []byte {
	rend := make([]byte, 14)
	method := binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, 0x37050003), 1) // PidTagAttachMethod
	return tnefStream(
		tnefAttr(1, attOemCodepage, []byte{0xe4, 0x04, 0, 0, 0, 0, 0, 0}),
		tnefAttr(2, attAttachRendData, rend),
		tnefAttr(2, attAttachTitle, []byte("INFORM~1.TXT\x00")),
		tnefAttr(2, attAttachData, []byte("first")),
		tnefAttr(2, attAttachment, tnefProps(method,
			tnefProp(0x001E, pidTagAttachLongFilename, []byte("Informe de n\xf3minas.txt\x00")),
			tnefProp(0x001E, pidTagAttachMimeTag, []byte("text/plain\x00")))),
		tnefAttr(2, attAttachRendData, rend),
		tnefAttr(2, attAttachTitle, []byte("SHORT.LOG\x00")),
		tnefAttr(2, attAttachData, []byte("second")),
		tnefAttr(2, attAttachRendData, rend),
		tnefAttr(2, attAttachment, tnefProps(
			tnefProp(0x001F, pidTagAttachLongFilename, utf16z("Captura – error.png")),
			tnefProp(0x0102, pidTagAttachDataBinary, []byte("third")),
			tnefProp(0x001F, pidTagAttachContentID, utf16z("<img1@example.com>")))),
	)
}

// TestReadTNEF reads the files of TNEF streams: the long name from the
// attachment's properties (8-bit in the stream's codepage, or UTF-16),
// the short title without them, the content from attAttachData or from
// PidTagAttachDataBinary; a damaged stream gives what came before.
func TestReadTNEF(t *testing.T) {
	whole := sampleTNEF()
	files, err := readTNEF(whole)
	if err != nil {
		t.Fatal(err)
	}
	want := []tnefFile{
		{name: "Informe de nóminas.txt", contentType: "text/plain", data: []byte("first")},
		{name: "SHORT.LOG", data: []byte("second")},
		{name: "Captura – error.png", contentID: "img1@example.com", data: []byte("third")},
	}
	if len(files) != len(want) {
		t.Fatalf("%d files, want %d: %+v", len(files), len(want), files)
	}
	for i, w := range want {
		f := files[i]
		if f.name != w.name || f.contentType != w.contentType || f.contentID != w.contentID || !bytes.Equal(f.data, w.data) {
			t.Errorf("file %d = %+v, want %+v", i, f, w)
		}
	}

	// Cut inside the third attachment: the two before it are kept.
	files, err = readTNEF(whole[:len(whole)-10])
	if err == nil || len(files) != 3 || files[2].data != nil {
		t.Errorf("cut short: %d files, %v", len(files), err)
	}
	if _, err := readTNEF([]byte("not TNEF at all")); err != errTNEF {
		t.Errorf("not TNEF: %v", err)
	}
	// A property of a type unknown to the reader ends the property list
	// but keeps the file.
	odd := tnefStream(tnefAttr(2, attAttachRendData, make([]byte, 14)), tnefAttr(2, attAttachData, []byte("x")),
		tnefAttr(2, attAttachment, tnefProps([]byte{0x99, 0x09, 0x07, 0x37})))
	if files, err := readTNEF(odd); err != nil || len(files) != 1 || string(files[0].data) != "x" {
		t.Errorf("unknown property type: %+v, %v", files, err)
	}
}

// FuzzReadTNEF checks that the TNEF reader never panics.
func FuzzReadTNEF(f *testing.F) {
	f.Add(sampleTNEF())
	f.Add(tnefStream(tnefAttr(2, attAttachRendData, make([]byte, 14)), tnefAttr(2, attAttachment, tnefProps(tnefProp(0x101F, 0x3707, []byte("ab"))))))
	f.Fuzz(func(t *testing.T, data []byte) {
		readTNEF(data)
	})
}
