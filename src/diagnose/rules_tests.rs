//! Unit tests of the precedence: one per rule, and one per pair of adjacent rules.
