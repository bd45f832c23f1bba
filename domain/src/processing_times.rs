//! Actual processing times against the legal term, as a body must monitor
//! and publish them (L. 190/2012 art. 1 c. 28; L. 241/1990 art. 2 c.
//! 4-bis): per half year and for the last twelve months, how many pratiche
//! started and concluded, the share concluded by their due date, and the
//! median and 90th percentile of the days used (suspensions not counted, as
//! the legal clock counts them).
//!
//! Figures drawn from fewer than [`MINIMUM_MEASURED`] concluded pratiche
//! are not given at all: "dati insufficienti", never a figure from a
//! handful. Percentiles are nearest-rank: always a number of days some
//! pratica actually took.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;

/// Below this many measured conclusions a period's times are withheld.
pub const MINIMUM_MEASURED: u32 = 5;

/// One pratica as the statistics see it: dates and durations, nothing else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Figure {
    pub submitted_on: NaiveDate,
    /// The due date the clock stored; empty when it was never computed.
    pub due_on: Option<NaiveDate>,
    /// Empty while the pratica is open.
    pub conclusion: Option<Conclusion>,
}

/// How a concluded pratica ended against its clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conclusion {
    pub on: NaiveDate,
    /// Days from submission to conclusion, the suspensions not counted;
    /// empty (and the pratica not measured) when no clock was stored.
    pub days_used: Option<u32>,
    pub in_time: Option<bool>,
}

impl Conclusion {
    /// The days used and whether in time, when the clock gave both.
    fn measured(&self) -> Option<(u32, bool)> {
        self.days_used.zip(self.in_time)
    }
}

/// A span of days the figures are counted over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Period {
    HalfYear {
        year: i32,
        half: Half,
    },
    /// The twelve months ending with `through` (included).
    TwelveMonths {
        through: NaiveDate,
    },
}

/// January to June, or July to December.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Half {
    First,
    Second,
}

impl Period {
    /// The half year a day falls in.
    pub fn half_of(day: NaiveDate) -> Self {
        Self::HalfYear {
            year: day.year(),
            half: if day.month() <= 6 {
                Half::First
            } else {
                Half::Second
            },
        }
    }

    pub fn first_day(&self) -> NaiveDate {
        match *self {
            Self::HalfYear { year, half } => {
                let month = match half {
                    Half::First => 1,
                    Half::Second => 7,
                };
                NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
            }
            Self::TwelveMonths { through } => through
                .checked_sub_months(Months::new(12))
                .and_then(|day| day.checked_add_days(Days::new(1)))
                .unwrap_or(NaiveDate::MIN),
        }
    }

    pub fn last_day(&self) -> NaiveDate {
        match *self {
            Self::HalfYear { year, half } => {
                let (month, day) = match half {
                    Half::First => (6, 30),
                    Half::Second => (12, 31),
                };
                NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MAX)
            }
            Self::TwelveMonths { through } => through,
        }
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        (self.first_day()..=self.last_day()).contains(&day)
    }

    /// The half year before this one (for a half year).
    fn previous_half(&self) -> Option<Self> {
        match *self {
            Self::HalfYear {
                year,
                half: Half::First,
            } => Some(Self::HalfYear {
                year: year - 1,
                half: Half::Second,
            }),
            Self::HalfYear {
                year,
                half: Half::Second,
            } => Some(Self::HalfYear {
                year,
                half: Half::First,
            }),
            Self::TwelveMonths { .. } => None,
        }
    }
}

/// What one period's figures say.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PeriodFigures {
    pub period: Period,
    /// Submitted within the period.
    pub started: u32,
    /// Concluded within the period.
    pub concluded: u32,
    /// The times of the period's conclusions; empty when fewer than
    /// [`MINIMUM_MEASURED`] of them could be measured.
    pub times: Option<Times>,
}

/// Times drawn from enough conclusions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Times {
    /// The conclusions measured (those with a stored clock).
    pub measured: u32,
    /// Of those, concluded by the due date, in whole percent (rounded).
    pub in_time_percent: u32,
    pub median_days: u32,
    pub p90_days: u32,
}

/// The processing times of a set of pratiche (one body's procedure type,
/// usually) as of `today`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProcessingTimes {
    pub last_twelve_months: PeriodFigures,
    /// From the current half year back to the first with any pratica.
    pub half_years: Vec<PeriodFigures>,
    /// Open today.
    pub open: u32,
    /// Open today and past their due date.
    pub open_past_due: u32,
}

