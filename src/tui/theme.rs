//! Themes: semantic roles (severity, muted, accent, selection, ...) mapped to styles, read
//! from TOML. Views ask for a [`Role`], never for a color, so every theme (and `NO_COLOR`)
//! works on every screen.
//!
//! Four themes are shipped in `themes/` and embedded: `dark` (the default), `light`,
//! `high-contrast` and `monochrome`. User themes are `NAME.toml` files in the themes
//! directory; one named like a shipped theme replaces it. A role a theme leaves out takes
//! the built-in dark theme's style for that role (the whole style, not field by field).
//! `monochrome` uses no colors, only bold / reversed / underlined / dim, and is chosen
//! whenever `NO_COLOR` is set and non-empty (<https://no-color.org>), whatever
//! `config.toml` says.

use std::ops::Range;
use std::path::Path;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};

use super::config::{is_simple_name, read_optional, ConfigError, Doc, Paths};
use crate::checks::Severity;

/// The theme used when `config.toml` names none.
pub const DEFAULT_THEME: &str = "dark";

/// The theme `NO_COLOR` selects.
pub const NO_COLOR_THEME: &str = "monochrome";

/// The shipped themes: (name, TOML).
const BUILTIN: [(&str, &str); 4] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("monochrome", include_str!("../../themes/monochrome.toml")),
];

const COLOR_HINT: &str = "use a color name (red, light-red, gray, dark-gray, white, ...), \
                          \"#rrggbb\", a 256-color index \"0\"..\"255\", or \"reset\"";

/// What a piece of text means on screen; each theme gives every role a style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Critical,
    High,
    Medium,
    Low,
    Info,
    /// Ordinary text.
    Text,
    /// Secondary text: ids, timestamps, "not evaluated".
    Muted,
    /// What should draw the eye: the active tab, key names in hints.
    Accent,
    Border,
    Title,
    /// Table column headers.
    Header,
    /// The selected row.
    Selection,
    /// Rows marked for bulk actions.
    Mark,
    Ok,
    Warn,
    Error,
    /// Transient messages in the flash line.
    Flash,
}

impl Role {
    /// Every role, in declaration order (so `role as usize` indexes this array).
    pub const ALL: [Role; 17] = [
        Role::Critical,
        Role::High,
        Role::Medium,
        Role::Low,
        Role::Info,
        Role::Text,
        Role::Muted,
        Role::Accent,
        Role::Border,
        Role::Title,
        Role::Header,
        Role::Selection,
        Role::Mark,
        Role::Ok,
        Role::Warn,
        Role::Error,
        Role::Flash,
    ];

    /// The name used in theme files.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Critical => "critical",
            Role::High => "high",
            Role::Medium => "medium",
            Role::Low => "low",
            Role::Info => "info",
            Role::Text => "text",
            Role::Muted => "muted",
            Role::Accent => "accent",
            Role::Border => "border",
            Role::Title => "title",
            Role::Header => "header",
            Role::Selection => "selection",
            Role::Mark => "mark",
            Role::Ok => "ok",
            Role::Warn => "warn",
            Role::Error => "error",
            Role::Flash => "flash",
        }
    }

    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

type Styles = [Style; Role::ALL.len()];

/// A theme: a style for every role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub name: String,
    styles: Styles,
}

/// A theme file as read: its `name` (with where it is written) and its styles.
struct Parsed {
    name: Option<(String, Range<usize>)>,
    styles: Styles,
}

