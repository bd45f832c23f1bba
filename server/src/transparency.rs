//! The processing times as open data (CC BY 4.0): every body's or one
//! body's, as CSV (RFC 4180) or JSON, one row per body, procedure type and
//! period, with the columns the pages document
//! ([`pratiche_app::open_data::COLUMNS`]). Counts and
//! durations only: no code, subject, note or name of a citizen.

use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDate, Utc};
use pratiche_app::context::AppContext;
use pratiche_app::i18n::I18n;
use pratiche_app::open_data::{COLUMNS, LICENCE, LICENCE_URL};
use pratiche_app::paths;
use pratiche_app::sheet_feedback::{RATING_FLAG, RATING_MISSING, RATING_THANKS};
use pratiche_db::DbErr;
use pratiche_db::bodies::all_bodies;
use pratiche_db::entity::body;
use pratiche_db::procedure_types::procedure_type_of;
use pratiche_db::procedure_types::procedure_types_of_body;
use pratiche_db::transparency::{ProcessingTimesCache, body_by_slug};
use pratiche_domain::procedure_sheet::SheetRating;
use pratiche_domain::processing_times::{Half, Period, PeriodFigures};
use serde::{Deserialize, Serialize};

use crate::office::WebError;
use crate::responses::{see_other, too_many_lookups};

/// How long a downloaded file may be kept: as long as the figures are.
const CACHE_CONTROL: &str = "public, max-age=600";

pub fn routes() -> Router<AppContext> {
    Router::new()
        .route(paths::SHEET_RATING, post(rate_sheet))
        .route(paths::TIMES_CSV, get(all_csv))
        .route(paths::TIMES_JSON, get(all_json))
        .route(paths::BODY_TIMES_CSV, get(body_csv))
        .route(paths::BODY_TIMES_JSON, get(body_json))
}

#[derive(Deserialize)]
struct RatingForm {
    #[serde(default)]
    voto: String,
}

/// `POST /enti/{slug}/procedimenti/{id}/valutazione`: keeps the rating
/// (anonymous: the number and the day) and goes back to the sheet, which
/// thanks the citizen, or asks for a rating from 1 to 5 and keeps nothing.
/// Charged to the lookup limit, so that no client can flood the ratings.
async fn rate_sheet(
    State(context): State<AppContext>,
    Path((slug, id)): Path<(String, String)>,
    parts: Parts,
    Form(form): Form<RatingForm>,
) -> Result<Response, WebError> {
    let body = body_by_slug(&context.db, &slug)
        .await?
        .ok_or_else(WebError::not_found)?;
    let procedure = match id.parse::<i32>() {
        Ok(id) => procedure_type_of(&context.db, body.id, id).await?,
        Err(_) => None,
    }
    .ok_or_else(WebError::not_found)?;
    let sheet = paths::fill(paths::PROCEDURE_SHEET, &[&body.slug, &procedure.id]);
    let Ok(rating) = SheetRating::parse(&form.voto) else {
        return Ok(see_other(
            &format!("{sheet}?{RATING_FLAG}={RATING_MISSING}#valutazione"),
            None,
        ));
    };
    if let Err(throttled) = context.charge_lookups(&parts, 1).await {
        return Ok(too_many_lookups(throttled.retry_after_secs));
    }
    let today = pratiche_db::clock::today_in_rome();
    pratiche_db::transparency::rate_sheet(&context.db, procedure.id, rating, today).await?;
    Ok(see_other(
        &format!("{sheet}?{RATING_FLAG}={RATING_THANKS}#valutazione"),
        None,
    ))
}

