package parse

import (
	"net/mail"
	"strings"
	"time"
)

// parseDate reads the date of a forwarded header block: RFC 5322, the
// English forms of Gmail, Outlook and Apple Mail, or the same written in
// one of the languages of dateMonths ("lunes, 4 de mayo de 2026 10:00",
// "пн, 4 мая 2026 г. в 10:15", "ma 4 mei 2026 om 10:15"), or numeric
// ("04.05.2026 10:15"); anything else gives the zero time. A date without
// a zone is taken as UTC; "UTC+2" and "GMT+02:00" are read as zones.
func parseDate(s string) time.Time {
	// Gmail and Apple Mail put a narrow no-break space before AM/PM.
	s = strings.TrimSpace(strings.NewReplacer("\u202f", " ", "\u00a0", " ").Replace(s))
	if t, err := mail.ParseDate(s); err == nil {
		return t
	}
	for _, layout := range []string{
		"Monday, January 2, 2006 at 3:04 PM", "Monday, January 2, 2006 3:04 PM", "Mon, Jan 2, 2006 at 3:04 PM",
		"Monday, 2 January 2006 15:04", "Mon, 2 Jan 2006 at 15:04", "Mon, Jan 02, 2006 at 3:04 PM",
		"January 2, 2006 at 3:04:05 PM MST", "2006-01-02 15:04", "02/01/2006 15:04",
		"02.01.2006 15:04", "2.1.2006 15:04", "02.01.2006, 15:04", "2006-01-02 15:04:05",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	if e, ok := englishDate(s); ok {
		for _, layout := range []string{"2 January 2006 15:04", "2 January 2006 15:04:05", "2 January 2006 15:04 MST",
			"2 January 2006 15:04:05 MST", "2 January 2006 15:04 -0700", "2 January 2006 15:04:05 -0700"} {
			if t, err := time.Parse(layout, e); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}

// englishDate rewrites a date written in one of the languages of
// dateMonths as "2 January 2006 15:04[:05][ zone]": without the weekday,
// the words around the numbers, the dots of abbreviations and commas. It
// reports whether a month was found.
func englishDate(s string) (string, bool) {
	words := strings.Fields(strings.ReplaceAll(strings.ToLower(s), ",", " "))
	var out []string
	month := false
	for i, w := range words {
		w = strings.TrimSuffix(w, ".")
		if m, ok := dateMonths[w]; ok && (i > 0 || !dateWeekdays[w]) {
			out, month = append(out, m), true
			continue
		}
		if dateWeekdays[w] || dateFillers[w] || w == "" {
			continue
		}
		if h, m, ok := strings.Cut(w, "h"); ok && len(m) == 2 && strings.Trim(h+m, "0123456789") == "" {
			w = h + ":" + m // French: 10h00
		}
		out = append(out, strings.ToUpper(offsetZone(w))) // a number, a time or a zone
	}
	return strings.Join(out, " "), month
}

// offsetZone rewrites a zone written as an offset from UTC or GMT
// ("utc+2", "gmt-03:30", as Apple Mail writes them) as "+0200", "-0330";
// any other word is returned as it is.
func offsetZone(w string) string {
	rest, ok := strings.CutPrefix(w, "utc")
	if !ok {
		rest, ok = strings.CutPrefix(w, "gmt")
	}
	if !ok || len(rest) < 2 || (rest[0] != '+' && rest[0] != '-') {
		return w
	}
	h, m, _ := strings.Cut(rest[1:], ":")
	if m == "" {
		m = "00"
	}
	if len(h) == 1 {
		h = "0" + h
	}
	if len(h) != 2 || len(m) != 2 || strings.Trim(h+m, "0123456789") != "" {
		return w
	}
	return rest[:1] + h + m
}

// dateMonths are month names, full and short (and, where the language
// writes dates so, in the genitive), in English, Spanish, French, German,
// Portuguese, Italian, Dutch, Swedish, Danish, Norwegian, Polish, Czech,
// Russian and Ukrainian, with their English names.
var dateMonths = func() map[string]string {
	names := map[string]string{
		"January": `enero ene janvier janv januar jan janeiro gennaio gen januari januar stycznia styczeń sty
			ledna leden января янв январь січня січ січень`,
		"February": `febrero feb février févr fevrier februar fevereiro fev febbraio februari lutego luty lut
			února únor февраля фев февр февраль лютого лют лютий`,
		"March": `marzo mar mars märz marz março marco maart mrt marts marca marzec března březen марта мар март
			березня бер березень`,
		"April": `abril abr avril avr aprile apr april kwietnia kwiecień kwi dubna duben апреля апр апрель
			квітня квіт квітень`,
		"May": `mayo may mai maio maggio mag mei maj maja května květen мая май травня трав травень`,
		"June": `junio jun juin juni junho giugno giu czerwca czerwiec cze června červen июня июн июнь
			червня черв червень`,
		"July": `julio jul juillet juil juli julho luglio lug lipca lipiec lip července červenec июля июл июль
			липня лип липень`,
		"August": `agosto ago août aout august aug augustus augusti sierpnia sierpień sie srpna srpen
			августа авг август серпня серп серпень`,
		"September": `septiembre sep sept septembre setembro set settembre september września wrzesień wrz
			září сентября сен сент сентябрь вересня вер вересень`,
		"October": `octubre oct octobre oktober okt outubro out ottobre ott października październik paź
			října říjen октября окт октябрь жовтня жовт жовтень`,
		"November": `noviembre nov novembre novembro november listopada listopad lis listopadu ноября нояб
			ноябрь листопада лист`,
		"December": `diciembre dic décembre déc decembre dezember dez dezembro dicembre december grudnia
			grudzień gru prosince prosinec декабря дек декабрь грудня груд грудень`,
	}
	m := map[string]string{}
	for english, words := range names {
		m[strings.ToLower(english)], m[strings.ToLower(english[:3])] = english, english
		for _, w := range strings.Fields(words) {
			m[w] = english
		}
	}
	return m
}()

// dateWeekdays are weekday names, full and short, of the same languages.
// "mar" is both Tuesday and March in Spanish: first in a date, a weekday.
var dateWeekdays = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`monday mon tuesday tue wednesday wed thursday thu friday fri saturday sat sunday sun
		lunes lun martes mar miércoles miercoles mié mie jueves jue viernes vie sábado sabado sáb sab domingo dom
		lundi mardi mercredi mer jeudi jeu vendredi ven samedi sam dimanche dim
		montag mo dienstag di mittwoch mi donnerstag do freitag fr samstag sa sonntag so
		segunda-feira seg terça-feira terca-feira ter quarta-feira qua quinta-feira qui sexta-feira sex
		lunedì lunedi martedì martedi mercoledì mercoledi gio giovedì giovedi venerdì venerdi sabato domenica
		maandag ma dinsdag woensdag wo donderdag vrijdag vr zaterdag za zondag zo
		måndag mån tisdag tis onsdag ons torsdag tors tor fredag fre lördag lör söndag sön
		mandag man tirsdag lørdag lør søndag søn
		poniedziałek pon wtorek wt środa śr czwartek czw piątek pt sobota sob niedziela niedz ndz
		pondělí po úterý út středa st čtvrtek čt pátek pá ne
		понедельник пн вторник вт среда ср четверг чт пятница пт суббота сб воскресенье вс
		понеділок вівторок середа четвер пʼятниця п'ятниця субота неділя нд`) {
		m[w] = true
	}
	return m
}()

// dateFillers are the words around the numbers of a date ("de", "à",
// "um", "om", "kl", "o", "г.", "в").
var dateFillers = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`de del a las la el à le um den às as alle ore il uhr om kl klo o
		г года в р року о`) {
		m[w] = true
	}
	return m
}()
