// Package templates owns the texts of the notification mails incidentd
// sends, in Spanish and English, as plain text and HTML. It holds no logic:
// the files are embedded in FS and package mailout/render parses and
// executes them.
//
// Naming: <kind>.<lang>.txt and <kind>.<lang>.html for every
// workflow.NoticeKind (ack, new, accepted, assigned, rejected, info_request,
// info_answer, resolved, reopened, closed, comment, refused, unknown,
// quarantined, dropped, receipt, near_miss, auto_closed, watcher, field_problems) and language (es, en). Each .txt file defines its subject
// with {{define "subject"}}…{{end}}; the [INC-n] tag is put in front of it
// by mailout/render, and "Re: " too for an answer to a mail (a refusal, a
// notice of files not kept); a reply to a mail that named no incident uses
// "Re: <that mail's subject>" instead. The rest of the file is the body.
//
// A notice's file defines nothing else: the notices of a language and
// format share one set of templates, and a definition there would change
// them all. Each notice template is parsed together with two shared files:
// words.<lang>.tmpl (the words for states, types, priorities, fields, roles
// and keyword usage, used by both formats) and common.<lang>.txt or
// common.html (the blocks the mails of a format repeat: the incident's
// fields, what to reply next, the footer; the HTML blocks take their words
// from words.<lang>.tmpl, so one file serves both languages). Text and HTML
// templates are executed with text/template and html/template respectively,
// so everything from a mail is escaped in HTML.
//
// The data is render.View (package mailout/render): the fields of the
// workflow.Notice (.Kind, .Incident with the incident's fields, .Actor,
// .Text, .Assumed, .Refusal, .Subject, .Overdue, .Metrics, .Changes,
// .Files, .Receipt, .NearMiss, .Event, .Missing, .Problems, .Oversize) plus .Tag ("INC-12", empty without an
// incident), .Recipient, .Address (the service's own address),
// .Attachments (files sent along), .Commands (the commands the recipient
// may use on the incident now; the "todo" block lists them, or says there
// is nothing to do) and the method .Mailto VERB (the mailto: link of a
// reply that uses the command, for the HTML buttons). An incident without
// a title has the "untitled" words. A call of a template with a constant
// argument ({{template "label" "title"}}) is run once, when the templates
// load: the templates must depend on their data only. The functions are
// keyword VERB (the keyword in the template's language), keywordIn LANG
// VERB, size BYTES (a file's size in the language's numbers), indent TEXT
// (plain text only) and charts METRICS (the digest's figures as the charts
// draw them: rows beside the period before, bar widths; see
// render.MetricsView).
//
// The report form (the configured [[fields]]) reaches the templates as
// .HasSystem (false when the system field was removed), .Own (the
// organization's one-line fields: .Name, .Label and .Value in the mail's
// language) and .OwnText (its multiline ones that hold a value), and
// through the functions fieldLabel NAME, shown NAME VALUE (a choice's
// label), example NAME (a line to write, "Entorno: Producción"), choices
// NAME (the labels of its choices), fieldLabels (every label that may be
// corrected) and pad LABEL WIDTH (the spaces that line a table up).
//
// A directory named in the configuration may hold files with the same
// names; they replace the embedded ones.
package templates

import "embed"

// FS holds every template file at its root.
//
//go:embed *.txt *.html *.tmpl
var FS embed.FS
