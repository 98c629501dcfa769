package parse

// The words of other mail clients that the reply trimmer and the forward
// reader recognise, folded with foldLine (upper case, no accents). Each
// list says which languages it covers.

// separatorWords mark an "-----Original Message-----" line or a
// forwarded-message separator (English, Spanish, French, German, Dutch,
// Italian, Portuguese, Swedish, Danish, Norwegian, Czech, Polish, Russian,
// Chinese, Japanese); replyLangs in quotelang.go holds more.
var separatorWords = []string{
	"ORIGINAL MESSAGE", "MENSAJE ORIGINAL", "MESSAGE D'ORIGINE", "MESSAGE ORIGINAL",
	"URSPRUNGLICHE NACHRICHT", "ORIGINALNACHRICHT", "OORSPRONKELIJK BERICHT",
	"MESSAGGIO ORIGINALE", "MENSAGEM ORIGINAL", "ORIGINALMEDDELANDE",
	"ORIGINAL MEDDELELSE", "OPPRINNELIG MELDING", "OPRINDELIG MEDDELELSE", "PUVODNI ZPRAVA",
	"WIADOMOSC ORYGINALNA", "ORYGINALNA WIADOMOSC", "ИСХОДНОЕ СООБЩЕНИЕ", "原始邮件", "元のメッセージ",
}

// forwardWords mark a forwarded message: separators and Apple Mail's
// "Begin forwarded message:" in the languages of separatorWords, and
// Ukrainian.
var forwardWords = []string{
	"FORWARDED MESSAGE", "BEGIN FORWARDED MESSAGE", "MENSAJE REENVIADO", "MESSAGE TRANSFERE",
	"MESSAGE REEXPEDIE", "WEITERGELEITETE NACHRICHT", "DOORGESTUURD BERICHT",
	"MESSAGGIO INOLTRATO", "MENSAGEM ENCAMINHADA", "MENSAGEM REENCAMINHADA",
	"VIDAREBEFORDRAT MEDDELANDE", "VIDERESENDT MEDDELELSE", "VIDERESENDT MELDING",
	"PREPOSLANA ZPRAVA", "INICIO DEL MENSAJE REENVIADO", "WEITERGELEITETEN NACHRICHT", "PRZEKAZANA WIADOMOSC", "WIADOMOSC PRZEKAZANA",
	"ПЕРЕСЫЛАЕМОЕ СООБЩЕНИЕ", "ПЕРЕСЛАННОЕ СООБЩЕНИЕ", "ПЕРЕСЛАНИЙ ЛИСТ", "ПЕРЕСЛАНЕ ПОВІДОМЛЕННЯ", "转发的邮件", "転送されたメッセージ",
}

// Header labels of Outlook-style quote and forward blocks, by field.
var (
	fromLabels = []string{"FROM", "DE", "VON", "VAN", "DA", "FRAN", "FRA", "OD", "ОТ",
		"LAHETTAJA", "FELADO", "KIMDEN", "差出人", "发件人", "寄件者", "送信者", "من"}
	dateLabels = []string{"SENT", "DATE", "ENVIADO", "ENVIADA", "FECHA", "GESENDET", "DATUM",
		"ENVOYE", "DATA", "INVIATO", "VERZONDEN", "SKICKAT", "SENDT", "WYSLANO", "ODESLANO",
		"ОТПРАВЛЕНО", "ДАТА", "送信日時", "日付", "发送时间", "日期", "TARIH", "تم الإرسال", "التاريخ"}
	toLabels = []string{"TO", "PARA", "AN", "A", "AAN", "TILL", "TIL", "DO", "KOMU", "КОМУ",
		"CC", "KOPIE", "宛先", "收件人", "抄送", "KIME", "إلى"}
	subjectLabels = []string{"SUBJECT", "ASUNTO", "BETREFF", "OBJET", "OGGETTO", "ASSUNTO",
		"ONDERWERP", "AMNE", "EMNE", "TEMAT", "PREDMET", "ТЕМА", "件名", "主题", "主旨", "KONU",
		"الموضوع"}
	otherLabels = []string{"REPLY-TO", "RESPONDER A", "ANTWORT AN", "REPONDRE A", "PRIORITY", "IMPORTANCE"}
)

// closings are the closing formulas that open a signature written without
// the "-- " delimiter, folded, without their punctuation: "Saludos,\nBob
// \nEquipo de Nóminas".
var closings = map[string]bool{
	"SALUDOS": true, "UN SALUDO": true, "SALUDOS CORDIALES": true, "UN CORDIAL SALUDO": true,
	"ATENTAMENTE": true, "ATTE": true, "UN ABRAZO": true, "ABRAZOS": true, "GRACIAS": true,
	"MUCHAS GRACIAS": true, "GRACIAS DE ANTEMANO": true, "MIL GRACIAS": true,
	"REGARDS": true, "BEST REGARDS": true, "KIND REGARDS": true, "WARM REGARDS": true, "BEST": true,
	"THANKS": true, "THANK YOU": true, "MANY THANKS": true, "THANKS IN ADVANCE": true, "CHEERS": true,
	"SINCERELY": true, "YOURS": true, "BR": true,
}

// deviceWords name the devices and apps of the mobile signatures whose
// phrase ends the line (sentFromEnd in quotelang.go), folded.
var deviceWords = []string{
	"IPHONE", "IPAD", "ANDROID", "OUTLOOK", "GALAXY", "SAMSUNG", "HUAWEI", "XIAOMI", "PIXEL", "BLACKBERRY",
	"手机", "手機", "スマートフォン", "携帯",
}

// imageWords open the placeholder of an inline image in a plain-text part,
// folded: Gmail's "[image: …]" (English, French, Spanish, Portuguese,
// Italian, German, Dutch) and Outlook's "[cid:…]".
var imageWords = []string{"IMAGE:", "IMAGE :", "IMAGEN:", "IMAGEM:", "IMMAGINE:", "BILD:", "AFBEELDING:", "CID:"}
