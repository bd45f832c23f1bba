//! The mails citizens get, in plain text and simple HTML, in the language
//! they subscribed in. They say what the public page says, never more: the
//! code, the subject, the phase, what happened (public notes, a reply-by
//! date, an extension), the due date, and the links.
//!
//! The HTML part is rendered with Leptos's `view!` like the pages, so every
//! value is escaped the same way.

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;
use pratiche_db::clock::rome_date;
use pratiche_db::notifications::ToldEvent;
use pratiche_db::public::PublicCase;
use pratiche_domain::clock::ClockStatus;

use crate::i18n::I18n;
use crate::pages::case::deadline::{due_text, no_substitute};

/// A mail's subject and its two bodies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// "Confirm that you want to be told": the only mail before confirmation.
pub fn confirmation(i18n: &I18n, case: &PublicCase, confirm_url: &str) -> Mail {
    let code = case.code.to_string();
    let subject = i18n.t_with("mail-confirm-subject", &[("code", code.clone().into())]);
    let asked = i18n.t_with(
        "mail-confirm-asked",
        &[
            ("code", code.into()),
            ("subject", case.subject.clone().into()),
            ("body", case.body.name.clone().into()),
        ],
    );
    let action = i18n.t("mail-confirm-action");
    let validity = i18n.t("mail-confirm-validity");
    let ignore = i18n.t("mail-confirm-ignore");
    let text = format!("{asked}\n\n{action}:\n{confirm_url}\n\n{validity}\n\n{ignore}\n");
    let html = page(
        &subject,
        view! {
            <p>{asked}</p>
            <p><a href=confirm_url.to_owned()>{action}</a></p>
            <p>{validity}</p>
            <p>{ignore}</p>
        },
    );
    Mail {
        subject,
        text,
        html,
    }
}

/// The first mail to an address given at registration: the code (to keep),
/// the link, where the pratica stands and what happens next.
pub fn welcome(
    i18n: &I18n,
    case: &PublicCase,
    today: NaiveDate,
    case_url: &str,
    stop_url: &str,
) -> Mail {
    let code = case.code.to_string();
    let subject = i18n.t_with("mail-welcome-subject", &[("code", code.clone().into())]);
    let registered = i18n.t_with(
        "mail-welcome-registered",
        &[
            ("code", code.into()),
            ("subject", case.subject.clone().into()),
            ("body", case.body.name.clone().into()),
        ],
    );
    let keep = i18n.t("mail-welcome-keep");
    let State {
        sentence,
        due_line,
        next,
    } = state(i18n, case, today);
    let see = i18n.t("mail-update-see");
    let stop = i18n.t("mail-stop");
    let text = format!(
        "{registered}\n\n{keep}\n{case_url}\n\n{sentence}\n{due_line}\n\n{next}\n\n-- \n{stop}:\n{stop_url}\n"
    );
    let html = page(
        &subject,
        view! {
            <p><strong>{registered}</strong></p>
            <p>{keep}" "<a href=case_url.to_owned()>{see}</a></p>
            <p>{sentence}</p>
            <p>{due_line}</p>
            <p>{next}</p>
            <hr/>
            <p><small><a href=stop_url.to_owned()>{stop}</a></small></p>
        },
    );
    Mail {
        subject,
        text,
        html,
    }
}

/// The reply-by date of a request for documents is near.
pub fn reminder(
    i18n: &I18n,
    case: &PublicCase,
    request: &ToldEvent,
    case_url: &str,
    stop_url: &str,
) -> Mail {
    let code = case.code.to_string();
    let date = request
        .reply_by
        .map(|date| i18n.date(date))
        .unwrap_or_default();
    let subject = i18n.t_with(
        "mail-reminder-subject",
        &[("code", code.clone().into()), ("date", date.clone().into())],
    );
    let lead = i18n.t_with(
        "mail-reminder-lead",
        &[
            ("code", code.into()),
            ("subject", case.subject.clone().into()),
            ("date", date.into()),
        ],
    );
    let asked = request.note.clone().unwrap_or_default();
    let next = i18n.t("phase-documents_requested-next");
    let see = i18n.t("mail-update-see");
    let stop = i18n.t("mail-stop");
    let text = format!(
        "{lead}\n\n{next}\n\n  {asked}\n\n{see}:\n{case_url}\n\n-- \n{stop}:\n{stop_url}\n"
    );
    let html = page(
        &subject,
        view! {
            <p><strong>{lead}</strong></p>
            <p>{next}</p>
            <blockquote>{asked}</blockquote>
            <p><a href=case_url.to_owned()>{see}</a></p>
            <hr/>
            <p><small><a href=stop_url.to_owned()>{stop}</a></small></p>
        },
    );
    Mail {
        subject,
        text,
        html,
    }
}