impl Theme {
    /// A shipped theme: dark, light, high-contrast, monochrome.
    pub fn builtin(name: &str) -> Option<Theme> {
        let (name, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        let parsed = parse(&Doc::new(text, &builtin_origin(name)), &dark_styles()).ok()?;
        Some(Theme {
            name: (*name).to_string(),
            styles: parsed.styles,
        })
    }

    /// A theme from TOML. Roles it leaves out take the dark theme's style. The name is the
    /// file's `name` key, else the stem of `origin`.
    pub fn from_toml(text: &str, origin: &str) -> Result<Theme, ConfigError> {
        let parsed = parse(&Doc::new(text, origin), &dark_styles())?;
        let name = match parsed.name {
            Some((name, _)) => name,
            None => stem(origin).unwrap_or_else(|| "custom".to_string()),
        };
        Ok(Theme {
            name,
            styles: parsed.styles,
        })
    }

    /// The style of a role.
    pub fn style(&self, role: Role) -> Style {
        self.styles[role as usize]
    }

    /// The style of a finding severity (the role of the same name).
    pub fn severity(&self, severity: Severity) -> Style {
        self.style(match severity {
            Severity::Critical => Role::Critical,
            Severity::High => Role::High,
            Severity::Medium => Role::Medium,
            Severity::Low => Role::Low,
            Severity::Info => Role::Info,
        })
    }

    /// Choose the theme: `NO_COLOR` -> the shipped monochrome (a user file cannot bring
    /// colors back); else the name from `config.toml` (default dark), looked up in the user
    /// themes directory first, then among the shipped themes. An unknown name is an error.
    pub fn load(
        paths: &Paths,
        config_theme: Option<&str>,
        no_color: bool,
    ) -> Result<Theme, ConfigError> {
        if no_color {
            return Theme::builtin(NO_COLOR_THEME).ok_or_else(|| missing_builtin(NO_COLOR_THEME));
        }
        let name = config_theme.unwrap_or(DEFAULT_THEME);
        let config_file = paths.config_file().display().to_string();
        if !is_simple_name(name) {
            return Err(ConfigError::new(
                &config_file,
                format!("theme {name:?} is not a valid theme name"),
                "use letters, digits, - and _ only",
            ));
        }
        let file = paths.themes_dir().join(format!("{name}.toml"));
        if let Some(text) = read_optional(&file)? {
            return from_user_file(&text, &file, name);
        }
        Theme::builtin(name).ok_or_else(|| {
            ConfigError::new(
                &config_file,
                format!("unknown theme {name:?}"),
                format!(
                    "themes are {}; a user theme is a file NAME.toml in {}",
                    Theme::names(paths).join(", "),
                    paths.themes_dir().display()
                ),
            )
        })
    }

    /// The shipped themes, then the user's (`themes/*.toml`, sorted), each name once.
    pub fn names(paths: &Paths) -> Vec<String> {
        let mut names: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
        let mut user: Vec<String> = std::fs::read_dir(paths.themes_dir())
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "toml"))
            .filter_map(|path| stem(&path.to_string_lossy()))
            .filter(|name| is_simple_name(name) && !names.contains(name))
            .collect();
        user.sort();
        user.dedup();
        names.extend(user);
        names
    }

    /// Every user theme file, parsed: `docket config check` reports the first broken one
    /// even when it is not the selected theme, since `:theme` can switch to it later.
    pub fn check_user_themes(paths: &Paths) -> Result<usize, ConfigError> {
        let mut count = 0;
        for name in Theme::names(paths) {
            let file = paths.themes_dir().join(format!("{name}.toml"));
            if let Some(text) = read_optional(&file)? {
                from_user_file(&text, &file, &name)?;
                count += 1;
            }
        }
        Ok(count)
    }
}

/// True when `NO_COLOR` asks for no colors: set and not empty.
pub fn no_color_requested(env: &dyn Fn(&str) -> Option<String>) -> bool {
    env("NO_COLOR").is_some_and(|v| !v.is_empty())
}

fn builtin_origin(name: &str) -> String {
    format!("themes/{name}.toml (built in)")
}

fn missing_builtin(name: &str) -> ConfigError {
    ConfigError::new(
        &builtin_origin(name),
        "the built-in theme does not parse",
        "this is a bug in Docket; please report it",
    )
}

/// The dark theme's styles: the fallback of every role a theme leaves out. The embedded
/// file defines every role (a test checks), so it needs no fallback of its own.
fn dark_styles() -> Styles {
    let text = BUILTIN[0].1;
    parse(
        &Doc::new(text, &builtin_origin(DEFAULT_THEME)),
        &Styles::default(),
    )
    .map(|p| p.styles)
    .unwrap_or_else(|e| panic!("the embedded dark theme is invalid: {e}"))
}

/// The file stem of a path-like origin: `/x/themes/mine.toml` -> `mine`.
fn stem(origin: &str) -> Option<String> {
    Path::new(origin)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
}

