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

pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, &mut |w| w.write_all(bytes))
}

/// Like [`write_atomic`], for output produced piece by piece (large generated files).
pub fn write_atomic_with(
    path: &Path,
    write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
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
