package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"incidentd/mailin/parse"
	"incidentd/mailservers/memory"
	"incidentd/workflow"
	"incidentd/workflow/store"
)

// demoClient sends and reads the demo users' mail through the real
// protocols, as their mail clients would.
type demoClient struct {
	sys  *memory.System
	out  io.Writer
	seen map[string]int       // messages already read, per user
	last map[string]*received // the last mail each user received
	// onReceive, when set, is told of every mail read.
	onReceive func(user string, r *received)
}

func newDemoClient(sys *memory.System, out io.Writer) *demoClient {
	return &demoClient{sys: sys, out: out, seen: map[string]int{}, last: map[string]*received{}}
}

// received is a mail that arrived in a demo user's INBOX.
type received struct {
	user string
	raw  []byte
	msg  *parse.Message
}

// await waits for the next mail in user's INBOX and prints it.
func (c *demoClient) await(ctx context.Context, user string) (*received, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	msgs, err := c.sys.WaitMessages(ctx, user, "INBOX", c.seen[user]+1)
	if err != nil {
		return nil, fmt.Errorf("wait for mail to %s: %w", user, err)
	}
	raw := msgs[c.seen[user]]
	c.seen[user]++
	msg, err := parse.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("read mail to %s: %w", user, err)
	}
	fmt.Fprintf(c.out, "\n┌── mail to %s\n│ From: %s\n│ Subject: %s\n", demoAddr(user), msg.From.Address, msg.Subject)
	for _, a := range msg.Attachments {
		fmt.Fprintf(c.out, "│ Attachment: %s (%s, %d bytes)\n", a.Filename, a.ContentType, len(a.Data))
	}
	fmt.Fprintf(c.out, "│\n│ %s\n└──\n", strings.ReplaceAll(strings.TrimSpace(msg.Text), "\n", "\n│ "))
	r := &received{user: user, raw: raw, msg: msg}
	c.last[user] = r
	if c.onReceive != nil {
		c.onReceive(user, r)
	}
	return r, nil
}

// file is an attachment of a mail sent by a demo user.
type file struct {
	name string
	data []byte
}

// send mails text from user to incidents@; when to is set, as a reply to
// it, to its Reply-To address, quoting it the way mail clients do.
func (c *demoClient) send(user, subject, text string, to *received, files ...file) error {
	return c.sendCc(user, subject, text, to, nil, files...)
}

// sendCc is send with the addresses cc in the Cc header. The mail goes to
// incidents@ only: the copies to cc are left out, so that their INBOX
// holds incidentd's mail alone.
func (c *demoClient) sendCc(user, subject, text string, to *received, cc []string, files ...file) error {
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := m.From(demoAddr(user)); err != nil {
		return err
	}
	rcpt := demoAddr("incidents")
	if to != nil {
		rcpt = replyAddress(to.raw, rcpt)
	}
	if err := m.To(rcpt); err != nil {
		return err
	}
	if len(cc) > 0 {
		if err := m.Cc(cc...); err != nil {
			return err
		}
	}
	if to != nil {
		subject = "Re: " + to.msg.Subject
		m.SetGenHeader(gomail.HeaderInReplyTo, "<"+to.msg.MessageID+">")
		refs := append(append([]string{}, to.msg.References...), to.msg.MessageID)
		m.SetGenHeader(gomail.HeaderReferences, "<"+strings.Join(refs, "> <")+">")
		text += fmt.Sprintf("\n\nEl %s, %s <%s> escribió:\n> %s\n", to.msg.Date.Format("2 Jan 2006 15:04"),
			"Incidents", to.msg.From.Address, strings.ReplaceAll(strings.TrimSpace(to.msg.Text), "\n", "\n> "))
	}
	m.Subject(subject)
	m.SetBodyString(gomail.TypeTextPlain, text)
	for _, f := range files {
		if err := m.EmbedReader(f.name, bytes.NewReader(f.data)); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return err
	}
	fmt.Fprintf(c.out, "\n>>> %s sends: %s\n    %s\n", demoAddr(user), subject,
		strings.ReplaceAll(strings.TrimSpace(strings.SplitN(text, "\n\nEl ", 2)[0]), "\n", "\n    "))
	return c.sys.Send(demoAddr(user), []string{rcpt}, buf.Bytes())
}

