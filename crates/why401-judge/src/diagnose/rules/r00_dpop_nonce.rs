//! Rule 0: a DPoP nonce handshake. A server that wants a nonce in the DPoP proof answers the
//! first request 401 with `use_dpop_nonce` (RFC 9449 section 8); the client retries with the
//! nonce. When the capture shows that retry succeed, the 401 was the handshake, not a failure,
//! whatever else the first request showed.

use why401_model::details::Detail;
use why401_model::finding::Confidence;

use super::{Input, RuleVerdict, verdict};

pub(super) fn rule0_dpop_nonce_answered(input: &Input) -> Option<RuleVerdict> {
    input.prior.dpop_nonce_answered.then(|| {
        verdict(
            Detail::DpopNonceRequired,
            Confidence::High,
            "the server asked for a DPoP nonce (use_dpop_nonce) and the retry with the nonce succeeded".into(),
        )
    })
}

#[cfg(test)]
mod tests;
