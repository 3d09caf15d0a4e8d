//! A limit with a default that a command-line flag may change for the whole process. The
//! readers and the judge take no options, so each flag sets its limit here once, before any
//! input is read, and every thread reads it.

use std::sync::atomic::{AtomicUsize, Ordering};

/// One limit: its default and the value a flag chose (0: none chosen).
pub struct Setting {
    default: usize,
    chosen: AtomicUsize,
}

impl Setting {
    pub const fn new(default: usize) -> Setting {
        Setting {
            default,
            chosen: AtomicUsize::new(0),
        }
    }

    /// Chooses the value; 0 goes back to the default.
    pub fn set(&self, value: usize) {
        self.chosen.store(value, Ordering::Relaxed);
    }

    /// The chosen value, else the default.
    pub fn get(&self) -> usize {
        self.get_or(self.default)
    }

    /// The chosen value, else `default` (a reader with a default of its own).
    pub fn get_or(&self, default: usize) -> usize {
        match self.chosen.load(Ordering::Relaxed) {
            0 => default,
            chosen => chosen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chosen_value_replaces_the_default_and_zero_restores_it() {
        let limit = Setting::new(64);
        assert_eq!(limit.get(), 64);
        assert_eq!(limit.get_or(8), 8);
        limit.set(3);
        assert_eq!((limit.get(), limit.get_or(8)), (3, 3));
        limit.set(0);
        assert_eq!(limit.get(), 64);
    }
}
