//! What every store shares to write a file so that a crash leaves the old file or the new
//! one, never a mix: write a temp file, fsync it, rename it over the target, fsync the
//! directory; and private directories for state that may describe weaknesses.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Write `temp` (mode 0600 on unix), flush it to disk, give it `permissions` (the old
/// file's, when it had some to keep), then rename it over `target`.
pub(crate) fn write_and_rename(
    temp: &Path,
    target: &Path,
    permissions: Option<fs::Permissions>,
    write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = BufWriter::new(options.open(temp)?);
    write(&mut out)?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    if let Some(p) = permissions {
        file.set_permissions(p)?;
    }
    drop(file);
    fs::rename(temp, target)
}

/// Flush a directory entry change (the rename) to disk.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Create `dir` and missing parents; new directories get mode 0700 on unix. An existing
/// directory keeps its mode: it is the user's.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}
