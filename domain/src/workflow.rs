//! Which internal state may follow which. Each procedure type lists its
//! allowed transitions; a history is valid when every step is allowed from
//! the one before it, except corrections (rettifiche), which may set any
//! state. Generic over the state identifier so it stays free of storage.

use std::collections::HashSet;
use std::hash::Hash;

/// The allowed transitions of one procedure type, as (from, to) pairs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transitions<S: Eq + Hash> {
    allowed: HashSet<(S, S)>,
}

impl<S: Copy + Eq + Hash> Transitions<S> {
    pub fn new(pairs: impl IntoIterator<Item = (S, S)>) -> Self {
        Self {
            allowed: pairs.into_iter().collect(),
        }
    }

    pub fn allows(&self, from: S, to: S) -> bool {
        self.allowed.contains(&(from, to))
    }

    /// The states allowed after `from`.
    pub fn after(&self, from: S) -> impl Iterator<Item = S> + '_ {
        self.allowed
            .iter()
            .filter(move |(start, _)| *start == from)
            .map(|(_, to)| *to)
    }
}

/// One entry of a history, as the transition rule sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step<S> {
    pub state: S,
    /// A correction may set any state, and is itself never "broken" by what
    /// precedes it.
    pub correction: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError<S: std::fmt::Debug> {
    /// The new state is not allowed after the state in effect at its time.
    #[error("state {to:?} is not allowed after {from:?}")]
    NotAllowed { from: S, to: S },
    /// Filed in the past, the new state would make the event after it an
    /// illegal transition.
    #[error("state {to:?} would make the later state {next:?} illegal")]
    BreaksLater { to: S, next: S },
    /// The first step of a history is the registration; nothing goes before it.
    #[error("nothing can be filed before the registration")]
    BeforeRegistration,
}

/// Checks a new step filed at `position` of the ordered `history` (0 is
/// before everything; `history.len()` is after the newest).
pub fn check_insertion<S: Copy + Eq + Hash + std::fmt::Debug>(
    transitions: &Transitions<S>,
    history: &[Step<S>],
    position: usize,
    new: Step<S>,
) -> Result<(), TransitionError<S>> {
    let position = position.min(history.len());
    let Some(previous) = position.checked_sub(1).map(|index| history[index]) else {
        return if history.is_empty() {
            Ok(())
        } else {
            Err(TransitionError::BeforeRegistration)
        };
    };
    if !new.correction && !transitions.allows(previous.state, new.state) {
        return Err(TransitionError::NotAllowed {
            from: previous.state,
            to: new.state,
        });
    }
    match history.get(position) {
        Some(next) if !next.correction && !transitions.allows(new.state, next.state) => {
            Err(TransitionError::BreaksLater {
                to: new.state,
                next: next.state,
            })
        }
        _ => Ok(()),
    }
}

/// The `candidates` a new step (not a correction) filed at `position` of
/// `history` may set: the states [`check_insertion`] accepts there. The
/// back office offers these for an event dated then.
pub fn allowed_at<'a, S: Copy + Eq + Hash + std::fmt::Debug>(
    transitions: &'a Transitions<S>,
    history: &'a [Step<S>],
    position: usize,
    candidates: impl IntoIterator<Item = S> + 'a,
) -> impl Iterator<Item = S> + 'a {
    candidates.into_iter().filter(move |&state| {
        let new = Step {
            state,
            correction: false,
        };
        check_insertion(transitions, history, position, new).is_ok()
    })
}

