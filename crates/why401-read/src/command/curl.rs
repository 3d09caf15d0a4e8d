//! curl's command line: its options, short-option clusters, data and URLs.

use super::shell::Word;
use super::{Builder, Command, Tool, looks_like_url};
use crate::headers::split_origin;
use why401_model::exchange::percent_decode;

/// curl options that take an argument (long names without `--`).
#[rustfmt::skip]
const CURL_LONG_WITH_ARG: &[&str] = &[
    "abstract-unix-socket", "alt-svc", "aws-sigv4", "cacert", "capath", "cert", "cert-type",
    "ciphers", "config", "connect-timeout", "connect-to", "continue-at", "cookie", "cookie-jar",
    "create-file-mode", "crlfile", "curves", "data", "data-ascii", "data-binary", "data-raw",
    "data-urlencode", "delegation", "dns-interface", "dns-ipv4-addr", "dns-ipv6-addr",
    "dns-servers", "doh-url", "dump-header", "ech", "egd-file", "engine", "etag-compare",
    "etag-save", "expect100-timeout", "form", "form-string", "ftp-account",
    "ftp-alternative-to-user", "ftp-method", "ftp-port", "ftp-ssl-ccc-mode",
    "happy-eyeballs-timeout-ms", "haproxy-clientip", "header", "hostpubmd5", "hostpubsha256",
    "hsts", "interface", "ip-tos", "ipfs-gateway", "json", "keepalive-cnt", "keepalive-time",
    "key", "key-type", "krb", "libcurl", "limit-rate", "local-port", "login-options",
    "mail-auth", "mail-from", "mail-rcpt", "max-filesize", "max-redirs", "max-time",
    "netrc-file", "noproxy", "oauth2-bearer", "output", "output-dir", "parallel-max", "pass",
    "pinnedpubkey", "preproxy", "proto", "proto-default", "proto-redir", "proxy",
    "proxy-cacert", "proxy-capath", "proxy-cert", "proxy-cert-type", "proxy-ciphers",
    "proxy-crlfile", "proxy-header", "proxy-key", "proxy-key-type", "proxy-pass",
    "proxy-pinnedpubkey", "proxy-service-name", "proxy-tls13-ciphers", "proxy-tlsauthtype",
    "proxy-tlspassword", "proxy-tlsuser", "proxy-user", "proxy1.0", "pubkey", "quote",
    "random-file", "range", "rate", "referer", "request", "request-target", "resolve", "retry",
    "retry-delay", "retry-max-time", "sasl-authzid", "service-name", "socks4", "socks4a",
    "socks5", "socks5-gssapi-service", "socks5-hostname", "speed-limit", "speed-time", "stderr",
    "telnet-option", "tftp-blksize", "time-cond", "tls-max", "tls13-ciphers", "tlsauthtype",
    "tlspassword", "tlsuser", "trace", "trace-ascii", "trace-config", "unix-socket",
    "upload-file", "url", "url-query", "user", "user-agent", "variable", "write-out",
];

/// curl short options that take an argument.
const CURL_SHORT_WITH_ARG: &str = "AbcCdDeEFHKmoPQrtTuUwxXyYz";

fn curl_long_for_short(c: char) -> Option<&'static str> {
    Some(match c {
        'A' => "user-agent",
        'b' => "cookie",
        'd' => "data",
        'e' => "referer",
        'F' => "form",
        'G' => "get",
        'H' => "header",
        'I' => "head",
        'K' => "config",
        'L' => "location",
        'n' => "netrc",
        'T' => "upload-file",
        'u' => "user",
        'X' => "request",
        _ => return None,
    })
}

pub(super) fn parse_curl(args: &[Word]) -> Option<Command> {
    let mut b = Builder::default();
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        i += 1;
        let text = word.text.as_str();
        if let Some(long) = text.strip_prefix("--") {
            if long.is_empty() {
                continue;
            }
            let name = long.strip_prefix("expand-").unwrap_or(long);
            if CURL_LONG_WITH_ARG.contains(&name) {
                let Some(value) = args.get(i) else { break };
                i += 1;
                let mut value = value.clone();
                if long.starts_with("expand-") && value.text.contains("{{") {
                    value.expands = true;
                }
                curl_option(&mut b, name, &value);
            } else {
                curl_flag(&mut b, name);
            }
        } else if text.len() > 1 && text.starts_with('-') {
            i = curl_short_cluster(&mut b, word, args, i);
        } else if looks_like_url(&word.text) {
            b.urls.push(normalize_curl_url(&word.text));
            if word.expands {
                b.credential_unrecorded |= url_carries_credential(&word.text);
            }
        }
    }
    b.finish(Tool::Curl)
}

