//! Names of query and form parameters whose values are secrets: the readers use them to know
//! a URL carries a credential, the redactor to hide the value.

/// Query and form parameter names whose values are secrets.
const SECRET_PARAMS: &[&str] = &[
    "access_token",
    "id_token",
    "refresh_token",
    "token",
    "code",
    "client_secret",
    "client_assertion",
    "password",
    "passwd",
    "pwd",
    "secret",
    "api_key",
    "apikey",
    "key",
    "sig",
    "signature",
    "x-amz-signature",
    "x-amz-security-token",
    "assertion",
    "subject_token",
    "session",
    "sessionid",
    "auth",
];

/// Name endings that say secret once case, `_` and `-` are ignored (`accessToken`,
/// `x-api-key`, `page_token` too: better hidden than shown).
const SECRET_PARAM_ENDINGS: &[&str] = &["token", "secret", "apikey", "password", "jwt"];

/// Whether a query or form parameter's value must never be printed. Case, `_` and `-` are
/// ignored: `accessToken`, `access-token` and `access_token` are one name.
pub fn is_secret_param(name: &str) -> bool {
    // Folded byte by byte, without a new string: the sanitizer asks this of every field.
    let fold = |name: &'static str| name.bytes().filter(|b| !matches!(b, b'_' | b'-'));
    let folded = || {
        name.bytes()
            .filter(|b| !matches!(b, b'_' | b'-'))
            .map(|b| b.to_ascii_lowercase())
    };
    let ends_with = |ending: &'static str| {
        let len = folded().count();
        len >= ending.len() && folded().skip(len - ending.len()).eq(ending.bytes())
    };
    SECRET_PARAMS.iter().any(|p| fold(p).eq(folded()))
        || SECRET_PARAM_ENDINGS.iter().any(|e| ends_with(e))
}
