package parse

import "testing"

func TestNewText(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"gmail en", "ACCEPT\n\nOn Mon, Mar 3, 2025 at 9:00 AM Ann <ann@example.com> wrote:\n> report", "ACCEPT"},
		{"gmail es wrapped", "ACEPTAR\n\nEl lun, 3 mar 2025 a las 9:00, Ann (<ann@example.com>)\nescribió:\n> informe", "ACEPTAR"},
		{"gmail mobile El El", "ACEPTAR\n\nEl El lun, 3 de marzo de 2025 a la(s) 9:00 a.m., Ann <ann@example.com> escribió:\n\nsin comillas", "ACEPTAR"},
		{"french", "OK\n\nLe lun. 3 mars 2025 à 09:00, Ann <ann@example.com> a écrit :\n> rapport", "OK"},
		{"german trailing date", "OK\n\nAnn <ann@example.com> schrieb am Mo., 3. März 2025 um\n09:00:\n> Bericht", "OK"},
		{"dutch", "OK\n\nOp ma 3 mrt. 2025 om 09:00 schreef Ann <ann@example.com>:\n> verslag", "OK"},
		{"italian", "OK\n\nIl giorno lun 3 mar 2025 alle ore 09:00 Ann <ann@example.com> ha scritto:\n> rapporto", "OK"},
		{"portuguese", "OK\n\nEm seg., 3 de mar. de 2025 às 09:00, Ann <ann@example.com> escreveu:\n> relatório", "OK"},
		{"polish", "OK\n\nW dniu 3.03.2025 o 09:00, Ann pisze <ann@example.com> napisał:\n> raport", "OK"},
		{"russian", "OK\n\nпн, 3 мар. 2025 г. в 09:00, Ann <ann@example.com>:\n> отчёт", "OK"},
		{"swedish outlook", "OK\n\nFrån: Ann <ann@example.com>\nSkickat: den 3 mars 2025 09:00\nTill: incidents@example.com\nÄmne: rapport\n\nbody", "OK"},
		{"danish", "OK\n\nDen 3. mar. 2025 kl. 09.00 skrev Ann <ann@example.com>:\n> rapport", "OK"},
		{"norwegian outlook", "OK\n\nFra: Ann <ann@example.com>\nSendt: 3. mars 2025 09:00\nTil: incidents@example.com\nEmne: rapport", "OK"},
		{"czech", "OK\n\nDne po 3. 3. 2025 9:00 Ann <ann@example.com> napsal(a):\n> zprava", "OK"},
		{"japanese", "了解です\n\n2025年3月3日(月) 9:00 Ann <ann@example.com>:\n> 報告", "了解です"},
		{"chinese", "好的\n\n在 2025年3月3日，上午9:00，Ann <ann@example.com> 写道：\n> 报告", "好的"},
		{"outlook es", "RECHAZAR: duplicado\n\nDe: Ann <ann@example.com>\nEnviado: lunes, 3 de marzo de 2025 9:00\nPara: incidents@example.com\nAsunto: informe\n\ncuerpo", "RECHAZAR: duplicado"},
		{"outlook de", "OK\n\nVon: Ann <ann@example.com>\nGesendet: Montag, 3. März 2025 09:00\nAn: incidents@example.com\nBetreff: Bericht", "OK"},
		{"outlook fr space", "OK\n\nDe : Ann <ann@example.com>\nEnvoyé : lundi 3 mars 2025 09:00\nÀ : incidents@example.com\nObjet : rapport", "OK"},
		{"outlook hi", "ठीक है\n\nप्रेषक: Ann <ann@example.com>\nभेजा गया: सोमवार, 3 मार्च 2025 09:00\nप्रति: incidents@example.com\nविषय: रिपोर्ट\n\nbody", "ठीक है"},
		{"outlook eu", "Ados\n\nNork: Ann <ann@example.com>\nBidalia: 2025(e)ko martxoaren 3(a) 09:00\nNori: incidents@example.com\nGaia: txostena\n\nbody", "Ados"},
		{"rule, then labels in any language", "Iawn\n\n________________________________\nOddi wrth: Ann <ann@example.com>\nAnfonwyd: Dydd Llun, 3 Mawrth 2025 09:00\nAt: incidents@example.com\nPwnc: adroddiad\n\nbody", "Iawn"},
		{"report fields after a rule stay", "Details\n__________\nSystem: export\nSince: Monday\nPriority: high", "Details\n__________\nSystem: export\nSince: Monday\nPriority: high"},
		{"outlook quoted", "OK\n\n> From: Ann <ann@example.com>\n> Sent: Monday\n> To: x\n> Subject: y\n> body", "OK"},
		{"original message", "OK\n\n-----Original Message-----\nFrom: Ann\nbody", "OK"},
		{"mensaje original", "OK\n\n-----Mensaje original-----\nDe: Ann\ncuerpo", "OK"},
		{"forward separator", "Mira esto\n\n---------- Forwarded message ---------\nDe: Ann <ann@example.com>\n\ncuerpo", "Mira esto"},
		{"signature dash", "RESOLVED: done\n\n-- \nAnn\nSupport", "RESOLVED: done"},
		{"iphone", "CONFIRM\n\nSent from my iPhone", "CONFIRM"},
		{"android es", "CONFIRMAR\n\nEnviado desde mi Android", "CONFIRMAR"},
		{"get outlook", "CONFIRM\n\nGet Outlook for iOS<https://aka.ms/o0ukef>", "CONFIRM"},
		{"get outlook pt", "CONFIRMAR\n\nObter o Outlook para Android<https://aka.ms/o0ukef>", "CONFIRMAR"},
		{"iphone ja", "了解です\n\niPhoneから送信", "了解です"},
		{"iphone zh", "好的\n\n发自我的iPhone", "好的"},
		{"no device, no signature", "ログはサーバーから送信\n次の行", "ログはサーバーから送信\n次の行"},
		{"a word, not a prefix", "OK\n\nSent without the attachment\nsee below", "OK\n\nSent without the attachment\nsee below"},
		{"signature logo", "OK\n\nAnn Lee\n[image: logo.png]\n[cid:image001.png@01DB4A2B.5C3D2E10] [image: x]", "OK\n\nAnn Lee"},
		{"brackets that are not an image stay", "OK\n[image] [note: later]", "OK\n[image] [note: later]"},
		{"decoy stays", "INFO: Ann wrote:\nthe export fails at step 3", "INFO: Ann wrote:\nthe export fails at step 3"},
		{"weak header before quote", "OK\n\nAnn wrote:\n> text", "OK"},
		{"unknown words, date and time", "OK\n\nAr 2025-12-04 10:12, ysgrifennodd Ann:\n> adroddiad", "OK"},
		{"unknown words, date in figures", "OK\n\n04.12.25 10:12, Ann:\n> text", "OK"},
		{"an hour without a date stays", "The log at 10:12 says:\n> ERROR export stopped", "The log at 10:12 says:"},
		{"bottom posted", "> ACCEPT?\n> please\n\nREJECT: duplicate of INC-3", "REJECT: duplicate of INC-3"},
		{"interleaved", "> question one\nanswer one\n\n> question two\n\nanswer two", "answer one\n\nanswer two"},
		{"interleaved tight", "Hi,\n> Which version?\nVersion 3.2.\n> Which browser?\nFirefox.", "Hi,\nVersion 3.2.\nFirefox."},
		{"quote wrapped by a client", "OK\n\n> The export of the monthly payroll stops at eighty percent every\ntime it runs\n> on the first day of the month.",
			"OK"},
		{"quote only", "> ACCEPT", ""},
		// A separator whose words no table holds is still one when a header
		// block follows it; a titled rule over anything else is text.
		{"ruled title over a header block", "Ydy hwn yn edrych yn iawn?\n\n---------- Neges wedi'i hanfon ymlaen ---------\n" +
			"From: Ann <ann@example.com>\nDate: Mon, 7 Dec 2026 09:12\nSubject: Export\nTo: <bob@example.com>\n\nThe export stops.", "Ydy hwn yn edrych yn iawn?"},
		{"ruled title over text", "RESUELTO: cambiado el límite\n\n--- Notas ---\nEl límite era 80 %.", "RESUELTO: cambiado el límite\n\n--- Notas ---\nEl límite era 80 %."},
		{"quoted keyword never counts", "\n\n> RESOLVED\n", ""},
		{"crlf and bom", "\ufeffACCEPT\r\n\r\nOn Mon, Mar 3, 2025, Ann <ann@example.com> wrote:\r\n> x\r\n", "ACCEPT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := NewText(c.body); got != c.want {
				t.Errorf("NewText(%q) = %q, want %q", c.body, got, c.want)
			}
		})
	}
}

