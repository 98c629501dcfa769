package parse

import (
	"testing"
	"time"
)

// TestParseDate reads the dates of forwarded header blocks as clients
// write them in each language.
func TestParseDate(t *testing.T) {
	at := func(offset int) time.Time {
		return time.Date(2026, 5, 4, 10, 15, 0, 0, time.FixedZone("", offset*3600))
	}
	cases := map[string]time.Time{
		"Mon, 4 May 2026 10:15:00 +0200":     at(2),
		"Mon, May 4, 2026 at 10:15\u202fAM":  at(0), // Gmail, English
		"lunes, 4 de mayo de 2026 10:15":     at(0), // Outlook, Spanish
		"lun. 4 mai 2026 à 10:15":            at(0), // Gmail, French
		"4 mai 2026 à 10:15:00 UTC+2":        at(2), // Apple Mail, French
		"Mo., 4. Mai 2026 um 10:15 Uhr":      at(0), // Gmail, German
		"seg., 4 de mai. de 2026 às 10:15":   at(0), // Gmail, Portuguese
		"lun 4 mag 2026 alle ore 10:15":      at(0), // Gmail, Italian
		"ma 4 mei 2026 om 10:15":             at(0), // Gmail, Dutch
		"maandag 4 mei 2026 10:15":           at(0), // Outlook, Dutch
		"pon., 4 maj 2026 o 10:15":           at(0), // Gmail, Polish
		"poniedziałek, 4 maja 2026 10:15":    at(0), // Outlook, Polish
		"пн, 4 мая 2026 г. в 10:15":          at(0), // Gmail, Russian
		"понедельник, 4 мая 2026 г. 10:15":   at(0), // Outlook, Russian
		"пн, 4 трав. 2026 р. о 10:15":        at(0), // Gmail, Ukrainian
		"mån 4 maj 2026 kl. 10:15":           at(0), // Gmail, Swedish
		"pondělí 4. května 2026 10:15":       at(0), // Outlook, Czech
		"04.05.2026 10:15":                   at(0), // Outlook, short German or Russian
		"Monday, 4 May 2026 10:15 GMT-03:30": time.Date(2026, 5, 4, 10, 15, 0, 0, time.FixedZone("", -(3*3600+1800))),
		"not a date":                         {},
		"4 something 2026":                   {},
	}
	for in, want := range cases {
		if got := parseDate(in); !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v, want %v", in, got, want)
		}
	}
}
