//! Key bindings as data: `assets/keymap.toml` (embedded) plus the user's `keymap.toml`.
//!
//! Each binding lives in a [`Layer`] and carries a description, so the help screen and the
//! hints bar are generated from the same file that drives [`Keymap::resolve`]. Lookup is a
//! hash of a normalized [`KeyChord`], because it runs on every key press.
//!
//! Keys are spelled `"q"`, `"G"`, `"?"`, `"ctrl-s"`, `"alt-space"`, `"shift-tab"`, `"f5"`.
//! A terminal reports an uppercase letter as `Char('G')`, with or without SHIFT depending
//! on the terminal and keyboard protocol, so chords are normalized: for characters SHIFT is
//! folded into the character (`"shift-g"` == `"G"`), and shift-tab is backtab.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde::{Deserialize, Serialize};

use super::action::{Action, Layer};
use super::config::{read_optional, ConfigError, Doc, Paths};

/// The default bindings, shipped in the binary.
pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

/// How the embedded defaults are named in errors.
const DEFAULT_ORIGIN: &str = "assets/keymap.toml (built in)";

/// The action name that removes a default binding in a user keymap.
const UNBIND: &str = "unbind";

const KEY_HINT: &str = "write one character (\"q\", \"G\", \"?\") or a named key (esc, enter, \
                        tab, backtab, space, up, down, left, right, pgup, pgdown, home, end, \
                        backspace, delete, f1..f12), optionally after ctrl-, alt-, shift-";

const BINDING_HINT: &str = "write \"KEY\" = { action = \"ACTION\", desc = \"what it does\" }";

/// Every layer, in the order the keymap stores them.
const LAYERS: [Layer; 10] = [
    Layer::Global,
    Layer::Table,
    Layer::Detail,
    Layer::Overview,
    Layer::Help,
    Layer::Palette,
    Layer::Filter,
    Layer::Rules,
    Layer::Log,
    Layer::Dpia,
];

/// Where a layer lives in [`LAYERS`]. Exhaustive on purpose: a new `Layer` variant does not
/// compile until it is given a slot here (and so in `LAYERS`).
fn slot(layer: Layer) -> usize {
    match layer {
        Layer::Global => 0,
        Layer::Table => 1,
        Layer::Detail => 2,
        Layer::Overview => 3,
        Layer::Help => 4,
        Layer::Palette => 5,
        Layer::Filter => 6,
        Layer::Rules => 7,
        Layer::Log => 8,
        Layer::Dpia => 9,
    }
}

/// Layers where the user types text: plain characters belong to the input line, so they
/// cannot be bound there and global bindings of plain characters do not reach them.
fn is_text_layer(layer: Layer) -> bool {
    matches!(layer, Layer::Palette | Layer::Filter)
}

/// The snake_case name serde gives a unit variant (`Action::RawObject` -> `raw_object`).
pub fn serde_name<T: Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// Parse a unit variant from its serde name.
fn from_serde_name<'de, T: Deserialize<'de>>(name: &'de str) -> Option<T> {
    let de = serde::de::value::BorrowedStrDeserializer::<serde::de::value::Error>::new(name);
    T::deserialize(de).ok()
}

/// A key press with modifiers, normalized so that every spelling of a key and every way a
/// terminal reports it compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    code: KeyCode,
    modifiers: KeyModifiers,
}

impl KeyChord {
    /// Normalize: SHIFT on a character is folded into the character (uppercase for
    /// letters; `?` already is the shifted `/`), and shift-tab becomes backtab.
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> KeyChord {
        let shift = modifiers.contains(KeyModifiers::SHIFT);
        let mut modifiers = modifiers;
        let code = match code {
            KeyCode::Char(c) => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::Char(if shift { uppercase(c) } else { c })
            }
            KeyCode::Tab if shift => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::BackTab => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        KeyChord { code, modifiers }
    }

    /// The chord of a terminal key event.
    pub fn from_event(event: &KeyEvent) -> KeyChord {
        KeyChord::new(event.code, event.modifiers)
    }