func TestHTMLNewText(t *testing.T) {
	cases := []struct{ name, html, want string }{
		{"gmail", `<div dir="ltr">ACCEPT</div><br><div class="gmail_quote"><div class="gmail_attr">On Mon, Ann wrote:</div><blockquote>x</blockquote></div>`, "ACCEPT"},
		{"thunderbird", `<p>OK</p><div class="moz-cite-prefix">On 3/3/25 Ann wrote:</div><blockquote type="cite">x</blockquote>`, "OK"},
		{"outlook web", `<div>OK</div><hr style="display:inline-block"><div id="divRplyFwdMsg"><b>From:</b> Ann</div>`, "OK"},
		{"apple", `<div>OK</div><div><br><blockquote type="cite"><div>On 3 Mar 2025, at 09:00, Ann &lt;ann@example.com&gt; wrote:</div>x</blockquote></div>`, "OK"},
		{"rule without header stays", `<p>OK</p><hr><p>more text</p>`, "OK\n\nmore text"},
		// Nothing above the history: the answer is below it, or between
		// its parts.
		{"thunderbird bottom-posted", `<div class="moz-cite-prefix">On 07/12/2026 09:12, Incidents wrote:<br></div>` +
			`<blockquote type="cite"><p>Reply RESOLVED: what was done</p></blockquote>` +
			`<p>RESOLVED: restarted the export job.</p><div class="moz-signature">-- <br>Bob</div>`, "RESOLVED: restarted the export job."},
		{"apple interleaved", `<div><blockquote type="cite"><div>Which version?</div></blockquote>4.2.1<br>` +
			`<blockquote type="cite"><div>Since when?<blockquote>older</blockquote></div></blockquote>Since Monday.</div>`, "4.2.1\n\nSince Monday."},
		{"gmail bottom-posted", `<div class="gmail_quote"><div class="gmail_attr">El lun, 7 dic 2026 a las 9:12, Incidents escribió:</div>` +
			`<blockquote class="gmail_quote">ACEPTAR / RECHAZAR</blockquote></div><div>ACEPTAR</div>`, "ACEPTAR"},
		{"quote only", `<blockquote type="cite">RESOLVED</blockquote>`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := htmlNewText(c.html); got != c.want {
				t.Errorf("htmlNewText = %q, want %q", got, c.want)
			}
		})
	}
}

