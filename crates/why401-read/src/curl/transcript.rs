//! curl's `*` info lines (connection, TLS, the URL of the next request) and the `>` request
//! lines: what the request was and where it went.

use std::sync::LazyLock;

use chrono::NaiveTime;
use memchr::memmem::Finder;

use super::{CurlReader, CurlRequest};
use crate::headers::{
    HeaderBlock, parse_header_line, parse_request_line, split_origin, url_host, url_target,
};

impl CurlReader<'_, '_> {
    pub(super) fn info(&mut self, text: &str) {
        self.tls_record_next = text.starts_with("TLSv") || text.starts_with("SSLv");
        if ends_transfer(text) {
            self.end_open_response();
            self.announced.ended |= self.stdout.is_some();
        } else if text.starts_with("Trying ") {
            self.conn.tls = false;
        } else if text.starts_with("Re-using existing connection") {
            self.conn.reusing = true;
        } else if let Some(rest) = text.strip_prefix("Connected to ") {
            self.connected(rest);
        } else if let Some(rest) = text.strip_prefix("Established connection to ") {
            self.connected(rest);
        } else if let Some(rest) = text.strip_prefix("Host ")
            && let Some(host) = rest.strip_suffix(" was resolved.")
        {
            self.set_host_port(host);
        } else if let Some(url) = quoted_after(text, &ISSUE_ANOTHER) {
            self.next_url = Some(url.to_owned());
            self.issued_another = true;
        } else if let Some(at) = find(&OPENED_STREAM, text) {
            self.next_url = Some(text[at + 18..].trim().to_owned());
        } else if let Some(at) = find(&PSEUDO_HEADER, text) {
            self.pseudo_header(&text[at + 1..]);
        } else if let Some(at) = find(&PROXY_TUNNEL, text) {
            self.set_host_port(text[at + 16..].trim());
        } else if is_tls_marker(text) {
            self.conn.tls = true;
        }
    }

    /// `api.example.com (203.0.113.7) port 443 (#0)` (≤ 8.15) or
    /// `api.example.com (203.0.113.7 port 443) from 10.0.0.2 port 51234` (≥ 8.16).
    fn connected(&mut self, rest: &str) {
        let host = rest.split_whitespace().next().unwrap_or("");
        let port = rest
            .split_once("port ")
            .and_then(|(_, p)| p.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|p| p.parse().ok());
        self.conn.host = Some(host.to_owned());
        self.conn.port = port;
        self.conn.tls &= std::mem::take(&mut self.conn.reusing);
    }

    fn set_host_port(&mut self, host_port: &str) {
        let (host, port) = match host_port.rsplit_once(':') {
            Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => (h, p.parse().ok()),
            _ => (host_port, None),
        };
        self.conn.host = Some(host.trim_matches(['[', ']']).to_owned());
        self.conn.port = port;
    }

    /// `:authority: api.example.com]` from `h2h3 [...]` / `[HTTP/2] [1] [...]`. Only the
    /// pseudo-headers are taken: the regular headers are repeated in the `>` block.
    fn pseudo_header(&mut self, text: &str) {
        let text = text.trim_end().trim_end_matches(']');
        match parse_header_line(text) {
            Some((":authority", value)) => self.pseudo.authority = Some(value.to_owned()),
            Some((":scheme", value)) => self.pseudo.scheme = Some(value.to_owned()),
            _ => {}
        }
    }

    pub(super) fn request_line(&mut self, n: u64, time: Option<NaiveTime>, text: &str) {
        if let Some(request) = self.request.as_mut()
            && request.in_headers
        {
            if text.trim().is_empty() {
                self.end_request_headers();
                return;
            }
            if parse_request_line(text).is_none() {
                request.headers.push_line(text);
                return;
            }
        }
        if let Some(line) = parse_request_line(text) {
            self.flush_done();
            // A request still waiting for its response got none: not an exchange.
            self.request = Some(CurlRequest {
                line: n,
                time,
                method: line.method.to_owned(),
                target: line.target.to_owned(),
                version: line.version.to_owned(),
                headers: HeaderBlock::new(),
                in_headers: true,
                url: String::new(),
                body: None,
                data_placeholder: false,
                connect: line.method == "CONNECT",
                redirected_from: None,
            });
        }
    }

    pub(super) fn end_request_headers(&mut self) {
        let Some(mut request) = self.request.take() else {
            return;
        };
        request.in_headers = false;
        if request.connect {
            self.set_host_port(&request.target.clone());
        } else {
            request.url = self.request_url(&request.target, &request.headers);
            if let Some((from, to)) = self.last_redirect.take()
                && (self.issued_another || to == request.url)
            {
                request.redirected_from = Some(from);
            }
            self.issued_another = false;
        }
        self.request = Some(request);
    }

