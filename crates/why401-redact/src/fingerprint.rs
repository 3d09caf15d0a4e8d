//! Credential fingerprints: a stable, non-reversible name for a secret, so a report can say
//! "the same token as `entries[3]`" without printing the token.
//!
//! The fingerprint is SHA-256 over [`PREFIX`] followed by the credential's value alone: no
//! scheme, no parameter name, and for Basic the decoded `user:password`. So `Bearer X`,
//! `bearer X`, `?access_token=X` and a token response's `"access_token": "X"` share one
//! fingerprint, the same across runs, machines and commands. The short form printed is `fp_`
//! plus the first 12 hex digits; matching always compares the whole digest (never the short
//! form alone), far more than the 64 bits the contract asks for.

use std::fmt;

use sha2::{Digest, Sha256};

/// The fixed, documented prefix hashed before every value. Changing it changes every
/// fingerprint ever printed, so it is versioned.
pub const PREFIX: &[u8] = b"why401-fp-v1\0";

/// Hex digits of the printed short form.
const SHORT_HEX_DIGITS: usize = 12;

/// The full SHA-256 digest of a credential value. `Display` and `Debug` show the short form.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of a credential value (bytes as sent, or Basic's decoded bytes).
    pub fn of(value: &[u8]) -> Fingerprint {
        let mut hasher = Sha256::new();
        hasher.update(PREFIX);
        hasher.update(value);
        Fingerprint(hasher.finalize().into())
    }

    pub fn of_str(value: &str) -> Fingerprint {
        Fingerprint::of(value.as_bytes())
    }

    /// `fp_` plus the first 12 hex digits: what the report prints.
    pub fn short(&self) -> String {
        let mut out = String::with_capacity(3 + SHORT_HEX_DIGITS);
        out.push_str("fp_");
        for byte in &self.0[..SHORT_HEX_DIGITS / 2] {
            out.push_str(&format!("{byte:02x}"));
        }
        out
    }

    /// The whole digest, for matching across exchanges.
    pub fn digest(&self) -> &[u8; 32] {
        &self.0
    }

    /// Whether two fingerprints name the same value (all 256 bits compared).
    pub fn matches(&self, other: &Fingerprint) -> bool {
        self.0 == other.0
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.short())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", self.short())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_pinned() {
        // Pinned: every run, machine and version 1 of the scheme must print this value.
        // sha256(b"why401-fp-v1\0" + b"abc") starts with these 12 hex digits.
        assert_eq!(Fingerprint::of_str("abc").short(), "fp_e0aef02d813b");
        assert_eq!(Fingerprint::of_str("abc").short().len(), 15);
    }

    #[test]
    fn same_value_same_fingerprint_different_value_different() {
        let a = Fingerprint::of_str("token-one");
        assert!(a.matches(&Fingerprint::of_str("token-one")));
        assert!(!a.matches(&Fingerprint::of_str("token-two")));
        assert_eq!(format!("{a}"), a.short());
        assert_eq!(format!("{a:?}"), format!("Fingerprint({})", a.short()));
    }

    #[test]
    fn prefix_is_part_of_the_hash() {
        // A plain SHA-256 of the value must not equal the fingerprint.
        let plain: [u8; 32] = Sha256::digest(b"abc").into();
        assert_ne!(&plain, Fingerprint::of_str("abc").digest());
    }
}
