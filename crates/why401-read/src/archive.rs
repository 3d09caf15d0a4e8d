//! Archives (`.tar`, `.tar.gz`, `.zip`, and archives inside archives), read in memory or
//! streamed, never extracted to disk. Each member becomes a source named
//! `<archive>!/<member path>`. Decompression is bounded per member and per archive so a bomb
//! is an error for that member, never an exhausted machine.

use std::io::{self, Cursor, Read};

use crate::input::Peeked;

/// Bounds on what archives may expand to. Each is overridable on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Decompressed bytes of one member (or one `.gz` stream).
    pub member_bytes: u64,
    /// Bytes an archive may take in total: decompressed members of a tar, or the in-memory
    /// copy of a zip (zip needs random access).
    pub archive_bytes: u64,
    /// How deep archives may nest inside archives (`--max-archive-depth`).
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
    bounded_by(inner, limit, "--max-member-size")
}

/// [`bounded`], its error naming `flag`.
fn bounded_by<'a>(inner: Box<dyn Read + 'a>, limit: u64, flag: &'static str) -> Box<dyn Read + 'a> {
    Box::new(Bounded {
        inner,
        left: limit,
        limit,
        flag,
    })
}

struct Bounded<'a> {
    inner: Box<dyn Read + 'a>,
    left: u64,
    limit: u64,
    flag: &'static str,
}

impl Read for Bounded<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // One more byte means the bound is passed (not merely reached).
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(limit_error(self.limit, self.flag)),
            };
        }
        let want = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// The error of a passed size bound; it names the bound's flag, so the input's `limit_hit`
/// note counts it.
fn limit_error(limit: u64, flag: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("decompressed size passes the limit of {limit} bytes (raise it with {flag})"),
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
pub fn expand<'a, T>(
    name: &str,
    peeked: Peeked<'a>,
    limits: Limits,
    depth: usize,
    mut on_member: impl FnMut(Member<'_>) -> Vec<T>,
) -> Vec<T> {
    if depth >= limits.max_depth {
        return on_member(Member::Failed {
            name,
            message: format!(
                "archives nested more than {} deep; not read (raise it with --max-archive-depth)",
                limits.max_depth
            ),
        });
    }
    let is_zip = peeked.prefix.starts_with(b"PK");
    if is_zip {
        expand_zip(name, peeked, limits, depth, &mut on_member)
    } else {
        expand_tar(name, peeked, limits, depth, &mut on_member)
    }
}

/// What an archive yields, one at a time: a member to read (with the depth it sits at), a
/// member or archive that cannot be read, or a link that is not followed.
pub enum Member<'a> {
    Readable {
        name: &'a str,
        reader: Box<dyn Read + 'a>,
        depth: usize,
    },
    Failed {
        name: &'a str,
        message: String,
    },
    Link {
        name: &'a str,
    },
}

type OnMember<'r, T> = dyn FnMut(Member<'_>) -> Vec<T> + 'r;

/// Hands on a member of an archive at `depth`, bounded to the member limit.
fn read_member<T>(
    on_member: &mut OnMember<'_, T>,
    member: &str,
    reader: Box<dyn Read + '_>,
    limits: Limits,
    depth: usize,
) -> Vec<T> {
    on_member(Member::Readable {
        name: member,
        reader: bounded(reader, limits.member_bytes),
        depth: depth + 1,
    })
}

fn expand_tar<T>(
    name: &str,
    peeked: Peeked<'_>,
    limits: Limits,
    depth: usize,
    on_member: &mut OnMember<'_, T>,
) -> Vec<T> {
    let mut outputs = Vec::new();
    let total = bounded_by(
        Box::new(peeked.reader),
        limits.archive_bytes,
        "--max-archive-size",
    );
    let mut archive = tar::Archive::new(total);
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(err) => {
            return on_member(Member::Failed {
                name,
                message: format!("cannot read tar archive: {err}"),
            });
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                outputs.extend(on_member(Member::Failed {
                    name,
                    message: format!("tar archive broken: {err}"),
                }));
                break;
            }
        };
        let path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let member = member_name(name, &path);
        let kind = entry.header().entry_type();
        if kind.is_symlink() || kind.is_hard_link() {
            outputs.extend(on_member(Member::Link { name: &member }));
            continue;
        }
        if !kind.is_file() {
            continue;
        }
        outputs.extend(read_member(
            on_member,
            &member,
            Box::new(entry),
            limits,
            depth,
        ));
    }
    outputs
}

fn expand_zip<T>(
    name: &str,
    peeked: Peeked<'_>,
    limits: Limits,
    depth: usize,
    on_member: &mut OnMember<'_, T>,
) -> Vec<T> {
    let mut bytes = Vec::new();
    let limit = limits.archive_bytes;
    if let Err(err) = peeked.reader.take(limit + 1).read_to_end(&mut bytes) {
        return on_member(Member::Failed {
            name,
            message: format!("cannot read zip archive: {err}"),
        });
    }
    if bytes.len() as u64 > limit {
        return on_member(Member::Failed {
            name,
            message: limit_error(limit, "--max-archive-size").to_string(),
        });
    }
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive,
        Err(err) => {
            return on_member(Member::Failed {
                name,
                message: format!("cannot read zip archive: {err}"),
            });
        }
    };
    let mut outputs = Vec::new();
    for i in 0..archive.len() {
        let file = match archive.by_index(i) {
            Ok(file) => file,
            Err(err) => {
                outputs.extend(on_member(Member::Failed {
                    name: &format!("{name}!/#{i}"),
                    message: format!("zip member cannot be read: {err}"),
                }));
                continue;
            }
        };
        let member = member_name(name, file.name());
        if file.is_dir() {
            continue;
        }
        if file.is_symlink() {
            outputs.extend(on_member(Member::Link { name: &member }));
            continue;
        }
        outputs.extend(read_member(
            on_member,
            &member,
            Box::new(file),
            limits,
            depth,
        ));
    }
    outputs
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
