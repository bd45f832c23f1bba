//! What a body publishes about its procedures (D.Lgs. 33/2013 art. 35;
//! L. 241/1990 art. 2 c. 4-bis): each procedure type's sheet, and its
//! actual processing times. Only counts, dates' periods and durations
//! leave here: no code, subject, reference, note or citizen.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use pratiche_domain::procedure_sheet::SheetRating;
use pratiche_domain::processing_times::{Conclusion, Figure, ProcessingTimes, summarise};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::entity::{body, case, closed_case_figure, sheet_rating};

/// The office handling a procedure type's pratiche, as its latest one
/// names it (art. 35 c. 1 b–c: the office, the person responsible, their
/// contact): officials acting for the body, public on every case page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandlingOffice {
    pub office_name: String,
    pub responsible_name: String,
    pub responsible_contact: String,
}

pub async fn handling_office(
    db: &DatabaseConnection,
    procedure_type_id: i32,
) -> Result<Option<HandlingOffice>, DbErr> {
    let row: Option<(String, String, String)> = case::Entity::find()
        .select_only()
        .column(case::Column::OfficeName)
        .column(case::Column::ResponsibleName)
        .column(case::Column::ResponsibleContact)
        .filter(case::Column::ProcedureTypeId.eq(procedure_type_id))
        .order_by_desc(case::Column::Id)
        .into_tuple()
        .one(db)
        .await?;
    Ok(row.map(
        |(office_name, responsible_name, responsible_contact)| HandlingOffice {
            office_name,
            responsible_name,
            responsible_contact,
        },
    ))
}

pub async fn body_by_slug(
    db: &DatabaseConnection,
    slug: &str,
) -> Result<Option<body::Model>, DbErr> {
    body::Entity::find()
        .filter(body::Column::Slug.eq(slug))
        .one(db)
        .await
}