    /// Parse a key as written in a keymap file; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<KeyChord, String> {
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = text;
        while let Some((modifier, len)) = modifier_prefix(rest) {
            if rest.len() == len {
                break; // "ctrl-" alone: no key after the modifier
            }
            if modifiers.contains(modifier) {
                return Err(format!("{} is repeated", &rest[..len]));
            }
            modifiers |= modifier;
            rest = &rest[len..];
        }
        let code = key_code(rest)?;
        if modifiers.contains(KeyModifiers::SHIFT) {
            if let KeyCode::Char(c) = code {
                if uppercase(c) == c && c.to_lowercase().eq([c]) {
                    return Err(
                        "shift- works with letters and named keys; write the character the \
                         shifted key types instead (for example \"?\", not \"shift-/\")"
                            .to_string(),
                    );
                }
            }
        }
        Ok(KeyChord::new(code, modifiers))
    }

    /// True when, in a text input, this key types a character rather than commanding.
    pub fn types_text(&self) -> bool {
        matches!(self.code, KeyCode::Char(_)) && self.modifiers.is_empty()
    }
}

impl fmt::Display for KeyChord {
    /// The canonical spelling, which [`KeyChord::parse`] reads back: `ctrl-s`, `G`, `space`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (flag, name) in [
            (KeyModifiers::CONTROL, "ctrl-"),
            (KeyModifiers::ALT, "alt-"),
            (KeyModifiers::SHIFT, "shift-"),
        ] {
            if self.modifiers.contains(flag) {
                f.write_str(name)?;
            }
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            code => f.write_str(named_key(code).unwrap_or("?")),
        }
    }
}

/// The single uppercase form of a character, or the character itself.
fn uppercase(c: char) -> char {
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// A leading `ctrl-`, `alt-` or `shift-` (any case) and its length in bytes.
fn modifier_prefix(text: &str) -> Option<(KeyModifiers, usize)> {
    [
        ("ctrl-", KeyModifiers::CONTROL),
        ("alt-", KeyModifiers::ALT),
        ("shift-", KeyModifiers::SHIFT),
    ]
    .into_iter()
    .find(|(prefix, _)| {
        text.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    })
    .map(|(prefix, modifier)| (modifier, prefix.len()))
}

/// The named keys and their spelling in keymap files.
const NAMED: [(&str, KeyCode); 15] = [
    ("esc", KeyCode::Esc),
    ("enter", KeyCode::Enter),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("space", KeyCode::Char(' ')),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pgup", KeyCode::PageUp),
    ("pgdown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
];

fn named_key(code: KeyCode) -> Option<&'static str> {
    NAMED
        .iter()
        .find(|(_, named)| *named == code)
        .map(|(name, _)| *name)
}

/// The key part of a key string (after the modifiers). One character is itself and keeps
/// its case; longer names are case-insensitive.
fn key_code(name: &str) -> Result<KeyCode, String> {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (None, _) => return Err("the key is empty".into()),
        (Some(c), None) => return Ok(KeyCode::Char(c)),
        _ => {}
    }
    let lower = name.to_ascii_lowercase();
    if let Some((_, code)) = NAMED.iter().find(|(n, _)| *n == lower) {
        return Ok(*code);
    }
    if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
        if (1..=12).contains(&n) {
            return Ok(KeyCode::F(n));
        }
    }
    Err(format!("unknown key name {name:?}"))
}

/// One binding: the key as written, the action, and the description the help screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub key: String,
    pub chord: KeyChord,
    pub action: Action,
    pub desc: String,
}

/// The bindings of one layer in file order, and the index used to resolve keys.
#[derive(Debug, Clone, Default)]
struct LayerKeys {
    bindings: Vec<Binding>,
    index: HashMap<KeyChord, Action>,
}

impl LayerKeys {
    fn reindex(&mut self) {
        self.index = self.bindings.iter().map(|b| (b.chord, b.action)).collect();
    }

    fn position(&self, chord: KeyChord) -> Option<usize> {
        self.bindings.iter().position(|b| b.chord == chord)
    }
}

/// The key bindings of every layer.
#[derive(Debug, Clone)]
pub struct Keymap {
    layers: [LayerKeys; LAYERS.len()],
}

/// Whether a file is a complete keymap (the defaults) or a user's changes to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Every binding needs a `desc`; `unbind` makes no sense.
    Complete,
    /// `desc` may be left out; `unbind` removes a default.
    Overrides,
}

/// One `"key" = { ... }` line as read from a file, before it is applied.
struct Parsed {
    layer: Layer,
    key: String,
    key_span: Range<usize>,
    chord: KeyChord,
    /// `None` for `unbind`.
    action: Option<Action>,
    desc: Option<String>,
}

impl Keymap {
    fn empty() -> Keymap {
        Keymap {
            layers: std::array::from_fn(|_| LayerKeys::default()),
        }
    }

