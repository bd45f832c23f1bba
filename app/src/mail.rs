//! The messages citizens get, by e-mail (plain text and simple HTML) and in
//! App IO (Markdown), in the language they subscribed in; and the notice a
//! body's admins get when the outbox disables a webhook endpoint. They say what the
//! public page says, never more: the code, the subject, the phase, what
//! happened (public notes, a reply-by date, an extension), the due date,
//! and the links.
//!
//! Each message is written once, as a [`Letter`] of [`Block`]s, and
//! rendered to each form: the HTML part with Leptos's `view!` like the
//! pages, the Markdown with every character of the texts escaped.

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;
use pratiche_db::clock::rome_date;
use pratiche_db::notifications::ToldEvent;
use pratiche_db::public::PublicCase;
use pratiche_domain::clock::ClockStatus;
use pratiche_domain::notify::io::{self, IoContent, IoContentProblem, escape_markdown};

use crate::i18n::I18n;
use crate::pages::case::deadline::{due_text, no_substitute};

/// A mail's subject and its two bodies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The absolute links every message to a subscriber ends with.
#[derive(Clone, Copy, Debug)]
pub struct Links<'a> {
    /// The pratica's public page.
    pub case: &'a str,
    /// Stop the alerts (also the `List-Unsubscribe` URL); none in App IO,
    /// where the citizen turns a service off in the app.
    pub stop: Option<&'a str>,
}

/// A message as written, before it takes the form of its channel.
pub struct Letter {
    subject: String,
    blocks: Vec<Block>,
    /// After the signature separator (the stop link).
    footer: Option<Block>,
}

/// One part of a mail's body.
enum Block {
    /// The opening sentence, in bold in HTML.
    Lead(String),
    Paragraph(String),
    Heading(String),
    List(Vec<String>),
    /// What the body wrote, quoted.
    Quote(String),
    /// A link with its label.
    Link {
        label: String,
        url: String,
    },
}

/// "Confirm that you want to be told": the only mail before confirmation,
/// so it has no stop link: ignoring it is enough.
pub fn confirmation(i18n: &I18n, case: &PublicCase, confirm_url: &str) -> Letter {
    let subject = i18n.t_with("mail-confirm-subject", &[("code", code(case).into())]);
    let blocks = vec![
        Block::Lead(about(i18n, "mail-confirm-asked", case)),
        Block::Link {
            label: i18n.t("mail-confirm-action"),
            url: confirm_url.to_owned(),
        },
        Block::Paragraph(i18n.t("mail-confirm-validity")),
        Block::Paragraph(i18n.t("mail-confirm-ignore")),
    ];
    Letter {
        subject,
        blocks,
        footer: None,
    }
}

/// The first mail to an address given at registration: the code (to keep),
/// the link, where the pratica stands and what happens next.
pub fn welcome(i18n: &I18n, case: &PublicCase, today: NaiveDate, links: Links) -> Letter {
    let subject = i18n.t_with("mail-welcome-subject", &[("code", code(case).into())]);
    let mut blocks = vec![
        Block::Lead(about(i18n, "mail-welcome-registered", case)),
        Block::Paragraph(i18n.t("mail-welcome-keep")),
    ];
    blocks.extend(state(i18n, case, today));
    to_subscriber(i18n, subject, blocks, links)
}

/// The pratica moved: its latest public state and what happened since the
/// last mail.
pub fn update(
    i18n: &I18n,
    case: &PublicCase,
    told: &[ToldEvent],
    today: NaiveDate,
    links: Links,
) -> Letter {
    let phase = i18n.t(&format!("phase-{}", case.phase.as_str()));
    let subject = i18n.t_with(
        "mail-update-subject",
        &[("code", code(case).into()), ("phase", phase.clone().into())],
    );
    let now_in = i18n.t_with(
        "mail-update-now",
        &[
            ("code", code(case).into()),
            ("subject", case.subject.clone().into()),
            ("body", case.body.name.clone().into()),
            ("phase", phase.into()),
        ],
    );
    let mut blocks = vec![
        Block::Lead(now_in),
        Block::Heading(i18n.t("mail-update-happened")),
        Block::List(told.iter().map(|event| told_line(i18n, event)).collect()),
    ];
    blocks.extend(state(i18n, case, today));
    blocks.extend(
        case.note_to_act_on()
            .map(|asked| Block::Quote(asked.to_owned())),
    );
    to_subscriber(i18n, subject, blocks, links)
}

