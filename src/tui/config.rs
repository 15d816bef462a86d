//! Where the TUI keeps its files, and how mistakes in them are reported.
//!
//! Directories come from the platform (`directories`: XDG on Linux), each overridable by an
//! environment variable so tests, containers and portable installs can point elsewhere:
//!
//! | directory  | variable            | holds                                         |
//! |------------|---------------------|-----------------------------------------------|
//! | config dir | `DOCKET_CONFIG_DIR` | `config.toml`, `keymap.toml`, `themes/*.toml` |
//! | data dir   | `DOCKET_DATA_DIR`   | triage state (later issues)                   |
//! | state dir  | `DOCKET_STATE_DIR`  | `docket.log`                                  |
//!
//! Resolution is pure ([`Paths::resolve`] takes the environment as a closure); only
//! [`Paths::discover`] reads the real environment. Every error in a user file is a
//! [`ConfigError`] naming the file and, when known, the line: a broken file is never
//! silently replaced by defaults.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};
use toml::Spanned;

pub const ENV_CONFIG_DIR: &str = "DOCKET_CONFIG_DIR";
pub const ENV_DATA_DIR: &str = "DOCKET_DATA_DIR";
pub const ENV_STATE_DIR: &str = "DOCKET_STATE_DIR";

/// The directory used instead of the platform's when no home directory is known.
pub const FALLBACK_DIR: &str = ".docket";

/// The directories Docket reads and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    pub state_dir: PathBuf,
    /// Things the user should know about how the paths were chosen (one line each), such as
    /// the fallback to `./.docket/` when no home directory is known.
    pub warnings: Vec<String>,
}

/// The directories the platform suggests, as `directories::ProjectDirs` reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformDirs {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    pub state_dir: PathBuf,
}

impl PlatformDirs {
    /// Ask the platform. `None` when no home directory can be found. macOS and Windows have
    /// no state directory, so the local data directory stands in for it there.
    pub fn detect() -> Option<PlatformDirs> {
        let dirs = directories::ProjectDirs::from("", "", "docket")?;
        Some(PlatformDirs {
            config_dir: dirs.config_dir().to_path_buf(),
            data_dir: dirs.data_dir().to_path_buf(),
            state_dir: dirs
                .state_dir()
                .unwrap_or_else(|| dirs.data_local_dir())
                .to_path_buf(),
        })
    }
}

impl Paths {
    /// The real paths: the process environment and the platform's directories.
    pub fn discover() -> Paths {
        Paths::resolve(&|name| std::env::var(name).ok(), PlatformDirs::detect())
    }

    /// Pure resolution: a non-empty environment variable wins, then the platform directory,
    /// then `./.docket/{config,data,state}` (with a warning, because files written there
    /// depend on the working directory).
    pub fn resolve(env: &dyn Fn(&str) -> Option<String>, platform: Option<PlatformDirs>) -> Paths {
        let mut warnings = Vec::new();
        let mut pick = |var: &str, platform_dir: Option<PathBuf>, leaf: &str| {
            if let Some(dir) = env(var).filter(|v| !v.is_empty()) {
                return PathBuf::from(dir);
            }
            platform_dir.unwrap_or_else(|| {
                let dir = Path::new(".").join(FALLBACK_DIR).join(leaf);
                warnings.push(format!(
                    "no home directory found: using {} for the {leaf} directory (set {var} to choose one)",
                    dir.display()
                ));
                dir
            })
        };
        let (config, data, state) = match platform {
            Some(p) => (Some(p.config_dir), Some(p.data_dir), Some(p.state_dir)),
            None => (None, None, None),
        };
        let config_dir = pick(ENV_CONFIG_DIR, config, "config");
        let data_dir = pick(ENV_DATA_DIR, data, "data");
        let state_dir = pick(ENV_STATE_DIR, state, "state");
        Paths {
            config_dir,
            data_dir,
            state_dir,
            warnings,
        }
    }

    /// `config.toml`: general settings (the theme).
    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    /// `keymap.toml`: the user's changes to the default key bindings.
    pub fn keymap_file(&self) -> PathBuf {
        self.config_dir.join("keymap.toml")
    }

    /// `themes/`: user themes, one `NAME.toml` each.
    pub fn themes_dir(&self) -> PathBuf {
        self.config_dir.join("themes")
    }

