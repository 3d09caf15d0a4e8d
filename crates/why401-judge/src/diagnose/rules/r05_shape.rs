//! Rule 5: the credential's shape (absent, wrong header, no scheme, wrong scheme, empty).

use crate::evidence::{Chosen, Evidence};
use why401_model::details::Detail;
use why401_model::finding::Confidence;

use super::{Input, RuleVerdict, verdict};

pub(super) fn rule5_shape(input: &Input) -> Option<RuleVerdict> {
    if let Some(v) = cors_preflight(input) {
        return Some(v);
    }
    let ev = input.evidence;
    let medium = Confidence::Medium;
    match ev.chosen {
        Chosen::NotRecorded => return None,
        Chosen::None => return Some(no_credential(input)),
        Chosen::Index(_) => {}
    }
    let credential = ev.credential()?;
    let label = credential.place.label();
    if credential.empty {
        let line = format!("the {label} credentials are empty");
        return Some(verdict(Detail::EmptyCredentials, medium, line));
    }
    if credential.no_scheme {
        let line = format!(
            "the {label} header carries a token without a scheme (expected \"Bearer <token>\")"
        );
        return Some(verdict(Detail::NoScheme, medium, line));
    }
    if ev.scheme_offered() == Some(false) && !bearer_answered_by_basic(input) {
        let offered: Vec<String> = offered_schemes(ev);
        let line = format!(
            "the request uses scheme {} but the server offers only {}",
            credential.scheme.as_deref().unwrap_or("?"),
            offered.join(", ")
        );
        return Some(verdict(Detail::WrongScheme, medium, line));
    }
    if ev.strict_scheme_case && credential.scheme_case_differs {
        let line = format!(
            "the scheme is written \"{}\"; this API requires exactly \"Bearer\"",
            credential.scheme.as_deref().unwrap_or("?")
        );
        return Some(verdict(Detail::SchemeCase, medium, line));
    }
    None
}

fn no_credential(input: &Input) -> RuleVerdict {
    let ev = input.evidence;
    if let Some(url) = &input.prior.dropped_on_redirect {
        let line = format!(
            "curl followed a redirect from {url} to another host and dropped the Authorization header (it does so unless --location-trusted)"
        );
        return verdict(Detail::DroppedOnRedirect, Confidence::High, line);
    }
    if let Some(wrong) = ev.credentials.wrong_header() {
        let line = format!(
            "the credential was sent in a \"{}\" header; the server reads Authorization",
            wrong.place.label()
        );
        return verdict(Detail::WrongHeaderName, Confidence::Medium, line);
    }
    let mut line = "the request carried no credential: no Authorization header".to_owned();
    let beside: Vec<String> = ev.credentials.all.iter().map(|c| c.place.label()).collect();
    if !beside.is_empty() {
        line.push_str(&format!(
            " (it carried {}, which the challenged scheme does not read)",
            beside.join(", ")
        ));
    }
    verdict(Detail::NoAuthorization, Confidence::Medium, line)
}

/// Kubernetes and others answer any failure with `Basic realm` while accepting Bearer.
fn bearer_answered_by_basic(input: &Input) -> bool {
    let ev = input.evidence;
    let bearer = ev.credential().is_some_and(|c| c.scheme_is("bearer"));
    let only_basic =
        !ev.challenges.is_empty() && ev.challenges.iter().all(|c| c.is_scheme("basic"));
    bearer && only_basic
}

pub(super) fn offered_schemes(ev: &Evidence) -> Vec<String> {
    ev.challenges
        .iter()
        .filter_map(|c| c.scheme.clone())
        .collect()
}

/// Browsers never send credentials on a CORS preflight: a 401 to it is the server's
/// configuration.
fn cors_preflight(input: &Input) -> Option<RuleVerdict> {
    let request = &input.exchange.request;
    let preflight = request.method.eq_ignore_ascii_case("OPTIONS")
        && request.headers.contains("access-control-request-method");
    preflight.then(|| {
        verdict(
            Detail::CorsPreflight,
            Confidence::High,
            "a CORS preflight (OPTIONS with Access-Control-Request-Method) was answered 401; browsers never send credentials on a preflight, so the server must answer it without authentication".into(),
        )
    })
}

#[cfg(test)]
mod tests;