/// The reply-by date of a request for documents is near.
pub fn reminder(i18n: &I18n, case: &PublicCase, request: &ToldEvent, links: Links) -> Letter {
    let date = request
        .reply_by
        .map(|date| i18n.date(date))
        .unwrap_or_default();
    let subject = i18n.t_with(
        "mail-reminder-subject",
        &[("code", code(case).into()), ("date", date.clone().into())],
    );
    let lead = i18n.t_with(
        "mail-reminder-lead",
        &[
            ("code", code(case).into()),
            ("subject", case.subject.clone().into()),
            ("date", date.into()),
        ],
    );
    let mut blocks = vec![
        Block::Lead(lead),
        Block::Paragraph(i18n.t("phase-documents_requested-next")),
    ];
    blocks.extend(request.note.clone().map(Block::Quote));
    to_subscriber(i18n, subject, blocks, links)
}

/// The due date passed without a decision: whom to turn to and the
/// remedies, as the case page shows them.
pub fn overdue(i18n: &I18n, case: &PublicCase, links: Links) -> Letter {
    let subject = i18n.t_with("mail-overdue-subject", &[("code", code(case).into())]);
    let due_on = case
        .clock
        .as_ref()
        .map(|clock| i18n.date(clock.due_on))
        .unwrap_or_default();
    let who = match &case.substitute {
        Some(official) => {
            let mut who = format!("{}: {}", i18n.t("silence-substitute"), official.name);
            for part in [&official.office, &official.contact].into_iter().flatten() {
                who.push_str(&format!(", {part}"));
            }
            who
        }
        None => no_substitute(i18n, &case.body),
    };
    let blocks = vec![
        Block::Lead(i18n.t_with("silence-overdue", &[("date", due_on.into())])),
        Block::Paragraph(i18n.t("silence-intro")),
        Block::Paragraph(who),
        Block::Paragraph(i18n.t("silence-remedies")),
    ];
    to_subscriber(i18n, subject, blocks, links)
}

/// A webhook endpoint the outbox disabled, as its admins are told.
pub struct DisabledEndpoint<'a> {
    pub body: &'a str,
    pub url: &'a str,
    pub description: &'a str,
    /// Three failing days, or the receiver's 410.
    pub gone: bool,
    pub disabled_at: DateTime<Utc>,
    /// The endpoint's page in the back office (absolute).
    pub page: &'a str,
}

/// The notice to a body's admins that one of its webhook endpoints was
/// disabled: in Italian and then in English in one mail (staff accounts
/// keep no language), with what to do and the endpoint's page.
pub fn endpoint_disabled(endpoint: &DisabledEndpoint) -> Letter {
    let languages = ["it", "en"].map(|tag| I18n::negotiate(Some(tag), None));
    let subject = languages
        .iter()
        .map(|i18n| {
            i18n.t_with(
                "mail-webhook-subject",
                &[("url", endpoint.url.to_owned().into())],
            )
        })
        .collect::<Vec<_>>()
        .join(" / ");
    let mut blocks = Vec::new();
    for i18n in &languages {
        let when = crate::pages::staff::rome_time(i18n, endpoint.disabled_at);
        let url = if endpoint.description.is_empty() {
            endpoint.url.to_owned()
        } else {
            format!("{} ({})", endpoint.url, endpoint.description)
        };
        let why = if endpoint.gone {
            "mail-webhook-gone"
        } else {
            "mail-webhook-failing"
        };
        blocks.extend([
            Block::Lead(i18n.t_with(
                "mail-webhook-disabled",
                &[
                    ("url", url.into()),
                    ("body", endpoint.body.to_owned().into()),
                    ("when", when.into()),
                ],
            )),
            Block::Paragraph(i18n.t(why)),
            Block::Paragraph(i18n.t("mail-webhook-next")),
            Block::Link {
                label: i18n.t("mail-webhook-see"),
                url: endpoint.page.to_owned(),
            },
        ]);
    }
    Letter {
        subject,
        blocks,
        footer: None,
    }
}

fn code(case: &PublicCase) -> String {
    case.code.to_string()
}

/// The sentence `key` about the pratica: its code, subject and body.
fn about(i18n: &I18n, key: &str, case: &PublicCase) -> String {
    i18n.t_with(
        key,
        &[
            ("code", code(case).into()),
            ("subject", case.subject.clone().into()),
            ("body", case.body.name.clone().into()),
        ],
    )
}

