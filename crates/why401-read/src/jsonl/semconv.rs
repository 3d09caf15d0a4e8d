//! Records in the shared HTTP vocabulary of OpenTelemetry semantic conventions and Elastic
//! Common Schema: `http.request.method`, `url.full`, `http.response.status_code` (older
//! OpenTelemetry: `http.method`, `http.url`, `http.status_code`), `http.request.header.*`.
//!
//! OpenTelemetry spans come as a flat `attributes` map (Python's console exporter), an OTLP
//! `[{key, value: {stringValue}}]` list, Go's `[{Key, Value: {Type, Value}}]` list, or whole
//! OTLP exports (`resourceSpans`). Only server spans (and spans of no stated kind) are
//! exchanges: a call traced by both its client and its server counts once.

use std::borrow::Cow;

use super::draft::{Draft, compose_url, status_of};
use super::record::Found;
use super::value::{Obj, Val};

/// Span attributes as name and values (a list attribute keeps every value).
type Attributes = Vec<(String, Vec<String>)>;

pub fn is_otlp_export(obj: &Obj) -> bool {
    obj.has("resourceSpans") || obj.has("resource_spans")
}

pub fn is_span(obj: &Obj) -> bool {
    let has_attributes = obj.has("attributes") || obj.has("Attributes");
    has_attributes
        && [
            "kind",
            "Kind",
            "SpanKind",
            "spanId",
            "span_id",
            "traceId",
            "trace_id",
            "context",
            "SpanContext",
            "parentSpanId",
            "parent_id",
        ]
        .iter()
        .any(|k| obj.has(k))
}

pub fn is_ecs(obj: &Obj) -> bool {
    obj.has("ecs") || obj.has("ecs.version") || obj.path("http.response.status_code").is_some()
}

/// Every span of an OTLP export.
pub fn map_otlp_export(obj: &Obj) -> Found {
    let mut drafts = Vec::new();
    let resources = obj
        .first(&["resourceSpans", "resource_spans"])
        .and_then(|v| v.as_arr())
        .unwrap_or_default();
    for resource in resources.iter().filter_map(Val::as_obj) {
        let scopes = resource
            .first(&["scopeSpans", "scope_spans", "instrumentationLibrarySpans"])
            .and_then(|v| v.as_arr())
            .unwrap_or_default();
        for scope in scopes.iter().filter_map(Val::as_obj) {
            let spans = scope
                .get("spans")
                .and_then(|v| v.as_arr())
                .unwrap_or_default();
            for span in spans.iter().filter_map(Val::as_obj) {
                if let Found::One(draft) = map_span(&span) {
                    drafts.push(draft);
                }
            }
        }
    }
    if drafts.is_empty() {
        Found::Nothing
    } else {
        Found::Many(drafts)
    }
}

pub fn map_span(obj: &Obj) -> Found {
    if !is_server_or_unstated(obj.first(&["kind", "Kind", "SpanKind", "span_kind"])) {
        return Found::Nothing;
    }
    let attributes = attributes(obj);
    let get = |name: &str| -> Option<Cow<str>> {
        attributes
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.first())
            .map(|v| Cow::Borrowed(v.as_str()))
    };
    let Some(mut draft) = draft_from(&get) else {
        return Found::Nothing;
    };
    draft.time_from([
        obj.first(&["startTimeUnixNano", "start_time", "StartTime", "startTime"]),
        obj.get("timestamp"),
    ]);
    for (name, values) in &attributes {
        let lower = name.to_ascii_lowercase();
        for value in values {
            let value = Val::Str(Cow::Borrowed(value.as_str()));
            if let Some(header) = lower.strip_prefix("http.request.header.") {
                draft.request_field(header, &value);
            } else if let Some(header) = lower.strip_prefix("http.response.header.") {
                draft.response_field(header, &value);
            }
        }
    }
    draft.messages_at(
        obj,
        &["status.message", "status.description", "Status.Description"],
    );
    if let Some(text) = get("exception.message") {
        draft.message("exception.message", &text);
    }
    exception_events(obj, &mut draft);
    Found::One(draft)
}

pub fn map_ecs(obj: &Obj) -> Found {
    let get = |path: &str| obj.path(path).and_then(|v| v.text());
    let Some(mut draft) = draft_from(&get) else {
        return Found::Nothing;
    };
    draft.time_from([obj.get("@timestamp"), obj.path("event.created")]);
    draft.request_collection(obj.path("http.request.headers"));
    draft.response_collection(obj.path("http.response.headers"));
    draft.messages_at(obj, &["error.message", "event.reason"]);
    Found::One(draft)
}

