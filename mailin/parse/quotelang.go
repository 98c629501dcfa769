package parse

import (
	"maps"
	"slices"
	"strings"
)

// replyLang is what the mail clients of one language (Gmail, Outlook,
// Apple Mail, Thunderbird, Samsung Email, Yahoo) write around the history
// they quote, as they write it: the trimmer compares the words folded.
type replyLang struct {
	leads    []string // open a quote header: "On …, Ann wrote:"
	verbs    []string // end it
	midVerbs []string // stand between the name and a trailing date: "Ann schrieb am …:"
	from     []string // the labels of an Outlook header block
	date     []string
	to       []string
	subject  []string
	original []string // an "-----Original Message-----" separator
	// sentFrom start the line that a mobile or webmail client puts under
	// what was written ("Sent from my iPhone", "Get Outlook for Android");
	// sentFromEnd end it, in the languages that put the device first
	// ("iPhoneから送信"), and count only on a line that names a device.
	sentFrom, sentFromEnd []string
}

// replyLangs are the languages that the big clients ship in, by ISO code.
// Languages not here still have their quote headers recognised by their
// shape (an address, then quoted lines); see quoteHeader.
var replyLangs = map[string]replyLang{
	"en": {leads: []string{"On"}, verbs: []string{"wrote"}, midVerbs: []string{"wrote on"},
		from: []string{"From"}, date: []string{"Sent", "Date"}, to: []string{"To", "Cc"}, subject: []string{"Subject"},
		original: []string{"Original Message", "Original e-mail"},
		sentFrom: []string{"Sent from my ", "Sent from Mail for ", "Sent from Outlook", "Sent from Yahoo", "Sent from ", "Sent with ", "Sent via ", "Get Outlook for "}},
	"es": {leads: []string{"El"}, verbs: []string{"escribió"}, midVerbs: []string{"escribió el"},
		from: []string{"De"}, date: []string{"Enviado", "Enviada", "Fecha"}, to: []string{"Para", "CC"}, subject: []string{"Asunto"},
		original: []string{"Mensaje original"},
		sentFrom: []string{"Enviado desde ", "Enviado de mi ", "Obtener Outlook para ", "Descarga Outlook para "}},
	"ca": {leads: []string{"El"}, verbs: []string{"va escriure"},
		from: []string{"De"}, date: []string{"Enviat", "Data"}, to: []string{"Per a", "A"}, subject: []string{"Assumpte", "Tema"},
		original: []string{"Missatge original"},
		sentFrom: []string{"Enviat des del ", "Enviat des de "}},
	"fr": {leads: []string{"Le"}, verbs: []string{"a écrit"}, midVerbs: []string{"a écrit le"},
		from: []string{"De"}, date: []string{"Envoyé", "Date"}, to: []string{"À", "A", "Cc"}, subject: []string{"Objet"},
		original: []string{"Message d'origine", "Message original"},
		sentFrom: []string{"Envoyé de mon ", "Envoyé à partir de ", "Envoyé depuis ", "Obtenir Outlook pour ", "Télécharger Outlook pour "}},
	"de": {leads: []string{"Am"}, verbs: []string{"schrieb"}, midVerbs: []string{"schrieb am"},
		from: []string{"Von"}, date: []string{"Gesendet", "Datum"}, to: []string{"An", "Cc", "Kopie"}, subject: []string{"Betreff"},
		original: []string{"Ursprüngliche Nachricht", "Originalnachricht"},
		sentFrom: []string{"Von meinem ", "Gesendet von ", "Gesendet mit ", "Outlook für Android herunterladen", "Outlook für iOS herunterladen"}},
	"nl": {leads: []string{"Op"}, verbs: []string{"schreef", "het volgende geschreven", "het volgende"},
		from: []string{"Van"}, date: []string{"Verzonden", "Datum"}, to: []string{"Aan", "CC"}, subject: []string{"Onderwerp"},
		original: []string{"Oorspronkelijk bericht", "Origineel bericht"},
		sentFrom: []string{"Verzonden vanaf ", "Verstuurd vanaf ", "Verzonden met ", "Outlook voor Android downloaden", "Outlook voor iOS downloaden"}},
	"it": {leads: []string{"Il"}, verbs: []string{"ha scritto"}, midVerbs: []string{"ha scritto il"},
		from: []string{"Da"}, date: []string{"Inviato", "Data"}, to: []string{"A", "Cc"}, subject: []string{"Oggetto"},
		original: []string{"Messaggio originale"},
		sentFrom: []string{"Inviato da ", "Inviato dal mio ", "Scarica Outlook per "}},
	"pt": {leads: []string{"Em", "No dia", "Às"}, verbs: []string{"escreveu"},
		from: []string{"De"}, date: []string{"Enviado", "Enviada", "Data"}, to: []string{"Para", "Cc"}, subject: []string{"Assunto"},
		original: []string{"Mensagem original"},
		sentFrom: []string{"Enviado do meu ", "Enviado do ", "Enviado a partir do ", "Obter o Outlook para ", "Obtenha o Outlook para "}},
	"sv": {leads: []string{"Den"}, verbs: []string{"skrev"}, midVerbs: []string{"skrev den"},
		from: []string{"Från"}, date: []string{"Skickat", "Datum"}, to: []string{"Till", "Kopia"}, subject: []string{"Ämne"},
		original: []string{"Originalmeddelande", "Ursprungligt meddelande"},
		sentFrom: []string{"Skickat från ", "Hämta Outlook för "}},
	"da": {leads: []string{"Den"}, verbs: []string{"skrev"},
		from: []string{"Fra"}, date: []string{"Sendt", "Dato"}, to: []string{"Til", "Cc"}, subject: []string{"Emne"},
		original: []string{"Oprindelig meddelelse", "Oprindelig besked", "Original meddelelse"},
		sentFrom: []string{"Sendt fra ", "Hent Outlook til "}},
	"nb": {leads: []string{"Den", "På"}, verbs: []string{"skrev"},
		from: []string{"Fra"}, date: []string{"Sendt", "Dato"}, to: []string{"Til", "Kopi"}, subject: []string{"Emne"},
		original: []string{"Opprinnelig melding", "Original melding"},
		sentFrom: []string{"Sendt fra ", "Få Outlook for "}},
	"fi": {verbs: []string{"kirjoitti", "viestissä"}, midVerbs: []string{"kirjoitti"},
		from: []string{"Lähettäjä"}, date: []string{"Lähetetty", "Päivämäärä"}, to: []string{"Vastaanottaja", "Kopio"}, subject: []string{"Aihe"},
		original: []string{"Alkuperäinen viesti"}},
	"pl": {leads: []string{"W dniu", "Dnia"}, verbs: []string{"napisał", "napisała", "napisał(a)", "pisze"},
		from: []string{"Od"}, date: []string{"Wysłano", "Data"}, to: []string{"Do", "DW"}, subject: []string{"Temat"},
		original: []string{"Wiadomość oryginalna", "Oryginalna wiadomość"},
		sentFrom: []string{"Wysłane z ", "Wysłano z "}},
	"cs": {leads: []string{"Dne"}, verbs: []string{"napsal", "napsala", "napsal(a)"},
		from: []string{"Od"}, date: []string{"Odesláno", "Datum"}, to: []string{"Komu", "Kopie"}, subject: []string{"Předmět"},
		original: []string{"Původní zpráva", "Původní e-mail"},
		sentFrom: []string{"Odesláno z ", "Odesláno ze "}},
	"sk": {leads: []string{"Dňa"}, verbs: []string{"napísal", "napísala", "napísal(a)"},
		from: []string{"Od"}, date: []string{"Odoslané", "Dátum"}, to: []string{"Komu", "Kópia"}, subject: []string{"Predmet"},
		original: []string{"Pôvodná správa"},
		sentFrom: []string{"Odoslané z ", "Odoslané zo "}},
	"sl": {leads: []string{"V"}, verbs: []string{"napisal(a)", "je napisal", "je napisala"},
		from: []string{"Od"}, date: []string{"Poslano"}, to: []string{"Za"}, subject: []string{"Zadeva"},
		original: []string{"Izvirno sporočilo"}},
	"ro": {leads: []string{"Pe", "În"}, verbs: []string{"a scris"}, midVerbs: []string{"a scris în", "a scris pe"},
		from: []string{"De la"}, date: []string{"Trimis", "Data"}, to: []string{"Către", "Cc"}, subject: []string{"Subiect"},
		original: []string{"Mesaj original", "Mesajul original"},
		sentFrom: []string{"Trimis de pe ", "Trimis din "}},
	"hu": {verbs: []string{"írta"}, midVerbs: []string{"ezt írta"},
		from: []string{"Feladó"}, date: []string{"Elküldve", "Dátum"}, to: []string{"Címzett", "Másolatot kap"}, subject: []string{"Tárgy"},
		original: []string{"Eredeti üzenet"}},
	"tr": {verbs: []string{"yazdı", "şunu yazdı"},
		from: []string{"Kimden"}, date: []string{"Gönderildi", "Tarih"}, to: []string{"Kime", "Bilgi"}, subject: []string{"Konu"},
		original:    []string{"Özgün İleti", "Orijinal Mesaj", "Orijinal ileti"},
		sentFromEnd: []string{"gönderildi"}},
	"ru": {leads: []string{"В"}, verbs: []string{"написал", "написала", "написал(а)", "пишет"},
		from: []string{"От"}, date: []string{"Отправлено", "Дата"}, to: []string{"Кому", "Копия"}, subject: []string{"Тема"},
		original: []string{"Исходное сообщение", "Оригинальное сообщение"},
		sentFrom: []string{"Отправлено с ", "Отправлено из ", "Получить Outlook для "}},
	"uk": {verbs: []string{"пише", "написав", "написала", "написав(ла)"},
		from: []string{"Від"}, date: []string{"Надіслано", "Дата"}, to: []string{"Кому", "Копія"}, subject: []string{"Тема"},
		original: []string{"Оригінальне повідомлення", "Вихідне повідомлення"},
		sentFrom: []string{"Надіслано з "}},
	"bg": {leads: []string{"На"}, verbs: []string{"написа"},
		from: []string{"От"}, date: []string{"Изпратено", "Дата"}, to: []string{"До", "Як"}, subject: []string{"Относно"},
		original: []string{"Оригинално съобщение"}},
	"el": {leads: []string{"Στις"}, verbs: []string{"έγραψε"},
		from: []string{"Από"}, date: []string{"Εστάλη", "Ημερομηνία"}, to: []string{"Προς", "Κοιν"}, subject: []string{"Θέμα"},
		original: []string{"Αρχικό μήνυμα"},
		sentFrom: []string{"Στάλθηκε από "}},
	"ja": {verbs: []string{"書きました", "のメッセージ"},
		from: []string{"差出人", "送信者"}, date: []string{"送信日時", "日付"}, to: []string{"宛先", "CC"}, subject: []string{"件名"},
		original:    []string{"元のメッセージ"},
		sentFromEnd: []string{"から送信"}},
	"zh-CN": {leads: []string{"在"}, verbs: []string{"写道"},
		from: []string{"发件人"}, date: []string{"发送时间", "日期"}, to: []string{"收件人", "抄送"}, subject: []string{"主题"},
		original: []string{"原始邮件"},
		sentFrom: []string{"发自我的"}, sentFromEnd: []string{"发送"}},
	"zh-TW": {leads: []string{"在"}, verbs: []string{"寫道"},
		from: []string{"寄件者"}, date: []string{"寄件日期", "日期"}, to: []string{"收件者", "副本"}, subject: []string{"主旨"},
		original: []string{"原始郵件"},
		sentFrom: []string{"寄自我的"}, sentFromEnd: []string{"傳送"}},
	"ko": {verbs: []string{"님이 작성", "작성"},
		from: []string{"보낸 사람"}, date: []string{"보낸 날짜", "날짜"}, to: []string{"받는 사람", "참조"}, subject: []string{"제목"},
		original:    []string{"원본 메시지"},
		sentFromEnd: []string{"에서 보냄"}},
	"he": {verbs: []string{"כתב", "כתבה"},
		from: []string{"מאת"}, date: []string{"נשלח", "תאריך"}, to: []string{"אל", "עותק"}, subject: []string{"נושא"},
		original: []string{"הודעה מקורית"},
		sentFrom: []string{"נשלח מה-"}},
	"ar": {verbs: []string{"كتب"},
		from: []string{"من"}, date: []string{"تم الإرسال", "التاريخ"}, to: []string{"إلى", "نسخة"}, subject: []string{"الموضوع"},
		original: []string{"الرسالة الأصلية"}},
	"vi": {leads: []string{"Vào"}, verbs: []string{"đã viết"},
		from: []string{"Từ"}, date: []string{"Đã gửi", "Ngày"}, to: []string{"Đến"}, subject: []string{"Chủ đề"},
		original: []string{"Thư gốc"},
		sentFrom: []string{"Gửi từ "}},
	"id": {leads: []string{"Pada"}, verbs: []string{"menulis"},
		from: []string{"Dari"}, date: []string{"Dikirim", "Tanggal"}, to: []string{"Kepada"}, subject: []string{"Subjek"},
		original: []string{"Pesan asli"},
		sentFrom: []string{"Dikirim dari "}},
	"th": {leads: []string{"เมื่อ"}, verbs: []string{"เขียนว่า"},
		from: []string{"จาก"}, date: []string{"ส่ง"}, to: []string{"ถึง"}, subject: []string{"เรื่อง"},
		original: []string{"ข้อความต้นฉบับ"},
		sentFrom: []string{"ส่งจาก "}},
	"hi": {verbs: []string{"ने लिखा"},
		from: []string{"प्रेषक"}, date: []string{"भेजा गया", "दिनांक"}, to: []string{"प्रति", "प्रतिलिपि"}, subject: []string{"विषय"},
		original: []string{"मूल संदेश"}},
	"ms": {leads: []string{"Pada"}, verbs: []string{"menulis"},
		from: []string{"Daripada"}, date: []string{"Dihantar", "Tarikh"}, to: []string{"Kepada", "Sk"}, subject: []string{"Subjek", "Perkara"},
		original: []string{"Mesej asal"},
		sentFrom: []string{"Dihantar dari ", "Dihantar daripada "}},
	"fa": {verbs: []string{"نوشت"},
		from: []string{"از"}, date: []string{"ارسال شده", "تاریخ"}, to: []string{"به", "رونوشت"}, subject: []string{"موضوع"},
		original: []string{"پیام اصلی"}},
	"is": {from: []string{"Frá"}, date: []string{"Sent", "Dagsetning"}, to: []string{"Til", "Afrit"}, subject: []string{"Efni"},
		original: []string{"Upprunaleg skilaboð"}},
	"eu": {from: []string{"Nork"}, date: []string{"Bidalia", "Data"}, to: []string{"Nori"}, subject: []string{"Gaia"},
		original: []string{"Jatorrizko mezua"}},
	"gl": {leads: []string{"O"}, verbs: []string{"escribiu"},
		from: []string{"De"}, date: []string{"Enviado", "Data"}, to: []string{"Para"}, subject: []string{"Asunto"},
		original: []string{"Mensaxe orixinal"}},
	"sw": {verbs: []string{"aliandika"},
		from: []string{"Kutoka"}, date: []string{"Imetumwa", "Tarehe"}, to: []string{"Kwa"}, subject: []string{"Mada"},
		original: []string{"Ujumbe asili"}},
	"et": {from: []string{"Saatja"}, date: []string{"Saadetud", "Kuupäev"}, to: []string{"Adressaat", "Koopia"}, subject: []string{"Teema"},
		original: []string{"Algsõnum"}},
	"lt": {verbs: []string{"rašė"},
		from: []string{"Nuo"}, date: []string{"Išsiųsta", "Data"}, to: []string{"Kam", "Kopija"}, subject: []string{"Tema"},
		original: []string{"Originalus laiškas"}},
	"hr": {verbs: []string{"napisao je", "napisala je"},
		from: []string{"Šalje"}, date: []string{"Poslano", "Datum"}, to: []string{"Prima"}, subject: []string{"Predmet"},
		original: []string{"Izvorna poruka"}},
	"sr": {from: []string{"Od", "Од"}, date: []string{"Poslato", "Послато"}, to: []string{"Za", "За"}, subject: []string{"Tema", "Тема"},
		original: []string{"Originalna poruka", "Оригинална порука"}},
}