/// Where a pratica stands, as the mails say it: the phase's sentence, the
/// due date, what happens next.
fn state(i18n: &I18n, case: &PublicCase, today: NaiveDate) -> [Block; 3] {
    let phase_key = format!("phase-{}", case.phase.as_str());
    let due = case
        .clock
        .as_ref()
        .map(|clock| due_text(i18n, &ClockStatus::at(clock, today)))
        .unwrap_or_else(|| i18n.t("case-due-not-computed"));
    [
        Block::Paragraph(i18n.t(&format!("{phase_key}-sentence"))),
        Block::Paragraph(format!("{}: {due}", i18n.t("due-label"))),
        Block::Paragraph(i18n.t(&format!("{phase_key}-next"))),
    ]
}

/// One event as the mail tells it: its day, its phase, and what the body
/// wrote, asked or extended.
fn told_line(i18n: &I18n, event: &ToldEvent) -> String {
    let mut line = format!(
        "{}: {}",
        i18n.date(rome_date(event.occurred_at)),
        i18n.t(&format!("phase-{}", event.phase.as_str()))
    );
    if let Some(note) = &event.note {
        line.push_str(&format!(" — {note}"));
    }
    if let Some(reply_by) = event.reply_by {
        let date = i18n.date(reply_by);
        line.push_str(&format!(
            " — {}",
            i18n.t_with("mail-reply-by", &[("date", date.into())])
        ));
    }
    if let Some(days) = event.extension_days {
        line.push_str(&format!(
            " — {}",
            i18n.t_with("mail-extension", &[("days", days.into())])
        ));
    }
    line
}

/// A message to a subscriber: `blocks`, the link to the case page, and the
/// stop link (if any) after the signature separator.
fn to_subscriber(i18n: &I18n, subject: String, mut blocks: Vec<Block>, links: Links) -> Letter {
    blocks.push(Block::Link {
        label: i18n.t("mail-update-see"),
        url: links.case.to_owned(),
    });
    let footer = links.stop.map(|stop| Block::Link {
        label: i18n.t("mail-stop"),
        url: stop.to_owned(),
    });
    Letter {
        subject,
        blocks,
        footer,
    }
}

impl Letter {
    /// The mail: the blocks (and the footer after the signature separator)
    /// as text and as an HTML document.
    pub fn mail(self) -> Mail {
        let (mut text, mut body) = parts(self.blocks);
        if let Some(footer) = self.footer {
            let (footer_text, footer_html) = parts(vec![footer]);
            text.push_str(&format!("-- \n{footer_text}"));
            body.push_str(&format!("<hr/><small>{footer_html}</small>"));
        }
        let title = self.subject.clone();
        let document = view! {
            <html>
                <head><meta charset="utf-8"/><title>{title}</title></head>
                <body style="font-family:sans-serif;line-height:1.5;max-width:40em" inner_html=body></body>
            </html>
        };
        Mail {
            subject: self.subject,
            text,
            html: format!("<!DOCTYPE html>{}", document.to_html()),
        }
    }

    /// The App IO message: the subject cut to IO's longest, the blocks as
    /// Markdown ending with the link to the page and the message's
    /// `reference` (the outbox key's digest, as in the mail's
    /// `Message-ID`). An update telling many long notes is cut, at a block
    /// or a list item, to fit IO's longest text, and says that it goes on
    /// on the page.
    pub fn io(mut self, i18n: &I18n, reference: &str) -> Result<IoContent, IoContentProblem> {
        let max = *io::MARKDOWN_CHARS.end();
        let last = self.blocks.pop().map(markdown).unwrap_or_default();
        let closing = format!(
            "{last}\n\n{}",
            escape_markdown(&i18n.t_with(
                "io-reference",
                &[("reference", reference.to_owned().into())]
            ))
        );
        let cut_notice = format!("\n{}\n\n", escape_markdown(&i18n.t("io-continued")));
        let room = max - closing.chars().count() - cut_notice.chars().count();
        let mut text = String::new();
        let mut used = 0;
        let mut fits = |piece: &str, text: &mut String| {
            let length = piece.chars().count();
            if used + length > room {
                return false;
            }
            used += length;
            text.push_str(piece);
            true
        };
        let mut whole = true;
        for block in self.blocks {
            let items = match block {
                // A list too long is cut between its items.
                Block::List(items) => items
                    .iter()
                    .map(|item| format!("{}\n", list_item(item)))
                    .chain(["\n".to_owned()])
                    .collect(),
                block => vec![format!("{}\n\n", markdown(block))],
            };
            whole = items.iter().all(|piece| fits(piece, &mut text));
            if !whole {
                break;
            }
        }
        if !whole {
            text.push_str(&cut_notice);
        }
        text.push_str(&closing);
        IoContent::new(io::fit_subject(&self.subject), text)
    }
}