/// Status, method and URL from semantic-convention names.
fn draft_from<'a>(get: &dyn Fn(&str) -> Option<Cow<'a, str>>) -> Option<Draft> {
    let first = |names: &[&str]| names.iter().find_map(|n| get(n));
    let status = first(&["http.response.status_code", "http.status_code"])
        .and_then(|s| status_of(&Val::Str(s)))?;
    let mut draft = Draft::new(status);
    draft.method = first(&["http.request.method", "http.method"])
        .unwrap_or_default()
        .into_owned();
    draft.url = match first(&["url.full", "http.url"]) {
        Some(full) => full.into_owned(),
        None => {
            let host = first(&["server.address", "url.domain", "http.host", "net.host.name"]);
            let port = first(&["server.port", "url.port", "net.host.port"])
                .filter(|p| p != "443" && p != "80");
            let host = match (host, port) {
                (Some(h), Some(p)) if !h.contains(':') => Some(Cow::Owned(format!("{h}:{p}"))),
                (h, _) => h,
            };
            let target = match (first(&["url.path"]), first(&["url.query"])) {
                (Some(path), Some(query)) => format!("{path}?{query}"),
                (Some(path), None) => path.into_owned(),
                _ => first(&["http.target", "url.original"])
                    .unwrap_or_default()
                    .into_owned(),
            };
            let scheme = first(&["url.scheme", "http.scheme"]);
            compose_url(scheme.as_deref(), host.as_deref(), &target)
        }
    };
    if let Some(version) = first(&["network.protocol.version", "http.flavor", "http.version"]) {
        draft.http_version = format!("HTTP/{version}");
    }
    Some(draft)
}

/// Server (OTLP and Go: 2), or no kind stated.
fn is_server_or_unstated(kind: Option<Val>) -> bool {
    match kind {
        None | Some(Val::Null) => true,
        Some(Val::Num(n)) => matches!(n, "0" | "2"),
        Some(Val::Str(s)) => {
            let upper = s.to_ascii_uppercase();
            upper.contains("SERVER") || upper.contains("UNSPECIFIED") || upper.is_empty()
        }
        Some(_) => false,
    }
}

/// The span's attributes in whichever of the three layouts it uses.
fn attributes(obj: &Obj) -> Attributes {
    let mut out = Vec::new();
    match obj.first(&["attributes", "Attributes"]) {
        Some(map @ Val::Obj(_)) => {
            if let Some(map) = map.as_obj() {
                for (name, raw) in map.iter() {
                    out.push((name.to_owned(), texts(&Val::of(raw))));
                }
            }
        }
        Some(list @ Val::Arr(_)) => {
            for item in list
                .as_arr()
                .unwrap_or_default()
                .iter()
                .filter_map(Val::as_obj)
            {
                let name = item.first(&["key", "Key"]).and_then(|v| v.text());
                let value = item.first(&["value", "Value"]);
                if let (Some(name), Some(value)) = (name, value) {
                    out.push((name.into_owned(), any_value(&value)));
                }
            }
        }
        _ => {}
    }
    out
}

/// An OTLP `AnyValue` (`{"stringValue": ..}`, `{"intValue": "401"}`, `{"arrayValue":
/// {"values": [..]}}`) or Go's `{"Type": "STRING", "Value": ..}`.
fn any_value(value: &Val) -> Vec<String> {
    let Some(obj) = value.as_obj() else {
        return texts(value);
    };
    for key in [
        "stringValue",
        "intValue",
        "doubleValue",
        "boolValue",
        "Value",
    ] {
        if let Some(inner) = obj.get(key) {
            return texts(&inner);
        }
    }
    obj.path("arrayValue.values")
        .and_then(|v| v.as_arr())
        .unwrap_or_default()
        .iter()
        .flat_map(any_value)
        .collect()
}

fn texts(value: &Val) -> Vec<String> {
    match value {
        Val::Arr(_) => value
            .as_arr()
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.text().map(Cow::into_owned))
            .collect(),
        other => other.text().map(Cow::into_owned).into_iter().collect(),
    }
}