    /// The absolute URL of a request: from what curl named, else from `Host` /
    /// `:authority` / the connection, https when TLS was seen or the port is 443.
    fn request_url(&mut self, target: &str, headers: &HeaderBlock) -> String {
        let next_url = self.next_url.take();
        let pseudo = std::mem::take(&mut self.pseudo);
        if split_origin(target).is_some() {
            return target.to_owned();
        }
        if let Some(url) = &next_url
            && url_target(url) == target
        {
            return url.clone();
        }
        let conn_host = self.conn.host.as_ref().map(|h| match self.conn.port {
            Some(p) if p != 80 && p != 443 => format!("{h}:{p}"),
            _ => h.clone(),
        });
        let host = headers
            .get("host")
            .map(str::to_owned)
            .or(pseudo.authority)
            .or_else(|| next_url.as_deref().and_then(url_host))
            .or(conn_host);
        let Some(host) = host else {
            return target.to_owned();
        };
        let named_scheme = next_url
            .as_deref()
            .filter(|u| url_host(u).as_deref() == Some(&host.to_ascii_lowercase()))
            .and_then(|u| u.split("://").next().map(str::to_owned));
        let tls = self.conn.tls || self.conn.port == Some(443) || host.ends_with(":443");
        // Without TLS lines, a port or a named URL the scheme is unknown: written `//host`.
        let plain = self.conn.port.is_some() || host.ends_with(":80");
        let scheme = pseudo.scheme.or(named_scheme).or_else(|| {
            if tls {
                Some("https".into())
            } else {
                plain.then(|| "http".into())
            }
        });
        match scheme {
            Some(scheme) => format!("{scheme}://{host}{target}"),
            None => format!("//{host}{target}"),
        }
    }

    pub(super) fn sent_placeholder(&mut self) {
        // An interim response (`100 Continue`) pasted without its blank line ends here.
        self.end_open_response();
        if let Some(request) = self.request.as_mut()
            && !request.in_headers
        {
            request.data_placeholder = true;
        }
    }

    /// `{ [N bytes data]`: the response head is over and N bytes of body were received.
    pub(super) fn received_placeholder(&mut self, rest: &str) {
        self.end_open_response();
        if self.stdout.is_some()
            && let Some(bytes) = placeholder_bytes(rest)
        {
            let received = self.announced.received.unwrap_or(0);
            self.announced.received = Some(received.saturating_add(bytes));
        }
    }
}

/// Whether curl's info line says a transfer is over (its body, if any, printed after it).
fn ends_transfer(info: &str) -> bool {
    (info.starts_with("Connection #") && info.contains("left intact"))
        || info.starts_with("Closing connection")
        || info.starts_with("shutting down connection")
}

/// `{ [1256 bytes data]` → 1256.
fn placeholder_bytes(rest: &str) -> Option<usize> {
    rest.strip_prefix('[')?
        .strip_suffix(" bytes data]")?
        .parse()
        .ok()
}

// Phrases looked for anywhere in an info line. A transcript is mostly info lines (TLS
// handshake steps) that hold none of them, so each searcher is built once, not per line.
static ISSUE_ANOTHER: LazyLock<Finder> =
    LazyLock::new(|| Finder::new("Issue another request to this URL: "));
static OPENED_STREAM: LazyLock<Finder> = LazyLock::new(|| Finder::new("OPENED stream for "));
static PSEUDO_HEADER: LazyLock<Finder> = LazyLock::new(|| Finder::new("[:"));
static PROXY_TUNNEL: LazyLock<Finder> = LazyLock::new(|| Finder::new("proxy tunnel to "));

/// Where `finder`'s phrase starts in `text`.
fn find(finder: &Finder, text: &str) -> Option<usize> {
    finder.find(text.as_bytes())
}

/// `text` after `prefix`, inside single quotes.
fn quoted_after<'t>(text: &'t str, prefix: &Finder) -> Option<&'t str> {
    let at = find(prefix, text)?;
    let rest = text[at + prefix.needle().len()..].trim();
    Some(rest.trim_matches('\''))
}

fn is_tls_marker(text: &str) -> bool {
    text.contains("TLSv1")
        || text.contains("SSL connection using")
        || text.starts_with("ALPN")
        || text.contains("SSL certificate")
        || text.starts_with("Server certificate")
        || text.contains("TLS handshake")
}