/// One row of the files; the serialised names are [`COLUMNS`]' (a test
/// checks them).
#[derive(Clone, Debug, Serialize)]
struct TimesRow {
    #[serde(rename = "ente")]
    body: String,
    #[serde(rename = "ente_nome")]
    body_name: String,
    #[serde(rename = "procedimento_id")]
    procedure_type_id: i32,
    #[serde(rename = "procedimento")]
    procedure_type: String,
    #[serde(rename = "termine_giorni")]
    term_days: i32,
    #[serde(rename = "periodo")]
    period: String,
    #[serde(rename = "periodo_inizio")]
    period_start: NaiveDate,
    #[serde(rename = "periodo_fine")]
    period_end: NaiveDate,
    #[serde(rename = "avviate")]
    started: u32,
    #[serde(rename = "concluse")]
    concluded: u32,
    #[serde(rename = "misurate")]
    measured: Option<u32>,
    #[serde(rename = "entro_termine_percento")]
    in_time_percent: Option<u32>,
    #[serde(rename = "mediana_giorni")]
    median_days: Option<u32>,
    #[serde(rename = "p90_giorni")]
    p90_days: Option<u32>,
    #[serde(rename = "aperte_oggi")]
    open_today: Option<u32>,
    #[serde(rename = "aperte_oltre_termine_oggi")]
    open_past_due_today: Option<u32>,
}

/// The period as the files name it: `2026-S1`, `2026-S2`, `ultimi-12-mesi`.
fn period_name(period: &Period) -> String {
    match period {
        Period::HalfYear { year, half } => match half {
            Half::First => format!("{year}-S1"),
            Half::Second => format!("{year}-S2"),
        },
        Period::TwelveMonths { .. } => "ultimi-12-mesi".to_owned(),
    }
}

/// The rows of `bodies`, and the oldest moment their figures are as of.
async fn rows_of(
    context: &AppContext,
    bodies: &[body::Model],
) -> Result<(Vec<TimesRow>, DateTime<Utc>), DbErr> {
    let cache: &ProcessingTimesCache = &context.processing_times;
    let mut rows = Vec::new();
    let mut as_of = pratiche_db::clock::now();
    for body in bodies {
        let times = cache.body(&context.db, body.id).await?;
        as_of = as_of.min(times.as_of);
        let today = pratiche_db::clock::rome_date(times.as_of);
        for procedure in procedure_types_of_body(&context.db, body.id).await? {
            let figures = times.of_type(procedure.id, today);
            let row = |period: &PeriodFigures, open: Option<(u32, u32)>| TimesRow {
                body: body.slug.clone(),
                body_name: body.name.clone(),
                procedure_type_id: procedure.id,
                procedure_type: procedure.name.clone(),
                term_days: procedure.term_days,
                period: period_name(&period.period),
                period_start: period.period.first_day(),
                period_end: period.period.last_day(),
                started: period.started,
                concluded: period.concluded,
                measured: period.times.map(|times| times.measured),
                in_time_percent: period.times.map(|times| times.in_time_percent),
                median_days: period.times.map(|times| times.median_days),
                p90_days: period.times.map(|times| times.p90_days),
                open_today: open.map(|(open, _)| open),
                open_past_due_today: open.map(|(_, past_due)| past_due),
            };
            rows.push(row(
                &figures.last_twelve_months,
                Some((figures.open, figures.open_past_due)),
            ));
            rows.extend(figures.half_years.iter().map(|half| row(half, None)));
        }
    }
    Ok((rows, as_of))
}

async fn all_csv(State(context): State<AppContext>) -> Result<Response, WebError> {
    let bodies = all_bodies(&context.db).await?;
    let (rows, _) = rows_of(&context, &bodies).await?;
    Ok(csv_file(rows, "tempi-di-conclusione.csv"))
}

async fn all_json(State(context): State<AppContext>, parts: Parts) -> Result<Response, WebError> {
    let bodies = all_bodies(&context.db).await?;
    let (rows, as_of) = rows_of(&context, &bodies).await?;
    Ok(json_file(&context, &parts, rows, as_of))
}

async fn body_csv(
    State(context): State<AppContext>,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let body = body_by_slug(&context.db, &slug)
        .await?
        .ok_or_else(WebError::not_found)?;
    let (rows, _) = rows_of(&context, std::slice::from_ref(&body)).await?;
    Ok(csv_file(
        rows,
        &format!("tempi-di-conclusione-{}.csv", body.slug),
    ))
}

