//! A token endpoint's answer and how a request there authenticated the client.

use super::{Credential, Credentials, Place, printable};
use crate::evidence::fingerprint::Fingerprint;
use why401_model::exchange::Request;

/// Fingerprints and facts of a token endpoint's success response, to connect it with the
/// requests that later send the token.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TokenResponse {
    pub access_token: Option<Fingerprint>,
    pub refresh_token: Option<Fingerprint>,
    pub id_token: Option<Fingerprint>,
    pub token_type: Option<String>,
    pub expires_in: Option<i64>,
    pub scope: Option<Vec<String>>,
}

/// Reads a token response body (`{"access_token": ..., "expires_in": ...}`); `None` when the
/// body is not one.
pub fn read_token_response(body: &str) -> Option<TokenResponse> {
    let doc: serde_json::Value = serde_json::from_str(body.trim()).ok()?;
    let text = |name: &str| doc.get(name).and_then(serde_json::Value::as_str);
    let fp = |name: &str| {
        text(name)
            .filter(|v| !v.is_empty())
            .map(Fingerprint::of_str)
    };
    let response = TokenResponse {
        access_token: fp("access_token"),
        refresh_token: fp("refresh_token"),
        id_token: fp("id_token"),
        token_type: text("token_type").map(printable),
        expires_in: doc.get("expires_in").and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        }),
        scope: text("scope").map(|s| s.split_whitespace().map(str::to_owned).collect()),
    };
    (response.access_token.is_some() || response.refresh_token.is_some()).then_some(response)
}

/// How a request at a token endpoint authenticated the client: with credentials, empty
/// ones, shown without any, or in a way the capture cannot show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// Basic, `client_secret` or `client_assertion` with a value.
    Present,
    /// Sent but empty (`Basic Og==`, `client_secret=`).
    Empty,
    /// Shown absent: headers recorded without `Authorization`, and the body recorded
    /// without `client_secret`/`client_assertion` or no body at all.
    ShownAbsent,
    /// The capture cannot show it (headers or body not recorded, a value redacted).
    NotShown,
}

/// Reads the client authentication of a (token endpoint) request.
pub fn client_auth(request: &Request, credentials: &Credentials) -> ClientAuth {
    let client = |c: &&Credential| {
        c.place == Place::Authorization
            || c.place.is_param("client_secret")
            || c.place.is_param("client_assertion")
    };
    let sent: Vec<&Credential> = credentials.all.iter().filter(client).collect();
    if sent.iter().any(|c| c.is_redacted()) {
        return ClientAuth::NotShown;
    }
    if sent.iter().any(|c| !c.empty) {
        return ClientAuth::Present;
    }
    if !sent.is_empty() {
        return ClientAuth::Empty;
    }
    // `body_recorded` is true for a request recorded without a body too.
    if credentials.recorded() && request.body_recorded {
        ClientAuth::ShownAbsent
    } else {
        ClientAuth::NotShown
    }
}
