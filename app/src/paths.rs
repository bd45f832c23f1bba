//! Every path of the site, written once: the server's router declares its
//! routes with these patterns, the pages link and post to them filled with
//! [`fill`], handlers redirect to them. Leptos's route table (`routes.rs`)
//! spells the page paths again because its `path!` macro takes literals
//! only.

use std::fmt::Display;

pub const HOME: &str = "/";
/// The lookup form's target: a code in, a redirect to its page out.
pub const LOOKUP: &str = "/cerca";
/// The citizen's page of a pratica.
pub const CASE_PAGE: &str = "/p/{code}";
/// A pratica's public history as an Atom feed.
pub const CASE_FEED: &str = "/p/{code}/aggiornamenti.atom";
/// The case page's "tell me by e-mail" form's target.
pub const CASE_ALERTS: &str = "/p/{code}/avvisi";
/// The links in mails: confirm a subscription, stop it (`?t=` a token);
/// each shows a button that posts to the same path. Stopping also takes
/// the one-click POST of RFC 8058.
pub const ALERTS_CONFIRM: &str = "/avvisi/conferma";
pub const ALERTS_STOP: &str = "/avvisi/annulla";
/// Where those buttons lead: the outcome (`?esito=`).
pub const ALERTS_OUTCOME: &str = "/avvisi/esito";
/// Switches the language, then goes back (`?torna=`).
pub const LANGUAGE: &str = "/lingua/{tag}";
/// "Le mie pratiche": remember a code, forget one, forget all.
pub const REMEMBERED: &str = "/mie-pratiche";
pub const REMEMBERED_REMOVE: &str = "/mie-pratiche/rimuovi";
pub const REMEMBERED_FORGET: &str = "/mie-pratiche/dimentica";

/// What each body publishes (D.Lgs. 33/2013 art. 35): the bodies, one
/// body's procedure types, one type's sheet and processing times.
pub const BODIES_PUBLIC: &str = "/enti";
pub const BODY_PUBLIC: &str = "/enti/{slug}";
pub const PROCEDURE_SHEET: &str = "/enti/{slug}/procedimenti/{id}";
/// The sheet's "how clear was this page" form (1 to 5).
pub const SHEET_RATING: &str = "/enti/{slug}/procedimenti/{id}/valutazione";
/// The processing times as open data: every body's, or one body's.
pub const TIMES_CSV: &str = "/enti/tempi-di-conclusione.csv";
pub const TIMES_JSON: &str = "/enti/tempi-di-conclusione.json";
pub const BODY_TIMES_CSV: &str = "/enti/{slug}/tempi-di-conclusione.csv";
pub const BODY_TIMES_JSON: &str = "/enti/{slug}/tempi-di-conclusione.json";

/// The back office's sign-in page; every back-office path starts with it.
pub const SIGN_IN: &str = "/area-riservata";
pub const SIGN_IN_FORM: &str = "/area-riservata/accedi";
pub const SIGN_OUT: &str = "/area-riservata/esci";
pub const SIGN_OUT_EVERYWHERE: &str = "/area-riservata/esci-ovunque";
pub const ACCOUNT: &str = "/area-riservata/account";
pub const PASSWORD: &str = "/area-riservata/password";
/// The signed-in user's address for technical notices.
pub const ACCOUNT_EMAIL: &str = "/area-riservata/account/email";

/// The clerk's pratiche, a record, its status-change forms, a receipt.
pub const DASHBOARD: &str = "/area-riservata/pratiche";
pub const CASE_RECORD: &str = "/area-riservata/pratiche/{code}";
pub const CASE_EVENTS: &str = "/area-riservata/pratiche/{code}/eventi";
pub const RECEIPT: &str = "/area-riservata/pratiche/{code}/ricevuta";
/// The registration page, and its form's target.
pub const REGISTRATION: &str = "/area-riservata/registra";

