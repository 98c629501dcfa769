package mailin

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFilename is the longest filename kept, in bytes: the limit of the
// common file systems (ext4, XFS, APFS, NTFS in UTF-16 units, which 255
// bytes of UTF-8 never exceed).
const maxFilename = 255

// maxExtension is the longest extension kept when a name is cut.
const maxExtension = 16

// SafeFilename makes an attachment's name safe to show, to put in a mail
// header or on disk: no directory, no control or bidirectional-override
// characters, no leading dots, at most 255 bytes, cut on a character
// boundary with the extension kept.
// A name of which nothing is left becomes "attachment".
func SafeFilename(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base(strings.TrimRight(name, "/"))
	name = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r):
			return -1
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ".")
	name = strings.TrimSpace(name)
	if len(name) > maxFilename {
		ext := path.Ext(name)
		if len(ext) > maxExtension {
			ext = ""
		}
		name = truncate(name[:len(name)-len(ext)], maxFilename-len(ext)) + ext
	}
	if name == "" || name == "/" {
		return "attachment"
	}
	return name
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	for len(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
