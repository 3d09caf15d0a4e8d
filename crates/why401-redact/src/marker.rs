//! The markers `why401 sanitize` writes where a secret was: `(why401~KIND~ID~FLAG…)`.
//!
//! `KIND` is the credential's kind as `analyze` reports it (`jwt`, `opaque`, `api_key`,
//! `cookie`, `password`…, or `signature` for a JWT's signature alone), `ID` its fingerprint
//! (`fp_…`, the one `analyze` shows) or, for a secret too short to fingerprint safely, a
//! per-output id (`id3`), and each `FLAG` a defect of the value as sent (`whitespace@17`,
//! `truncated-payload`…). A known non-secret token prefix may stand before the marker
//! (`ghp_(why401~opaque~fp_…)`). The grammar lives here so that the sanitizer that writes a
//! marker and the judge that reads one agree: no `~`, `)`, `=`, `;`, `,`, quote or space in
//! a field, so a marker survives headers, cookies, JSON strings, URLs and the brackets of ticket text
//! (which readers take apart, so a marker is wrapped in parentheses).

/// What starts every marker.
pub const OPEN: &str = "(why401~";

/// A marker read back: its kind, id and flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker<'a> {
    /// Text before the marker: a known token prefix (`ghp_`), or empty.
    pub prefix: &'a str,
    pub kind: &'a str,
    pub id: &'a str,
    pub flags: Vec<&'a str>,
}

/// Writes a marker.
pub fn format(kind: &str, id: &str, flags: &[String]) -> String {
    let mut out = format!("{OPEN}{kind}~{id}");
    for flag in flags {
        out.push('~');
        out.push_str(flag);
    }
    out.push(')');
    out
}

/// Reads a value that is a marker, with at most a known token prefix before it.
pub fn parse(value: &str) -> Option<Marker<'_>> {
    let start = value.find(OPEN)?;
    let prefix = &value[..start];
    if !prefix.is_empty() && crate::token_prefixes().iter().all(|p| p.prefix != prefix) {
        return None;
    }
    let inner = value[start + OPEN.len()..].strip_suffix(')')?;
    if !inner.bytes().all(is_field_byte_or_tilde) {
        return None;
    }
    let mut fields = inner.split('~');
    let kind = fields.next().filter(|k| !k.is_empty())?;
    let id = fields.next().filter(|i| !i.is_empty())?;
    Some(Marker {
        prefix,
        kind,
        id,
        flags: fields.collect(),
    })
}

/// Whether `value` contains a marker anywhere (a value already sanitized).
pub fn contains(value: &str) -> bool {
    value.contains(OPEN)
}

fn is_field_byte_or_tilde(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"~_-@.".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_reads_back_as_written() {
        let text = format("jwt", "fp_0123456789ab", &["whitespace@17".into()]);
        assert_eq!(text, "(why401~jwt~fp_0123456789ab~whitespace@17)");
        let marker = parse(&text).expect("a marker");
        assert_eq!(marker.kind, "jwt");
        assert_eq!(marker.id, "fp_0123456789ab");
        assert_eq!(marker.flags, vec!["whitespace@17"]);
        assert_eq!(marker.prefix, "");
    }

    #[test]
    fn a_known_prefix_may_stand_before_it_and_nothing_else() {
        let marker = parse("ghp_(why401~opaque~fp_0123456789ab)").expect("a marker");
        assert_eq!(marker.prefix, "ghp_");
        assert!(parse("eyJ.eyJ.(why401~signature~fp_0)").is_none());
        assert!(parse("(why401~opaque)").is_none());
        assert!(parse("(why401~opaque~fp 1)").is_none());
        assert!(contains("Bearer (why401~opaque~id1)"));
    }
}
