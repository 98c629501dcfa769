package parse

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
)

// contentType reads the media type and parameters of an entity, leniently:
// parameters that the mime package refuses (unquoted special characters,
// raw 8-bit bytes) are read by paramsLenient.
func contentType(h message.Header) (string, map[string]string) {
	v := h.Get("Content-Type")
	if strings.TrimSpace(v) == "" {
		return "text/plain", map[string]string{}
	}
	t, params := mediaParams(v)
	if t == "" || !strings.Contains(t, "/") {
		t = "application/octet-stream"
	}
	return t, params
}

// disposition reads the Content-Disposition and the file name of a part
// (RFC 2231 and encoded words decoded, raw 8-bit names read as UTF-8 or
// windows-1252), reduced to its last path element.
func disposition(h message.Header, ctParams map[string]string) (disp, filename string) {
	disp, params := mediaParams(h.Get("Content-Disposition"))
	filename = params["filename"]
	if filename == "" {
		filename = ctParams["name"]
	}
	if filename != "" {
		filename = safeName(filename)
	}
	return disp, filename
}

// mediaParams parses "type; key=value; …" as go-message does, falling back
// to a lenient reading of the parameters when it fails.
func mediaParams(v string) (string, map[string]string) {
	t, params, err := mime.ParseMediaType(v)
	if err != nil || params == nil {
		t, params = paramsLenient(v)
	} else if strings.Contains(v, "*") {
		// The mime package drops RFC 2231 values in charsets it does not
		// know, or, continued, keeps their later segments undecoded.
		_, lenient, charsets := rfc2231Lenient(v)
		for k, p := range lenient {
			if _, ok := params[k]; !ok || !plainCharset(charsets[k]) {
				params[k] = p
			}
		}
	}
	dec := mime.WordDecoder{CharsetReader: func(cs string, in io.Reader) (io.Reader, error) {
		return charset.Reader(cs, in)
	}}
	for k, p := range params {
		if !utf8.ValidString(p) {
			p = toUTF8([]byte(p))
		}
		if d, err := dec.DecodeHeader(p); err == nil {
			p = d
		}
		params[k] = p
	}
	return strings.ToLower(t), params
}

// paramsLenient reads "type; key=value; key="value"" without the strict
// rules of RFC 2045 tokens. RFC 2231 values (key*=charset'lang'%XX) and
// continuations (key*0*=…; key*1*=…) are decoded; bytes that do not fit
// the named charset become U+FFFD.
func paramsLenient(v string) (string, map[string]string) {
	t, params, _ := rfc2231Lenient(v)
	return t, params
}

// plainCharset reports whether cs is one the mime package decodes in RFC
// 2231 values itself (or none).
func plainCharset(cs string) bool {
	return cs == "" || strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "us-ascii")
}

// rfc2231Lenient is paramsLenient that also says the charset each RFC
// 2231 parameter was written in. The segments of a continued value are
// joined before the charset is decoded, so that a stateful charset
// (ISO-2022-JP) split over several segments reads as one text.
func rfc2231Lenient(v string) (string, map[string]string, map[string]string) {
	parts := strings.Split(v, ";")
	params := map[string]string{}
	type piece struct {
		n       int
		encoded bool
		value   string
	}
	continued := map[string][]piece{}
	for _, p := range parts[1:] {
		k, val, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		val = strings.Trim(strings.TrimSpace(val), `"`)
		base, rest, star := strings.Cut(k, "*")
		if !star {
			params[k] = val
			continue
		}
		pc := piece{encoded: strings.HasSuffix(rest, "*") || rest == "", value: val}
		if num := strings.TrimSuffix(rest, "*"); num != "" {
			if _, err := fmt.Sscanf(num, "%d", &pc.n); err != nil {
				continue
			}
		}
		continued[base] = append(continued[base], pc)
	}
	charsets := map[string]string{}
	for base, pieces := range continued {
		slices.SortFunc(pieces, func(a, b piece) int { return a.n - b.n })
		cs := ""
		var raw []byte
		for i, pc := range pieces {
			val := pc.value
			if pc.encoded && i == 0 {
				if fields := strings.SplitN(val, "'", 3); len(fields) == 3 {
					cs, val = fields[0], fields[2]
				}
			}
			if pc.encoded {
				raw = append(raw, percentDecode(val)...)
			} else {
				raw = append(raw, val...)
			}
		}
		params[base], charsets[base] = decodeCharset(raw, cs), cs
	}
	return strings.TrimSpace(parts[0]), params, charsets
}

// percentDecode decodes the %XX escapes of an RFC 2231 value, keeping
// malformed ones as they are.
func percentDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			var b byte
			if _, err := fmt.Sscanf(s[i+1:i+3], "%02x", &b); err == nil {
				out = append(out, b)
				i += 2
				continue
			}
		}
		out = append(out, s[i])
	}
	return out
}

// decodeCharset converts raw bytes in charset cs to UTF-8; an unknown or
// empty charset is read as toUTF8 does.
func decodeCharset(raw []byte, cs string) string {
	if plainCharset(cs) {
		return toUTF8(raw)
	}
	r, err := charset.Reader(cs, bytes.NewReader(raw))
	if err != nil {
		return toUTF8(raw)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return toUTF8(raw)
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// safeName keeps the last element of a file name and drops control
// characters, so that a name cannot point into other directories.
func safeName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" || name == ".." {
		return ""
	}
	return strings.TrimSpace(name)
}
