//! Where `sanitize` reads and writes: stdin or a file to stdout or `-o`, a folder to a
//! folder, a `.gz`, `.tar`, `.tar.gz` or `.zip` to the same kind of file, member names kept.
//! The input is never overwritten, an output inside the input folder is refused, and a
//! member that could land outside `-o` (`..`, an absolute name, a link) is left out and
//! named in the summary.

use std::fs;
use std::io::{self, BufRead, BufReader, Cursor, Read, Write};
use std::path::{Component, Path, PathBuf};

use anyhow::Context as _;
use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;

use super::Report;
use super::secrets::Secrets;
use crate::cli::{InputFormatArg, SanitizeArgs};
use crate::input::{Container, container_of};

/// Largest decompressed size of one document or member read into memory.
const MAX_MEMBER: u64 = 4 << 30;

/// Archives inside archives are read this deep; deeper ones are left out.
const MAX_NESTING: usize = 4;

/// One input to one output; the summary's facts.
pub fn sanitize_input(args: &SanitizeArgs, secrets: &mut Secrets) -> anyhow::Result<Report> {
    let mut run = Run {
        secrets,
        forced: args.input_format,
        report: Report::default(),
    };
    if args.input == "-" {
        run.report.documents += 1;
        let mut sink = Sink::open(args.output.as_deref(), &mut run.report)?;
        super::stream(
            run.secrets,
            io::stdin().lock(),
            &mut sink,
            "stdin",
            run.forced,
        )
        .context("cannot sanitize stdin")?;
        return Ok(run.report);
    }
    let input = PathBuf::from(&args.input);
    let meta = fs::metadata(&input).map_err(|err| cannot(&input, "read", &err))?;
    check_output(&input, args.output.as_deref(), meta.is_dir())?;
    if meta.is_dir() {
        let Some(out) = args.output.as_deref() else {
            anyhow::bail!("a folder is written to a folder: give -o OUTPUT");
        };
        run.folder(&input, out, Path::new(""))?;
        run.report.destination = out.display().to_string();
        return Ok(run.report);
    }
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    run.file(&input, &name, args.output.as_deref())
        .with_context(|| format!("cannot sanitize {}", input.display()))?;
    Ok(run.report)
}

/// Where one document goes: a file (`-o`) or stdout, buffered.
struct Sink(Box<dyn Write>);

