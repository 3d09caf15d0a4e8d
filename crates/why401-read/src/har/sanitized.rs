//! What a HAR tells of its exporter having removed request headers: the facts the reader
//! records on the input and on each exchange, so that judging needs no knowledge of HAR.

use why401_model::exchange::{Exchange, ExchangeNote, Request};
use why401_model::url::after_scheme;

/// The `log.creator.name` of Chromium's DevTools (Chrome, Edge): its HAR export leaves
/// out `Authorization` and `Cookie` unless "Allow to generate HAR with sensitive data" is
/// set (Chrome 130 and later). Source: Chromium DevTools frontend, `HARWriter`/`Log.ts`
/// (`creator: {name: 'WebInspector'}`); "What's new in DevTools, Chrome 130".
const CHROMIUM_DEVTOOLS: &str = "WebInspector";

/// The bytes `headersSize` may exceed the headers shown by before some count as removed
/// (line endings and spacing exporters count differently).
const SIZE_SLACK: usize = 16;

/// Whether the exporter named by `log.creator.name` removes credential headers.
pub fn strips_credentials(creator: &str) -> bool {
    creator == CHROMIUM_DEVTOOLS
}

/// Records on a HAR exchange what its export may have removed. Whoever wrote the export
/// is known only once `log.creator` is read, which may come after `entries`.
pub fn note_removals(exchange: &mut Exchange, headers_size: Option<u64>) {
    exchange.notes.push(ExchangeNote::ExportMayStripCredentials);
    if headers_size.is_some_and(|size| headers_removed(&exchange.request, size)) {
        exchange.notes.push(ExchangeNote::RequestHeadersRemoved);
    }
}

/// An HTTP/1.1 request whose declared `headersSize` is larger than its request line and
/// the headers that remain: some headers were deleted from the export.
fn headers_removed(request: &Request, headers_size: u64) -> bool {
    if !request.http_version.eq_ignore_ascii_case("http/1.1") {
        return false;
    }
    let request_line =
        request.method.len() + 1 + request_path(&request.url).len() + " HTTP/1.1\r\n".len();
    let headers: usize = request
        .headers
        .iter()
        .map(|h| h.name.len() + 2 + h.value.len() + 2)
        .sum();
    let remaining = request_line + headers + 2;
    headers_size as usize > remaining + SIZE_SLACK
}

/// The path of the request line: the URL's path without query or fragment.
fn request_path(url: &str) -> &str {
    let from_path =
        after_scheme(url).map_or(url, |rest| rest.find('/').map_or("/", |i| &rest[i..]));
    from_path.split(['?', '#']).next().unwrap_or(from_path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use why401_model::exchange::Location;

    fn request(version: &str, url: &str, headers: &[(&str, &str)]) -> Request {
        let mut request = Request::recorded("GET", url);
        request.http_version = version.to_owned();
        for (name, value) in headers {
            request.headers.push(*name, *value);
        }
        request
    }

    #[test]
    fn only_chromium_devtools_strips_credentials() {
        assert!(strips_credentials("WebInspector"));
        assert!(!strips_credentials("Firefox"));
        assert!(!strips_credentials("Fiddler"));
    }

    #[test]
    fn a_declared_size_past_the_headers_shown_means_removed_headers() {
        // "GET /a HTTP/1.1\r\n" (17) + "Host: x\r\n" (9) + "\r\n" (2) = 28.
        let shown = request("HTTP/1.1", "https://x/a?q=1#f", &[("Host", "x")]);
        assert!(!headers_removed(&shown, 28 + SIZE_SLACK as u64));
        assert!(headers_removed(&shown, 29 + SIZE_SLACK as u64));
        let http2 = request("HTTP/2", "https://x/a", &[("Host", "x")]);
        assert!(!headers_removed(&http2, 500));
    }

    #[test]
    fn every_har_exchange_notes_what_its_export_may_remove() {
        let mut exchange = Exchange::new(Location::Entry(0), request("http/1.1", "/", &[]));
        note_removals(&mut exchange, Some(400));
        assert_eq!(
            exchange.notes,
            vec![
                ExchangeNote::ExportMayStripCredentials,
                ExchangeNote::RequestHeadersRemoved
            ]
        );
        let mut exchange = Exchange::new(Location::Entry(0), request("http/1.1", "/", &[]));
        note_removals(&mut exchange, None);
        assert_eq!(
            exchange.notes,
            vec![ExchangeNote::ExportMayStripCredentials]
        );
    }
}
