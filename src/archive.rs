//! Archives (`.tar`, `.tar.gz`, `.zip`, and archives inside archives), read in memory or
//! streamed, never extracted to disk. Each member becomes a source named
//! `<archive>!/<member path>`. Decompression is bounded per member and per archive so a bomb
//! is an error for that member, never an exhausted machine.

use std::io::{self, Cursor, Read};

use crate::input::Peeked;
use crate::pipeline::{ReadOptions, SourceOutput, failed};

/// Bounds on what archives may expand to. Each is overridable on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Decompressed bytes of one member (or one `.gz` stream).
    pub member_bytes: u64,
    /// Bytes an archive may take in total: decompressed members of a tar, or the in-memory
    /// copy of a zip (zip needs random access).
    pub archive_bytes: u64,
    /// How deep archives may nest inside archives.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            member_bytes: 4 << 30,
            archive_bytes: 16 << 30,
            max_depth: 8,
        }
    }
}

/// A reader that fails once more than `limit` bytes came through it.
pub fn bounded<'a>(inner: Box<dyn Read + 'a>, limit: u64) -> Box<dyn Read + 'a> {
    Box::new(Bounded {
        inner,
        left: limit,
        limit,
    })
}

struct Bounded<'a> {
    inner: Box<dyn Read + 'a>,
    left: u64,
    limit: u64,
}

impl Read for Bounded<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // One more byte means the bound is passed (not merely reached).
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(limit_error(self.limit)),
            };
        }
        let want = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

fn limit_error(limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "decompressed size passes the limit of {} bytes (raise it with --max-member-size)",
            limit
        ),
    )
}

/// A member's name: the archive's source name, `!/`, the member path with leading `./` or
/// `/` dropped and `\` turned into `/`.
pub fn member_name(archive: &str, path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut path = path.as_str();
    loop {
        if let Some(rest) = path.strip_prefix("./") {
            path = rest;
        } else if let Some(rest) = path.strip_prefix('/') {
            path = rest;
        } else {
            break;
        }
    }
    format!("{archive}!/{path}")
}

/// Expands a tar or zip archive, handing each member to `read_member` (which recurses for
/// nested archives and compression).
pub fn expand<'a>(
    name: &str,
    peeked: Peeked<'a>,
    options: ReadOptions,
    depth: usize,
    mut read_member: impl FnMut(&str, Box<dyn Read + '_>, usize) -> Vec<SourceOutput>,
) -> Vec<SourceOutput> {
    if depth >= options.limits.max_depth {
        return vec![failed(
            name,
            format!(
                "archives nested more than {} deep; not read",
                options.limits.max_depth
            ),
        )];
    }
    let is_zip = peeked.prefix.starts_with(b"PK");
    if is_zip {
        expand_zip(name, peeked, options, depth, &mut read_member)
    } else {
        expand_tar(name, peeked, options, depth, &mut read_member)
    }
}

type MemberReader<'r> = dyn FnMut(&str, Box<dyn Read + '_>, usize) -> Vec<SourceOutput> + 'r;

fn expand_tar(
    name: &str,
    peeked: Peeked<'_>,
    options: ReadOptions,
    depth: usize,
    read_member: &mut MemberReader<'_>,
) -> Vec<SourceOutput> {
    let mut outputs = Vec::new();
    let total = bounded(Box::new(peeked.reader), options.limits.archive_bytes);
    let mut archive = tar::Archive::new(total);
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(err) => return vec![failed(name, format!("cannot read tar archive: {err}"))],
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                outputs.push(failed(name, format!("tar archive broken: {err}")));
                break;
            }
        };
        let path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let member = member_name(name, &path);
        let kind = entry.header().entry_type();
        if kind.is_symlink() || kind.is_hard_link() {
            outputs.push(link_member(&member));
            continue;
        }
        if !kind.is_file() {
            continue;
        }
        let reader = bounded(Box::new(entry), options.limits.member_bytes);
        outputs.extend(read_member(&member, reader, depth + 1));
    }
    outputs
}

fn expand_zip(
    name: &str,
    peeked: Peeked<'_>,
    options: ReadOptions,
    depth: usize,
    read_member: &mut MemberReader<'_>,
) -> Vec<SourceOutput> {
    let mut bytes = Vec::new();
    let limit = options.limits.archive_bytes;
    if let Err(err) = peeked.reader.take(limit + 1).read_to_end(&mut bytes) {
        return vec![failed(name, format!("cannot read zip archive: {err}"))];
    }
    if bytes.len() as u64 > limit {
        return vec![failed(name, limit_error(limit).to_string())];
    }
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive,
        Err(err) => return vec![failed(name, format!("cannot read zip archive: {err}"))],
    };
    let mut outputs = Vec::new();
    for i in 0..archive.len() {
        let file = match archive.by_index(i) {
            Ok(file) => file,
            Err(err) => {
                outputs.push(failed(
                    &format!("{name}!/#{i}"),
                    format!("zip member cannot be read: {err}"),
                ));
                continue;
            }
        };
        let member = member_name(name, file.name());
        if file.is_dir() {
            continue;
        }
        if file.is_symlink() {
            outputs.push(link_member(&member));
            continue;
        }
        let reader = bounded(Box::new(file), options.limits.member_bytes);
        outputs.extend(read_member(&member, reader, depth + 1));
    }
    outputs
}

fn link_member(member: &str) -> SourceOutput {
    let mut output = crate::pipeline::text_source(member);
    output.stats.note(
        "link_skipped",
        "a symbolic or hard link inside the archive; not followed",
    );
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names() {
        assert_eq!(member_name("b.zip", "./logs/x.json"), "b.zip!/logs/x.json");
        assert_eq!(member_name("b.tar", "/abs/x"), "b.tar!/abs/x");
        assert_eq!(member_name("b.zip", "dir\\y.har"), "b.zip!/dir/y.har");
    }

    #[test]
    fn bounded_reader_fails_past_the_limit() {
        let mut ok = String::new();
        bounded(Box::new(&b"12345"[..]), 5)
            .read_to_string(&mut ok)
            .unwrap();
        assert_eq!(ok, "12345");
        let err = bounded(Box::new(&b"123456"[..]), 5)
            .read_to_end(&mut Vec::new())
            .unwrap_err();
        assert!(err.to_string().contains("limit of 5 bytes"));
    }
}
