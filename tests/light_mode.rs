//! The JSON-lines reader's light mode drops the request headers of a record nothing judges
//! when they are in its table of inert headers; the capture history must never read one.

use why401::evidence::credential::{is_api_key_header, is_wrong_authorization_name};
use why401::parse::jsonl::INERT_REQUEST_HEADERS;

#[test]
fn no_inert_request_header_carries_a_credential() {
    for (name, _, _) in INERT_REQUEST_HEADERS {
        assert!(!is_api_key_header(name), "{name}");
        assert!(!is_wrong_authorization_name(name), "{name}");
        assert!(
            !["authorization", "cookie", "dpop"].contains(name),
            "{name}"
        );
    }
}