func TestWithoutSignoff(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"RESUELTO: reinicié el servicio\n\nSaludos,\nBob\nEquipo de Nóminas", "RESUELTO: reinicié el servicio"},
		{"REJECT: duplicate of INC-4\n\nBest regards,\nAnn Smith\nIT Operations\n+34 600 000 000\n", "REJECT: duplicate of INC-4"},
		{"Aceptado.\nUn saludo\nMarta", "Aceptado."},
		{"Thanks,\nAlex", "Thanks,\nAlex"}, // nothing before it: it is what was said
		{"¡Gracias!", "¡Gracias!"},
		{"Gracias por avisar, lo miro.\nAna", "Gracias por avisar, lo miro.\nAna"},
		{"INFO: ¿qué versión?\n\nSaludos,\nBob\nEquipo de Nóminas\nPlanta 3\nExt. 4411\nMadrid", // too long for a sign-off
			"INFO: ¿qué versión?\n\nSaludos,\nBob\nEquipo de Nóminas\nPlanta 3\nExt. 4411\nMadrid"},
		{"Thanks for the fix, but the error is back\nafter the restart.", "Thanks for the fix, but the error is back\nafter the restart."},
	} {
		if got := WithoutSignoff(c.in); got != c.want {
			t.Errorf("WithoutSignoff(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestQuoteHeaderJoin(t *testing.T) {
	for _, c := range []struct{ name, body, want string }{
		{"a sentence with a number is not joined to the header under it",
			"We released 3.2 today.\nBob wrote:\n> is it out?", "We released 3.2 today."},
		{"wrapped after an abbreviated month",
			"OK\n\nOp ma 3 mrt.\n2025 om 09:14 schreef Ann <ann@example.com>:\n> verslag", "OK"},
		{"an address in a sentence before a blank line stays",
			"Write to ops@example.com.\n\nThanks", "Write to ops@example.com.\n\nThanks"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := NewText(c.body); got != c.want {
				t.Errorf("NewText(%q) = %q, want %q", c.body, got, c.want)
			}
		})
	}
}

func TestNoise(t *testing.T) {
	for _, c := range []struct{ name, body, want string }{
		{"dash name", "Done.\n-Bob", "Done."},
		{"dash name only", "-Bob", "-Bob"},
		{"dashed list", "Steps:\n- Restart\n- Verify", "Steps:\n- Restart\n- Verify"},
		{"dash and a sentence", "Done.\n- see the log", "Done.\n- see the log"},
		{"unsubscribe in the new text stays", "Please unsubscribe me from the mailing list.", "Please unsubscribe me from the mailing list."},
		{"rule without a list", "Done.\n\n__________\nAnn Lee\nOps", "Done.\n\n__________\nAnn Lee\nOps"},
		{"header block with no quote after it is the history", "**From:** Ann <ann@example.com>\n**Sent:** Monday\n**To:** ops@example.com\n**Subject:** x\n\nbody", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := NewText(c.body); got != c.want {
				t.Errorf("NewText(%q) = %q, want %q", c.body, got, c.want)
			}
		})
	}
}
