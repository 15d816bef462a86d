//! The TUI's user files, from fixtures: every valid one loads, every invalid one fails
//! with an error naming the file and the line (the place a person has to fix).
//!
//! The fixture's name says which parser reads it: `config*`, `keymap*` (a user keymap
//! applied over the defaults) or `theme*`.

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use docket::tui::action::{Action, Layer};
use docket::tui::config::{ConfigError, Settings};
use docket::tui::keymap::Keymap;
use docket::tui::theme::{Role, Theme};
use ratatui::style::{Color, Modifier};

fn dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(kind)
}

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir(kind))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {kind}");
    files
}

/// What a fixture parses to.
enum Loaded {
    Settings(Settings),
    Keymap(Box<Keymap>),
    Theme(Box<Theme>),
}

fn load(path: &Path) -> Result<Loaded, ConfigError> {
    let text = std::fs::read_to_string(path).unwrap();
    let origin = path.display().to_string();
    let name = path.file_name().unwrap().to_string_lossy();
    if name.starts_with("config") {
        Settings::from_toml(&text, &origin).map(Loaded::Settings)
    } else if name.starts_with("keymap") {
        Keymap::defaults()
            .with_overrides(&text, &origin)
            .map(|k| Loaded::Keymap(Box::new(k)))
    } else if name.starts_with("theme") {
        Theme::from_toml(&text, &origin).map(|t| Loaded::Theme(Box::new(t)))
    } else {
        panic!("{name}: fixture names start with config, keymap or theme")
    }
}

fn fixture(kind: &str, name: &str) -> Loaded {
    let path = dir(kind).join(name);
    load(&path).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_valid_fixture_loads() {
    for path in fixtures("valid") {
        if let Err(e) = load(&path) {
            panic!("{} should load:\n{e}", path.display());
        }
    }
}

/// (fixture, line, words the message must contain).
const INVALID: &[(&str, usize, &str)] = &[
    ("config-bad-syntax.toml", 2, ""),
    ("config-bad-theme-type.toml", 2, "must be a string"),
    ("config-unknown-key.toml", 4, "unknown key \"keymap\""),
    ("keymap-bad-key.toml", 3, "bad key \"ctrl-pagedown\""),
    ("keymap-bad-syntax.toml", 3, ""),
    (
        "keymap-duplicate-key.toml",
        4,
        "same key as the one bound on line 2",
    ),
    ("keymap-shift-symbol.toml", 3, "bad key \"shift-/\""),
    ("keymap-text-layer.toml", 3, "text input"),
    ("keymap-unbind-unbound.toml", 3, "cannot be unbound"),
    (
        "keymap-unknown-action.toml",
        5,
        "unknown action \"mark_row\"",
    ),
    ("keymap-unknown-field.toml", 2, "unknown field \"mode\""),
    ("keymap-unknown-layer.toml", 4, "unknown layer \"tables\""),
    ("theme-bad-color.toml", 5, "\"orange\" is not a color"),
    ("theme-bad-hex.toml", 3, "\"#12345\" is not a color"),
    ("theme-bad-syntax.toml", 2, ""),
    ("theme-unknown-key.toml", 2, "unknown key \"author\""),
    ("theme-unknown-modifier.toml", 4, "unknown field \"blink\""),
    ("theme-unknown-role.toml", 5, "unknown role \"hgih\""),
];

#[test]
fn every_invalid_fixture_fails_at_its_line() {
    let files = fixtures("invalid");
    let listed: Vec<&str> = INVALID.iter().map(|(name, _, _)| *name).collect();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy();
        assert!(
            listed.contains(&name.as_ref()),
            "{name} is not listed in INVALID"
        );
    }
    assert_eq!(
        files.len(),
        INVALID.len(),
        "INVALID lists a missing fixture"
    );

    for (name, line, needle) in INVALID {
        let path = dir("invalid").join(name);
        let Err(err) = load(&path) else {
            panic!("{name} should fail");
        };
        assert_eq!(err.origin, path.display().to_string(), "{name}: {err}");
        assert_eq!(err.line, Some(*line), "{name}: {err}");
        assert!(err.column.is_some(), "{name}: {err}");
        assert!(err.message.contains(needle), "{name}: {err}");
        assert!(!err.hint.is_empty(), "{name}: {err}");
        let shown = err.to_string();
        assert!(
            shown.starts_with(&format!("{}:{line}:", path.display())),
            "{shown}"
        );
        assert!(shown.contains("\n  hint: "), "{shown}");
    }
}