// replyAddress is where a reply to raw goes: its Reply-To, or def.
func replyAddress(raw []byte, def string) string {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return def
	}
	a, err := mail.ParseAddress(m.Header.Get("Reply-To"))
	if err != nil {
		return def
	}
	return a.Address
}

// step is one move of the scenario: who writes what (a reply to the last
// mail they received, or a new mail, copied to cc), and who must then
// receive a mail.
type step struct {
	user, subject, text string
	cc                  []string
	files               []file
	expect              []string
}

// playScenario walks one incident from report to closed, and a second one
// to rejected, printing every mail.
func playScenario(ctx context.Context, c *demoClient) error {
	shot, err := screenshot()
	if err != nil {
		return err
	}
	steps := []step{
		{user: "carol", subject: "El botón Guardar no hace nada en Nóminas", text: "Tipo: Error\nPrioridad: Alta\nSistema: Nóminas\n" +
			"Descripción: al pulsar Guardar en la ficha de un empleado no pasa nada.\n" +
			"Pasos para recrear el error:\n1. Abrir un empleado\n2. Cambiar el IBAN\n3. Pulsar Guardar\n\nGracias,\nCarol",
			files: []file{{"captura.png", shot}}, expect: []string{"carol", "alice"}},
		{user: "alice", text: "ACEPTAR lo reproduzco, urge antes del cierre de mes", expect: []string{"carol", "bob", "alice"}},
		{user: "bob", text: "INFO: ¿pasa con todos los empleados o sólo con algunos?", expect: []string{"alice", "bob"}},
		{user: "alice", text: "Sólo con los que tienen un IBAN extranjero.", expect: []string{"bob", "alice"}},
		{user: "bob", text: "RESUELTO: la validación del IBAN rechazaba cuentas no españolas; corregida.", expect: []string{"carol", "bob"}},
		{user: "carol", text: "REABRIR: con un IBAN portugués sigue sin guardar.", expect: []string{"bob", "carol"}},
		{user: "bob", text: "RESUELTO: añadidos los formatos de IBAN de toda la zona SEPA.", expect: []string{"carol", "bob"}},
		{user: "carol", text: "CONFIRMAR, ya funciona. ¡Gracias!", expect: []string{"alice", "bob", "carol"}},
		{user: "carol", subject: "No puedo imprimir desde el portal", text: "Prioridad: Baja\nLa impresora de la planta 2 no imprime.", expect: []string{"carol", "alice"}},
		{user: "alice", text: "RECHAZAR: es un problema de hardware; llama al 555 (soporte de sistemas).", expect: []string{"carol", "alice"}},
	}
	return c.play(ctx, steps)
}

// play sends each step's mail (a reply to the last mail its user received
// when it has no subject) and waits for the mails it must cause.
func (c *demoClient) play(ctx context.Context, steps []step) error {
	for _, s := range steps {
		var to *received
		if s.subject == "" {
			to = c.last[s.user]
		}
		if err := c.sendCc(s.user, s.subject, s.text, to, s.cc, s.files...); err != nil {
			return fmt.Errorf("%s sends: %w", s.user, err)
		}
		for _, u := range s.expect {
			if _, err := c.await(ctx, u); err != nil {
				return err
			}
		}
	}
	return nil
}

// screenshot draws a small PNG to attach to the demo report.
func screenshot() ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, 160, 90))
	for y := range 90 {
		for x := range 160 {
			c := color.RGBA{240, 240, 240, 255}
			if y < 14 {
				c = color.RGBA{40, 90, 160, 255}
			} else if x > 100 && x < 150 && y > 60 && y < 78 {
				c = color.RGBA{200, 40, 40, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

// printAll prints every incident of form with its route and history.
func printAll(w io.Writer, form workflow.Form, roles workflow.Roles) func(*store.Tx) error {
	return func(tx *store.Tx) error {
		incs, err := tx.Incidents(store.Filter{})
		if err != nil {
			return err
		}
		for _, inc := range incs {
			if inc.Watchers, err = tx.Watchers(inc.ID); err != nil {
				return err
			}
			atts, err := tx.Attachments(inc.ID)
			if err != nil {
				return err
			}
			events, err := tx.Events(inc.ID)
			if err != nil {
				return err
			}
			fmt.Fprintln(w)
			printIncident(w, inc, form, roles.RouteName(inc), atts, events)
		}
		return nil
	}
}

// quietLogger logs only warnings, so the scenario's mails stand out.
func quietLogger(e env) *slog.Logger {
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
