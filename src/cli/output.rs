//! Writing command output: standard output, or a file written atomically (temp file in
//! the same directory, fsync, rename) so a reader never sees half a report.

use std::io::Write;
use std::path::Path;

use super::UserError;

pub fn emit(text: &str, path: Option<&Path>) -> Result<(), UserError> {
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`docket scan | head`) is not an error worth a message.
            let _ = out.write_all(text.as_bytes());
            if !text.ends_with('\n') {
                let _ = out.write_all(b"\n");
            }
            let _ = out.flush();
            Ok(())
        }
        Some(path) => write_atomic(path, text.as_bytes()).map_err(|e| {
            UserError::usage(format!(
                "cannot write {}: {e}. Check that the directory exists and is writable.",
                path.display()
            ))
        }),
    }
}

/// Like [`emit`], for output written piece by piece (a JSON report of 400,000 findings).
pub fn emit_with(
    path: Option<&Path>,
    write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), UserError> {
    match path {
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            // A closed pipe (`docket scan | head`) is not an error worth a message.
            let _ = write(&mut out).and_then(|()| out.flush());
            Ok(())
        }
        Some(path) => write_atomic_with(path, write).map_err(|e| {
            UserError::usage(format!(
                "cannot write {}: {e}. Check that the directory exists and is writable.",
                path.display()
            ))
        }),
    }
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, &mut |w| w.write_all(bytes))
}

/// Like [`write_atomic`], for output produced piece by piece (large generated files).
///
/// A symlink is followed (the file it points to is replaced, not the link), and a target
/// that exists but is not a regular file (`/dev/null`, a FIFO, `/dev/stdout`) is written
/// in place: renaming over it would replace a device with a plain file.
pub fn write_atomic_with(
    path: &Path,
    write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if std::fs::metadata(&real).is_ok_and(|m| !m.is_file()) {
        let f = std::fs::OpenOptions::new().write(true).open(&real)?;
        let mut buf = std::io::BufWriter::new(f);
        write(&mut buf)?;
        return buf.flush();
    }
    let path = real.as_path();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let f = std::fs::File::create(&tmp)?;
        let mut buf = std::io::BufWriter::new(f);
        write(&mut buf)?;
        let f = buf.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_regular_files_follow_symlinks_and_keep_special_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("report.json");
        write_atomic(&file, b"one").unwrap();
        write_atomic(&file, b"two").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"two");
        let link = dir.path().join("latest.json");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        write_atomic(&link, b"three").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&file).unwrap(), b"three");
        // A FIFO stays a FIFO (as /dev/null stays a device).
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let reader = {
                let fifo = fifo.clone();
                std::thread::spawn(move || std::fs::read(fifo).unwrap())
            };
            write_atomic(&fifo, b"through the pipe").unwrap();
            assert_eq!(reader.join().unwrap(), b"through the pipe");
            use std::os::unix::fs::FileTypeExt;
            assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        }
    }
}