fn list_item(item: &str) -> String {
    format!("- {}", escape_markdown(item))
}

/// One block as Markdown, its texts escaped.
fn markdown(block: Block) -> String {
    match block {
        Block::Lead(lead) => format!("**{}**", escape_markdown(&lead)),
        Block::Paragraph(paragraph) => escape_markdown(&paragraph),
        Block::Heading(heading) => format!("## {}", escape_markdown(&heading)),
        Block::List(items) => items
            .iter()
            .map(|item| list_item(item))
            .collect::<Vec<_>>()
            .join("\n"),
        Block::Quote(quote) => format!("> {}", escape_markdown(&quote).replace('\n', "\n> ")),
        Block::Link { label, url } => format!("[{}](<{url}>)", escape_markdown(&label)),
    }
}

/// `blocks` as plain text and as HTML (escaped by `view!`).
fn parts(blocks: Vec<Block>) -> (String, String) {
    let mut text = String::new();
    let mut html = String::new();
    for block in blocks {
        let (plain, view) = match block {
            Block::Lead(lead) => (lead.clone(), view! { <p><strong>{lead}</strong></p> }.to_html()),
            Block::Paragraph(paragraph) => (paragraph.clone(), view! { <p>{paragraph}</p> }.to_html()),
            Block::Heading(heading) => (heading.clone(), view! { <h2>{heading}</h2> }.to_html()),
            Block::List(items) => (
                items.iter().map(|item| format!("- {item}")).collect::<Vec<_>>().join("\n"),
                view! { <ul>{items.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}</ul> }
                    .to_html(),
            ),
            Block::Quote(quote) => (
                format!("  {}", quote.replace('\n', "\n  ")),
                view! { <blockquote>{quote}</blockquote> }.to_html(),
            ),
            Block::Link { label, url } => (
                format!("{label}:\n{url}"),
                view! { <p><a href=url>{label}</a></p> }.to_html(),
            ),
        };
        text.push_str(&plain);
        text.push_str("\n\n");
        html.push_str(&view);
    }
    (text, html)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(notes: usize, note_length: usize) -> Letter {
        let note = "*[_".repeat(note_length / 3);
        Letter {
            subject: format!("Pratica ABCD-EFGH-JKLM-N: {}", "molto ".repeat(40)),
            blocks: vec![
                Block::Lead("La pratica è ora: Integrazione richiesta.".into()),
                Block::Heading("Che cosa è successo".into()),
                Block::List((0..notes).map(|n| format!("{n}: {note}")).collect()),
                Block::Link {
                    label: "Vedi la pratica".into(),
                    url: "https://pratiche.example.it/p/ABCD-EFGH-JKLM-N".into(),
                },
            ],
            footer: None,
        }
    }

    #[test]
    fn an_io_message_tells_everything_when_it_fits() {
        let i18n = I18n::negotiate(Some("it"), None);
        let content = letter(2, 30).io(&i18n, "0123abcd").unwrap();
        assert!(content.subject().chars().count() <= 120);
        assert!(content.subject().ends_with('…'));
        let markdown = content.markdown();
        assert!(
            markdown.starts_with("**La pratica è ora: Integrazione richiesta.**"),
            "{markdown}"
        );
        assert!(markdown.contains("- 1: \\*\\[\\_"), "{markdown}");
        assert!(!markdown.contains("continua"));
        assert!(markdown.ends_with(
            "[Vedi la pratica](<https://pratiche.example.it/p/ABCD-EFGH-JKLM-N>)\n\nRiferimento del messaggio: 0123abcd"
        ));
    }

    #[test]
    fn many_long_notes_are_cut_between_items_to_fit_app_io() {
        let i18n = I18n::negotiate(Some("it"), None);
        // Ten notes of the longest kind, every character escaped.
        let content = letter(10, 2_000).io(&i18n, "0123abcd").unwrap();
        let markdown = content.markdown();
        assert!(markdown.chars().count() <= 10_000);
        assert!(markdown.contains("- 1: "), "the first notes are told");
        assert!(!markdown.contains("- 9: "), "the last do not fit");
        assert!(markdown.contains("Il messaggio continua sulla pagina della pratica."));
        assert!(markdown.ends_with("Riferimento del messaggio: 0123abcd"));
    }
}