    /// The TUI's log (stdout belongs to the terminal).
    pub fn log_file(&self) -> PathBuf {
        self.state_dir.join("docket.log")
    }

    /// Every path with a stable name, in the order `docket config path` prints them.
    pub fn entries(&self) -> Vec<(&'static str, PathBuf)> {
        vec![
            ("config_dir", self.config_dir.clone()),
            ("config_file", self.config_file()),
            ("keymap_file", self.keymap_file()),
            ("themes_dir", self.themes_dir()),
            ("data_dir", self.data_dir.clone()),
            ("state_dir", self.state_dir.clone()),
            ("log_file", self.log_file()),
        ]
    }
}

/// A user file Docket cannot use, with where and what to do next. Displays as
/// `path:line:col: message` and an indented `hint:` line, like every located error.
pub type ConfigError = crate::located::Located;

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    crate::located::line_col(text.as_bytes(), offset)
}

/// Read a user file that may legitimately be absent. `Ok(None)` when it does not exist;
/// any other failure (permissions, a directory in its place, not UTF-8) is an error,
/// because ignoring a file the user wrote would silently change behaviour.
pub fn read_optional(path: &Path) -> Result<Option<String>, ConfigError> {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|e| {
            let valid = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
            ConfigError::new(
                &path.display().to_string(),
                "the file is not valid UTF-8",
                "save it as UTF-8 text",
            )
            .at_offset(&text, valid)
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ConfigError::new(
            &path.display().to_string(),
            format!("cannot read the file: {e}"),
            "check that it is a readable file, or remove it to use the defaults",
        )),
    }
}

/// A parsed TOML document and where it came from, so every complaint about a key or value
/// can name the file, line and column. Shared by the config, keymap and theme parsers.
pub(crate) struct Doc<'a> {
    pub text: &'a str,
    pub origin: &'a str,
}

/// One `key = value` of a table, in file order.
pub(crate) type Entry<'t, 'i> = (
    &'t Spanned<toml::de::DeString<'i>>,
    &'t Spanned<DeValue<'i>>,
);

impl<'a> Doc<'a> {
    pub fn new(text: &'a str, origin: &'a str) -> Self {
        Doc { text, origin }
    }

    /// Parse the whole document into a spanned table.
    pub fn parse(&self) -> Result<DeTable<'a>, ConfigError> {
        DeTable::parse(self.text)
            .map(Spanned::into_inner)
            .map_err(|e| ConfigError::from_toml(&e, self.text, self.origin))
    }

    /// An error pointing at the start of `span`.
    pub fn error(
        &self,
        span: Range<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> ConfigError {
        ConfigError::new(self.origin, message, hint).at_offset(self.text, span.start)
    }

    /// The 1-based line of a span, for messages that refer to another place in the file.
    pub fn line_of(&self, span: &Range<usize>) -> usize {
        line_col(self.text, span.start).0
    }

    /// The table's entries in the order they appear in the file (the map itself is sorted
    /// by key, which would scramble the help screen).
    pub fn entries<'t, 'i>(table: &'t DeTable<'i>) -> Vec<Entry<'t, 'i>> {
        let mut entries: Vec<_> = table.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        entries
    }

    pub fn expect_str<'v>(
        &self,
        value: &'v Spanned<DeValue<'_>>,
        what: &str,
    ) -> Result<&'v str, ConfigError> {
        value.get_ref().as_str().ok_or_else(|| {
            self.error(
                value.span(),
                format!(
                    "{what} must be a string, found {}",
                    value.get_ref().type_str()
                ),
                format!("quote the value: {what} = \"...\""),
            )
        })
    }

    pub fn expect_bool(
        &self,
        value: &Spanned<DeValue<'_>>,
        what: &str,
    ) -> Result<bool, ConfigError> {
        value.get_ref().as_bool().ok_or_else(|| {
            self.error(
                value.span(),
                format!(
                    "{what} must be true or false, found {}",
                    value.get_ref().type_str()
                ),
                format!("write {what} = true or {what} = false"),
            )
        })
    }

    pub fn expect_table<'v, 'i>(
        &self,
        value: &'v Spanned<DeValue<'i>>,
        what: &str,
        hint: &str,
    ) -> Result<&'v DeTable<'i>, ConfigError> {
        value.get_ref().as_table().ok_or_else(|| {
            self.error(
                value.span(),
                format!(
                    "{what} must be a table, found {}",
                    value.get_ref().type_str()
                ),
                hint,
            )
        })
    }
}