    /// The embedded defaults (`assets/keymap.toml`). A unit test proves they parse, so
    /// failing here is a build defect, not a user error.
    pub fn defaults() -> Keymap {
        Keymap::from_toml(DEFAULT_KEYMAP, DEFAULT_ORIGIN)
            .unwrap_or_else(|e| panic!("the embedded keymap is invalid: {e}"))
    }

    /// A complete keymap from TOML; every binding needs an action and a desc.
    pub fn from_toml(text: &str, origin: &str) -> Result<Keymap, ConfigError> {
        let doc = Doc::new(text, origin);
        let mut keymap = Keymap::empty();
        for p in parse_file(&doc, Mode::Complete)? {
            // Mode::Complete has already rejected `unbind` and a missing desc.
            if let (Some(action), Some(desc)) = (p.action, p.desc) {
                keymap.layers[slot(p.layer)].bindings.push(Binding {
                    key: p.key,
                    chord: p.chord,
                    action,
                    desc,
                });
            }
        }
        keymap.reindex();
        Ok(keymap)
    }

    /// Apply a user keymap: a key bound there replaces the binding of the same key in the
    /// same layer (keeping its place in the help screen) or is appended; `unbind` removes
    /// one. A binding without `desc` reuses the replaced one's when the action is the same,
    /// else the action's name.
    pub fn with_overrides(mut self, user_text: &str, origin: &str) -> Result<Keymap, ConfigError> {
        let doc = Doc::new(user_text, origin);
        for p in parse_file(&doc, Mode::Overrides)? {
            let layer = &mut self.layers[slot(p.layer)];
            let existing = layer.position(p.chord);
            match (p.action, existing) {
                (None, Some(i)) => {
                    layer.bindings.remove(i);
                }
                (None, None) => {
                    return Err(doc.error(
                        p.key_span,
                        format!(
                            "{:?} is not bound in [{}], so it cannot be unbound",
                            p.key,
                            serde_name(p.layer)
                        ),
                        "remove this line, or check the key and the layer against the defaults",
                    ))
                }
                (Some(action), Some(i)) => {
                    let old = &layer.bindings[i];
                    let desc = p.desc.unwrap_or_else(|| {
                        if old.action == action {
                            old.desc.clone()
                        } else {
                            default_desc(action)
                        }
                    });
                    layer.bindings[i] = Binding {
                        key: p.key,
                        chord: p.chord,
                        action,
                        desc,
                    };
                }
                (Some(action), None) => layer.bindings.push(Binding {
                    key: p.key,
                    chord: p.chord,
                    action,
                    desc: p.desc.unwrap_or_else(|| default_desc(action)),
                }),
            }
        }
        self.reindex();
        Ok(self)
    }

    /// The defaults plus the user's `keymap.toml` when there is one.
    pub fn load(paths: &Paths) -> Result<Keymap, ConfigError> {
        let path = paths.keymap_file();
        let defaults = Keymap::defaults();
        match read_optional(&path)? {
            Some(text) => defaults.with_overrides(&text, &path.display().to_string()),
            None => Ok(defaults),
        }
    }

    /// The action of a key: the focused layer first, then Global. Key releases resolve to
    /// nothing (terminals with the kitty protocol report them). In text layers (palette,
    /// filter) a key that types a character never falls through to Global, so typing `q`
    /// in the palette does not quit.
    pub fn resolve(&self, layer: Layer, key: &KeyEvent) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let chord = KeyChord::from_event(key);
        if let Some(action) = self.layers[slot(layer)].index.get(&chord) {
            return Some(*action);
        }
        if layer == Layer::Global || (is_text_layer(layer) && chord.types_text()) {
            return None;
        }
        self.layers[slot(Layer::Global)].index.get(&chord).copied()
    }

    /// For the help screen and the hints bar, in file order: (key as written, action, desc).
    pub fn bindings(&self, layer: Layer) -> Vec<(String, Action, String)> {
        self.layers[slot(layer)]
            .bindings
            .iter()
            .map(|b| (b.key.clone(), b.action, b.desc.clone()))
            .collect()
    }

    /// The first key bound to an action in a layer (or global), for hints: "ctrl-s".
    pub fn key_for(&self, layer: Layer, action: Action) -> Option<String> {
        [layer, Layer::Global].into_iter().find_map(|l| {
            self.layers[slot(l)]
                .bindings
                .iter()
                .find(|b| b.action == action)
                .map(|b| b.key.clone())
        })
    }

    fn reindex(&mut self) {
        self.layers.iter_mut().for_each(LayerKeys::reindex);
    }
}