/// Whether every step of `history` is allowed after the one before it.
pub fn is_valid_history<S: Copy + Eq + Hash>(
    transitions: &Transitions<S>,
    history: &[Step<S>],
) -> bool {
    history
        .windows(2)
        .all(|pair| pair[1].correction || transitions.allows(pair[0].state, pair[1].state))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn step(state: u8) -> Step<u8> {
        Step {
            state,
            correction: false,
        }
    }

    /// Submitted (0) → review (1) → documents (2) → review; review → decided (3).
    fn workflow() -> Transitions<u8> {
        Transitions::new([(0, 1), (1, 2), (2, 1), (1, 3)])
    }

    #[test]
    fn appending_follows_the_allowed_transitions() {
        let history = [step(0), step(1)];
        assert_eq!(check_insertion(&workflow(), &history, 2, step(2)), Ok(()));
        assert_eq!(
            check_insertion(&workflow(), &history, 2, step(0)),
            Err(TransitionError::NotAllowed { from: 1, to: 0 })
        );
        let mut after: Vec<_> = workflow().after(1).collect();
        after.sort();
        assert_eq!(after, [2, 3]);
    }

    #[test]
    fn a_late_step_must_not_break_the_one_after_it() {
        // Filed between "review" and "decided": documents → decided is not allowed.
        let history = [step(0), step(1), step(3)];
        assert_eq!(
            check_insertion(&workflow(), &history, 2, step(2)),
            Err(TransitionError::BreaksLater { to: 2, next: 3 })
        );
        // Nothing goes before the registration.
        assert_eq!(
            check_insertion(&workflow(), &history, 0, step(1)),
            Err(TransitionError::BeforeRegistration)
        );
    }

    #[test]
    fn corrections_set_any_state_and_are_never_broken() {
        let correction = Step {
            state: 0,
            correction: true,
        };
        let history = [step(0), step(1), correction];
        assert_eq!(
            check_insertion(&workflow(), &history, 3, correction),
            Ok(())
        );
        // A late step before a correction is checked only against its predecessor.
        assert_eq!(check_insertion(&workflow(), &history, 2, step(2)), Ok(()));
        assert!(is_valid_history(&workflow(), &history));
    }

    #[test]
    fn the_states_allowed_depend_on_where_the_step_falls() {
        // As `workflow`, and documents → decided.
        let transitions = Transitions::new([(0, 1), (1, 2), (2, 1), (1, 3), (2, 3)]);
        // Submitted, review, decided: nothing follows a decision; dated
        // between review and the decision, only documents (it must lead to
        // the decision); between submitted and review, or before
        // everything, nothing.
        let history = [step(0), step(1), step(3)];
        let allowed =
            |position| -> Vec<u8> { allowed_at(&transitions, &history, position, 0..4).collect() };
        assert_eq!(allowed(3), Vec::<u8>::new());
        assert_eq!(allowed(2), [2]);
        assert_eq!(allowed(1), Vec::<u8>::new());
        assert_eq!(allowed(0), Vec::<u8>::new());
    }

    proptest! {
        /// Appended after the newest step, the allowed states are the
        /// transitions from its state; anywhere, a state is offered exactly
        /// when filing it there is accepted.
        #[test]
        fn the_states_allowed_are_those_check_insertion_accepts(
            pairs in proptest::collection::vec((0u8..5, 0u8..5), 0..12),
            states in proptest::collection::vec(0u8..5, 1..8),
            position in 0usize..10,
        ) {
            let transitions = Transitions::new(pairs);
            let history: Vec<_> = states.iter().copied().map(step).collect();
            let position = position % (history.len() + 1);
            for state in 0..5 {
                let offered = allowed_at(&transitions, &history, position, [state]).count() == 1;
                prop_assert_eq!(offered, check_insertion(&transitions, &history, position, step(state)).is_ok());
            }
            let mut appended: Vec<u8> = allowed_at(&transitions, &history, history.len(), 0..5).collect();
            let mut after: Vec<u8> = transitions.after(*states.last().unwrap()).collect();
            appended.sort();
            after.sort();
            prop_assert_eq!(appended, after);
        }

        /// Whatever is filed where, a history built only from accepted
        /// insertions stays valid.
        #[test]
        fn accepted_insertions_keep_the_history_valid(
            pairs in proptest::collection::vec((0u8..5, 0u8..5), 0..12),
            attempts in proptest::collection::vec((0usize..20, 0u8..5, proptest::bool::weighted(0.2)), 1..40),
        ) {
            let transitions = Transitions::new(pairs);
            let mut history = vec![step(0)];
            for (position, state, correction) in attempts {
                let position = position % (history.len() + 1);
                let new = Step { state, correction };
                if check_insertion(&transitions, &history, position, new).is_ok() {
                    history.insert(position, new);
                }
                prop_assert!(is_valid_history(&transitions, &history));
                prop_assert_eq!(history[0], step(0));
            }
        }
    }
}
