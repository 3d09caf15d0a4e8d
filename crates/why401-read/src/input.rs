//! Where sources come from: paths, folders walked recursively, stdin; and the layers around
//! their content (gzip, BOMs, UTF-16) peeled before a reader sees it. All file I/O is here.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use crate::detect::PREFIX_LEN;

/// Read buffers are this large: big enough for throughput, small enough to stay bounded.
pub const READ_BUFFER: usize = 256 * 1024;

/// Text inputs in UTF-16 are decoded in memory; larger ones are refused.
const MAX_UTF16_BYTES: u64 = 256 * 1024 * 1024;

/// One source to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpec {
    /// The name the report uses: the path as given, or joined under a walked folder; `-`.
    pub name: String,
    pub place: Place,
    /// Named by the user rather than found in a folder: no known format is an error.
    pub explicit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Stdin,
    File(PathBuf),
}

/// A path that could not be turned into sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    pub name: String,
    pub message: String,
}

/// Turns the command line's inputs into sources. Folders are walked recursively without
/// following symlinks to folders; each file is read once.
pub fn expand(inputs: &[String]) -> (Vec<SourceSpec>, Vec<PathError>) {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for input in inputs {
        if input == "-" {
            sources.push(SourceSpec {
                name: "-".into(),
                place: Place::Stdin,
                explicit: true,
            });
            continue;
        }
        let name = display_name(input);
        let path = PathBuf::from(input);
        match fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => {
                let (found, failed) = (sources.len(), errors.len());
                walk(&path, &name, &mut sources, &mut errors, &mut seen);
                // A folder with nothing in it is not an all-clear: say so, as an error.
                if sources.len() == found && errors.len() == failed {
                    errors.push(PathError {
                        name,
                        message: "the folder holds no file".into(),
                    });
                }
            }
            Ok(_) => {
                if remember(&mut seen, &path) {
                    sources.push(SourceSpec {
                        name,
                        place: Place::File(path),
                        explicit: true,
                    });
                }
            }
            Err(err) => errors.push(PathError {
                name,
                message: io_message(&err),
            }),
        }
    }
    (sources, errors)
}

/// The path exactly as given, leading `./` dropped.
fn display_name(input: &str) -> String {
    let mut name = input;
    while let Some(rest) = name.strip_prefix("./") {
        name = rest;
    }
    if name.is_empty() {
        ".".into()
    } else {
        name.into()
    }
}

fn remember(seen: &mut HashSet<PathBuf>, path: &Path) -> bool {
    let key = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    seen.insert(key)
}

fn walk(
    dir: &Path,
    name: &str,
    sources: &mut Vec<SourceSpec>,
    errors: &mut Vec<PathError>,
    seen: &mut HashSet<PathBuf>,
) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            errors.push(PathError {
                name: name.into(),
                message: io_message(&err),
            });
            return;
        }
    };
    let mut children: Vec<_> = entries.filter_map(Result::ok).collect();
    children.sort_by_key(|e| e.file_name());
    for child in children {
        let path = child.path();
        let child_name = format!(
            "{}/{}",
            name.trim_end_matches('/'),
            child.file_name().to_string_lossy()
        );
        let Ok(kind) = child.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&path, &child_name, sources, errors, seen);
        } else if kind.is_symlink() {
            // A symlink to a file is read; a symlink to a folder is not followed.
            if fs::metadata(&path).is_ok_and(|m| m.is_file()) && remember(seen, &path) {
                sources.push(SourceSpec {
                    name: child_name,
                    place: Place::File(path),
                    explicit: false,
                });
            }
        } else if kind.is_file() && remember(seen, &path) {
            sources.push(SourceSpec {
                name: child_name,
                place: Place::File(path),
                explicit: false,
            });
        }
    }
}

pub use why401_model::input::io_message;