/// Keeps a citizen's rating of a type's sheet: the number and the day.
pub async fn rate_sheet(
    db: &DatabaseConnection,
    procedure_type_id: i32,
    rating: SheetRating,
    today: NaiveDate,
) -> Result<(), DbErr> {
    sheet_rating::ActiveModel {
        procedure_type_id: Set(procedure_type_id),
        rating: Set(i16::from(rating.value())),
        rated_on: Set(today),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// What citizens said of a type's sheet: how many rated it, and the mean.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SheetRatings {
    pub count: u64,
    pub mean: Option<f64>,
}

pub async fn sheet_ratings(
    db: &DatabaseConnection,
    procedure_type_id: i32,
) -> Result<SheetRatings, DbErr> {
    let ratings: Vec<i16> = sheet_rating::Entity::find()
        .select_only()
        .column(sheet_rating::Column::Rating)
        .filter(sheet_rating::Column::ProcedureTypeId.eq(procedure_type_id))
        .into_tuple()
        .all(db)
        .await?;
    let count = ratings.len() as u64;
    let sum: f64 = ratings.iter().copied().map(f64::from).sum();
    Ok(SheetRatings {
        count,
        mean: (count > 0).then(|| sum / count as f64),
    })
}

/// A body's processing times, per procedure type, as of a moment.
#[derive(Clone, Debug, PartialEq)]
pub struct BodyTimes {
    pub as_of: DateTime<Utc>,
    /// Types without any pratica are absent.
    pub by_type: BTreeMap<i32, ProcessingTimes>,
    /// All the body's pratiche together, whatever their type (for the
    /// province's overview).
    pub whole: ProcessingTimes,
}

impl BodyTimes {
    /// The processing times of one type (empty figures for a type without
    /// pratiche).
    pub fn of_type(&self, procedure_type_id: i32, today: NaiveDate) -> ProcessingTimes {
        self.by_type
            .get(&procedure_type_id)
            .cloned()
            .unwrap_or_else(|| summarise(&[], today))
    }
}

/// Computes a body's processing times from its pratiche and the figures
/// kept of those erased at the end of the retention period.
pub async fn body_times(
    db: &DatabaseConnection,
    body_id: i32,
    now: DateTime<Utc>,
) -> Result<BodyTimes, DbErr> {
    type LiveRow = (
        i32,
        NaiveDate,
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<i32>,
        Option<bool>,
    );
    type ErasedRow = (i32, NaiveDate, NaiveDate, Option<i32>, Option<bool>);
    let live: Vec<LiveRow> = case::Entity::find()
        .select_only()
        .column(case::Column::ProcedureTypeId)
        .column(case::Column::SubmittedOn)
        .column(case::Column::DueDate)
        .column(case::Column::ConcludedOn)
        .column(case::Column::DaysUsed)
        .column(case::Column::ConcludedInTime)
        .filter(case::Column::BodyId.eq(body_id))
        .into_tuple()
        .all(db)
        .await?;
    let erased: Vec<ErasedRow> = closed_case_figure::Entity::find()
        .select_only()
        .column(closed_case_figure::Column::ProcedureTypeId)
        .column(closed_case_figure::Column::SubmittedOn)
        .column(closed_case_figure::Column::ConcludedOn)
        .column(closed_case_figure::Column::DaysUsed)
        .column(closed_case_figure::Column::InTime)
        .filter(closed_case_figure::Column::BodyId.eq(body_id))
        .into_tuple()
        .all(db)
        .await?;
    let days = |days: Option<i32>| days.and_then(|days| u32::try_from(days).ok());
    let mut figures: HashMap<i32, Vec<Figure>> = HashMap::new();
    for (type_id, submitted_on, due_on, concluded_on, days_used, in_time) in live {
        figures.entry(type_id).or_default().push(Figure {
            submitted_on,
            due_on,
            conclusion: concluded_on.map(|on| Conclusion {
                on,
                days_used: days(days_used),
                in_time,
            }),
        });
    }
    for (type_id, submitted_on, concluded_on, days_used, in_time) in erased {
        figures.entry(type_id).or_default().push(Figure {
            submitted_on,
            due_on: None,
            conclusion: Some(Conclusion {
                on: concluded_on,
                days_used: days(days_used),
                in_time,
            }),
        });
    }
    let today = crate::clock::rome_date(now);
    let all: Vec<Figure> = figures.values().flatten().copied().collect();
    Ok(BodyTimes {
        as_of: now,
        whole: summarise(&all, today),
        by_type: figures
            .into_iter()
            .map(|(type_id, figures)| (type_id, summarise(&figures, today)))
            .collect(),
    })
}

/// Each body's processing times as this instance last computed them. A job
/// refreshes every body's every [`ProcessingTimesCache::REFRESH_EVERY`] (and
/// at the start), so that no view pays for the computation (370 ms for a
/// body of 50,000 pratiche on SQLite); a body missing (new, or after
/// midnight in Rome) is computed by the view that misses it, once for all
/// the views that miss it at the same time. Published statistics need not
/// be newer than that: each page says when they were computed.
#[derive(Clone, Debug)]
pub struct ProcessingTimesCache {
    bodies: moka::future::Cache<(i32, NaiveDate), Arc<BodyTimes>>,
}

impl Default for ProcessingTimesCache {
    fn default() -> Self {
        Self {
            bodies: moka::future::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(Self::FORGET_AFTER)
                .build(),
        }
    }
}

impl ProcessingTimesCache {
    pub const REFRESH_EVERY: Duration = Duration::from_secs(600);
    /// Figures no refresh replaced (the database was down) are dropped.
    const FORGET_AFTER: Duration = Duration::from_secs(1_800);

    pub async fn body(
        &self,
        db: &DatabaseConnection,
        body_id: i32,
    ) -> Result<Arc<BodyTimes>, DbErr> {
        let now = crate::clock::now();
        let key = (body_id, crate::clock::rome_date(now));
        self.bodies
            .try_get_with(key, async move {
                body_times(db, body_id, now).await.map(Arc::new)
            })
            .await
            .map_err(|error| DbErr::Custom(error.to_string()))
    }

    /// Computes every body's figures anew; returns how many bodies.
    pub async fn refresh(&self, db: &DatabaseConnection) -> Result<u64, DbErr> {
        let bodies = crate::bodies::all_bodies(db).await?;
        for body in &bodies {
            let now = crate::clock::now();
            let times = body_times(db, body.id, now).await?;
            self.bodies
                .insert((body.id, crate::clock::rome_date(now)), Arc::new(times))
                .await;
        }
        Ok(bodies.len() as u64)
    }
}