impl Sink {
    fn open(output: Option<&Path>, report: &mut Report) -> anyhow::Result<Sink> {
        let writer: Box<dyn Write> = match output {
            Some(path) => {
                let file = fs::File::create(path).map_err(|err| cannot(path, "write", &err))?;
                report.destination = path.display().to_string();
                Box::new(io::BufWriter::with_capacity(256 << 10, file))
            }
            None => {
                report.destination = "stdout".into();
                Box::new(io::BufWriter::with_capacity(256 << 10, io::stdout().lock()))
            }
        };
        Ok(Sink(writer))
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// One file sanitized in memory into the same container, as `sanitize FILE` writes it (the
/// `serve` page's download).
pub fn file_in_memory(path: &Path, name: &str) -> anyhow::Result<Vec<u8>> {
    let mut secrets = Secrets::new(false);
    let mut run = Run {
        secrets: &mut secrets,
        forced: InputFormatArg::Auto,
        report: Report::default(),
    };
    let file = fs::File::open(path).map_err(|err| cannot(path, "read", &err))?;
    let mut bytes = Vec::new();
    file.take(MAX_MEMBER)
        .read_to_end(&mut bytes)
        .map_err(|err| cannot(path, "read", &err))?;
    run.transform(name, bytes, 0)
}

/// Never the input itself, never inside the input folder.
fn check_output(input: &Path, output: Option<&Path>, input_is_dir: bool) -> anyhow::Result<()> {
    let Some(output) = output else {
        return Ok(());
    };
    let input = fs::canonicalize(input)?;
    let resolved = resolve(output);
    if resolved == input {
        anyhow::bail!(
            "-o {} is the input: sanitize never overwrites its input",
            output.display()
        );
    }
    if input_is_dir && resolved.starts_with(&input) {
        anyhow::bail!("-o {} is inside the input folder", output.display());
    }
    Ok(())
}

/// The canonical form of a path that may not exist yet (its nearest existing parent's).
fn resolve(path: &Path) -> PathBuf {
    if let Ok(full) = fs::canonicalize(path) {
        return full;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut existing = absolute.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        let Some(name) = existing.file_name().map(|n| n.to_owned()) else {
            break;
        };
        rest.push(name);
        if !existing.pop() {
            break;
        }
    }
    let mut out = fs::canonicalize(&existing).unwrap_or(existing);
    out.extend(rest.iter().rev());
    out
}

struct Run<'s> {
    secrets: &'s mut Secrets,
    forced: InputFormatArg,
    report: Report,
}

impl Run<'_> {
    /// A folder, file by file, into `out` (`rel` is where inside the input we are).
    fn folder(&mut self, dir: &Path, out: &Path, rel: &Path) -> anyhow::Result<()> {
        fs::create_dir_all(out.join(rel)).map_err(|err| cannot(out, "write", &err))?;
        let mut entries: Vec<_> = fs::read_dir(dir.join(rel))?
            .filter_map(Result::ok)
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let rel = rel.join(entry.file_name());
            let meta = fs::symlink_metadata(entry.path())?;
            if meta.file_type().is_symlink() {
                self.report
                    .refused
                    .push(format!("{}: a link", rel.display()));
            } else if meta.is_dir() {
                self.folder(dir, out, &rel)?;
            } else {
                let name = rel.to_string_lossy().into_owned();
                let destination = self.report.destination.clone();
                if let Err(why) = self.file(&entry.path(), &name, Some(&out.join(&rel))) {
                    self.report.refused.push(format!("{name}: {why}"));
                }
                self.report.destination = destination;
            }
        }
        Ok(())
    }

    /// One file to `output` (stdout when `None`): a plain or gzip-compressed document as it
    /// is read, an archive in memory.
    fn file(&mut self, path: &Path, name: &str, output: Option<&Path>) -> anyhow::Result<()> {
        let file = fs::File::open(path).map_err(|err| cannot(path, "read", &err))?;
        let mut reader = BufReader::with_capacity(256 << 10, file);
        let head = reader
            .fill_buf()
            .map_err(|err| cannot(path, "read", &err))?;
        match container_of(&head[..head.len().min(512)]) {
            Container::Plain => {
                if looks_binary(head) {
                    anyhow::bail!("not text");
                }
                self.report.documents += 1;
                let mut sink = Sink::open(output, &mut self.report)?;
                super::stream(self.secrets, reader, &mut sink, name, self.forced)
            }
            Container::Gzip => self.gzip(reader, name, output),
            Container::Tar | Container::Zip => {
                let mut bytes = Vec::new();
                reader
                    .take(MAX_MEMBER)
                    .read_to_end(&mut bytes)
                    .map_err(|err| cannot(path, "read", &err))?;
                let new = self.transform(name, bytes, 0)?;
                let mut sink = Sink::open(output, &mut self.report)?;
                sink.write_all(&new)?;
                Ok(sink.flush()?)
            }
        }
    }

    /// A `.gz` file: a document inside is streamed through, an archive read in memory.
    fn gzip(
        &mut self,
        reader: impl BufRead,
        name: &str,
        output: Option<&Path>,
    ) -> anyhow::Result<()> {
        let mut inner =
            BufReader::with_capacity(256 << 10, MultiGzDecoder::new(reader).take(MAX_MEMBER));
        let head = inner.fill_buf()?;
        let inner_name = name.strip_suffix(".gz").unwrap_or(name).to_owned();
        let container = container_of(&head[..head.len().min(512)]);
        if container == Container::Plain && looks_binary(head) {
            anyhow::bail!("not text");
        }
        let sink = Sink::open(output, &mut self.report)?;
        let mut encoder = GzEncoder::new(sink, Compression::default());
        if container == Container::Plain {
            self.report.documents += 1;
            super::stream(self.secrets, inner, &mut encoder, &inner_name, self.forced)?;
        } else {
            let mut bytes = Vec::new();
            inner.read_to_end(&mut bytes)?;
            let new = self.transform(&inner_name, bytes, 1)?;
            encoder.write_all(&new)?;
        }
        encoder.finish()?.flush()?;
        Ok(())
    }

    /// One file's or member's bytes, sanitized in the same container.
    fn transform(&mut self, name: &str, bytes: Vec<u8>, depth: usize) -> anyhow::Result<Vec<u8>> {
        if depth > MAX_NESTING {
            anyhow::bail!("archives nested too deep");
        }
        match container_of(&bytes[..bytes.len().min(512)]) {
            Container::Gzip => {
                let mut inner = Vec::new();
                MultiGzDecoder::new(Cursor::new(bytes))
                    .take(MAX_MEMBER)
                    .read_to_end(&mut inner)?;
                let inner_name = name.strip_suffix(".gz").unwrap_or(name);
                let new = self.transform(inner_name, inner, depth + 1)?;
                let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
                encoder.write_all(&new)?;
                Ok(encoder.finish()?)
            }
            Container::Tar => self.tar(name, bytes, depth),
            Container::Zip => self.zip(name, bytes, depth),
            Container::Plain => self.text(name, bytes),
        }
    }

    fn text(&mut self, name: &str, bytes: Vec<u8>) -> anyhow::Result<Vec<u8>> {
        if looks_binary(&bytes) {
            anyhow::bail!("not text");
        }
        self.report.documents += 1;
        super::document(self.secrets, &bytes, name, self.forced)
    }

    fn tar(&mut self, name: &str, bytes: Vec<u8>, depth: usize) -> anyhow::Result<Vec<u8>> {
        let mut archive = tar::Archive::new(Cursor::new(bytes));
        let mut builder = tar::Builder::new(Vec::new());
        for entry in archive.entries()? {
            let mut entry = entry?;
            let path = entry.path()?.into_owned();
            let member = format!("{name}:{}", path.display());
            let kind = entry.header().entry_type();
            if let Some(why) = unsafe_member(&path, kind.is_symlink() || kind.is_hard_link()) {
                self.report.refused.push(format!("{member}: {why}"));
                continue;
            }
            let mut header = entry.header().clone();
            if kind.is_dir() {
                builder.append_data(&mut header, &path, io::empty())?;
                continue;
            }
            let mut content = Vec::new();
            entry.by_ref().take(MAX_MEMBER).read_to_end(&mut content)?;
            match self.transform(&path.to_string_lossy(), content, depth + 1) {
                Ok(new) => {
                    header.set_size(new.len() as u64);
                    builder.append_data(&mut header, &path, new.as_slice())?;
                }
                Err(why) => self.report.refused.push(format!("{member}: {why}")),
            }
        }
        Ok(builder.into_inner()?)
    }

    fn zip(&mut self, name: &str, bytes: Vec<u8>, depth: usize) -> anyhow::Result<Vec<u8>> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes))?;
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for i in 0..archive.len() {
            let mut file = archive.by_index(i)?;
            let raw = file.name().to_owned();
            let member = format!("{name}:{raw}");
            let why = match file.enclosed_name() {
                None => Some("a name outside the archive (`..` or absolute)"),
                Some(path) => unsafe_member(&path, file.is_symlink()),
            };
            if let Some(why) = why {
                self.report.refused.push(format!("{member}: {why}"));
                continue;
            }
            if file.is_dir() {
                writer.add_directory(raw, options)?;
                continue;
            }
            let mut content = Vec::new();
            file.by_ref().take(MAX_MEMBER).read_to_end(&mut content)?;
            match self.transform(&raw, content, depth + 1) {
                Ok(new) => {
                    writer.start_file(raw, options)?;
                    writer.write_all(&new)?;
                }
                Err(why) => self.report.refused.push(format!("{member}: {why}")),
            }
        }
        Ok(writer.finish()?.into_inner())
    }
}

/// Why a member name cannot be written under `-o`, if it cannot.
fn unsafe_member(path: &Path, link: bool) -> Option<&'static str> {
    if link {
        return Some("a link");
    }
    if path.has_root() || path.components().any(|c| matches!(c, Component::Prefix(_))) {
        return Some("an absolute name");
    }
    if path.components().any(|c| c == Component::ParentDir) {
        return Some("a name with `..`");
    }
    None
}

/// NUL bytes or mostly control characters: not a text to sanitize.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    head.contains(&0)
}

fn cannot(path: &Path, what: &str, err: &io::Error) -> anyhow::Error {
    anyhow::anyhow!(
        "cannot {what} {}: {}",
        path.display(),
        crate::input::io_message(err)
    )
}