/// Counts and measures `figures` as of `today`.
pub fn summarise(figures: &[Figure], today: NaiveDate) -> ProcessingTimes {
    let twelve_months = Period::TwelveMonths { through: today };
    let current_half = Period::half_of(today);
    let mut halves: BTreeMap<Period, Tally> = BTreeMap::new();
    let mut last_year = Tally::default();
    let (mut open, mut open_past_due) = (0, 0);
    for figure in figures {
        let started = Period::half_of(figure.submitted_on);
        if started <= current_half {
            halves.entry(started).or_default().started += 1;
        }
        if twelve_months.contains(figure.submitted_on) {
            last_year.started += 1;
        }
        match figure.conclusion {
            Some(conclusion) => {
                let concluded = Period::half_of(conclusion.on);
                if concluded <= current_half {
                    halves.entry(concluded).or_default().conclude(conclusion);
                }
                if twelve_months.contains(conclusion.on) {
                    last_year.conclude(conclusion);
                }
            }
            None => {
                open += 1;
                if figure.due_on.is_some_and(|due| due < today) {
                    open_past_due += 1;
                }
            }
        }
    }
    // Every half year from the first with a pratica to today's, even an
    // empty one in between: a gap is a figure too.
    let mut half_years = Vec::new();
    if let Some(&first) = halves.keys().next() {
        let mut period = Some(current_half);
        while let Some(half) = period.filter(|half| *half >= first) {
            let tally = halves.remove(&half).unwrap_or_default();
            half_years.push(tally.figures(half));
            period = half.previous_half();
        }
    }
    ProcessingTimes {
        last_twelve_months: last_year.figures(twelve_months),
        half_years,
        open,
        open_past_due,
    }
}

/// A period's counts while the figures are read.
#[derive(Default)]
struct Tally {
    started: u32,
    concluded: u32,
    days_used: Vec<u32>,
    in_time: u32,
}

impl Tally {
    fn conclude(&mut self, conclusion: Conclusion) {
        self.concluded += 1;
        if let Some((days, in_time)) = conclusion.measured() {
            self.days_used.push(days);
            self.in_time += u32::from(in_time);
        }
    }

    fn figures(mut self, period: Period) -> PeriodFigures {
        let measured = u32::try_from(self.days_used.len()).unwrap_or(u32::MAX);
        let times = (measured >= MINIMUM_MEASURED).then(|| {
            self.days_used.sort_unstable();
            Times {
                measured,
                in_time_percent: (self.in_time * 100 + measured / 2) / measured,
                median_days: nearest_rank(&self.days_used, 50),
                p90_days: nearest_rank(&self.days_used, 90),
            }
        });
        PeriodFigures {
            period,
            started: self.started,
            concluded: self.concluded,
            times,
        }
    }
}

