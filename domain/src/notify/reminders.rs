//! When a citizen is reminded (docs/rules.md, Notifications): before the
//! date they must reply by, and when the body's own due date has passed.

use chrono::{Days, NaiveDate};

/// The reminders of a request for documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReplyReminder {
    /// Three days before the reply-by date.
    ThreeDaysBefore,
    /// On its eve (or, caught up, on the day itself).
    Eve,
}

impl ReplyReminder {
    /// Days before the reply-by date it is meant for.
    pub fn days_before(self) -> u64 {
        match self {
            Self::ThreeDaysBefore => 3,
            Self::Eve => 1,
        }
    }
}

/// Days after the due date within which the "due date passed" mail is
/// still sent (a server that was down catches up; older ones are news no
/// more).
pub const OVERDUE_CATCH_UP_DAYS: u64 = 7;

/// The reminder due `today` for documents asked for on `asked_on`, to be
/// sent by `reply_by`, if any. Each is due from its day until the next one
/// starts, so a day missed is caught up; a reminder whose day came before
/// the request (a short reply-by date) is not sent: the request's own mail
/// said it.
pub fn reply_reminder(
    asked_on: NaiveDate,
    reply_by: NaiveDate,
    today: NaiveDate,
) -> Option<ReplyReminder> {
    let day_of =
        |reminder: ReplyReminder| reply_by.checked_sub_days(Days::new(reminder.days_before()));
    if today > reply_by {
        return None;
    }
    [ReplyReminder::Eve, ReplyReminder::ThreeDaysBefore]
        .into_iter()
        .find(|reminder| day_of(*reminder).is_some_and(|day| day <= today && asked_on < day))
}

/// Whether `today` is a day to tell that the due date `due_on` passed.
pub fn overdue_notice_due(due_on: NaiveDate, today: NaiveDate) -> bool {
    today > due_on
        && due_on
            .checked_add_days(Days::new(OVERDUE_CATCH_UP_DAYS))
            .is_some_and(|last| today <= last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(n: u64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 1, 1).unwrap() + Days::new(n)
    }

    #[test]
    fn three_days_before_then_on_the_eve() {
        let (asked, reply_by) = (day(0), day(20));
        assert_eq!(reply_reminder(asked, reply_by, day(16)), None);
        assert_eq!(
            reply_reminder(asked, reply_by, day(17)),
            Some(ReplyReminder::ThreeDaysBefore)
        );
        assert_eq!(
            reply_reminder(asked, reply_by, day(18)),
            Some(ReplyReminder::ThreeDaysBefore)
        );
        assert_eq!(
            reply_reminder(asked, reply_by, day(19)),
            Some(ReplyReminder::Eve)
        );
        assert_eq!(
            reply_reminder(asked, reply_by, day(20)),
            Some(ReplyReminder::Eve)
        );
        assert_eq!(reply_reminder(asked, reply_by, day(21)), None);
    }

    #[test]
    fn a_short_reply_by_date_gets_only_the_reminders_after_the_request() {
        assert_eq!(reply_reminder(day(18), day(20), day(18)), None);
        assert_eq!(
            reply_reminder(day(18), day(20), day(19)),
            Some(ReplyReminder::Eve)
        );
        assert_eq!(reply_reminder(day(19), day(20), day(19)), None);
    }

    #[test]
    fn the_due_date_passed_is_told_from_the_next_day_for_a_week() {
        assert!(!overdue_notice_due(day(10), day(10)));
        assert!(overdue_notice_due(day(10), day(11)));
        assert!(overdue_notice_due(day(10), day(17)));
        assert!(!overdue_notice_due(day(10), day(18)));
    }

    proptest! {
        #[test]
        fn each_reminder_falls_in_its_window_after_the_request(
            asked in 0u64..60,
            wait in 0u64..60,
            today in 0u64..130,
        ) {
            let (asked_on, reply_by, today) = (day(asked), day(asked + wait), day(today));
            if let Some(reminder) = reply_reminder(asked_on, reply_by, today) {
                let left = (reply_by - today).num_days();
                match reminder {
                    ReplyReminder::ThreeDaysBefore => prop_assert!((2..=3).contains(&left)),
                    ReplyReminder::Eve => prop_assert!((0..=1).contains(&left)),
                }
                prop_assert!(today > asked_on, "never on the day of the request");
            }
        }
    }
}