// listFooterOpenings start the footer that Google Groups puts under each
// mail, in its languages, folded.
var listFooterOpenings = []string{
	"YOU RECEIVED THIS MESSAGE BECAUSE", "RECIBISTE ESTE MENSAJE PORQUE", "HAS RECIBIDO ESTE MENSAJE PORQUE",
	"SIE ERHALTEN DIESE NACHRICHT, WEIL", "VOUS RECEVEZ CE MESSAGE CAR", "VOCE RECEBEU ESSA MENSAGEM PORQUE",
	"HAI RICEVUTO QUESTO MESSAGGIO PERCHE", "JE ONTVANGT DIT BERICHT OMDAT",
}

// listFooterMarks show that a footer is a mailing list's (Mailman 2 and
// 3, Google Groups, Sympa), folded.
var listFooterMarks = []string{
	"LISTINFO", "MAILING LIST", "UNSUBSCRIBE", "-LEAVE@", "GOOGLEGROUPS.COM", "GROUPS.GOOGLE.COM", "/MAILMAN/", "SYMPA",
}

// replyWords are the words of replyLangs and of lang.go folded, read by the
// trimmer and the header-block reader.
var replyWords = foldReplyWords()

type foldedReplyWords struct {
	leads, verbs, midVerbs, original []string
	sentFrom, sentFromEnd            []string
	labels                           map[string]int // folded label → field
}

