//! What the history needs from each request's `Authorization` value, remembered per value.
//!
//! Reading a credential (decoding a JWT, checking for redaction markers) costs more than
//! everything else done for a request that is not judged, and a log repeats each token over
//! many requests, rarely in a row. The facts depend on the value alone, so they are kept by
//! the value's SHA-256 digest (never the value: a log's tokens would fill the memory), and the
//! cache changes only the speed, never a result.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::evidence::Fingerprint;
use crate::evidence::credential::{self, Place};
use why401_model::exchange::Request;

/// Values remembered at most; past it the cache starts again empty (bounded memory, about
/// 100 bytes a value).
const MAX_VALUES: usize = 100_000;

/// What one `Authorization` value says, each fact read when first asked for.
#[derive(Debug, Clone, Copy, Default)]
struct Facts {
    /// A redaction marker (`REDACTED`, `Bearer ****`).
    redacted: Option<bool>,
    /// The fingerprint of its credential (none for a marker or an empty value).
    fingerprint: Option<Option<Fingerprint>>,
}

/// An `Authorization` value's place in the cache: its SHA-256 digest.
#[derive(Debug, Clone, Copy)]
pub struct ValueKey([u8; 32]);

impl ValueKey {
    pub fn of(value: &str) -> ValueKey {
        ValueKey(*Fingerprint::of_str(value).digest())
    }
}

/// Facts of `Authorization` values, by the value's digest.
#[derive(Debug, Default)]
pub struct AuthorizationCache {
    facts: HashMap<[u8; 32], Facts, DigestHash>,
}

impl AuthorizationCache {
    /// Whether the value `key` names is a redaction marker.
    pub fn redacted(&mut self, key: ValueKey, value: &str) -> bool {
        let facts = self.entry(key);
        *facts
            .redacted
            .get_or_insert_with(|| credential::is_redacted(value))
    }

    /// The fingerprint of the token of `request`, whose first `Authorization` value `key`
    /// names. With recorded headers that value alone decides it: it is read before any
    /// parameter, and without keys its fingerprint depends on its value only.
    pub fn fingerprint(&mut self, key: ValueKey, request: &Request) -> Option<Fingerprint> {
        let facts = self.entry(key);
        *facts
            .fingerprint
            .get_or_insert_with(|| token_fingerprint(request))
    }

    fn entry(&mut self, key: ValueKey) -> &mut Facts {
        if self.facts.len() >= MAX_VALUES && !self.facts.contains_key(&key.0) {
            self.facts.clear();
        }
        self.facts.entry(key.0).or_default()
    }
}

/// The fingerprint of a request's `Authorization` token or `access_token` parameter, read
/// without keys.
pub fn token_fingerprint(request: &Request) -> Option<Fingerprint> {
    credential::read(request, None)
        .all
        .iter()
        .find(|c| c.place == Place::Authorization || c.place.is_param("access_token"))
        .and_then(|c| c.fingerprint)
}

/// Hashes a SHA-256 digest by its first eight bytes: they are already uniform, so SipHash
/// over all 32 would only cost time.
pub type DigestHash = BuildHasherDefault<DigestHasher>;

#[derive(Debug, Default)]
pub struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // A `[u8; 32]` key arrives as its length, then its bytes in one call.
        for &byte in bytes.iter().take(8) {
            self.0 = (self.0 << 8) | u64::from(byte);
        }
    }

    fn write_usize(&mut self, _: usize) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_facts_equal_fresh_ones() {
        let mut cache = AuthorizationCache::default();
        for value in [
            "Bearer abc.def.ghi",
            "REDACTED",
            "Basic dXNlcjpwdw==",
            "Bearer ****",
        ] {
            let mut request = Request::recorded("GET", "https://api.example.com/x");
            request.headers.push("Authorization", value);
            let key = ValueKey::of(value);
            for _ in 0..2 {
                let fingerprint = cache.fingerprint(key, &request);
                assert_eq!(fingerprint, token_fingerprint(&request), "{value}");
                let redacted = cache.redacted(key, value);
                assert_eq!(redacted, credential::is_redacted(value), "{value}");
            }
        }
    }

    #[test]
    fn digest_keys_spread() {
        let hash = |key: [u8; 32]| {
            let mut h = DigestHasher::default();
            std::hash::Hash::hash(&key, &mut h);
            h.finish()
        };
        let a = *Fingerprint::of_str("a").digest();
        let b = *Fingerprint::of_str("b").digest();
        assert_ne!(hash(a), hash(b));
    }
}