/// A theme or file name that is safe to join to a directory: letters, digits, `-` and `_`.
pub fn is_simple_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// General settings from `config.toml`. Unknown keys are errors (a typo must not be
/// silently ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// The theme to use; `None` means the default (`dark`). `NO_COLOR` overrides it.
    pub theme: Option<String>,
}

impl Settings {
    /// Parse `config.toml`. `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Settings, ConfigError> {
        let doc = Doc::new(text, origin);
        let table = doc.parse()?;
        let mut settings = Settings::default();
        for (key, value) in Doc::entries(&table) {
            match key.get_ref().as_ref() {
                "theme" => {
                    let name = doc.expect_str(value, "theme")?;
                    if !is_simple_name(name) {
                        return Err(doc.error(
                            value.span(),
                            format!("theme {name:?} is not a valid theme name"),
                            "use a theme name such as \"dark\" (letters, digits, - and _); \
                             user themes are files NAME.toml in the themes directory",
                        ));
                    }
                    settings.theme = Some(name.to_string());
                }
                other => return Err(doc.error(
                    key.span(),
                    format!("unknown key {other:?}"),
                    "config.toml knows only: theme (keys are in keymap.toml, colors in themes/)",
                )),
            }
        }
        Ok(settings)
    }

    /// Read `config.toml` from the config directory; an absent file gives the defaults.
    pub fn load(paths: &Paths) -> Result<Settings, ConfigError> {
        let path = paths.config_file();
        match read_optional(&path)? {
            Some(text) => Settings::from_toml(&text, &path.display().to_string()),
            None => Ok(Settings::default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn platform() -> PlatformDirs {
        PlatformDirs {
            config_dir: "/home/u/.config/docket".into(),
            data_dir: "/home/u/.local/share/docket".into(),
            state_dir: "/home/u/.local/state/docket".into(),
        }
    }

    #[test]
    fn platform_dirs_are_used_without_overrides() {
        let paths = Paths::resolve(&env_of(&[]), Some(platform()));
        assert_eq!(paths.config_dir, PathBuf::from("/home/u/.config/docket"));
        assert_eq!(paths.data_dir, PathBuf::from("/home/u/.local/share/docket"));
        assert_eq!(
            paths.state_dir,
            PathBuf::from("/home/u/.local/state/docket")
        );
        assert!(paths.warnings.is_empty());
        assert_eq!(
            paths.config_file(),
            PathBuf::from("/home/u/.config/docket/config.toml")
        );
        assert_eq!(
            paths.keymap_file(),
            PathBuf::from("/home/u/.config/docket/keymap.toml")
        );
        assert_eq!(
            paths.themes_dir(),
            PathBuf::from("/home/u/.config/docket/themes")
        );
        assert_eq!(
            paths.log_file(),
            PathBuf::from("/home/u/.local/state/docket/docket.log")
        );
    }

    #[test]
    fn each_directory_is_overridden_by_its_own_variable() {
        let env = env_of(&[(ENV_CONFIG_DIR, "/c"), (ENV_STATE_DIR, "/s")]);
        let paths = Paths::resolve(&env, Some(platform()));
        assert_eq!(paths.config_dir, PathBuf::from("/c"));
        assert_eq!(paths.data_dir, PathBuf::from("/home/u/.local/share/docket"));
        assert_eq!(paths.state_dir, PathBuf::from("/s"));

        let env = env_of(&[(ENV_DATA_DIR, "/d")]);
        let paths = Paths::resolve(&env, Some(platform()));
        assert_eq!(paths.data_dir, PathBuf::from("/d"));
        assert_eq!(paths.config_dir, PathBuf::from("/home/u/.config/docket"));
    }

    #[test]
    fn empty_variables_are_ignored() {
        let env = env_of(&[(ENV_CONFIG_DIR, "")]);
        let paths = Paths::resolve(&env, Some(platform()));
        assert_eq!(paths.config_dir, PathBuf::from("/home/u/.config/docket"));
    }

    #[test]
    fn no_home_falls_back_to_dot_docket_and_says_so() {
        let paths = Paths::resolve(&env_of(&[(ENV_DATA_DIR, "/d")]), None);
        assert_eq!(
            paths.config_dir,
            Path::new(".").join(".docket").join("config")
        );
        assert_eq!(paths.data_dir, PathBuf::from("/d"));
        assert_eq!(
            paths.state_dir,
            Path::new(".").join(".docket").join("state")
        );
        assert_eq!(paths.warnings.len(), 2, "{:?}", paths.warnings);
        assert!(paths.warnings[0].contains("no home directory"));
        assert!(paths.warnings[0].contains(ENV_CONFIG_DIR));
        assert!(paths.warnings[1].contains(ENV_STATE_DIR));
    }

    #[test]
    fn entries_name_every_path_once() {
        let paths = Paths::resolve(&env_of(&[]), Some(platform()));
        let names: Vec<_> = paths.entries().into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "config_dir",
                "config_file",
                "keymap_file",
                "themes_dir",
                "data_dir",
                "state_dir",
                "log_file"
            ]
        );
    }

    #[test]
    fn line_col_counts_lines_and_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        // "bé" is 3 bytes; the space after it is the third character.
        assert_eq!(line_col(text, 9), (2, 3));
        // Inside the two-byte 'é' counts as the 'é'.
        assert_eq!(line_col(text, 8), (2, 2));
        assert_eq!(line_col(text, 999), (3, 1));
    }

    #[test]
    fn error_display_follows_the_house_style() {
        let e = ConfigError::new(
            "/x/config.toml",
            "unknown key \"them\"",
            "did you mean theme?",
        )
        .at(Some(3), Some(1));
        assert_eq!(
            e.to_string(),
            "/x/config.toml:3:1: unknown key \"them\"\n  hint: did you mean theme?"
        );
        let e = ConfigError::new("f", "m", "");
        assert_eq!(e.to_string(), "f: m");
    }

    #[test]
    fn toml_syntax_errors_carry_line_and_column() {
        let text = "theme = \"dark\"\n\ntheme = = 3\n";
        let err = Settings::from_toml(text, "config.toml").unwrap_err();
        assert_eq!(err.origin, "config.toml");
        assert_eq!(err.line, Some(3), "{err}");
        assert!(err.column.is_some());
    }

    #[test]
    fn settings_read_the_theme() {
        let s = Settings::from_toml("# mine\ntheme = \"light\"\n", "c").unwrap();
        assert_eq!(s.theme.as_deref(), Some("light"));
        assert_eq!(Settings::from_toml("", "c").unwrap(), Settings::default());
    }

    #[test]
    fn settings_reject_unknown_keys_with_their_line() {
        let err = Settings::from_toml("theme = \"dark\"\n\nfont = \"x\"\n", "c.toml").unwrap_err();
        assert_eq!((err.line, err.column), (Some(3), Some(1)));
        assert!(err.message.contains("\"font\""), "{err}");

        let err = Settings::from_toml("[ui]\ntheme = \"dark\"\n", "c.toml").unwrap_err();
        assert_eq!(err.line, Some(1));
        assert!(err.message.contains("\"ui\""), "{err}");
    }

    #[test]
    fn settings_reject_bad_theme_values() {
        let err = Settings::from_toml("theme = 3\n", "c").unwrap_err();
        assert_eq!((err.line, err.column), (Some(1), Some(9)));
        assert!(err.message.contains("string"), "{err}");
        let err = Settings::from_toml("\ntheme = \"../etc/passwd\"\n", "c").unwrap_err();
        assert_eq!(err.line, Some(2));
    }

    #[test]
    fn missing_files_are_defaults_and_unreadable_ones_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_of(&[(ENV_CONFIG_DIR, dir.path().to_str().unwrap())]);
        let paths = Paths::resolve(&env, None);
        assert_eq!(Settings::load(&paths).unwrap(), Settings::default());

        // A directory where the file should be is not "absent".
        std::fs::create_dir(paths.config_file()).unwrap();
        let err = Settings::load(&paths).unwrap_err();
        assert!(err.origin.ends_with("config.toml"), "{err}");
    }

    #[test]
    fn non_utf8_files_are_errors_with_a_position() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, b"theme = \"dark\"\n# \xff\n").unwrap();
        let err = read_optional(&file).unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(3)));
    }

    #[test]
    fn simple_names() {
        assert!(is_simple_name("high-contrast"));
        assert!(is_simple_name("my_theme2"));
        assert!(!is_simple_name(""));
        assert!(!is_simple_name("a/b"));
        assert!(!is_simple_name(".."));
    }
}