func foldReplyWords() foldedReplyWords {
	w := foldedReplyWords{labels: map[string]int{}}
	all := func(out *[]string, words []string) {
		for _, s := range words {
			*out = append(*out, fold(s))
		}
	}
	label := func(field int, words []string) {
		for _, s := range words {
			if _, ok := w.labels[fold(s)]; !ok {
				w.labels[fold(s)] = field
			}
		}
	}
	for _, code := range slices.Sorted(maps.Keys(replyLangs)) {
		l := replyLangs[code]
		for _, s := range l.leads {
			w.leads = append(w.leads, fold(s)+" ")
		}
		all(&w.verbs, l.verbs)
		all(&w.midVerbs, l.midVerbs)
		all(&w.original, l.original)
		for _, p := range l.sentFrom {
			if strings.HasSuffix(p, " ") {
				w.sentFrom = append(w.sentFrom, fold(p)+" ") // a whole word: "SENT WITH " is not "SENT WITHOUT"
			} else {
				w.sentFrom = append(w.sentFrom, fold(p))
			}
		}
		all(&w.sentFromEnd, l.sentFromEnd)
		label(fromField, l.from)
		label(dateField, l.date)
		label(toField, l.to)
		label(subjectField, l.subject)
	}
	all(&w.original, separatorWords)
	label(fromField, fromLabels)
	label(dateField, dateLabels)
	label(toField, toLabels)
	label(subjectField, subjectLabels)
	label(otherField, otherLabels)
	return w
}