/// The due date passed without a decision: whom to turn to and the
/// remedies, as the case page shows them.
pub fn overdue(i18n: &I18n, case: &PublicCase, case_url: &str, stop_url: &str) -> Mail {
    let code = case.code.to_string();
    let subject = i18n.t_with("mail-overdue-subject", &[("code", code.into())]);
    let due_on = case
        .clock
        .as_ref()
        .map(|clock| i18n.date(clock.due_on))
        .unwrap_or_default();
    let passed = i18n.t_with("silence-overdue", &[("date", due_on.into())]);
    let intro = i18n.t("silence-intro");
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
    let remedies = i18n.t("silence-remedies");
    let see = i18n.t("mail-update-see");
    let stop = i18n.t("mail-stop");
    let text = format!(
        "{passed}\n\n{intro}\n\n{who}\n\n{remedies}\n\n{see}:\n{case_url}\n\n-- \n{stop}:\n{stop_url}\n"
    );
    let html = page(
        &subject,
        view! {
            <p><strong>{passed}</strong></p>
            <p>{intro}</p>
            <p>{who}</p>
            <p>{remedies}</p>
            <p><a href=case_url.to_owned()>{see}</a></p>
            <hr/>
            <p><small><a href=stop_url.to_owned()>{stop}</a></small></p>
        },
    );
    Mail {
        subject,
        text,
        html,
    }
}

/// Where a pratica stands, as every mail says it.
struct State {
    sentence: String,
    due_line: String,
    next: String,
}

fn state(i18n: &I18n, case: &PublicCase, today: NaiveDate) -> State {
    let phase_key = format!("phase-{}", case.phase.as_str());
    let due = case
        .clock
        .as_ref()
        .map(|clock| due_text(i18n, &ClockStatus::at(clock, today)))
        .unwrap_or_else(|| i18n.t("case-due-not-computed"));
    State {
        sentence: i18n.t(&format!("{phase_key}-sentence")),
        due_line: format!("{}: {due}", i18n.t("due-label")),
        next: i18n.t(&format!("{phase_key}-next")),
    }
}

/// The pratica moved: its latest public state and what happened since the
/// last mail.
pub fn update(
    i18n: &I18n,
    case: &PublicCase,
    told: &[ToldEvent],
    today: NaiveDate,
    case_url: &str,
    stop_url: &str,
) -> Mail {
    let code = case.code.to_string();
    let phase_key = format!("phase-{}", case.phase.as_str());
    let phase = i18n.t(&phase_key);
    let subject = i18n.t_with(
        "mail-update-subject",
        &[
            ("code", code.clone().into()),
            ("phase", phase.clone().into()),
        ],
    );
    let now_in = i18n.t_with(
        "mail-update-now",
        &[
            ("code", code.into()),
            ("subject", case.subject.clone().into()),
            ("body", case.body.name.clone().into()),
            ("phase", phase.into()),
        ],
    );
    let happened: Vec<String> = told.iter().map(|event| told_line(i18n, event)).collect();
    let State {
        sentence,
        due_line,
        next,
    } = state(i18n, case, today);
    let asked = case.note_to_act_on().map(str::to_owned);
    let see = i18n.t("mail-update-see");
    let stop = i18n.t("mail-stop");
    let happened_title = i18n.t("mail-update-happened");

    let mut text = format!("{now_in}\n{sentence}\n\n{happened_title}\n");
    for line in &happened {
        text.push_str(&format!("- {line}\n"));
    }
    text.push_str(&format!("\n{due_line}\n\n{next}\n"));
    if let Some(asked) = &asked {
        text.push_str(&format!("\n  {asked}\n"));
    }
    text.push_str(&format!(
        "\n{see}:\n{case_url}\n\n-- \n{stop}:\n{stop_url}\n"
    ));
    let html = page(
        &subject,
        view! {
            <p><strong>{now_in}</strong></p>
            <p>{sentence}</p>
            <h2>{happened_title}</h2>
            <ul>{happened.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
            <p>{due_line}</p>
            <p>{next}</p>
            {asked.map(|asked| view! { <blockquote>{asked}</blockquote> })}
            <p><a href=case_url.to_owned()>{see}</a></p>
            <hr/>
            <p><small><a href=stop_url.to_owned()>{stop}</a></small></p>
        },
    );
    Mail {
        subject,
        text,
        html,
    }
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

/// A whole HTML document around `content`.
fn page(title: &str, content: impl IntoView + 'static) -> String {
    let title = title.to_owned();
    let document = view! {
        <html>
            <head><meta charset="utf-8"/><title>{title}</title></head>
            <body style="font-family:sans-serif;line-height:1.5;max-width:40em">{content}</body>
        </html>
    };
    format!("<!DOCTYPE html>{}", document.to_html())
}
