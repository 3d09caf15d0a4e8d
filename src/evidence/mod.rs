//! The evidence of a 401 (issue 4).

pub mod challenge;
pub mod fingerprint;
