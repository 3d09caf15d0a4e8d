//! What may be printed of captured text: secret query values removed from URLs, secrets in
//! free text replaced by their fingerprints, control characters escaped. Every writer and
//! every message goes through here.

mod escape;
pub mod fingerprint;
mod known;
pub mod marker;
mod prefilter;
mod prefixes;
mod scrub;
mod url;

pub use escape::{clip, escape_control, printable_method, printable_version};
pub use fingerprint::Fingerprint;
pub use known::KnownSecrets;
pub use prefixes::{MIN_TOKEN_REST, TokenPrefix, token_prefix, token_prefixes};
pub use scrub::{scrub, scrub_secrets, secret_mark};
pub use url::redact_url;
pub use why401_model::secret_names::is_secret_param;
