//! The evidence of a 401 (issue 4).

pub mod challenge;
pub mod credential;
pub mod fingerprint;
pub mod jwt;
pub mod keys;
pub mod profile;
pub mod reftime;
pub mod statement;

#[cfg(test)]
mod testutil;