async fn body_json(
    State(context): State<AppContext>,
    Path(slug): Path<String>,
    parts: Parts,
) -> Result<Response, WebError> {
    let body = body_by_slug(&context.db, &slug)
        .await?
        .ok_or_else(WebError::not_found)?;
    let (rows, as_of) = rows_of(&context, std::slice::from_ref(&body)).await?;
    Ok(json_file(&context, &parts, rows, as_of))
}

/// A text cell as a spreadsheet will not run it: names are written by body
/// admins, and a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return is a formula to Excel and LibreOffice (OWASP, "CSV injection"),
/// so such a text gets a leading apostrophe. Hand-written: four lines, no
/// crate does only this.
fn spreadsheet_safe(text: String) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text,
    }
}

fn csv_file(rows: Vec<TimesRow>, file_name: &str) -> Response {
    let rows = rows.into_iter().map(|row| TimesRow {
        body_name: spreadsheet_safe(row.body_name),
        procedure_type: spreadsheet_safe(row.procedure_type),
        ..row
    });
    let mut writer = csv::Writer::from_writer(Vec::new());
    // The header comes from the rows' names; an empty file still has it.
    let mut rows = rows.peekable();
    if rows.peek().is_none() {
        writer
            .write_record(COLUMNS.iter().map(|(name, _)| *name))
            .expect("writing to memory");
    }
    for row in rows {
        writer.serialize(row).expect("writing to memory");
    }
    let bytes = writer.into_inner().expect("writing to memory");
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (header::CACHE_CONTROL, CACHE_CONTROL.to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// The JSON file: the licence, the source, when, the columns described in
/// the reader's language, and the rows.
#[derive(Serialize)]
struct TimesDocument {
    licenza: &'static str,
    licenza_url: &'static str,
    fonte: String,
    aggiornato_il: DateTime<Utc>,
    colonne: Vec<ColumnDoc>,
    righe: Vec<TimesRow>,
}

#[derive(Serialize)]
struct ColumnDoc {
    nome: &'static str,
    descrizione: String,
}

fn json_file(
    context: &AppContext,
    parts: &Parts,
    rows: Vec<TimesRow>,
    as_of: DateTime<Utc>,
) -> Response {
    let i18n = I18n::from_request(parts);
    let document = TimesDocument {
        licenza: LICENCE,
        licenza_url: LICENCE_URL,
        fonte: format!("{} ({})", context.installation_name, context.public_url),
        aggiornato_il: as_of,
        colonne: COLUMNS
            .iter()
            .map(|(name, key)| ColumnDoc {
                nome: name,
                descrizione: i18n.t(key),
            })
            .collect(),
        righe: rows,
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, CACHE_CONTROL),
        ],
        axum::Json(document),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_cell_starts_a_formula() {
        for (text, safe) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("Permesso di costruire", "Permesso di costruire"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_safe(text.to_owned()), safe);
        }
    }

    #[test]
    fn the_files_columns_are_the_documented_ones() {
        let figures = pratiche_domain::processing_times::summarise(&[], NaiveDate::MIN);
        let row = TimesRow {
            body: "b".into(),
            body_name: "B".into(),
            procedure_type_id: 1,
            procedure_type: "T".into(),
            term_days: 30,
            period: period_name(&figures.last_twelve_months.period),
            period_start: NaiveDate::MIN,
            period_end: NaiveDate::MIN,
            started: 0,
            concluded: 0,
            measured: None,
            in_time_percent: None,
            median_days: None,
            p90_days: None,
            open_today: None,
            open_past_due_today: None,
        };
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.serialize(row).unwrap();
        let written = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        let header = written.lines().next().unwrap();
        let documented: Vec<&str> = COLUMNS.iter().map(|(name, _)| *name).collect();
        assert_eq!(header, documented.join(","));
    }
}