/// The `percent`th percentile of `sorted` (not empty) by nearest rank: the
/// value at rank ⌈percent × n / 100⌉.
fn nearest_rank(sorted: &[u32], percent: usize) -> u32 {
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn concluded(submitted_on: NaiveDate, on: NaiveDate, days: u32, in_time: bool) -> Figure {
        Figure {
            submitted_on,
            due_on: Some(submitted_on + Days::new(30)),
            conclusion: Some(Conclusion {
                on,
                days_used: Some(days),
                in_time: Some(in_time),
            }),
        }
    }

    #[test]
    fn periods_have_the_days_the_law_means() {
        let twelve = Period::TwelveMonths {
            through: day(2026, 12, 6),
        };
        assert_eq!(twelve.first_day(), day(2025, 12, 7));
        assert_eq!(twelve.last_day(), day(2026, 12, 6));
        let leap = Period::TwelveMonths {
            through: day(2024, 2, 29),
        };
        assert_eq!(leap.first_day(), day(2023, 3, 1));
        let second = Period::half_of(day(2026, 7, 1));
        assert_eq!(
            (second.first_day(), second.last_day()),
            (day(2026, 7, 1), day(2026, 12, 31))
        );
        assert_eq!(
            Period::half_of(day(2026, 6, 30)).last_day(),
            day(2026, 6, 30)
        );
    }

    #[test]
    fn four_conclusions_are_too_few_and_five_are_enough() {
        let today = day(2026, 12, 6);
        let start = day(2026, 9, 1);
        let mut figures: Vec<Figure> = (0..4)
            .map(|n| concluded(start, day(2026, 10, 1 + n), 10 + n, n < 3))
            .collect();
        let summary = summarise(&figures, today);
        assert_eq!(summary.last_twelve_months.concluded, 4);
        assert_eq!(summary.last_twelve_months.times, None);
        figures.push(concluded(start, day(2026, 10, 20), 50, false));
        let summary = summarise(&figures, today);
        assert_eq!(
            summary.last_twelve_months.times,
            Some(Times {
                measured: 5,
                in_time_percent: 60,
                median_days: 12,
                p90_days: 50,
            })
        );
    }

    #[test]
    fn a_conclusion_without_a_clock_counts_but_is_not_measured() {
        let today = day(2026, 12, 6);
        let mut figures: Vec<Figure> = (0..4)
            .map(|n| concluded(day(2026, 9, 1), day(2026, 10, 1), n, true))
            .collect();
        figures.push(Figure {
            submitted_on: day(2026, 9, 1),
            due_on: None,
            conclusion: Some(Conclusion {
                on: day(2026, 10, 1),
                days_used: None,
                in_time: None,
            }),
        });
        let summary = summarise(&figures, today);
        assert_eq!(summary.last_twelve_months.concluded, 5);
        assert_eq!(summary.last_twelve_months.times, None);
    }

    #[test]
    fn half_years_run_back_to_the_first_without_gaps() {
        let today = day(2026, 12, 6);
        let figures = [
            Figure {
                submitted_on: day(2025, 3, 1),
                due_on: Some(day(2025, 4, 1)),
                conclusion: None,
            },
            Figure {
                submitted_on: day(2026, 11, 1),
                due_on: Some(day(2026, 12, 31)),
                conclusion: None,
            },
        ];
        let summary = summarise(&figures, today);
        let periods: Vec<Period> = summary.half_years.iter().map(|half| half.period).collect();
        assert_eq!(
            periods,
            [
                Period::half_of(day(2026, 12, 1)),
                Period::half_of(day(2026, 1, 1)),
                Period::half_of(day(2025, 12, 1)),
                Period::half_of(day(2025, 1, 1)),
            ]
        );
        assert_eq!(
            summary
                .half_years
                .iter()
                .map(|half| half.started)
                .collect::<Vec<_>>(),
            [1, 0, 0, 1]
        );
        assert_eq!((summary.open, summary.open_past_due), (2, 1));
    }

    #[test]
    fn nothing_gives_nothing() {
        let summary = summarise(&[], day(2026, 12, 6));
        assert!(summary.half_years.is_empty());
        assert_eq!(summary.last_twelve_months.started, 0);
        assert_eq!(summary.last_twelve_months.times, None);
    }

    /// The `percent`th percentile as its definition says: the least value
    /// that at least `percent`% of the values do not exceed.
    fn percentile_by_definition(values: &[u32], percent: usize) -> u32 {
        *values
            .iter()
            .filter(|&&candidate| {
                values.iter().filter(|&&value| value <= candidate).count() * 100
                    >= percent * values.len()
            })
            .min()
            .unwrap()
    }

    /// One period's figures the slow way: filter everything, count, sort.
    fn brute_force(figures: &[Figure], period: Period) -> PeriodFigures {
        let started = figures
            .iter()
            .filter(|figure| period.contains(figure.submitted_on))
            .count();
        let conclusions: Vec<Conclusion> = figures
            .iter()
            .filter_map(|figure| figure.conclusion)
            .filter(|conclusion| period.contains(conclusion.on))
            .collect();
        let measured: Vec<(u32, bool)> = conclusions
            .iter()
            .filter_map(|conclusion| Some((conclusion.days_used?, conclusion.in_time?)))
            .collect();
        let days: Vec<u32> = measured.iter().map(|(days, _)| *days).collect();
        let in_time = measured.iter().filter(|(_, in_time)| *in_time).count();
        let times = (measured.len() >= MINIMUM_MEASURED as usize).then(|| Times {
            measured: measured.len() as u32,
            in_time_percent: (in_time as f64 * 100.0 / measured.len() as f64).round() as u32,
            median_days: percentile_by_definition(&days, 50),
            p90_days: percentile_by_definition(&days, 90),
        });
        PeriodFigures {
            period,
            started: started as u32,
            concluded: conclusions.len() as u32,
            times,
        }
    }

    fn any_figure() -> impl Strategy<Value = Figure> {
        let start = day(2023, 1, 1);
        (
            0u64..1_500,
            proptest::option::of((0u64..400, 0u32..300, any::<bool>(), any::<bool>())),
            proptest::option::of(0u64..200),
        )
            .prop_map(move |(offset, conclusion, due_after)| {
                let submitted_on = start + Days::new(offset);
                Figure {
                    submitted_on,
                    due_on: due_after.map(|days| submitted_on + Days::new(days)),
                    conclusion: conclusion.map(|(after, days, in_time, measured)| Conclusion {
                        on: submitted_on + Days::new(after),
                        days_used: measured.then_some(days),
                        in_time: measured.then_some(in_time),
                    }),
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn every_period_agrees_with_a_brute_force_count(
            figures in proptest::collection::vec(any_figure(), 0..120),
            today_offset in 0u64..1_900,
        ) {
            let today = day(2023, 1, 1) + Days::new(today_offset);
            let summary = summarise(&figures, today);
            prop_assert_eq!(
                &summary.last_twelve_months,
                &brute_force(&figures, Period::TwelveMonths { through: today })
            );
            for half in &summary.half_years {
                prop_assert_eq!(half, &brute_force(&figures, half.period));
            }
            // The halves listed are every half from the first one holding a
            // date up to today's, newest first.
            let current = Period::half_of(today);
            let first_with_data = figures
                .iter()
                .flat_map(|figure| {
                    std::iter::once(figure.submitted_on)
                        .chain(figure.conclusion.map(|conclusion| conclusion.on))
                })
                .map(Period::half_of)
                .filter(|half| *half <= current)
                .min();
            prop_assert_eq!(summary.half_years.first().map(|half| half.period), first_with_data.map(|_| current));
            prop_assert_eq!(summary.half_years.last().map(|half| half.period), first_with_data);
            let open: Vec<&Figure> = figures.iter().filter(|figure| figure.conclusion.is_none()).collect();
            prop_assert_eq!(summary.open as usize, open.len());
            prop_assert_eq!(
                summary.open_past_due as usize,
                open.iter().filter(|figure| figure.due_on.is_some_and(|due| due < today)).count()
            );
        }
    }
}