/// `-sSLk`, `-XPOST`, `-H 'x: y'`: returns the index of the next unread word.
fn curl_short_cluster(b: &mut Builder, word: &Word, args: &[Word], mut i: usize) -> usize {
    let flags: Vec<char> = word.text.chars().skip(1).collect();
    for (k, &c) in flags.iter().enumerate() {
        if CURL_SHORT_WITH_ARG.contains(c) {
            let attached: String = flags[k + 1..].iter().collect();
            let value = if attached.is_empty() {
                let Some(next) = args.get(i) else { return i };
                i += 1;
                next.clone()
            } else {
                Word {
                    text: attached,
                    expands: word.expands,
                }
            };
            if let Some(name) = curl_long_for_short(c) {
                curl_option(b, name, &value);
            }
            return i;
        }
        if let Some(name) = curl_long_for_short(c) {
            curl_flag(b, name);
        }
    }
    i
}

fn curl_flag(b: &mut Builder, name: &str) {
    match name {
        "location" => b.follow = true,
        "location-trusted" => b.trusted = true,
        "get" => b.get_mode = true,
        "head" => b.head = true,
        "netrc" | "netrc-optional" => b.credential_unrecorded = true,
        "digest" | "ntlm" | "ntlm-wb" | "negotiate" | "anyauth" => b.multi_pass = true,
        _ => {}
    }
}

fn curl_option(b: &mut Builder, name: &str, value: &Word) {
    let text = value.text.as_str();
    match name {
        "request" => b.method = Some(text.to_owned()),
        "url" => b.urls.push(normalize_curl_url(text)),
        "header" => b.header_arg(value),
        "user" => b.user = Some(value.clone()),
        "oauth2-bearer" => {
            b.credential_unrecorded |= value.expands;
            b.headers
                .retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
            b.headers
                .push(("Authorization".into(), format!("Bearer {text}")));
        }
        "cookie" => {
            if text.contains('=') {
                b.credential_unrecorded |= value.expands;
                b.headers.push(("Cookie".into(), text.to_owned()));
            } else {
                // A cookie file: its cookies are not in the paste.
                b.credential_unrecorded = true;
            }
        }
        "data" | "data-ascii" | "data-binary" | "data-raw" | "data-urlencode" | "json" => {
            curl_data(b, name, value)
        }
        "form" | "form-string" | "upload-file" => {
            b.body_unrecorded = true;
            if name == "upload-file" && b.method.is_none() {
                b.method = Some("PUT".into());
            }
        }
        "user-agent" => b.headers.push(("User-Agent".into(), text.to_owned())),
        "referer" => b.headers.push(("Referer".into(), text.to_owned())),
        "config" | "netrc-file" | "aws-sigv4" => b.credential_unrecorded = true,
        _ => {}
    }
}

fn curl_data(b: &mut Builder, name: &str, value: &Word) {
    let text = value.text.as_str();
    if name == "json" {
        b.content_type = Some("application/json".into());
        b.set_default_header("Accept", "application/json");
    }
    if text.starts_with('@') && name != "data-raw" {
        b.body_unrecorded = true;
        return;
    }
    if name == "data-urlencode" {
        b.data.push(urlencode_data(text));
    } else {
        b.data.push(text.to_owned());
    }
    if value.expands && text.contains("secret") | text.contains("token") | text.contains("password")
    {
        b.credential_unrecorded = true;
    }
}

