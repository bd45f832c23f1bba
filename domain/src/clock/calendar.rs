//! Working days for the holiday shift (docs/rules.md, Legal clock): Sundays, the national public
//! holidays and the patron saint day of the pratica's Comune. The holidays are
//! data with the years they apply, so a change of law is one line.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// A holiday on the same calendar day every year, from `since` on.
struct FixedHoliday {
    month: u32,
    day: u32,
    name: &'static str,
    since: i32,
}

/// The national public holidays on a fixed date (L. 260/1949 and later laws).
/// Easter Monday moves with Easter: see [`easter_sunday`].
const FIXED_HOLIDAYS: [FixedHoliday; 11] = [
    FixedHoliday {
        month: 1,
        day: 1,
        name: "Capodanno",
        since: 1949,
    },
    // Abolished in 1977, restored by D.P.R. 792/1985.
    FixedHoliday {
        month: 1,
        day: 6,
        name: "Epifania",
        since: 1986,
    },
    FixedHoliday {
        month: 4,
        day: 25,
        name: "Festa della Liberazione",
        since: 1949,
    },
    FixedHoliday {
        month: 5,
        day: 1,
        name: "Festa del lavoro",
        since: 1949,
    },
    // Moved to a Sunday in 1977, restored by L. 336/2000.
    FixedHoliday {
        month: 6,
        day: 2,
        name: "Festa della Repubblica",
        since: 2001,
    },
    FixedHoliday {
        month: 8,
        day: 15,
        name: "Ferragosto",
        since: 1949,
    },
    // San Francesco d'Assisi: a national holiday again from 2026 (L. 151/2025).
    FixedHoliday {
        month: 10,
        day: 4,
        name: "San Francesco d'Assisi",
        since: 2026,
    },
    FixedHoliday {
        month: 11,
        day: 1,
        name: "Ognissanti",
        since: 1949,
    },
    FixedHoliday {
        month: 12,
        day: 8,
        name: "Immacolata Concezione",
        since: 1949,
    },
    FixedHoliday {
        month: 12,
        day: 25,
        name: "Natale",
        since: 1949,
    },
    FixedHoliday {
        month: 12,
        day: 26,
        name: "Santo Stefano",
        since: 1949,
    },
];

/// The day a Comune celebrates its patron saint, every year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatronDay {
    month: u32,
    day: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{month}/{day} is not a day of the year")]
pub struct InvalidPatronDay {
    pub month: u32,
    pub day: u32,
}

impl PatronDay {
    /// A calendar day that exists in some year (29 February included).
    pub fn new(month: u32, day: u32) -> Result<Self, InvalidPatronDay> {
        NaiveDate::from_ymd_opt(2024, month, day)
            .map(|_| Self { month, day })
            .ok_or(InvalidPatronDay { month, day })
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn day(self) -> u32 {
        self.day
    }
}

/// Why a day is not a working day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DayOff {
    Sunday,
    /// A national public holiday, by its Italian name.
    Holiday {
        name: String,
    },
    PatronSaint,
}

/// Easter Sunday of the Gregorian calendar (the anonymous Gregorian
/// algorithm, "Meeus/Jones/Butcher").
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a valid date")
}

/// Why `date` is not a working day, or `None` if it is one.
pub fn day_off(date: NaiveDate, patron: Option<PatronDay>) -> Option<DayOff> {
    if date.weekday() == Weekday::Sun {
        return Some(DayOff::Sunday);
    }
    let fixed = FIXED_HOLIDAYS.iter().find(|holiday| {
        holiday.month == date.month() && holiday.day == date.day() && date.year() >= holiday.since
    });
    if let Some(holiday) = fixed {
        return Some(DayOff::Holiday {
            name: holiday.name.to_owned(),
        });
    }
    if easter_sunday(date.year()) + Days::new(1) == date {
        return Some(DayOff::Holiday {
            name: "Lunedì dell'Angelo".to_owned(),
        });
    }
    if patron.is_some_and(|patron| patron.month == date.month() && patron.day == date.day()) {
        return Some(DayOff::PatronSaint);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn knows_easter() {
        assert_eq!(easter_sunday(2024), date(2024, 3, 31));
        assert_eq!(easter_sunday(2025), date(2025, 4, 20));
        assert_eq!(easter_sunday(2026), date(2026, 4, 5));
        assert_eq!(easter_sunday(2027), date(2027, 3, 28));
        assert_eq!(easter_sunday(2038), date(2038, 4, 25));
    }

    #[test]
    fn names_holidays_by_the_years_they_apply() {
        let holiday = |name: &str| {
            Some(DayOff::Holiday {
                name: name.to_owned(),
            })
        };
        assert_eq!(
            day_off(date(2027, 10, 4), None),
            holiday("San Francesco d'Assisi")
        );
        assert_eq!(
            day_off(date(2025, 10, 4), None),
            None,
            "4 October 2025 was a Saturday and a working day"
        );
        assert_eq!(
            day_off(date(2027, 3, 29), None),
            holiday("Lunedì dell'Angelo")
        );
        assert_eq!(
            day_off(date(2026, 4, 25), None),
            holiday("Festa della Liberazione")
        );
        assert_eq!(day_off(date(2027, 4, 25), None), Some(DayOff::Sunday));
        assert_eq!(day_off(date(2026, 11, 27), None), None);
    }

    #[test]
    fn the_patron_day_is_a_day_off_for_its_comune_only() {
        let patron = PatronDay::new(6, 24).unwrap();
        assert_eq!(
            day_off(date(2027, 6, 24), Some(patron)),
            Some(DayOff::PatronSaint)
        );
        assert_eq!(day_off(date(2027, 6, 24), None), None);
        assert!(PatronDay::new(2, 30).is_err());
        assert!(PatronDay::new(2, 29).is_ok());
    }
}
