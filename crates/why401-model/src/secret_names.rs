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
    let fold = |name: &str| -> String {
        name.chars()
            .filter(|c| !matches!(c, '_' | '-'))
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let name = fold(name);
    SECRET_PARAMS.iter().any(|p| fold(p) == name)
        || SECRET_PARAM_ENDINGS.iter().any(|e| name.ends_with(e))
}