/// A description for a user binding that gave none: the action's name in words.
fn default_desc(action: Action) -> String {
    serde_name(action).replace('_', " ")
}

/// Read and validate every binding of a keymap file, in file order.
fn parse_file(doc: &Doc<'_>, mode: Mode) -> Result<Vec<Parsed>, ConfigError> {
    let table = doc.parse()?;
    let mut out = Vec::new();
    for (layer_key, layer_value) in Doc::entries(&table) {
        let layer = parse_layer(doc, layer_key.get_ref(), layer_key.span())?;
        let bindings = doc.expect_table(
            layer_value,
            &format!("[{}]", layer_key.get_ref()),
            "write a [layer] header, then one \"KEY\" = { action = ..., desc = ... } per line",
        )?;
        let mut seen: HashMap<KeyChord, Range<usize>> = HashMap::new();
        for (key, value) in Doc::entries(bindings) {
            let parsed = parse_binding(doc, mode, layer, key, value)?;
            if let Some(first) = seen.insert(parsed.chord, key.span()) {
                return Err(doc.error(
                    key.span(),
                    format!(
                        "{:?} is the same key as the one bound on line {} of [{}]",
                        parsed.key,
                        doc.line_of(&first),
                        serde_name(layer)
                    ),
                    "keep one of them (\"G\" and \"shift-g\" are the same key)",
                ));
            }
            out.push(parsed);
        }
    }
    Ok(out)
}

fn parse_layer(doc: &Doc<'_>, name: &str, span: Range<usize>) -> Result<Layer, ConfigError> {
    from_serde_name(name).ok_or_else(|| {
        let names: Vec<String> = LAYERS.iter().map(|l| serde_name(*l)).collect();
        doc.error(
            span,
            format!("unknown layer {name:?}"),
            format!("layers are {}", names.join(", ")),
        )
    })
}

fn parse_binding(
    doc: &Doc<'_>,
    mode: Mode,
    layer: Layer,
    key: &toml::Spanned<toml::de::DeString<'_>>,
    value: &toml::Spanned<toml::de::DeValue<'_>>,
) -> Result<Parsed, ConfigError> {
    let key_text = key.get_ref().to_string();
    let chord = KeyChord::parse(&key_text)
        .map_err(|m| doc.error(key.span(), format!("bad key {key_text:?}: {m}"), KEY_HINT))?;
    if is_text_layer(layer) && chord.types_text() {
        return Err(doc.error(
            key.span(),
            format!(
                "{key_text:?} types text, and [{}] is a text input",
                serde_name(layer)
            ),
            "bind named keys (enter, tab, up, ...) or ctrl-/alt- chords in text layers",
        ));
    }
    let fields = doc.expect_table(value, &format!("the binding of {key_text:?}"), BINDING_HINT)?;
    let mut action_field = None;
    let mut desc = None;
    for (field, field_value) in Doc::entries(fields) {
        match field.get_ref().as_ref() {
            "action" => {
                action_field = Some((doc.expect_str(field_value, "action")?, field_value.span()))
            }
            "desc" => desc = Some(doc.expect_str(field_value, "desc")?.to_string()),
            other => {
                return Err(doc.error(
                    field.span(),
                    format!("unknown field {other:?} in the binding of {key_text:?}"),
                    "a binding has only action and desc",
                ))
            }
        }
    }
    let Some((action_name, action_span)) = action_field else {
        return Err(doc.error(
            key.span(),
            format!("the binding of {key_text:?} has no action"),
            BINDING_HINT,
        ));
    };
    let action = parse_action(doc, mode, action_name, action_span)?;
    if mode == Mode::Complete && desc.as_deref().is_none_or(|d| d.trim().is_empty()) {
        return Err(doc.error(
            key.span(),
            format!("the binding of {key_text:?} has no desc"),
            "every default binding needs a desc: the help screen shows it",
        ));
    }
    Ok(Parsed {
        layer,
        key: key_text,
        key_span: key.span(),
        chord,
        action,
        desc,
    })
}