/// `--data-urlencode` forms: `content`, `=content`, `name=content`.
fn urlencode_data(text: &str) -> String {
    match text.split_once('=') {
        Some(("", content)) => percent_encode(content),
        Some((name, content)) => format!("{name}={}", percent_encode(content)),
        None => percent_encode(text),
    }
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// curl guesses `http://` for a URL without a scheme.
fn normalize_curl_url(text: &str) -> String {
    let text = text.trim();
    if split_origin(text).is_some() {
        text.to_owned()
    } else {
        format!("http://{text}")
    }
}

/// A URL whose query carries a credential-like parameter.
fn url_carries_credential(url: &str) -> bool {
    url.split_once('?').is_some_and(|(_, query)| {
        query.split('&').any(|pair| {
            let name = pair.split('=').next().unwrap_or("");
            why401_model::secret_names::is_secret_param(&percent_decode(name))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Command, Tool, parse};
    use why401_model::exchange::Request;

    fn body_text(request: &Request) -> Option<&str> {
        request.body.as_ref().map(|b| b.text.as_str())
    }

    fn curl(text: &str) -> Command {
        parse(text, Tool::Curl).unwrap()
    }

    #[test]
    fn curl_without_credentials_records_none() {
        let c = curl("curl -i https://api.example.com/v2/devices");
        assert_eq!(c.request.method, "GET");
        assert_eq!(c.request.url, "https://api.example.com/v2/devices");
        assert!(c.request.headers_recorded);
        assert!(c.request.credential_recorded);
        assert!(!c.request.headers.contains("authorization"));
    }

    #[test]
    fn curl_headers_user_and_bearer() {
        let c = curl(
            "curl -sS -X POST 'https://api.example.com/v2/devices/7/actions' -H 'Authorization: Bearer abc.def.ghi' --header \"Content-Type: application/json\" -d '{\"a\":1}' -L",
        );
        assert_eq!(c.request.method, "POST");
        assert_eq!(
            c.request.headers.get("authorization"),
            Some("Bearer abc.def.ghi")
        );
        assert_eq!(
            c.request.headers.get("content-type"),
            Some("application/json")
        );
        assert_eq!(body_text(&c.request), Some("{\"a\":1}"));
        assert!(c.follow_redirects && c.method_explicit);

        let c = curl("curl -u alice:s3cret https://api.example.com/v2/policies");
        assert_eq!(
            c.request.headers.get("authorization"),
            Some("Basic YWxpY2U6czNjcmV0")
        );
        assert!(c.request.credential_recorded);

        let c = curl("curl --oauth2-bearer tok123 https://api.example.com/x");
        assert_eq!(
            c.request.headers.get("authorization"),
            Some("Bearer tok123")
        );

        let c = curl("curl -XPUT -HX-Trace:1 https://api.example.com/x");
        assert_eq!(c.request.method, "PUT");
        assert_eq!(c.request.headers.get("x-trace"), Some("1"));
    }

    #[test]
    fn prose_after_curl_is_not_a_command() {
        assert!(parse("curl returns 401 for me", Tool::Curl).is_none());
        assert!(parse("curl", Tool::Curl).is_none());
    }

    #[test]
    fn curl_form_and_cookie() {
        let c = curl(
            "curl https://auth.example.com/oauth/token -d grant_type=client_credentials -d client_id=app --data-urlencode 'scope=read write' -b 'session=abc'",
        );
        assert_eq!(c.request.method, "POST");
        assert_eq!(
            c.request.form_param("grant_type"),
            Some("client_credentials")
        );
        assert_eq!(c.request.form_param("scope"), Some("read write"));
        assert_eq!(c.request.headers.get("cookie"), Some("session=abc"));
        let c = curl("curl -G -d limit=5 https://api.example.com/v2/devices");
        assert_eq!(c.request.method, "GET");
        assert_eq!(c.request.url, "https://api.example.com/v2/devices?limit=5");
    }

    #[test]
    fn credentials_not_in_the_paste() {
        for text in [
            "curl -n https://api.example.com/x",
            "curl --netrc-file ~/.netrc https://api.example.com/x",
            "curl -K creds.cfg https://api.example.com/x",
            "curl -H @headers.txt https://api.example.com/x",
            "curl -H \"Authorization: Bearer $TOKEN\" https://api.example.com/x",
            "curl -u \"$USER:$PASS\" https://api.example.com/x",
            "curl -u alice https://api.example.com/x",
            "curl --digest -u alice:pw https://api.example.com/x",
        ] {
            let c = curl(text);
            assert!(!c.request.credential_recorded, "{text}");
            assert!(c.request.headers_recorded, "{text}");
        }
        // Single quotes send `$TOKEN` literally: that is what the server got.
        let c = curl("curl -H 'Authorization: Bearer $TOKEN' https://api.example.com/x");
        assert!(c.request.credential_recorded);
        assert_eq!(
            c.request.headers.get("authorization"),
            Some("Bearer $TOKEN")
        );
    }
}
