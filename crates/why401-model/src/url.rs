//! URLs as the reports and rules see them: host, endpoint pattern.

/// What follows `scheme://` (or a scheme-relative `//`).
pub fn after_scheme(url: &str) -> Option<&str> {
    url.split_once("://")
        .map(|(_, rest)| rest)
        .or_else(|| url.strip_prefix("//"))
}

/// The host of an absolute (or scheme-relative `//host/…`) URL, without port or user info.
pub fn host_of(url: &str) -> Option<&str> {
    let rest = after_scheme(url)?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        authority.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

/// The path of a URL with id-like segments (digits, UUIDs, 8+ hex, `prefix_` plus
/// alphanumerics) turned into `{id}`; the query is dropped.
pub fn endpoint_pattern(url: &str) -> String {
    let path = match after_scheme(url) {
        Some(rest) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => url,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let segments: Vec<&str> = path
        .split('/')
        .map(|s| if looks_like_id(s) { "{id}" } else { s })
        .collect();
    let joined = segments.join("/");
    if joined.is_empty() {
        "/".into()
    } else {
        joined
    }
}

fn looks_like_id(segment: &str) -> bool {
    if segment.is_empty() {
        return false;
    }
    let all_digits = segment.chars().all(|c| c.is_ascii_digit());
    let hex = segment.len() >= 8 && segment.chars().all(|c| c.is_ascii_hexdigit());
    let uuid = segment.len() == 36
        && segment.chars().filter(|&c| c == '-').count() == 4
        && segment.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    let prefixed = segment.split_once('_').is_some_and(|(prefix, rest)| {
        !prefix.is_empty()
            && prefix.chars().all(|c| c.is_ascii_lowercase())
            && rest.len() >= 4
            && rest.chars().all(|c| c.is_ascii_alphanumeric())
            && rest.chars().any(|c| c.is_ascii_digit())
    });
    all_digits || hex || uuid || prefixed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            host_of("https://api.example.com:8443/v2?x=1"),
            Some("api.example.com")
        );
        assert_eq!(host_of("http://u@h/x"), Some("h"));
        assert_eq!(host_of("/v2/devices"), None);
        assert_eq!(host_of("//api.example.com/v2"), Some("api.example.com"));
    }

    #[test]
    fn endpoint_patterns_hide_ids() {
        assert_eq!(
            endpoint_pattern("https://api.example.com/v2/devices/12345/actions?x=1"),
            "/v2/devices/{id}/actions"
        );
        assert_eq!(
            endpoint_pattern("https://h/v2/policies/3f2a9c01-1b2c-4d5e-8f90-0123456789ab"),
            "/v2/policies/{id}"
        );
        assert_eq!(
            endpoint_pattern("https://h/v2/organizations/org_7f3a9c01"),
            "/v2/organizations/{id}"
        );
        assert_eq!(
            endpoint_pattern("https://h/v2/logs/deadbeef42"),
            "/v2/logs/{id}"
        );
        assert_eq!(endpoint_pattern("https://h/v2/devices"), "/v2/devices");
        assert_eq!(endpoint_pattern("https://h"), "/");
        assert_eq!(endpoint_pattern("//h/v2/devices/12345"), "/v2/devices/{id}");
    }
}