/// An action name, or `None` for `unbind` (allowed in user files only).
fn parse_action(
    doc: &Doc<'_>,
    mode: Mode,
    name: &str,
    span: Range<usize>,
) -> Result<Option<Action>, ConfigError> {
    if name == UNBIND {
        return match mode {
            Mode::Overrides => Ok(None),
            Mode::Complete => Err(doc.error(
                span,
                "unbind is only meaningful in a user keymap",
                "remove the line to leave the key unbound",
            )),
        };
    }
    match from_serde_name::<Action>(name) {
        Some(action) => Ok(Some(action)),
        None => {
            let names: Vec<String> = Action::ALL.iter().map(|a| serde_name(*a)).collect();
            Err(doc.error(
                span,
                format!("unknown action {name:?}"),
                format!("actions are {}, and unbind", names.join(", ")),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventState;

    fn ev(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    fn ch(c: char) -> KeyEvent {
        ev(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn chord(text: &str) -> KeyChord {
        KeyChord::parse(text).unwrap()
    }

    #[test]
    fn every_layer_has_its_slot() {
        for (i, layer) in LAYERS.iter().enumerate() {
            assert_eq!(slot(*layer), i, "{layer:?}");
        }
    }

    #[test]
    fn single_characters_keep_their_case() {
        assert_eq!(
            chord("q"),
            KeyChord::new(KeyCode::Char('q'), KeyModifiers::NONE)
        );
        assert_ne!(chord("q"), chord("Q"));
        for c in ["?", ":", "/", "[", "]", "1", "-", "é"] {
            let k = chord(c);
            assert_eq!(k.to_string(), c);
        }
    }

    #[test]
    fn uppercase_and_shift_spellings_are_one_key() {
        let g = chord("G");
        assert_eq!(chord("shift-g"), g);
        assert_eq!(chord("shift-G"), g);
        assert_eq!(chord("SHIFT-g"), g);
        // Terminals report uppercase letters with or without SHIFT, and kitty-style
        // protocols may report the base letter with SHIFT.
        assert_eq!(
            KeyChord::from_event(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            g
        );
        assert_eq!(
            KeyChord::from_event(&ev(KeyCode::Char('G'), KeyModifiers::NONE)),
            g
        );
        assert_eq!(
            KeyChord::from_event(&ev(KeyCode::Char('g'), KeyModifiers::SHIFT)),
            g
        );
        assert_ne!(KeyChord::from_event(&ch('g')), g);
        // A shifted symbol arrives as the symbol, sometimes with SHIFT (Windows).
        assert_eq!(
            KeyChord::from_event(&ev(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            chord("?")
        );
    }

    #[test]
    fn modifiers_combine_in_any_order() {
        let k = chord("ctrl-s");
        assert_eq!(k, KeyChord::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
        assert_eq!(chord("Ctrl-s"), k);
        assert_ne!(chord("ctrl-S"), k);
        assert_eq!(chord("ctrl-shift-s"), chord("shift-ctrl-S"));
        assert_eq!(
            chord("ctrl-alt-x"),
            KeyChord::new(
                KeyCode::Char('x'),
                KeyModifiers::CONTROL | KeyModifiers::ALT
            )
        );
        assert_eq!(
            chord("alt-space"),
            KeyChord::new(KeyCode::Char(' '), KeyModifiers::ALT)
        );
        assert_eq!(
            chord("ctrl--"),
            KeyChord::new(KeyCode::Char('-'), KeyModifiers::CONTROL)
        );
    }

    #[test]
    fn named_keys_parse_case_insensitively() {
        assert_eq!(
            chord("esc"),
            KeyChord::new(KeyCode::Esc, KeyModifiers::NONE)
        );
        assert_eq!(chord("Enter"), chord("enter"));
        assert_eq!(
            chord("space"),
            KeyChord::new(KeyCode::Char(' '), KeyModifiers::NONE)
        );
        assert_eq!(
            chord("pgdown"),
            KeyChord::new(KeyCode::PageDown, KeyModifiers::NONE)
        );
        assert_eq!(
            chord("f1"),
            KeyChord::new(KeyCode::F(1), KeyModifiers::NONE)
        );
        assert_eq!(
            chord("F12"),
            KeyChord::new(KeyCode::F(12), KeyModifiers::NONE)
        );
        assert_eq!(
            chord("shift-up"),
            KeyChord::new(KeyCode::Up, KeyModifiers::SHIFT)
        );
    }

    #[test]
    fn shift_tab_is_backtab_however_it_arrives() {
        let back = chord("backtab");
        assert_eq!(chord("shift-tab"), back);
        assert_eq!(
            KeyChord::from_event(&ev(KeyCode::BackTab, KeyModifiers::SHIFT)),
            back
        );
        assert_eq!(
            KeyChord::from_event(&ev(KeyCode::BackTab, KeyModifiers::NONE)),
            back
        );
        assert_eq!(
            KeyChord::from_event(&ev(KeyCode::Tab, KeyModifiers::SHIFT)),
            back
        );
    }

    #[test]
    fn bad_keys_say_why() {
        for bad in [
            "",
            "ctrl-",
            "escape",
            "f13",
            "f0",
            "ctrl-ctrl-x",
            "hyper-x",
            "shift-/",
            "shift-1",
            "shift-space",
        ] {
            assert!(KeyChord::parse(bad).is_err(), "{bad:?} should not parse");
        }
        assert!(KeyChord::parse("escape")
            .unwrap_err()
            .contains("unknown key name"));
        assert!(KeyChord::parse("shift-/").unwrap_err().contains("\"?\""));
    }

    #[test]
    fn display_round_trips() {
        for text in [
            "q",
            "G",
            "ctrl-s",
            "alt-space",
            "backtab",
            "f5",
            "ctrl-alt-up",
            "shift-left",
            "ctrl-G",
        ] {
            let k = chord(text);
            assert_eq!(KeyChord::parse(&k.to_string()).unwrap(), k, "{text}");
        }
        assert_eq!(chord("shift-g").to_string(), "G");
    }

    #[test]
    fn defaults_parse_and_every_binding_has_a_desc() {
        let keymap = Keymap::defaults();
        for layer in LAYERS {
            for (key, action, desc) in keymap.bindings(layer) {
                assert!(!desc.trim().is_empty(), "{layer:?} {key} {action:?}");
            }
        }
        assert!(!keymap.bindings(Layer::Global).is_empty());
    }

    #[test]
    fn every_action_is_bound_somewhere_in_the_defaults() {
        let keymap = Keymap::defaults();
        for action in Action::ALL {
            let bound = LAYERS
                .iter()
                .any(|l| keymap.bindings(*l).iter().any(|(_, a, _)| *a == action));
            assert!(bound, "{action:?} has no default key");
        }
    }

    #[test]
    fn every_layer_has_defaults_and_a_way_back() {
        let keymap = Keymap::defaults();
        for layer in LAYERS {
            assert!(!keymap.bindings(layer).is_empty(), "{layer:?}");
            let esc = ev(KeyCode::Esc, KeyModifiers::NONE);
            assert_eq!(keymap.resolve(layer, &esc), Some(Action::Back), "{layer:?}");
        }
    }

    #[test]
    fn default_keys_follow_the_guide() {
        let k = Keymap::defaults();
        let ctrl = |c| ev(KeyCode::Char(c), KeyModifiers::CONTROL);
        let g = Layer::Global;
        assert_eq!(k.resolve(g, &ch('q')), Some(Action::Quit));
        assert_eq!(k.resolve(g, &ctrl('c')), Some(Action::Quit));
        assert_eq!(k.resolve(g, &ch('?')), Some(Action::Help));
        assert_eq!(k.resolve(g, &ch(':')), Some(Action::Palette));
        assert_eq!(k.resolve(g, &ch('/')), Some(Action::Filter));
        assert_eq!(k.resolve(g, &ch('1')), Some(Action::Overview));
        assert_eq!(k.resolve(g, &ch('4')), Some(Action::Checks));
        assert_eq!(k.resolve(g, &ch('r')), Some(Action::Rescan));
        assert_eq!(k.resolve(g, &ctrl('r')), Some(Action::Rescan));
        assert_eq!(k.resolve(g, &ch('C')), Some(Action::CancelScan));
        assert_eq!(k.resolve(g, &ctrl('s')), Some(Action::Export));
        let t = Layer::Table;
        assert_eq!(k.resolve(t, &ch('j')), Some(Action::Down));
        assert_eq!(
            k.resolve(t, &ev(KeyCode::Up, KeyModifiers::NONE)),
            Some(Action::Up)
        );
        assert_eq!(
            k.resolve(t, &ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(k.resolve(t, &ch('g')), Some(Action::Top));
        assert_eq!(k.resolve(t, &ctrl('d')), Some(Action::PageDown));
        assert_eq!(k.resolve(t, &ch(' ')), Some(Action::Mark));
        assert_eq!(
            k.resolve(t, &ev(KeyCode::Char(' '), KeyModifiers::ALT)),
            Some(Action::ClearMarks)
        );
        assert_eq!(k.resolve(t, &ch('O')), Some(Action::SortReverse));
        assert_eq!(k.resolve(t, &ch('[')), Some(Action::PrevTab));
        assert_eq!(
            k.resolve(t, &ev(KeyCode::Tab, KeyModifiers::NONE)),
            Some(Action::NextTab)
        );
        assert_eq!(
            k.resolve(t, &ev(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevTab)
        );
    }

    #[test]
    fn the_focused_layer_wins_over_global() {
        let k = Keymap::defaults();
        assert_eq!(k.resolve(Layer::Help, &ch('q')), Some(Action::Back));
        assert_eq!(k.resolve(Layer::Table, &ch('q')), Some(Action::Quit));
        // Global keys reach layers that do not bind them.
        assert_eq!(k.resolve(Layer::Detail, &ch('3')), Some(Action::Findings));
        assert_eq!(k.resolve(Layer::Table, &ch('Z')), None);
    }

    #[test]
    fn text_layers_keep_typed_characters() {
        let k = Keymap::defaults();
        for layer in [Layer::Palette, Layer::Filter] {
            assert_eq!(k.resolve(layer, &ch('q')), None, "{layer:?}");
            assert_eq!(k.resolve(layer, &ch('1')), None, "{layer:?}");
            assert_eq!(k.resolve(layer, &ch('Q')), None, "{layer:?}");
            let ctrl_c = ev(KeyCode::Char('c'), KeyModifiers::CONTROL);
            assert_eq!(k.resolve(layer, &ctrl_c), Some(Action::Quit), "{layer:?}");
            let tab = ev(KeyCode::Tab, KeyModifiers::NONE);
            assert_eq!(k.resolve(layer, &tab), Some(Action::NextTab), "{layer:?}");
            assert_eq!(
                k.resolve(layer, &ev(KeyCode::Up, KeyModifiers::NONE)),
                Some(Action::Up)
            );
        }
        let err = Keymap::defaults()
            .with_overrides("[filter]\n\"x\" = { action = \"enter\" }\n", "u")
            .unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("text input"), "{err}");
    }

    #[test]
    fn key_releases_do_nothing() {
        let k = Keymap::defaults();
        let release = KeyEvent {
            code: KeyCode::Char('q'),
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Release,
            state: KeyEventState::NONE,
        };
        assert_eq!(k.resolve(Layer::Global, &release), None);
        let repeat = KeyEvent {
            kind: KeyEventKind::Repeat,
            ..release
        };
        assert_eq!(
            k.resolve(
                Layer::Table,
                &KeyEvent {
                    code: KeyCode::Char('j'),
                    ..repeat
                }
            ),
            Some(Action::Down)
        );
    }

    #[test]
    fn bindings_keep_file_order() {
        let text = "[table]\nz = { action = \"down\", desc = \"z\" }\na = { action = \"up\", desc = \"a\" }\n\"ctrl-b\" = { action = \"top\", desc = \"b\" }\n";
        let k = Keymap::from_toml(text, "t").unwrap();
        let keys: Vec<String> = k.bindings(Layer::Table).into_iter().map(|b| b.0).collect();
        assert_eq!(keys, ["z", "a", "ctrl-b"]);
        let defaults = Keymap::defaults().bindings(Layer::Global);
        assert_eq!(
            defaults[0],
            ("q".to_string(), Action::Quit, "quit".to_string())
        );
        assert_eq!(defaults[1].0, "ctrl-c");
    }

    #[test]
    fn key_for_prefers_the_layer_then_global() {
        let k = Keymap::defaults();
        assert_eq!(
            k.key_for(Layer::Table, Action::Export).as_deref(),
            Some("ctrl-s")
        );
        assert_eq!(k.key_for(Layer::Help, Action::Back).as_deref(), Some("esc"));
        assert_eq!(k.key_for(Layer::Table, Action::Down).as_deref(), Some("j"));
        assert_eq!(k.key_for(Layer::Global, Action::Down), None);
    }

    #[test]
    fn overrides_replace_in_place_append_and_unbind() {
        let user = "[table]\n\"j\" = { action = \"page_down\" }\n\"Z\" = { action = \"mark\", desc = \"pick\" }\n\"space\" = { action = \"unbind\" }\n\"shift-o\" = { action = \"sort_reverse\" }\n[global]\n\"q\" = { action = \"unbind\" }\n";
        let defaults = Keymap::defaults();
        let k = defaults.clone().with_overrides(user, "user.toml").unwrap();
        let t = Layer::Table;
        assert_eq!(k.resolve(t, &ch('j')), Some(Action::PageDown));
        assert_eq!(k.resolve(t, &ch('Z')), Some(Action::Mark));
        assert_eq!(k.resolve(t, &ch(' ')), None);
        assert_eq!(k.resolve(Layer::Global, &ch('q')), None);
        assert_eq!(
            k.resolve(
                Layer::Global,
                &ev(KeyCode::Char('c'), KeyModifiers::CONTROL)
            ),
            Some(Action::Quit)
        );

        let table = k.bindings(t);
        let pos = |key: &str| table.iter().position(|b| b.0 == key);
        // "j" replaced the default in place: still right before "k" ("space", before
        // both, was unbound).
        let j = pos("j").unwrap();
        assert_eq!(table[j + 1].0, "k", "replaced bindings keep their place");
        assert_eq!(pos("Z"), Some(table.len() - 1), "new bindings are appended");
        assert_eq!(
            table[pos("j").unwrap()].2,
            "page down",
            "desc from the action name"
        );
        // "shift-o" replaced "O" and reused its desc, and is shown as written.
        let o = &table[pos("shift-o").unwrap()];
        assert_eq!((o.1, o.2.as_str()), (Action::SortReverse, "reverse sort"));
        assert_eq!(pos("O"), None);
        assert_eq!(table[pos("Z").unwrap()].2, "pick");
        assert_eq!(table.len(), defaults.bindings(t).len());
    }

    #[test]
    fn unbinding_an_unbound_key_is_an_error() {
        let err = Keymap::defaults()
            .with_overrides("[table]\n\n\"F5\" = { action = \"unbind\" }\n", "u.toml")
            .unwrap_err();
        assert_eq!((err.origin.as_str(), err.line), ("u.toml", Some(3)));
    }

    #[test]
    fn errors_name_the_line() {
        let cases: &[(&str, usize, &str)] = &[
            ("[tabel]\n", 1, "unknown layer"),
            ("[table]\n\"j\" = { action = \"dwn\", desc = \"d\" }\n", 2, "unknown action"),
            ("[table]\n\n\"ctrl-\" = { action = \"down\", desc = \"d\" }\n", 3, "bad key"),
            ("[table]\n\"j\" = { action = \"down\" }\n", 2, "no desc"),
            ("[table]\n\"j\" = { desc = \"d\" }\n", 2, "no action"),
            ("[table]\n\"j\" = \"down\"\n", 2, "must be a table"),
            ("[table]\n\"j\" = { action = \"down\", desc = \"d\", when = 1 }\n", 2, "unknown field"),
            ("[table]\n\"j\" = { action = 3, desc = \"d\" }\n", 2, "must be a string"),
            ("[table]\n\"G\" = { action = \"down\", desc = \"d\" }\n\"shift-g\" = { action = \"up\", desc = \"u\" }\n", 3, "line 2"),
            ("[table]\n\"j\" = { action = \"unbind\", desc = \"d\" }\n", 2, "unbind"),
            ("global = 3\n", 1, "must be a table"),
            ("[table]\n\"j\" = { action = \"down\", desc = \"d\" \n", 2, ""),
        ];
        for (text, line, needle) in cases {
            let err = Keymap::from_toml(text, "k.toml").unwrap_err();
            assert_eq!(err.origin, "k.toml");
            assert_eq!(err.line, Some(*line), "{text:?}: {err}");
            assert!(err.column.is_some());
            assert!(err.message.contains(needle), "{text:?}: {err}");
        }
    }

    #[test]
    fn load_reads_the_user_file_when_present() {
        let dir = tempfile::tempdir().unwrap();
        let env = |name: &str| {
            (name == super::super::config::ENV_CONFIG_DIR).then(|| dir.path().display().to_string())
        };
        let paths = Paths::resolve(&env, None);
        let plain = Keymap::load(&paths).unwrap();
        assert_eq!(plain.resolve(Layer::Global, &ch('q')), Some(Action::Quit));

        std::fs::write(
            paths.keymap_file(),
            "[global]\n\"Q\" = { action = \"quit\" }\n\"q\" = { action = \"unbind\" }\n",
        )
        .unwrap();
        let user = Keymap::load(&paths).unwrap();
        assert_eq!(user.resolve(Layer::Global, &ch('q')), None);
        assert_eq!(user.resolve(Layer::Global, &ch('Q')), Some(Action::Quit));

        std::fs::write(
            paths.keymap_file(),
            "[global]\n\"q\" = { action = \"quiet\" }\n",
        )
        .unwrap();
        let err = Keymap::load(&paths).unwrap_err();
        assert!(err.origin.ends_with("keymap.toml"), "{err}");
        assert_eq!(err.line, Some(2));
    }
}