#[test]
fn the_config_fixture_names_a_theme() {
    let Loaded::Settings(s) = fixture("valid", "config.toml") else {
        unreachable!()
    };
    assert_eq!(s.theme.as_deref(), Some("light"));
    let Loaded::Settings(s) = fixture("valid", "config-empty.toml") else {
        unreachable!()
    };
    assert_eq!(s.theme, None);
}

#[test]
fn the_user_keymap_fixture_changes_what_it_says() {
    let Loaded::Keymap(k) = fixture("valid", "keymap-vim.toml") else {
        unreachable!()
    };
    let key = |code, mods| KeyEvent::new(code, mods);
    let none = KeyModifiers::NONE;
    let ctrl = KeyModifiers::CONTROL;
    assert_eq!(
        k.resolve(Layer::Table, &key(KeyCode::Char('q'), none)),
        None
    );
    assert_eq!(
        k.resolve(Layer::Table, &key(KeyCode::Char('q'), ctrl)),
        Some(Action::Quit)
    );
    assert_eq!(
        k.resolve(Layer::Table, &key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
        Some(Action::Bottom)
    );
    assert_eq!(
        k.resolve(Layer::Table, &key(KeyCode::Char(' '), none)),
        None
    );
    assert_eq!(
        k.resolve(Layer::Table, &key(KeyCode::Char('f'), ctrl)),
        Some(Action::PageDown)
    );
    assert_eq!(
        k.resolve(Layer::Palette, &key(KeyCode::Char('n'), ctrl)),
        Some(Action::Down)
    );
    // "q" is unbound, so the first quit key is the default "ctrl-c".
    assert_eq!(
        k.key_for(Layer::Table, Action::Quit).as_deref(),
        Some("ctrl-c")
    );
    assert_eq!(k.key_for(Layer::Table, Action::Mark).as_deref(), Some("x"));
    // The replaced "G" keeps its place and description but shows the user's spelling.
    let table = k.bindings(Layer::Table);
    let bottom = table.iter().find(|b| b.1 == Action::Bottom).unwrap();
    assert_eq!(
        (bottom.0.as_str(), bottom.2.as_str()),
        ("shift-g", "bottom")
    );

    let Loaded::Keymap(empty) = fixture("valid", "keymap-empty.toml") else {
        unreachable!()
    };
    let defaults = Keymap::defaults();
    for layer in [Layer::Global, Layer::Table, Layer::Help, Layer::Filter] {
        assert_eq!(empty.bindings(layer), defaults.bindings(layer));
    }
}

#[test]
fn theme_fixtures_fill_gaps_from_dark() {
    let Loaded::Theme(partial) = fixture("valid", "theme-partial.toml") else {
        unreachable!()
    };
    let dark = Theme::builtin("dark").unwrap();
    assert_eq!(partial.name, "partial");
    let critical = partial.style(Role::Critical);
    assert_eq!(critical.fg, Some(Color::Rgb(0xff, 0x00, 0x87)));
    assert!(critical
        .add_modifier
        .contains(Modifier::BOLD | Modifier::UNDERLINED));
    assert_eq!(partial.style(Role::Selection).bg, Some(Color::DarkGray));
    assert_eq!(partial.style(Role::High), dark.style(Role::High));
    assert_eq!(partial.style(Role::Flash), dark.style(Role::Flash));

    let Loaded::Theme(solarized) = fixture("valid", "theme-solarized.toml") else {
        unreachable!()
    };
    assert_eq!(solarized.name, "solarized");
    assert_eq!(
        solarized.style(Role::Ok).fg,
        Some(Color::Rgb(0x85, 0x99, 0x00))
    );
}