/// A user theme file: its `name`, when written, must be the file's name, because the file
/// name is what `config.toml` and `:theme` select.
fn from_user_file(text: &str, file: &Path, name: &str) -> Result<Theme, ConfigError> {
    let origin = file.display().to_string();
    let doc = Doc::new(text, &origin);
    let parsed = parse(&doc, &dark_styles())?;
    if let Some((written, span)) = parsed.name {
        if written != name {
            return Err(doc.error(
                span,
                format!("name = {written:?}, but the file is {name}.toml"),
                format!(
                    "the file name is the theme name: write name = {name:?} or remove the line"
                ),
            ));
        }
    }
    Ok(Theme {
        name: name.to_string(),
        styles: parsed.styles,
    })
}

/// Read a theme document over `base` (the styles of roles it leaves out).
fn parse(doc: &Doc<'_>, base: &Styles) -> Result<Parsed, ConfigError> {
    let table = doc.parse()?;
    let mut parsed = Parsed {
        name: None,
        styles: *base,
    };
    for (key, value) in Doc::entries(&table) {
        match key.get_ref().as_ref() {
            "name" => {
                let name = doc.expect_str(value, "name")?;
                if !is_simple_name(name) {
                    return Err(doc.error(
                        value.span(),
                        format!("{name:?} is not a valid theme name"),
                        "use letters, digits, - and _ only",
                    ));
                }
                parsed.name = Some((name.to_string(), value.span()));
            }
            "roles" => {
                let roles = doc.expect_table(
                    value,
                    "roles",
                    "write [roles] and then one ROLE = { fg = ..., bg = ..., bold = true } per line",
                )?;
                for (role_key, role_value) in Doc::entries(roles) {
                    let role = parse_role(doc, role_key.get_ref(), role_key.span())?;
                    parsed.styles[role as usize] = parse_style(doc, role, role_value)?;
                }
            }
            other => {
                return Err(doc.error(
                    key.span(),
                    format!("unknown key {other:?}"),
                    "a theme has a name and a [roles] table",
                ))
            }
        }
    }
    Ok(parsed)
}

fn parse_role(doc: &Doc<'_>, name: &str, span: Range<usize>) -> Result<Role, ConfigError> {
    Role::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        doc.error(
            span,
            format!("unknown role {name:?}"),
            format!("roles are {}", names.join(", ")),
        )
    })
}

/// `{ fg = "...", bg = "...", bold = true, ... }`. `false` removes a modifier, which matters
/// when a view patches this style over another one.
fn parse_style(
    doc: &Doc<'_>,
    role: Role,
    value: &toml::Spanned<toml::de::DeValue<'_>>,
) -> Result<Style, ConfigError> {
    let fields = doc.expect_table(
        value,
        role.as_str(),
        &format!("write {} = {{ fg = \"red\", bold = true }}", role.as_str()),
    )?;
    let mut style = Style::default();
    for (field, field_value) in Doc::entries(fields) {
        let name = field.get_ref().as_ref();
        match name {
            "fg" => style = style.fg(parse_color(doc, field_value, "fg")?),
            "bg" => style = style.bg(parse_color(doc, field_value, "bg")?),
            _ => {
                let Some(modifier) = modifier(name) else {
                    return Err(doc.error(
                        field.span(),
                        format!("unknown field {name:?} in the {} role", role.as_str()),
                        "a role has fg, bg, bold, italic, underlined, reversed and dim",
                    ));
                };
                style = if doc.expect_bool(field_value, name)? {
                    style.add_modifier(modifier)
                } else {
                    style.remove_modifier(modifier)
                };
            }
        }
    }
    Ok(style)
}

fn modifier(name: &str) -> Option<Modifier> {
    Some(match name {
        "bold" => Modifier::BOLD,
        "italic" => Modifier::ITALIC,
        "underlined" => Modifier::UNDERLINED,
        "reversed" => Modifier::REVERSED,
        "dim" => Modifier::DIM,
        _ => return None,
    })
}

