//! `-f html`: the samples' page pinned as a golden file, and a capture full of hostile
//! strings (script tags, attribute breakers, `javascript:` URLs, bidirectional overrides, in
//! headers, bodies, paths and the file name) that must come out as inert text.

mod common;

use std::path::Path;

use common::{root, why401};

fn html_of(args: &[&str]) -> String {
    let output = why401()
        .args(["analyze", "--no-progress", "-f", "html"])
        .args(args)
        .output()
        .expect("runs");
    assert!(
        matches!(output.status.code(), Some(0..=2)),
        "{:?}",
        output.status
    );
    String::from_utf8(output.stdout).expect("UTF-8 page")
}

#[test]
fn golden_html() {
    let actual = html_of(&["--profile", "samples/profile.toml", "samples/"]);
    let golden = root().join("tests/golden/samples.html");
    let expected = std::fs::read_to_string(&golden).unwrap_or_default();
    if expected != actual {
        let new = golden.with_extension("html.new");
        std::fs::write(&new, &actual).expect("write .new");
        let diff = similar::TextDiff::from_lines(&expected, &actual)
            .unified_diff()
            .context_radius(2)
            .to_string();
        panic!(
            "the page differs from {}; the actual one is in {} (mv it over the golden after reading the diff)\n{diff}",
            golden.display(),
            new.display()
        );
    }
}

/// A pasted exchange whose every captured string is an attack on the page (the browser test
/// opens its page too).
const HOSTILE: &str = include_str!("browser/hostile.http");

fn write_hostile(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("paste\"><script>alert(7)<\u{202e}txt.http");
    std::fs::write(&path, HOSTILE).expect("write capture");
    path
}

#[test]
fn hostile_strings_are_inert() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_hostile(dir.path());
    let page = html_of(&[path.to_str().expect("path")]);
    // Our two script elements (the data block and the filters), nothing else.
    assert_eq!(page.matches("<script").count(), 2, "{page}");
    for forbidden in ["<img", "<svg/", "href=\"javascript", "\u{202e}", "\u{2066}"] {
        assert!(!page.contains(forbidden), "{forbidden:?} in the page");
    }
    assert!(page.contains("&quot;&gt;&lt;img/src=x/onerror=alert(2)&gt;"));
    assert!(page.contains("&lt;/script&gt;&lt;script&gt;alert(4)"));
    let data = page
        .split("id=\"why401-summary\">")
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("summary data");
    assert!(!data.contains('<'), "{data}");
}

#[test]
fn the_page_asks_for_nothing_from_the_network() {
    let page = html_of(&["--profile", "samples/profile.toml", "samples/"]);
    let policy = page
        .split("Content-Security-Policy\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSP meta tag");
    assert!(policy.starts_with("default-src 'none'"), "{policy}");
    for fetching in [
        "src=\"http",
        "<link",
        "@import",
        "url(http",
        "<iframe",
        "<img",
    ] {
        assert!(!page.contains(fetching), "{fetching}");
    }
}