/// Opens a source's raw bytes. A named pipe is opened without waiting for a writer (see
/// [`fifo`]), so a pipe nobody writes to never hangs the run.
pub fn open(place: &Place) -> io::Result<Box<dyn Read>> {
    match place {
        Place::Stdin => Ok(Box::new(io::stdin())),
        Place::File(path) if fifo::is_fifo(path) => fifo::open(path),
        Place::File(path) => Ok(Box::new(File::open(path)?)),
    }
}

/// Named pipes (FIFOs). Opening one for reading blocks until a writer opens it, forever if
/// none does; so it is opened non-blocking, and a pipe that has had no writer for
/// [`fifo::NO_WRITER_WAIT`] reads as empty. Once a writer came, it is read like stdin.
#[cfg(unix)]
pub mod fifo {
    use std::fs::{File, OpenOptions};
    use std::io::{self, Read};
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    use std::path::Path;
    use std::time::{Duration, Instant};

    /// How long a pipe without a writer is waited for before it reads as empty.
    pub const NO_WRITER_WAIT: Duration = Duration::from_secs(2);

    /// How long to sleep when a writer holds the pipe but has written nothing yet.
    const POLL: Duration = Duration::from_millis(10);

    pub fn is_fifo(path: &Path) -> bool {
        std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo())
    }

    pub fn open(path: &Path) -> io::Result<Box<dyn Read>> {
        let file = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)?;
        Ok(Box::new(Fifo {
            file,
            opened: Instant::now(),
            writer_seen: false,
        }))
    }

    struct Fifo {
        file: File,
        opened: Instant,
        /// A writer held the pipe (data came, or a read would have blocked): from then on
        /// end of data is the end of the input.
        writer_seen: bool,
    }

    impl Read for Fifo {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            loop {
                match self.file.read(buf) {
                    Ok(0) if buf.is_empty() || self.writer_seen => return Ok(0),
                    // No writer (yet): wait a little for one, then call it empty.
                    Ok(0) if self.opened.elapsed() >= NO_WRITER_WAIT => return Ok(0),
                    Ok(0) => std::thread::sleep(POLL),
                    Ok(n) => {
                        self.writer_seen = true;
                        return Ok(n);
                    }
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                        self.writer_seen = true;
                        std::thread::sleep(POLL);
                    }
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    Err(err) => return Err(err),
                }
            }
        }
    }
}

#[cfg(not(unix))]
mod fifo {
    use std::io::{self, Read};
    use std::path::Path;

    pub fn is_fifo(_: &Path) -> bool {
        false
    }

    pub fn open(path: &Path) -> io::Result<Box<dyn Read>> {
        Ok(Box::new(std::fs::File::open(path)?))
    }
}

/// The size of a source's raw bytes when known (for progress).
pub fn size(place: &Place) -> Option<u64> {
    match place {
        Place::Stdin => None,
        Place::File(path) => fs::metadata(path).ok().map(|m| m.len()),
    }
}

/// What the first bytes of a stream say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    Gzip,
    Zip,
    Tar,
    Plain,
}

/// A buffered stream whose first bytes were read ahead for detection.
pub struct Peeked<'a> {
    pub prefix: Vec<u8>,
    pub reader: BufReader<Box<dyn Read + 'a>>,
}

/// Reads up to `len` bytes ahead; the returned reader still yields them.
pub fn peek<'a>(mut inner: Box<dyn Read + 'a>, len: usize) -> io::Result<Peeked<'a>> {
    let mut prefix = Vec::with_capacity(len.min(PREFIX_LEN));
    (&mut inner).take(len as u64).read_to_end(&mut prefix)?;
    let replay: Box<dyn Read + 'a> = Box::new(Cursor::new(prefix.clone()).chain(inner));
    Ok(Peeked {
        prefix,
        reader: BufReader::with_capacity(READ_BUFFER, replay),
    })
}

