//! URLs as the reports and rules see them: host, endpoint pattern.

/// What follows `scheme://` (or a scheme-relative `//`).
pub fn after_scheme(url: &str) -> Option<&str> {
    url.split_once("://")
        .map(|(_, rest)| rest)
        .or_else(|| url.strip_prefix("//"))
}

/// The host of an absolute (or scheme-relative `//host/…`) URL in the one form hosts are
/// compared and printed in: see [`normal_host`]. `None` for a path alone or an empty host.
pub fn host_of(url: &str) -> Option<String> {
    normal_host(after_scheme(url)?)
}

/// The host of an authority as written in a URL, a `Host` header or a profile
/// (`User@API.Example.com.:8443`, `[::1]:8080`): lower case (host names are case-insensitive,
/// RFC 3986 §3.2.2), without user info or port, an IPv6 address without its brackets, and a
/// fully qualified name without its trailing dot (`example.com.` is `example.com`).
/// Whatever follows the authority (`/path`, `?query`, `#fragment`) is ignored.
pub fn normal_host(authority: &str) -> Option<String> {
    let authority = authority.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        host_port.split(':').next()?
    };
    let host = host.strip_suffix('.').unwrap_or(host);
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
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
        let host = |url| host_of(url);
        assert_eq!(
            host("https://api.example.com:8443/v2?x=1").as_deref(),
            Some("api.example.com")
        );
        assert_eq!(host("http://u@h/x").as_deref(), Some("h"));
        assert_eq!(host("/v2/devices"), None);
        assert_eq!(
            host("//api.example.com/v2").as_deref(),
            Some("api.example.com")
        );
    }

    #[test]
    fn one_form_of_a_host() {
        for url in [
            "https://API.Example.com/x",
            "https://api.example.com.:443/x",
            "https://u:p@api.example.com:8443?q",
            "//Api.Example.COM#f",
        ] {
            assert_eq!(host_of(url).as_deref(), Some("api.example.com"), "{url}");
        }
        assert_eq!(host_of("http://[::1]:8080/").as_deref(), Some("::1"));
        assert_eq!(host_of("http://[FE80::1]/").as_deref(), Some("fe80::1"));
        assert_eq!(
            normal_host("API.example.com:8443").as_deref(),
            Some("api.example.com")
        );
        assert_eq!(host_of("https:///x"), None);
        assert_eq!(host_of("https://u@:80/x"), None);
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
