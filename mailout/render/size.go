package render

import (
	"strconv"
	"strings"

	"incidentd/workflow"
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

// units are the words of a span of time in each language: singular and
// plural of days, hours, minutes and seconds, and the word that joins
// the last two parts.
var units = map[string]struct {
	one, many [4]string
	and       string
}{
	"es": {[4]string{"día", "hora", "minuto", "segundo"}, [4]string{"días", "horas", "minutos", "segundos"}, " y "},
	"en": {[4]string{"day", "hour", "minute", "second"}, [4]string{"days", "hours", "minutes", "seconds"}, " "},
}

// span is s as a reader of lang writes a time in a sentence, to the same
// two largest parts as Seconds.String: "14 days", "1 day 6 hours", "5
// horas y 20 minutos".
func span(lang string, s workflow.Seconds) string {
	u := units[lang]
	n := [4]int64{int64(s) / 86400, int64(s) % 86400 / 3600, int64(s) % 3600 / 60, int64(s) % 60}
	part := func(i int) string {
		if n[i] == 1 {
			return "1 " + u.one[i]
		}
		return strconv.FormatInt(n[i], 10) + " " + u.many[i]
	}
	first := 0
	for first < len(n)-1 && n[first] == 0 {
		first++
	}
	if first < 2 && n[first+1] > 0 { // no seconds after minutes
		return part(first) + u.and + part(first+1)
	}
	return part(first)
}