/// A body admin's pages and forms.
pub const STAFF: &str = "/area-riservata/utenti";
pub const STAFF_MEMBER_STATE: &str = "/area-riservata/utenti/{id}/stato";
pub const STAFF_MEMBER_PASSWORD: &str = "/area-riservata/utenti/{id}/password";
pub const BODY: &str = "/area-riservata/ente";
/// A body admin enters (or removes) the body's App IO service key.
pub const BODY_IO: &str = "/area-riservata/ente/io";
/// ...and has App IO try it.
pub const BODY_IO_CHECK: &str = "/area-riservata/ente/io/verifica";
pub const PROCEDURES: &str = "/area-riservata/procedimenti";
pub const PROCEDURE: &str = "/area-riservata/procedimenti/{id}";
/// The type's public sheet (D.Lgs. 33/2013 art. 35).
pub const PROCEDURE_PUBLIC_SHEET: &str = "/area-riservata/procedimenti/{id}/scheda";
pub const PROCEDURE_STATES: &str = "/area-riservata/procedimenti/{id}/stati";
pub const PROCEDURE_STATE: &str = "/area-riservata/procedimenti/{id}/stati/{state_id}";
pub const PROCEDURE_TRANSITIONS: &str = "/area-riservata/procedimenti/{id}/passaggi";
pub const API_CLIENTS: &str = "/area-riservata/api";
pub const API_CLIENT_STATE: &str = "/area-riservata/api/{id}/stato";
/// A body admin adds a webhook endpoint...
pub const WEBHOOKS: &str = "/area-riservata/api/webhook";
/// ...sees its deliveries...
pub const WEBHOOK: &str = "/area-riservata/api/webhook/{id}";
/// ...and acts on it (rotate, disable, enable, test, resend).
pub const WEBHOOK_ACTION: &str = "/area-riservata/api/webhook/{id}/azione";

/// The province admin's pages and forms.
pub const BODIES: &str = "/area-riservata/enti";
pub const BODY_OF_PROVINCE: &str = "/area-riservata/enti/{id}";
pub const BODY_ADMINS: &str = "/area-riservata/enti/{id}/amministratori";
pub const AUDIT: &str = "/area-riservata/registro";

/// A route pattern with its `{…}` parameters replaced, in order, by
/// `values`; parameters beyond `values` stay as they are.
pub fn fill(pattern: &str, values: &[&dyn Display]) -> String {
    let mut path = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    for value in values {
        let Some((before, after)) = rest.split_once('{') else {
            break;
        };
        let Some((_, after)) = after.split_once('}') else {
            break;
        };
        path.push_str(before);
        path.push_str(&value.to_string());
        rest = after;
    }
    path.push_str(rest);
    path
}

/// [`CASE_PAGE`] of a code.
pub fn case_page(code: impl Display) -> String {
    fill(CASE_PAGE, &[&code])
}

/// [`CASE_RECORD`] of a code.
pub fn case_record(code: impl Display) -> String {
    fill(CASE_RECORD, &[&code])
}

/// Whether `path` is a pratica's record or its events' form target (the
/// record's page, or the page its form's handler renders).
pub fn is_case_record_or_events(path: &str) -> bool {
    let Some(rest) = path
        .strip_prefix(DASHBOARD)
        .and_then(|rest| rest.strip_prefix('/'))
    else {
        return false;
    };
    let code = rest.strip_suffix("/eventi").unwrap_or(rest);
    !code.is_empty() && !code.contains('/')
}

/// [`CASE_EVENTS`] of a code.
pub fn case_events(code: impl Display) -> String {
    fill(CASE_EVENTS, &[&code])
}

/// [`RECEIPT`] of a code.
pub fn receipt(code: impl Display) -> String {
    fill(RECEIPT, &[&code])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_a_record_and_its_events_target() {
        for path in [
            case_record("JYRH-CM4Q-3DY4-B"),
            case_events("JYRH-CM4Q-3DY4-B"),
        ] {
            assert!(is_case_record_or_events(&path), "{path}");
        }
        for path in [
            DASHBOARD.to_owned(),
            format!("{DASHBOARD}/"),
            receipt("JYRH-CM4Q-3DY4-B"),
            format!("{DASHBOARD}x/JYRH"),
            REGISTRATION.to_owned(),
        ] {
            assert!(!is_case_record_or_events(&path), "{path}");
        }
    }

    #[test]
    fn fills_parameters_in_order() {
        assert_eq!(case_page("JYRH-CM4Q-3DY4-B"), "/p/JYRH-CM4Q-3DY4-B");
        assert_eq!(
            fill(PROCEDURE_STATE, &[&3, &17]),
            "/area-riservata/procedimenti/3/stati/17"
        );
        assert_eq!(
            fill(PROCEDURE_STATE, &[&3]),
            "/area-riservata/procedimenti/3/stati/{state_id}"
        );
        assert_eq!(fill(DASHBOARD, &[&3]), DASHBOARD);
    }
}
