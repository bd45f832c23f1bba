//! The messages sent to citizens, as the staff see them: on a pratica's
//! record (every message) and on the body admin's page (those given up).
//! Recipients are masked: the staff need to know that and how a citizen
//! was told, not their address.

use leptos::prelude::*;
use pratiche_db::ActiveEnum;
use pratiche_db::notifications::{self, SentLine};

use crate::context::AppContext;
use crate::i18n::use_i18n;
use crate::pages::staff::rome_time;
use crate::paths;

/// The record page's list of a pratica's messages.
#[component]
pub fn CaseMessages(case_id: i32) -> impl IntoView {
    let db = expect_context::<AppContext>().db;
    let lines = Suspend::new(async move {
        let lines = notifications::of_case(&db, case_id).await;
        view! { <SentMessages lines with_code=false empty="record-messages-none"/> }
    });
    let i18n = use_i18n();
    view! {
        <h2>{i18n.t("record-messages")}</h2>
        <Suspense fallback=|| ()>{lines}</Suspense>
    }
}

/// The body admin's list of messages given up.
#[component]
pub fn FailedMessages(body_id: i32) -> impl IntoView {
    let db = expect_context::<AppContext>().db;
    let lines = Suspend::new(async move {
        let lines = notifications::failed_of_body(&db, body_id, 50).await;
        view! { <SentMessages lines with_code=true empty="admin-failed-messages-none"/> }
    });
    let i18n = use_i18n();
    view! {
        <h2>{i18n.t("admin-failed-messages")}</h2>
        <p class="hint">{i18n.t("admin-failed-messages-hint")}</p>
        <Suspense fallback=|| ()>{lines}</Suspense>
    }
}

#[component]
fn SentMessages(
    lines: Result<Vec<SentLine>, pratiche_db::DbErr>,
    with_code: bool,
    empty: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let lines = match lines {
        Ok(lines) => lines,
        Err(error) => {
            tracing::error!(%error, "cannot list the messages sent");
            return view! { <p>{i18n.t("unavailable-text")}</p> }.into_any();
        }
    };
    if lines.is_empty() {
        return view! { <p>{i18n.t(empty)}</p> }.into_any();
    }
    let rows = lines
        .into_iter()
        .map(|line| {
            let code = with_code.then(|| {
                view! { <td><a href=paths::fill(paths::CASE_RECORD, &[&line.code])>{line.code.to_string()}</a></td> }
            });
            let kind = i18n.t(&format!("message-kind-{}", line.kind.to_value()));
            let status = i18n.t(&format!("message-status-{}", line.status.to_value()));
            let when = rome_time(&i18n, line.sent_at.unwrap_or(line.created_at));
            view! {
                <tr>
                    {code}
                    <td>{kind}</td>
                    <td>{line.recipient}</td>
                    <td>{when}</td>
                    <td>{status}</td>
                    <td>{line.attempts}</td>
                    <td>{line.last_error.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="messages">
                <thead>
                    <tr>
                        {with_code.then(|| view! { <th scope="col">{i18n.t("message-col-code")}</th> })}
                        <th scope="col">{i18n.t("message-col-kind")}</th>
                        <th scope="col">{i18n.t("message-col-recipient")}</th>
                        <th scope="col">{i18n.t("message-col-when")}</th>
                        <th scope="col">{i18n.t("message-col-status")}</th>
                        <th scope="col">{i18n.t("message-col-attempts")}</th>
                        <th scope="col">{i18n.t("message-col-error")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