fn parse_color(
    doc: &Doc<'_>,
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    what: &str,
) -> Result<Color, ConfigError> {
    let text = doc.expect_str(value, what)?;
    Color::from_str(text).map_err(|_| {
        doc.error(
            value.span(),
            format!("{what} = {text:?} is not a color"),
            COLOR_HINT,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::config::ENV_CONFIG_DIR;

    fn paths_in(dir: &Path) -> Paths {
        let dir = dir.display().to_string();
        Paths::resolve(
            &move |name| (name == ENV_CONFIG_DIR).then(|| dir.clone()),
            None,
        )
    }

    #[test]
    fn roles_index_their_array() {
        for (i, role) in Role::ALL.iter().enumerate() {
            assert_eq!(*role as usize, i);
            assert_eq!(Role::from_name(role.as_str()), Some(*role));
        }
    }

    #[test]
    fn builtin_themes_parse_and_define_every_role() {
        for (name, text) in BUILTIN {
            let doc = Doc::new(text, name);
            let parsed = parse(&doc, &Styles::default()).unwrap();
            assert_eq!(parsed.name.as_ref().map(|n| n.0.as_str()), Some(name));
            let table = doc.parse().unwrap();
            let roles = table.get("roles").unwrap().get_ref().as_table().unwrap();
            for role in Role::ALL {
                assert!(
                    roles.get(role.as_str()).is_some(),
                    "{name} lacks {}",
                    role.as_str()
                );
            }
            assert_eq!(Theme::builtin(name).unwrap().name, name);
        }
        assert!(Theme::builtin("solarized").is_none());
    }

    #[test]
    fn dark_reads_its_colors() {
        let dark = Theme::builtin("dark").unwrap();
        let critical = dark.style(Role::Critical);
        assert_eq!(critical.fg, Some(Color::Rgb(0xff, 0x5f, 0x5f)));
        assert!(critical.add_modifier.contains(Modifier::BOLD));
        let selection = dark.style(Role::Selection);
        assert_eq!(selection.bg, Some(Color::Rgb(0x30, 0x38, 0x50)));
        assert_eq!(selection.fg, Some(Color::White));
        assert_eq!(dark.severity(Severity::Critical), critical);
        assert_eq!(dark.severity(Severity::Info), dark.style(Role::Info));
    }

    #[test]
    fn severities_have_distinct_styles_in_every_theme() {
        for (name, _) in BUILTIN {
            let theme = Theme::builtin(name).unwrap();
            let styles: Vec<Style> = Severity::ALL.iter().map(|s| theme.severity(*s)).collect();
            for (i, a) in styles.iter().enumerate() {
                for b in &styles[i + 1..] {
                    assert_ne!(a, b, "{name}");
                }
            }
        }
    }

    #[test]
    fn missing_roles_fall_back_to_dark() {
        let text = "name = \"mine\"\n[roles]\ncritical = { fg = \"magenta\" }\n";
        let mine = Theme::from_toml(text, "mine.toml").unwrap();
        let dark = Theme::builtin("dark").unwrap();
        assert_eq!(mine.name, "mine");
        assert_eq!(
            mine.style(Role::Critical),
            Style::default().fg(Color::Magenta)
        );
        for role in Role::ALL.into_iter().filter(|r| *r != Role::Critical) {
            assert_eq!(mine.style(role), dark.style(role), "{role:?}");
        }
        // Without a name key, the file name names the theme.
        assert_eq!(
            Theme::from_toml("", "/x/themes/solar.toml").unwrap().name,
            "solar"
        );
    }

    #[test]
    fn colors_and_modifiers() {
        let text = "[roles]\ntext = { fg = \"light-red\", bg = \"dark-gray\", italic = true, underlined = true, dim = true, reversed = true }\nmuted = { fg = \"reset\", bg = \"42\", bold = false }\n";
        let t = Theme::from_toml(text, "t.toml").unwrap();
        let s = t.style(Role::Text);
        assert_eq!((s.fg, s.bg), (Some(Color::LightRed), Some(Color::DarkGray)));
        assert_eq!(
            s.add_modifier,
            Modifier::ITALIC | Modifier::UNDERLINED | Modifier::DIM | Modifier::REVERSED
        );
        let m = t.style(Role::Muted);
        assert_eq!((m.fg, m.bg), (Some(Color::Reset), Some(Color::Indexed(42))));
        assert!(m.sub_modifier.contains(Modifier::BOLD));
    }

    #[test]
    fn errors_name_the_line() {
        let cases: &[(&str, usize, &str)] = &[
            ("[roles]\ncritcal = { fg = \"red\" }\n", 2, "unknown role"),
            (
                "[roles]\n\ncritical = { fg = \"rouge\" }\n",
                3,
                "not a color",
            ),
            ("[roles]\ncritical = { fg = \"#ff00\" }\n", 2, "not a color"),
            (
                "[roles]\ncritical = { fg = \"red\", blink = true }\n",
                2,
                "unknown field",
            ),
            (
                "[roles]\ncritical = { bold = \"yes\" }\n",
                2,
                "true or false",
            ),
            ("[roles]\ncritical = \"red\"\n", 2, "must be a table"),
            ("name = \"x\"\ncolors = 1\n", 2, "unknown key"),
            ("name = \"a b\"\n", 1, "not a valid theme name"),
            ("[roles\n", 1, ""),
        ];
        for (text, line, needle) in cases {
            let err = Theme::from_toml(text, "t.toml").unwrap_err();
            assert_eq!(err.origin, "t.toml");
            assert_eq!(err.line, Some(*line), "{text:?}: {err}");
            assert!(err.message.contains(needle), "{text:?}: {err}");
        }
    }

    #[test]
    fn no_color_env_detection() {
        assert!(no_color_requested(&|_| Some("1".into())));
        assert!(!no_color_requested(&|_| Some(String::new())));
        assert!(!no_color_requested(&|_| None));
    }

    #[test]
    fn no_color_selects_monochrome_without_any_color() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths_in(dir.path());
        // Even a user theme called monochrome cannot bring colors back under NO_COLOR.
        std::fs::create_dir_all(paths.themes_dir()).unwrap();
        std::fs::write(
            paths.themes_dir().join("monochrome.toml"),
            "[roles]\ntext = { fg = \"red\" }\n",
        )
        .unwrap();
        let theme = Theme::load(&paths, Some("light"), true).unwrap();
        assert_eq!(theme.name, "monochrome");
        for role in Role::ALL {
            let s = theme.style(role);
            assert_eq!(
                (s.fg, s.bg, s.underline_color),
                (None, None, None),
                "{role:?}"
            );
        }
        assert!(theme
            .style(Role::Selection)
            .add_modifier
            .contains(Modifier::REVERSED));
    }

    #[test]
    fn load_prefers_user_themes_and_defaults_to_dark() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths_in(dir.path());
        assert_eq!(
            Theme::load(&paths, None, false).unwrap(),
            Theme::builtin("dark").unwrap()
        );
        assert_eq!(
            Theme::load(&paths, Some("light"), false).unwrap().name,
            "light"
        );

        std::fs::create_dir_all(paths.themes_dir()).unwrap();
        std::fs::write(
            paths.themes_dir().join("light.toml"),
            "[roles]\ntext = { fg = \"blue\" }\n",
        )
        .unwrap();
        std::fs::write(paths.themes_dir().join("solar.toml"), "name = \"solar\"\n").unwrap();
        std::fs::write(paths.themes_dir().join("notes.txt"), "not a theme").unwrap();
        let light = Theme::load(&paths, Some("light"), false).unwrap();
        assert_eq!(light.style(Role::Text).fg, Some(Color::Blue));
        assert_eq!(
            Theme::load(&paths, Some("solar"), false).unwrap().name,
            "solar"
        );
        assert_eq!(
            Theme::names(&paths),
            ["dark", "light", "high-contrast", "monochrome", "solar"]
        );
        assert_eq!(Theme::check_user_themes(&paths).unwrap(), 2);
    }

    #[test]
    fn load_errors_are_loud() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths_in(dir.path());
        let err = Theme::load(&paths, Some("solarized"), false).unwrap_err();
        assert!(err.origin.ends_with("config.toml"), "{err}");
        assert!(err.hint.contains("high-contrast"), "{err}");

        std::fs::create_dir_all(paths.themes_dir()).unwrap();
        let file = paths.themes_dir().join("mine.toml");
        std::fs::write(&file, "# copied\nname = \"dark\"\n").unwrap();
        let err = Theme::load(&paths, Some("mine"), false).unwrap_err();
        assert_eq!(
            (err.origin.clone(), err.line),
            (file.display().to_string(), Some(2))
        );
        assert!(Theme::check_user_themes(&paths).is_err());

        std::fs::write(&file, "[roles]\nok = { fg = 1 }\n").unwrap();
        let err = Theme::load(&paths, Some("mine"), false).unwrap_err();
        assert_eq!(err.line, Some(2));
    }
}
