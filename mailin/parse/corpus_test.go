package parse

import (
	"cmp"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// corpusDir is the shared corpus of real mail (see its README), outside
// the repository.
const corpusDir = "../../../shared/corpus"

// cff is the new text of the crisp-email-reply-parser fixtures: the first
// and last line of the paragraph above their quote.
var cff = []string{"Fusce bibendum, quam hendrerit", "Fusce sed odio id arcu varius aliquet nec nec nibh."}

// forwardedBody is what the forward-text fixtures forward.
var forwardedBody = []string{"Aenean quis diam urna.", "Praesent ac ligula orci. Pellentesque convallis suscipit mi, at congue massa sagittis eget."}

// expectation is what we derive from a fixture's "expected" prose (see
// MANIFEST.json): substrings that must and must not be in the new text,
// whether the mail is automatic, the attachment names, the forward.
type expectation struct {
	want, not   []string
	exact       string // the whole new text, when the source says it exactly
	empty       bool   // the new text must be empty
	companion   bool   // the exact new text is the discourse "trimmed/" companion
	automatic   bool
	attachments []string // file names, in order ("" for unnamed)
	inline      []bool   // Inline of each attachment, when given
	fwFrom      string   // the forwarded mail's sender
	fwSubject   string
	fwText      []string // substrings of the forwarded text
	problems    bool     // Problems must be non-empty
}

var expectations = map[string]expectation{
	// reply-text
	"alfonsrv-mail-parser-reply/caution.txt":                             {want: []string{"Hi lads's Team,", "job at our end."}, not: []string{"CAUTION:"}},
	"alfonsrv-mail-parser-reply/email_ja_1_2.txt":                        {want: []string{"お世話になっております。織田です。", "それでは 11:00 にお待ちしております。"}, not: []string{"かしこまりました"}},
	"alfonsrv-mail-parser-reply/multi_header.txt":                        {exact: "No problem. I’ll just start a new order."},
	"crisp-email-reply-parser/email_18.txt":                              {want: cff, not: []string{"John Jung", "Etiam non sagittis"}},
	"crisp-email-reply-parser/email_23.txt":                              {want: cff, not: []string{"Baptiste", "Test"}},
	"crisp-email-reply-parser/email_25.txt":                              {want: cff, not: []string{"John - Acme", "Etiam non sagittis"}},
	"crisp-email-reply-parser/email_8.txt":                               {want: cff, not: []string{"schreef", "Beste Praesent", "eget accumsan"}},
	"crisp-email-reply-parser/email_emoji.txt":                           {want: []string{"🎉"}},
	"crisp-email-reply-parser/email_french_dash_separator.txt":           {want: cff, not: []string{"Message d'origine", "Objet"}},
	"crisp-email-reply-parser/email_ios_outlook_fr.txt":                  {want: cff, not: []string{"Envoyé à partir de Outlook", "The Hiring Engine"}},
	"crisp-email-reply-parser/email_original_message_2.txt":              {want: cff, not: []string{"Original Message", "Hi John"}},
	"crisp-email-reply-parser/email_russian.txt":                         {want: cff, not: []string{"John Doe", "привет"}},
	"crisp-email-reply-parser/email_tricky_2_url_with_wrote.txt":         {want: []string{"Check out this article", "https://example.com", "Best regards"}},
	"crisp-email-reply-parser/email_tricky_8_sent_from_in_content.txt":   {want: []string{"sent from my iPhone app", "not Sent from my iPad.", "sent from the main server"}},
	"discourse-email_reply_trimmer/emails/dual_embedded.txt":             {companion: true},
	"discourse-email_reply_trimmer/emails/email_headers_3.txt":           {companion: true},
	"discourse-email_reply_trimmer/emails/embedded_email_1.txt":          {want: []string{"This is before the embedded email."}, not: []string{"richard_clark", "This is the embedded email"}},
	"discourse-email_reply_trimmer/emails/embedded_email_chinese.txt":    {companion: true},
	"discourse-email_reply_trimmer/emails/embedded_email_french_1.txt":   {companion: true},
	"discourse-email_reply_trimmer/emails/embedded_email_italian.txt":    {companion: true},
	"discourse-email_reply_trimmer/emails/embedded_email_portuguese.txt": {companion: true},
	"discourse-email_reply_trimmer/emails/embedded_email_spanish_1.txt":  {companion: true},
	"discourse-email_reply_trimmer/emails/embedded_email_swedish.txt":    {companion: true},
	"discourse-email_reply_trimmer/emails/forwarded_gmail.txt":           {companion: true},
	// The source keeps the quote when nothing else is there; for us quoted
	// text never counts, so the new text is empty.
	"discourse-email_reply_trimmer/emails/quote_only.txt":                 {empty: true},
	"edgetier-email-reply-parser/email_arabic.txt":                        {want: []string{"هلا منال،", "سيتم مراجعة الحساب مجددا بعد نشاطك القادم."}, not: []string{"Lucky Dreams"}},
	"edgetier-email-reply-parser/email_french_accent_sent_on.txt":         {exact: "Bonjour, ca va bien!"},
	"edgetier-email-reply-parser/email_romanian_1.txt":                    {exact: "This is the actual email"},
	"edgetier-email-reply-parser/original_message_german_2.txt":           {want: []string{"Hallo,Welches Dokument", "Mit freundlichen Grüßen"}, not: []string{"Ursprüngliche", "Rechnungsnummer"}},
	"edgetier-email-reply-parser/spanish_signoff.txt":                     {exact: "Hola,\n\nCorreo electrónico para probar la aprobación en español.\n\nSalud"},
	"edgetier-email-reply-parser/vielen_dank_mid_message.txt":             {want: []string{"vielen Dank für Ihre Anfrage!", "Wäre schön, wenn wir Ihnen damit eine kleine Freude machen."}},
	"github-email_reply_parser/email_1_2.txt":                             {want: []string{"Hi,", "You can list the keys", "would do it."}, not: []string{"Abhishek Kona wrote", "Hi folks"}},
	"github-email_reply_parser/email_1_6.txt":                             {want: []string{"I get proper rendering as well."}, not: []string{"Was this caching", "Corey Donohoe"}},
	"github-email_reply_parser/email_1_8.txt":                             {want: []string{"I will reply under this one", "and under this."}, not: []string{"okay?", "Hey there, this is my signature", "wrote:"}},
	"github-email_reply_parser/email_2_2.txt":                             {exact: "Outlook with a reply directly above line"},
	"github-email_reply_parser/email_bullets.txt":                         {exact: "test 2 this should list second\n\nand have spaces\n\nand retain this formatting\n\n\n   - how about bullets\n   - and another"},
	"github-email_reply_parser/email_one_is_not_on.txt":                   {want: []string{"One outstanding question"}, not: []string{"On Oct 1, 2012", "much better query"}},
	"github-email_reply_parser/email_sig_delimiter_in_middle_of_line.txt": {want: []string{"And here is a fix -- this is not a signature.", "kthxbai"}},
	"hellogustav-elixir_email_reply_parser/de/german1_multiline.txt":      {want: []string{"Danke, Adam", "Mir geht es gut.", "Eva"}, not: []string{"schrieb am", "Wie geht es Ihnen"}},
	"willdurand-EmailReplyParser/email_w10_mail.txt":                      {exact: "Great thanks Bort, going for a test now.\nBraxton"},
	"zapier-email-reply-parser/email_gmail.txt":                           {exact: "This is a test for inbox replying to a github message."},
	"zapier-email-reply-parser/email_partial_quote_header.txt":            {want: []string{"On your remote host you can run:", "telnet 127.0.0.1 52698", "This should connect to TextMate"}},

	// forward-text: the forwarded mail, and the new text above it
	"crisp-email-forward-parser/apple_mail_es_body.txt":             {fwFrom: "john.doe@acme.com", fwSubject: "Integer consequat non purus", fwText: forwardedBody, exact: ""},
	"crisp-email-forward-parser/gmail_es_body.txt":                  {fwFrom: "john.doe@acme.com", fwSubject: "Integer consequat non purus", fwText: forwardedBody, exact: ""},
	"crisp-email-forward-parser/new_outlook_2019_es_body.txt":       {fwFrom: "john.doe@acme.com", fwSubject: "Integer consequat non purus", fwText: forwardedBody, exact: ""},
	"crisp-email-forward-parser/outlook_2019_de_body.txt":           {fwFrom: "john.doe@acme.com", fwText: forwardedBody, exact: ""},
	"crisp-email-forward-parser/outlook_2019_es_body.txt":           {fwFrom: "john.doe@acme.com", fwText: forwardedBody, exact: ""},
	"crisp-email-forward-parser/outlook_live_en_body_variant_2.txt": {fwFrom: "john.doe@acme.com", fwSubject: "Integer consequat non purus", fwText: forwardedBody, exact: "Praesent suscipit egestas hendrerit.\n\nAliquam eget dui dui."},
	"crisp-email-forward-parser/yahoo_es_body.txt":                  {fwFrom: "john.doe@acme.com", fwSubject: "Integer consequat non purus", fwText: forwardedBody, exact: ""},

	// reply-eml
	"fiedl-extended_email_reply_parser/email_de_8.eml": {want: []string{"Guten Abend", "Mein Profil, exampleitischer Lebenslauf", "Viele Grüße"}, not: []string{"Von:", "Betreff: Antwort: Meine Aktivitätszahlen stimmen nicht."}},
	"mailgun-talon/standard_replies/android.eml":       {exact: "Hello"},
	"mailgun-talon/standard_replies/apple_mail.eml":    {exact: "Hello"},
	"mailgun-talon/standard_replies/gmail.eml":         {exact: "Hello"},
	"mailgun-talon/standard_replies/iphone.eml":        {exact: "Hello"}, // we cut the mobile signature that talon keeps
	"mailgun-talon/standard_replies/sparrow.eml":       {exact: "Hello"}, // and the "-- " signature

	// reply-html
	"mailgun-talon/OLK_SRC_BODY_SECTION.html":         {exact: "Reply"},
	"mailgun-talon/html_replies/hotmail.html":         {want: []string{"Hi. I am fine.", "Thanks,", "Alex"}, not: []string{"Hello! How are you?", "Subject"}},
	"mailgun-talon/html_replies/ms_outlook_2007.html": {want: []string{"Hi. I am fine.", "Thanks,", "Alex"}, not: []string{"From:", "Hello"}},
	"mailgun-talon/html_replies/thunderbird.html":     {want: []string{"Hi. I am fine.", "Thanks,", "Alex"}, not: []string{"wrote", "Hello"}},
	"mailgun-talon/reply-separated-by-hr.html":        {want: []string{"Hi", "there"}, not: []string{"From:", "Hello"}},

	// autoreply and bounce: automatic, never a person's reply
	"sisimai-set-of-emails/maildir/bsd/rfc3834-01.eml":                        {automatic: true},
	"sisimai-set-of-emails/maildir/dos/rfc3834-01.eml":                        {automatic: true},
	"mailgun-flanker/bounce/delayed.eml":                                      {automatic: true},
	"mailgun-flanker/bounce/no-mx.eml":                                        {automatic: true},
	"mailgun-flanker/bounce/zed.eml":                                          {automatic: true},
	"mikel-mail/multipart_report_emails/multipart_report_multiple_status.eml": {automatic: true},
	"sisimai-set-of-emails/maildir/bsd/arf-01.eml":                            {automatic: true},
	"sisimai-set-of-emails/maildir/bsd/lhost-exim-01.eml":                     {automatic: true},
	"sisimai-set-of-emails/maildir/bsd/lhost-notes-01.eml":                    {automatic: true},
	"sisimai-set-of-emails/maildir/bsd/lhost-outlook-01.eml":                  {automatic: true},
	"spamscope-mail-parser/mail_malformed_2":                                  {automatic: true},

	// mime
	"enmime/testdata/low-quality/bad-final-boundary.raw":            {want: []string{"A text section"}, problems: true},
	"enmime/testdata/low-quality/malformed-base64-attach.raw":       {attachments: []string{"some.doc"}, problems: true},
	"enmime/testdata/mail/html-mime-inline.raw":                     {exact: "Test of text section", attachments: []string{"favicon.png"}, inline: []bool{true}},
	"enmime/testdata/mail/mime-bad-8bit-filename.raw":               {exact: "Text part", attachments: []string{"管理.doc"}},
	"enmime/testdata/mail/mime-unquoted-tspecials-param.raw":        {attachments: []string{"Invoice_(302232133150612).pdf"}},
	"mailgun-flanker/quoted-printable.eml":                          {want: []string{"http://translate.google.com/translate?sl=de&tl=en&u=http%3A%2F%2Fwww.horizont.at"}},
	"mikel-mail/attachment_emails/attachment_nonascii_filename.eml": {attachments: []string{"ciële.txt"}},
	"mikel-mail/attachment_emails/attachment_with_encoded_name.eml": {attachments: []string{"01 Quien Te Dij\ufffdat. Pitbull.mp3"}},
	"mikel-mail/error_emails/encoding_madness.eml":                  {want: []string{"Body Text"}},
	"mikel-mail/multi_charset/japanese_attachment_long_name.eml":    {attachments: []string{"かきくけこかきくけこかきくけこかきくけこかきくけこ.txt"}},
	"mikel-mail/multi_charset/ks_c_5601-1987.eml":                   {exact: "스티해"},
	"spamscope-mail-parser/mail_test_11":                            {want: []string{"Информируем Вас об имеющейся задолженности."}, attachments: []string{"Prokuratura Rejonowa Warszawa-Śródmieście północ sygn. 2Ds. 137414 - RSK pracowników Skarbowych NSZZ Solidarność - Zarządzenie o odmowie dopuszczenia SOWP do udziału w postepowaniu.pdf"}},
	"spamscope-mail-parser/mail_test_3":                             {want: []string{"I am sending you the bills"}, attachments: []string{"message.txt"}},

	// forward-mime
	"mailgun-flanker/enclosed.eml":                                            {exact: "Hello", attachments: []string{"thanks.eml"}, fwFrom: "dan@example.com", fwSubject: "Thanks!"},
	"mikel-mail/attachment_emails/attachment_message_rfc822_inline_image.eml": {attachments: []string{"img.png", "Testmail.eml"}, inline: []bool{true, false}, fwSubject: "Another PDF"},
	"spamscope-mail-parser/mail_test_7":                                       {want: []string{"Ciao sere mi puoi dire"}, not: []string{"Ordine"}, attachments: []string{"image001.jpg", "att24916.htm", "image002.jpg", "att09558.htm", "image003.jpg", "att04803.htm", "20170609091403417.pdf", "att18831.htm"}, fwFrom: "chiarodiluce@gmail.com", fwSubject: "Ordine"},
}

// floors are the pass counts per category below which TestCorpus fails:
// raise them when the parser gets better, never lower them.
var floors = map[string]int{
	"reply-text": 42, "forward-text": 7, "reply-eml": 6, "reply-html": 5,
	"autoreply": 2, "bounce": 9, "mime": 13, "forward-mime": 3,
}

type corpusEntry struct {
	Source, File, Category, Expected string
	Companions                       []string
}

func TestCorpus(t *testing.T) {
	dir := cmp.Or(os.Getenv("INCIDENTD_CORPUS"), corpusDir)
	manifest, err := os.ReadFile(filepath.Join(dir, "MANIFEST.json"))
	if os.IsNotExist(err) && os.Getenv("INCIDENTD_REQUIRE_CORPUS") == "" {
		t.Skipf("the shared mail corpus is not at %s (it lives outside the repository; INCIDENTD_CORPUS names another place); skipping", dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	var entries []corpusEntry
	if err := json.Unmarshal(manifest, &entries); err != nil {
		t.Fatalf("read MANIFEST.json: %v", err)
	}
	passed, total := map[string]int{}, map[string]int{}
	for _, e := range entries {
		key := e.Source + "/" + e.File
		raw, err := os.ReadFile(filepath.Join(dir, e.Source, e.File))
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		exp, ok := expectations[key]
		if !ok {
			t.Errorf("%s: no expectation in the table", key)
			continue
		}
		if exp.companion {
			c, err := os.ReadFile(filepath.Join(dir, e.Source, e.Companions[0]))
			if err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			exp.exact = strings.TrimSpace(string(c))
		}
		total[e.Category]++
		failures := checkFixture(e.Category, raw, exp)
		if len(failures) == 0 {
			passed[e.Category]++
			continue
		}
		t.Logf("%s (%s): %s", key, e.Category, strings.Join(failures, "; "))
	}
	for _, cat := range slices.Sorted(maps.Keys(total)) {
		n := total[cat]
		t.Logf("%-13s %2d/%2d pass (floor %d)", cat, passed[cat], n, floors[cat])
		if passed[cat] < floors[cat] {
			t.Errorf("%s: %d pass, below the floor of %d", cat, passed[cat], floors[cat])
		}
	}
}

// checkFixture runs the parser over one fixture and lists what differs
// from exp.
func checkFixture(category string, raw []byte, exp expectation) []string {
	var newText string
	var fw *Forward
	var m *Message
	switch category {
	case "reply-text":
		newText = NewText(string(raw))
	case "forward-text":
		newText = NewText(string(raw))
		fw = forwardFromText(string(raw), true)
	case "reply-html":
		newText = htmlNewText(string(raw))
	default:
		var err error
		if m, err = Parse(raw); err != nil {
			return []string{"Parse: " + err.Error()}
		}
		newText, fw = m.NewText, m.Forward
	}
	var out []string
	if exp.exact != "" || exp.empty || category == "forward-text" {
		if strings.TrimSpace(newText) != exp.exact {
			out = append(out, "new text "+quote(newText)+", want "+quote(exp.exact))
		}
	}
	out = append(out, substrings(newText, exp.want, exp.not)...)
	if m != nil {
		if (m.Automatic != "") != exp.automatic {
			out = append(out, "automatic = "+quote(m.Automatic))
		}
		if exp.attachments != nil {
			var names []string
			for _, a := range m.Attachments {
				names = append(names, a.Filename)
			}
			if strings.Join(names, "|") != strings.Join(exp.attachments, "|") {
				out = append(out, "attachments "+quote(strings.Join(names, "|")))
			}
		}
		for i, in := range exp.inline {
			if i < len(m.Attachments) && m.Attachments[i].Inline != in {
				out = append(out, "attachment "+m.Attachments[i].Filename+" inline wrong")
			}
		}
		if exp.problems && len(m.Problems) == 0 {
			out = append(out, "no problem reported")
		}
	}
	if exp.fwFrom != "" || exp.fwSubject != "" || exp.fwText != nil {
		switch {
		case fw == nil:
			out = append(out, "no forward found")
		default:
			if exp.fwFrom != "" && fw.From.Address != exp.fwFrom {
				out = append(out, "forward from "+quote(fw.From.Address))
			}
			if exp.fwSubject != "" && fw.Subject != exp.fwSubject {
				out = append(out, "forward subject "+quote(fw.Subject))
			}
			for _, w := range exp.fwText {
				if !strings.Contains(fw.Text, w) {
					out = append(out, "forward text lacks "+quote(w))
				}
			}
		}
	}
	return out
}

// substrings says which of want newText lacks and which of not it holds.
func substrings(newText string, want, not []string) []string {
	var out []string
	for _, w := range want {
		if !strings.Contains(newText, w) {
			out = append(out, "new text lacks "+quote(w))
		}
	}
	for _, w := range not {
		if strings.Contains(newText, w) {
			out = append(out, "new text holds "+quote(w))
		}
	}
	return out
}

func quote(s string) string {
	b, _ := json.Marshal(head(s, 200))
	return string(b)
}
