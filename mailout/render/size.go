package render

import (
	"strconv"
	"strings"
)

// byteSize is n bytes as a reader of lang writes a file's size: "7 bytes",
// "1 byte", and past a kilobyte one decimal in the language's way, "12,5 KB"
// in Spanish and "12.5 KB" in English (none when it is zero: "2 MB").
func byteSize(lang string, n int64) string {
	switch {
	case n == 1:
		return "1 byte"
	case n < 1024:
		return strconv.FormatInt(n, 10) + " bytes"
	}
	f, unit := float64(n)/1024, "KB"
	for _, u := range []string{"MB", "GB", "TB"} {
		if f < 1024 {
			break
		}
		f, unit = f/1024, u
	}
	s := strings.TrimSuffix(strconv.FormatFloat(f, 'f', 1, 64), ".0")
	if lang == "es" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + " " + unit
}
