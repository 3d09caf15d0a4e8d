//! A token's decoded header and claims as a person reads them next to a 401: the algorithm and
//! key, who issued it for whom, its times in UTC with their distance to the request, its
//! lifetime and scopes. Identity claims are never shown here.

use chrono::{DateTime, Utc};
use why401_model::finding::{Claims, Finding};
use why401_model::time::{format_duration, parse_iso};

/// One line per fact, for `--explain`; empty when the finding's credential has no claims.
pub fn token_lines(finding: &Finding) -> Vec<String> {
    let Some(claims) = claims_of(finding) else {
        return Vec::new();
    };
    let request = request_time(finding);
    let mut lines = Vec::new();
    let header = header_text(claims);
    if !header.is_empty() {
        lines.push(header);
    }
    if let Some(iss) = &claims.iss {
        lines.push(format!("iss {iss}"));
    }
    if let Some(aud) = audience(claims) {
        lines.push(format!("aud {aud}"));
    }
    for (name, value) in [
        ("exp", &claims.exp),
        ("nbf", &claims.nbf),
        ("iat", &claims.iat),
    ] {
        if let Some(at) = value {
            lines.push(format!("{name} {}", dated(at, request)));
        }
    }
    if let Some(lifetime) = lifetime(claims) {
        lines.push(format!("lifetime {lifetime}"));
    }
    if let Some(scope) = claims.scope.as_ref().filter(|s| !s.is_empty()) {
        lines.push(format!("scope {}", scope.join(" ")));
    }
    lines
}

/// One line for `-v`: algorithm, issuer and expiry with its distance to the request.
pub fn token_summary(finding: &Finding) -> Option<String> {
    let claims = claims_of(finding)?;
    let mut parts = Vec::new();
    parts.extend(claims.alg.clone());
    parts.extend(claims.iss.as_ref().map(|iss| format!("iss {iss}")));
    parts.extend(
        claims
            .exp
            .as_ref()
            .map(|exp| format!("exp {}", dated(exp, request_time(finding)))),
    );
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn claims_of(finding: &Finding) -> Option<&Claims> {
    finding.credential.as_ref()?.claims.as_ref()
}

fn request_time(finding: &Finding) -> Option<DateTime<Utc>> {
    finding.time.as_deref().and_then(parse_iso).map(|s| s.at)
}

fn header_text(claims: &Claims) -> String {
    [
        ("alg", &claims.alg),
        ("typ", &claims.typ),
        ("kid", &claims.kid),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name} {v}")))
    .collect::<Vec<_>>()
    .join(", ")
}

fn audience(claims: &Claims) -> Option<String> {
    Some(match claims.aud.as_ref()? {
        serde_json::Value::String(aud) => aud.clone(),
        serde_json::Value::Array(auds) => auds
            .iter()
            .map(|a| a.as_str().map_or_else(|| a.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    })
}

/// `2024-11-04T14:00:05Z (4s before the request)`; the time alone when either is unknown.
fn dated(claim: &str, request: Option<DateTime<Utc>>) -> String {
    let Some((at, request)) = parse_iso(claim).map(|s| s.at).zip(request) else {
        return claim.to_owned();
    };
    let seconds = (at - request).num_seconds();
    let side = match seconds {
        0 => return format!("{claim} (the request's second)"),
        s if s < 0 => "before",
        _ => "after",
    };
    format!("{claim} ({} {side} the request)", format_duration(seconds))
}

/// `exp − iat`, when both are claimed and in that order.
fn lifetime(claims: &Claims) -> Option<String> {
    let at = |value: &Option<String>| value.as_deref().and_then(parse_iso).map(|s| s.at);
    let seconds = (at(&claims.exp)? - at(&claims.iat)?).num_seconds();
    (seconds > 0).then(|| format_duration(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: &str, iat: &str) -> Claims {
        Claims {
            iss: Some("https://auth.example.com/".into()),
            aud: Some(serde_json::json!(["api", "web"])),
            sub: Some("person@example.com".into()),
            scope: Some(vec!["read".into(), "write".into()]),
            exp: Some(exp.into()),
            iat: Some(iat.into()),
            alg: Some("RS256".into()),
            kid: Some("k1".into()),
            ..Claims::default()
        }
    }

    #[test]
    fn times_read_against_the_request_with_the_right_sign() {
        let request = parse_iso("2024-03-08T14:00:00Z").map(|s| s.at);
        assert_eq!(
            dated("2024-03-08T13:59:46Z", request),
            "2024-03-08T13:59:46Z (14s before the request)"
        );
        assert_eq!(
            dated("2024-03-08T14:30:00Z", request),
            "2024-03-08T14:30:00Z (30m00s after the request)"
        );
        assert_eq!(dated("2024-03-08T14:30:00Z", None), "2024-03-08T14:30:00Z");
    }

    #[test]
    fn the_lines_show_what_matters_and_never_the_subject() {
        let c = claims("2024-03-08T15:00:00Z", "2024-03-08T14:00:00Z");
        let lines = [
            header_text(&c),
            audience(&c).unwrap_or_default(),
            lifetime(&c).unwrap_or_default(),
        ];
        assert_eq!(lines, ["alg RS256, kid k1", "api web", "1h00m"]);
        let backwards = claims("2024-03-08T14:00:00Z", "2024-03-08T15:00:00Z");
        assert_eq!(lifetime(&backwards), None);
    }
}
