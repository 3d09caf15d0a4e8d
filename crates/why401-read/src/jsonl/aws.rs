//! AWS API Gateway access logs: a user template of `$context` variables, usually with every
//! value quoted (`"status":"401"`). They never hold request headers. The authorizer's and
//! gateway's error texts (`$context.authorizer.error`, `$context.error.message`) are the
//! server messages.

use super::draft::{Draft, compose_url, status_at};
use super::record::Found;
use super::value::Obj;

/// Keys only API Gateway templates use (the names AWS's examples give the variables).
const MARKERS: &[&str] = &[
    "httpMethod",
    "routeKey",
    "resourcePath",
    "requestTimeEpoch",
    "authorizerError",
    "apiId",
    "integrationErrorMessage",
];

pub fn matches(obj: &Obj) -> bool {
    MARKERS.iter().any(|k| obj.has(k))
}

/// Where templates put the error texts, flat or nested.
const MESSAGE_FIELDS: &[&str] = &[
    "errorMessage",
    "error_message",
    "error.message",
    "authorizerError",
    "authorizer_error",
    "authorizer.error",
    "authorizeError",
    "authorize.error",
    "errorResponseType",
    "responseType",
    "error.responseType",
    "integrationErrorMessage",
    "integration.error",
];

pub fn map(obj: &Obj) -> Found {
    let Some(status) = status_at(obj, &["status", "statusCode", "status_code"]) else {
        return Found::Nothing;
    };
    let mut draft = Draft::new(status);
    draft.time_from([
        obj.get("requestTimeEpoch"),
        obj.get("requestTime"),
        obj.get("timestamp"),
    ]);
    // `routeKey` is `GET /v2/devices` (HTTP APIs), or `$default`.
    let route = obj.text("routeKey").unwrap_or_default();
    let (route_method, route_path) = route.split_once(' ').unwrap_or(("", ""));
    let text = |keys: &[&str]| obj.first(keys).and_then(|v| v.text());
    draft.method = text(&["httpMethod", "http_method", "method"])
        .map(|m| m.into_owned())
        .unwrap_or_else(|| route_method.to_owned());
    let path = text(&["path", "resourcePath", "requestPath"])
        .map(|p| p.into_owned())
        .unwrap_or_else(|| route_path.to_owned());
    draft.url = compose_url(None, text(&["domainName"]).as_deref(), &path);
    draft.http_version = text(&["protocol"]).unwrap_or_default().into_owned();
    draft.messages_at(obj, MESSAGE_FIELDS);
    Found::One(draft)
}

#[cfg(test)]
mod tests {
    use super::super::record::testing::{challenge, messages, one};

    #[test]
    fn rest_api_expired_token() {
        let line = r#"{"requestId":"c6af9ac6-7b61-11e6-9a41-93e8deadbeef","ip":"203.0.113.7","requestTime":"02/Jun/2025:10:00:00 +0000","httpMethod":"GET","resourcePath":"/v2/devices","domainName":"api.example.com","status":"401","protocol":"HTTP/1.1","responseLength":"42","errorMessage":"The incoming token has expired","authorizerError":"-","errorResponseType":"EXPIRED_TOKEN"}"#;
        let ex = one(line);
        assert_eq!(ex.status(), Some(401));
        assert_eq!(ex.request.method, "GET");
        assert_eq!(ex.request.url, "https://api.example.com/v2/devices");
        assert!(ex.request.headers.is_empty());
        assert!(!ex.request.headers_recorded && !ex.request.credential_recorded);
        assert!(challenge(&ex).is_none());
        assert_eq!(
            messages(&ex),
            vec![
                "errorMessage: The incoming token has expired",
                "errorResponseType: EXPIRED_TOKEN"
            ]
        );
        assert_eq!(
            why401_model::time::format_millis(&ex.server_time.unwrap().at),
            "2025-06-02T10:00:00.000Z"
        );
    }

    #[test]
    fn http_api_route_key_and_nested_authorizer_error() {
        let line = r#"{"requestId":"Jx1","routeKey":"GET /v2/policies","status":"401","requestTimeEpoch":"1748858400000","authorizer":{"error":"Unauthorized"}}"#;
        let ex = one(line);
        assert_eq!(ex.request.method, "GET");
        assert_eq!(ex.request.url, "/v2/policies");
        assert_eq!(messages(&ex), vec!["authorizer.error: Unauthorized"]);
    }
}
