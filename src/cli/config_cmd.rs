//! `docket config path|check`: where the TUI's files live, and whether they are valid.

use clap::Subcommand;
use std::path::Path;

use super::UserError;
use crate::tui::config::{ConfigError, Paths, Settings};
use crate::tui::keymap::Keymap;
use crate::tui::theme::{no_color_requested, Theme};

#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Print the config, data and state paths (`NAME<TAB>PATH<TAB>exists|missing`).
    ///
    /// Override them with DOCKET_CONFIG_DIR, DOCKET_DATA_DIR and DOCKET_STATE_DIR.
    Path,
    /// Load config.toml, the keymap and the themes; print "ok" or the first error.
    Check,
}

pub fn run(cmd: &ConfigCmd) -> Result<u8, UserError> {
    let paths = Paths::discover();
    for warning in &paths.warnings {
        eprintln!("docket: {warning}");
    }
    match cmd {
        ConfigCmd::Path => {
            print!("{}", path_lines(&paths));
            Ok(0)
        }
        ConfigCmd::Check => {
            check(&paths).map_err(|e| UserError::usage(e.to_string()))?;
            println!("ok");
            if no_color_requested(&|name| std::env::var(name).ok()) {
                eprintln!("docket: NO_COLOR is set, so the TUI uses the monochrome theme");
            }
            Ok(0)
        }
    }
}

/// One `name<TAB>path<TAB>exists|missing` line per path.
fn path_lines(paths: &Paths) -> String {
    paths
        .entries()
        .into_iter()
        .map(|(name, path)| format!("{name}\t{}\t{}\n", path.display(), existence(&path)))
        .collect()
}

fn existence(path: &Path) -> &'static str {
    if path.exists() {
        "exists"
    } else {
        "missing"
    }
}

/// Everything the TUI would load at start, plus every user theme (`:theme` may switch to
/// one later). The selected theme is checked as if `NO_COLOR` were unset: it would only
/// hide a broken file until the variable goes away.
fn check(paths: &Paths) -> Result<(), ConfigError> {
    let settings = Settings::load(paths)?;
    Keymap::load(paths)?;
    Theme::load(paths, settings.theme.as_deref(), false)?;
    Theme::check_user_themes(paths)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::config::{ENV_CONFIG_DIR, ENV_DATA_DIR, ENV_STATE_DIR};

    fn paths_in(dir: &Path) -> Paths {
        let root = dir.display().to_string();
        Paths::resolve(
            &move |name| match name {
                ENV_CONFIG_DIR => Some(format!("{root}/c")),
                ENV_DATA_DIR => Some(format!("{root}/d")),
                ENV_STATE_DIR => Some(format!("{root}/s")),
                _ => None,
            },
            None,
        )
    }

    #[test]
    fn path_prints_every_path_with_its_existence() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths_in(dir.path());
        std::fs::create_dir_all(&paths.config_dir).unwrap();
        let root = dir.path().display();
        let expected = format!(
            "config_dir\t{root}/c\texists\n\
             config_file\t{root}/c/config.toml\tmissing\n\
             keymap_file\t{root}/c/keymap.toml\tmissing\n\
             themes_dir\t{root}/c/themes\tmissing\n\
             data_dir\t{root}/d\tmissing\n\
             state_dir\t{root}/s\tmissing\n\
             log_file\t{root}/s/docket.log\tmissing\n"
        );
        assert_eq!(path_lines(&paths), expected);
    }

    #[test]
    fn check_passes_without_files_and_reports_the_first_broken_one() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths_in(dir.path());
        check(&paths).unwrap();

        std::fs::create_dir_all(paths.themes_dir()).unwrap();
        std::fs::write(paths.config_file(), "theme = \"mine\"\n").unwrap();
        let err = check(&paths).unwrap_err();
        assert!(err.message.contains("unknown theme"), "{err}");

        std::fs::write(
            paths.themes_dir().join("mine.toml"),
            "[roles]\nok = { fg = \"nope\" }\n",
        )
        .unwrap();
        let err = check(&paths).unwrap_err();
        assert_eq!(err.line, Some(2), "{err}");

        std::fs::write(
            paths.themes_dir().join("mine.toml"),
            "[roles]\nok = { fg = \"green\" }\n",
        )
        .unwrap();
        check(&paths).unwrap();

        // A theme that is not selected still counts: `:theme` can switch to it.
        let other = paths.themes_dir().join("other.toml");
        std::fs::write(&other, "\n[roles]\nhigh = { bold = 1 }\n").unwrap();
        let err = check(&paths).unwrap_err();
        assert_eq!(
            (err.origin.as_str(), err.line),
            (other.to_str().unwrap(), Some(3))
        );
        std::fs::remove_file(&other).unwrap();

        std::fs::write(paths.keymap_file(), "[tabel]\n").unwrap();
        let err = check(&paths).unwrap_err();
        assert!(err.origin.ends_with("keymap.toml"), "{err}");
    }
}
