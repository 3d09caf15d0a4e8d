//! Traefik's JSON access log: `DownstreamStatus` is what the client received (`OriginStatus`
//! is absent or 0 when a middleware such as ForwardAuth answered). Headers are flattened into
//! `request_<Name>`, `downstream_<Name>` and `origin_<Name>` keys, kept, dropped or redacted
//! one by one, so an absent `request_Authorization` says nothing.

use super::draft::{Draft, compose_url, status_at};
use super::record::Found;
use super::value::{Obj, Val};

pub fn matches(obj: &Obj) -> bool {
    obj.has("DownstreamStatus")
        || obj.has("OriginStatus")
        || (obj.has("RequestMethod") && obj.has("RequestPath"))
}

pub fn map(obj: &Obj) -> Found {
    let Some(status) = status_at(obj, &["DownstreamStatus", "OriginStatus"]) else {
        return Found::Nothing;
    };
    let mut draft = Draft::new(status);
    draft.time_from([obj.get("StartUTC"), obj.get("StartLocal"), obj.get("time")]);
    let text = |k: &str| obj.text(k);
    draft.method = text("RequestMethod").unwrap_or_default().into_owned();
    draft.http_version = text("RequestProtocol").unwrap_or_default().into_owned();
    let host = text("RequestHost").or_else(|| text("RequestAddr"));
    draft.url = compose_url(
        text("RequestScheme").as_deref(),
        host.as_deref(),
        &text("RequestPath").unwrap_or_default(),
    );
    read_headers(obj, &mut draft);
    Found::One(draft)
}

fn read_headers(obj: &Obj, draft: &mut Draft) {
    for (key, raw) in obj.iter() {
        let value = Val::of(raw);
        if let Some(name) = key.strip_prefix("request_") {
            draft.request_field(name, &value);
        } else if let Some(name) = key.strip_prefix("downstream_") {
            draft.response_field(name, &value);
        }
    }
    // The origin's headers only where the client's are not logged.
    for (key, raw) in obj.iter() {
        if let Some(name) = key.strip_prefix("origin_") {
            draft.response_field(name, &Val::of(raw));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::record::testing::{challenge, one};

    #[test]
    fn forward_auth_401() {
        let line = r#"{"ClientAddr":"10.0.0.5:51544","ClientHost":"10.0.0.5","DownstreamContentSize":17,"DownstreamStatus":401,"Duration":1834000,"OriginStatus":0,"RequestAddr":"api.example.com","RequestHost":"api.example.com","RequestMethod":"GET","RequestPath":"/v2/devices?limit=5","RequestProtocol":"HTTP/2.0","RequestScheme":"https","RouterName":"api@file","StartUTC":"2025-06-02T10:00:00.123456789Z","downstream_Www-Authenticate":"Bearer error=\"invalid_token\"","request_Authorization":"REDACTED","request_User-Agent":"curl/8.5.0","level":"info","msg":"","time":"2025-06-02T10:00:00Z"}"#;
        let ex = one(line);
        assert_eq!(ex.status(), Some(401));
        assert_eq!(ex.request.method, "GET");
        assert_eq!(ex.request.url, "https://api.example.com/v2/devices?limit=5");
        assert_eq!(ex.request.headers.get("authorization"), Some("REDACTED"));
        assert_eq!(challenge(&ex), Some("Bearer error=\"invalid_token\""));
        assert!(ex.request.headers_recorded && ex.request.credential_recorded);
        assert!(ex.server_messages.is_empty());
        assert_eq!(
            why401_model::time::format_millis(&ex.server_time.unwrap().at),
            "2025-06-02T10:00:00.123Z"
        );
    }

    #[test]
    fn chosen_headers_without_authorization_say_nothing() {
        let line = r#"{"DownstreamStatus":401,"RequestMethod":"GET","RequestPath":"/v2/devices","RequestHost":"api.example.com","request_User-Agent":"curl/8.5.0","origin_Www-Authenticate":"Bearer"}"#;
        let ex = one(line);
        assert!(ex.request.headers_recorded);
        assert!(!ex.request.credential_recorded);
        assert_eq!(challenge(&ex), Some("Bearer"));
    }
}