/// `exception` span events carry the error text.
fn exception_events(obj: &Obj, draft: &mut Draft) {
    let events = obj
        .first(&["events", "Events"])
        .and_then(|v| v.as_arr())
        .unwrap_or_default();
    for event in events.iter().filter_map(Val::as_obj) {
        let attrs = attributes(&event);
        if let Some(text) = attrs
            .iter()
            .find(|(n, _)| n == "exception.message")
            .and_then(|(_, values)| values.first())
        {
            draft.message("exception.message", text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::record::testing::{challenge, items, messages, one};

    #[test]
    fn otel_server_span_flat_attributes() {
        let line = r#"{"name":"GET /v2/devices","context":{"trace_id":"0x5b8aa5a2d2c872e8321cf37308d69df2","span_id":"0x051581bf3cb55c13"},"kind":"SpanKind.SERVER","parent_id":null,"start_time":"2025-06-02T10:00:00.123456Z","end_time":"2025-06-02T10:00:00.127Z","status":{"status_code":"ERROR","description":"Signature has expired"},"attributes":{"http.request.method":"GET","url.scheme":"https","server.address":"api.example.com","url.path":"/v2/devices","url.query":"limit=5","http.response.status_code":401,"http.request.header.authorization":["Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln"],"http.response.header.www-authenticate":["Bearer error=\"invalid_token\""]},"events":[],"resource":{"attributes":{"service.name":"devices"}}}"#;
        let ex = one(line);
        assert_eq!(ex.status(), Some(401));
        assert_eq!(ex.request.method, "GET");
        assert_eq!(ex.request.url, "https://api.example.com/v2/devices?limit=5");
        assert_eq!(
            ex.request.headers.get("authorization"),
            Some("Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
        );
        assert_eq!(challenge(&ex), Some("Bearer error=\"invalid_token\""));
        assert!(ex.request.headers_recorded && ex.request.credential_recorded);
        assert_eq!(
            messages(&ex),
            vec!["status.description: Signature has expired"]
        );
    }

    #[test]
    fn otel_client_span_is_not_an_exchange() {
        let line = r#"{"name":"GET","kind":"SpanKind.CLIENT","context":{"span_id":"0x1"},"attributes":{"http.request.method":"GET","url.full":"https://api.example.com/v2/devices","http.response.status_code":401}}"#;
        assert!(items(line).is_empty());
    }

    #[test]
    fn otlp_export_with_client_and_server_spans_counts_once() {
        let line = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"gw"}}]},"scopeSpans":[{"scope":{"name":"x"},"spans":[{"traceId":"5b8a","spanId":"aa01","kind":3,"name":"GET","startTimeUnixNano":"1748858400123000000","attributes":[{"key":"http.request.method","value":{"stringValue":"GET"}},{"key":"url.full","value":{"stringValue":"https://api.example.com/v2/devices"}},{"key":"http.response.status_code","value":{"intValue":"401"}}]},{"traceId":"5b8a","spanId":"bb02","parentSpanId":"aa01","kind":2,"name":"GET /v2/devices","startTimeUnixNano":"1748858400124000000","attributes":[{"key":"http.request.method","value":{"stringValue":"GET"}},{"key":"url.path","value":{"stringValue":"/v2/devices"}},{"key":"server.address","value":{"stringValue":"api.example.com"}},{"key":"http.response.status_code","value":{"intValue":"401"}},{"key":"http.response.header.www-authenticate","value":{"arrayValue":{"values":[{"stringValue":"Bearer"}]}}}],"status":{"code":2,"message":"invalid token"}}]}]}]}"#;
        let ex = one(line);
        assert_eq!(ex.status(), Some(401));
        assert_eq!(ex.request.url, "https://api.example.com/v2/devices");
        assert_eq!(challenge(&ex), Some("Bearer"));
        assert!(!ex.request.headers_recorded && !ex.request.credential_recorded);
        assert_eq!(messages(&ex), vec!["status.message: invalid token"]);
        assert_eq!(
            why401_model::time::format_millis(&ex.server_time.unwrap().at),
            "2025-06-02T10:00:00.124Z"
        );
    }

    #[test]
    fn go_stdouttrace_span() {
        let line = r#"{"Name":"/v2/devices","SpanContext":{"TraceID":"5b8a","SpanID":"cc03"},"SpanKind":2,"StartTime":"2025-06-02T10:00:00.5Z","Attributes":[{"Key":"http.method","Value":{"Type":"STRING","Value":"DELETE"}},{"Key":"http.url","Value":{"Type":"STRING","Value":"https://api.example.com/v2/organizations/9"}},{"Key":"http.status_code","Value":{"Type":"INT64","Value":401}}],"Status":{"Code":"Error","Description":"missing bearer token"}}"#;
        let ex = one(line);
        assert_eq!(ex.status(), Some(401));
        assert_eq!(ex.request.method, "DELETE");
        assert_eq!(ex.request.url, "https://api.example.com/v2/organizations/9");
        assert_eq!(
            messages(&ex),
            vec!["Status.Description: missing bearer token"]
        );
    }

    #[test]
    fn ecs_nested_and_dotted() {
        let nested = r#"{"@timestamp":"2025-06-02T10:00:00.123Z","ecs":{"version":"8.11.0"},"http":{"request":{"method":"GET"},"response":{"status_code":401}},"url":{"original":"/v2/devices","domain":"api.example.com","path":"/v2/devices","scheme":"https"},"error":{"message":"JWT expired at 2025-06-02T09:59:00Z"},"message":"GET /v2/devices 401"}"#;
        let dotted = r#"{"@timestamp":"2025-06-02T10:00:00.123Z","ecs.version":"8.11.0","http.request.method":"GET","http.response.status_code":401,"url.full":"https://api.example.com/v2/devices","error.message":"JWT expired at 2025-06-02T09:59:00Z","log.level":"warn"}"#;
        for line in [nested, dotted] {
            let ex = one(line);
            assert_eq!(ex.status(), Some(401));
            assert_eq!(ex.request.method, "GET");
            assert_eq!(ex.request.url, "https://api.example.com/v2/devices");
            assert!(ex.request.headers.is_empty() && challenge(&ex).is_none());
            assert!(!ex.request.headers_recorded && !ex.request.credential_recorded);
            assert_eq!(
                messages(&ex),
                vec!["error.message: JWT expired at 2025-06-02T09:59:00Z"]
            );
        }
    }
}