pub fn container_of(prefix: &[u8]) -> Container {
    if prefix.starts_with(&[0x1f, 0x8b]) {
        Container::Gzip
    } else if prefix.starts_with(b"PK\x03\x04") || prefix.starts_with(b"PK\x05\x06") {
        Container::Zip
    } else if prefix.len() >= 262 && &prefix[257..262] == b"ustar" {
        Container::Tar
    } else {
        Container::Plain
    }
}

/// Decodes gzip (concatenated members too).
pub fn gunzip<'a>(reader: BufReader<Box<dyn Read + 'a>>) -> Box<dyn Read + 'a> {
    Box::new(MultiGzDecoder::new(reader))
}

/// Text encodings a reader must not see: a UTF-8 BOM is dropped, UTF-16 (with a BOM, as
/// PowerShell writes) is decoded to UTF-8 in memory.
pub fn normalize_text<'a>(peeked: Peeked<'a>) -> io::Result<Box<dyn BufRead + 'a>> {
    let Peeked { prefix, mut reader } = peeked;
    if prefix.starts_with(&[0xEF, 0xBB, 0xBF]) {
        let available = reader.fill_buf()?.len();
        reader.consume(3.min(available));
        return Ok(Box::new(reader));
    }
    let little = prefix.starts_with(&[0xFF, 0xFE]);
    let big = prefix.starts_with(&[0xFE, 0xFF]);
    if !little && !big {
        return Ok(Box::new(reader));
    }
    let mut bytes = Vec::new();
    reader
        .by_ref()
        .take(MAX_UTF16_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_UTF16_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "UTF-16 input larger than 256 MiB; convert it to UTF-8 first",
        ));
    }
    let units = bytes[2..].chunks_exact(2).map(|pair| {
        if little {
            u16::from_le_bytes([pair[0], pair[1]])
        } else {
            u16::from_be_bytes([pair[0], pair[1]])
        }
    });
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    Ok(Box::new(Cursor::new(text.into_bytes())))
}

/// The file extension of a source name, ignoring a trailing `.gz`.
pub fn extension_hint(name: &str) -> Option<String> {
    let base = name.rsplit('/').next().unwrap_or(name);
    let base = base.strip_suffix(".gz").unwrap_or(base);
    base.rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_drop_leading_dot_slash() {
        assert_eq!(display_name("./samples"), "samples");
        assert_eq!(display_name("././a/b.har"), "a/b.har");
        assert_eq!(display_name("/abs/x"), "/abs/x");
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "HTTP/1.1 401".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let peeked = peek(Box::new(Cursor::new(bytes)), 64).unwrap();
        let mut text = String::new();
        normalize_text(peeked)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "HTTP/1.1 401");
    }

    #[test]
    fn utf8_bom_is_dropped() {
        let peeked = peek(
            Box::new(Cursor::new(b"\xEF\xBB\xBF{\"log\":1}".to_vec())),
            4,
        )
        .unwrap();
        let mut text = String::new();
        normalize_text(peeked)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "{\"log\":1}");
    }

    /// A pipe with a writer is read to its end, even when the writer comes after the
    /// pipe was opened; one without a writer reads as empty.
    #[cfg(unix)]
    #[test]
    fn named_pipes_are_read_without_hanging() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p");
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        let place = Place::File(path.clone());
        let mut empty = Vec::new();
        open(&place).unwrap().read_to_end(&mut empty).unwrap();
        assert!(empty.is_empty());
        let mut reader = open(&place).unwrap();
        let writer = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(200));
            std::fs::write(&path, b"HTTP/1.1 401 Unauthorized\r\n").unwrap();
        });
        let mut text = String::new();
        reader.read_to_string(&mut text).unwrap();
        writer.join().unwrap();
        assert_eq!(text, "HTTP/1.1 401 Unauthorized\r\n");
    }

    #[test]
    fn extension_ignores_gz() {
        assert_eq!(extension_hint("logs/a.jsonl.gz").as_deref(), Some("jsonl"));
        assert_eq!(extension_hint("README").as_deref(), None);
    }
}
