//! Drawing: the frame is a pure function of the app state. Header (sources, scan state,
//! READ-ONLY), body (the current view), hints (keys of this view, from the keymap), flash and
//! breadcrumbs. Only visible table rows are built.

mod checks;
mod detail;
mod dialog;
mod dpia;
mod findings;
mod help;
mod inventory;
mod log;
mod overview;
mod rules;
mod table;
mod xray;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::action::{Action, Layer};
use super::app::{App, InputKind, Route};
use super::keymap::Keymap;
use super::theme::{Role, Theme};

/// What every view needs to draw.
pub struct Ctx<'a> {
    pub app: &'a App,
    pub keymap: &'a Keymap,
    pub theme: &'a Theme,
}

impl Ctx<'_> {
    pub fn style(&self, role: Role) -> Style {
        self.theme.style(role)
    }

    /// A bordered block with a title, in the theme's colors.
    pub fn block<'b>(&self, title: impl Into<Line<'b>>) -> Block<'b> {
        Block::default()
            .borders(Borders::ALL)
            .border_style(self.style(Role::Border))
            .title(title)
            .title_style(self.style(Role::Title))
    }
}

pub fn draw(frame: &mut Frame, app: &App, keymap: &Keymap, theme: &Theme) {
    let ctx = Ctx { app, keymap, theme };
    let [header, body, hints, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    frame.render_widget(Block::default().style(ctx.style(Role::Text)), frame.area());
    draw_header(frame, header, &ctx);
    match app.route() {
        Route::Overview => overview::draw(frame, body, &ctx),
        Route::Inventory => inventory::draw(frame, body, &ctx),
        Route::Findings { .. } => findings::draw(frame, body, &ctx),
        Route::Detail { index } => detail::draw(frame, body, &ctx, *index),
        Route::Checks => checks::draw(frame, body, &ctx),
        Route::XRay { tab, row } => xray::draw(frame, body, &ctx, *tab, *row),
        Route::Rules => rules::draw(frame, body, &ctx),
        Route::Log => log::draw(frame, body, &ctx),
        Route::Dpia => dpia::draw(frame, body, &ctx),
    }
    if let Some(raw) = &app.raw {
        draw_raw(frame, body, &ctx, raw);
    }
    if app.help {
        help::draw(frame, body, &ctx);
    }
    if let Some(d) = &app.dialog {
        dialog::draw(frame, body, &ctx, d);
    }
    draw_hints(frame, hints, &ctx);
    draw_bottom(frame, bottom, &ctx);
}

fn draw_header(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let app = ctx.app;
    let mut spans = vec![
        Span::styled(" docket ", ctx.style(Role::Accent)),
        if app.allow_changes {
            Span::styled("CHANGES ALLOWED ", ctx.style(Role::Warn))
        } else {
            Span::styled("READ-ONLY ", ctx.style(Role::Ok))
        },
    ];
    match &app.data {
        Some(d) => {
            for s in &d.snapshot.sources {
                let kind = format!("{:?}", s.kind).to_lowercase();
                spans.push(Span::styled(
                    format!(" {kind} {} ·", s.location),
                    ctx.style(Role::Header),
                ));
            }
            spans.push(Span::styled(
                format!(
                    " scanned {} ({:.1} s)",
                    short_time(&d.scanned_at),
                    d.took.as_secs_f64()
                ),
                ctx.style(Role::Muted),
            ));
            if d.fallback_demo {
                spans.push(Span::styled(
                    "  DEMO: nothing reachable; `docket --docker-host URL` or `--context NAME` to connect",
                    ctx.style(Role::Warn),
                ));
            }
        }
        None => spans.push(Span::styled(" no data yet", ctx.style(Role::Muted))),
    }
    if app.scan.running.is_some() {
        spans.push(Span::styled(
            format!("  {}", app.scan.line()),
            ctx.style(Role::Accent),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `12:04:31` from an RFC 3339 time.
fn short_time(rfc3339: &str) -> &str {
    rfc3339.get(11..19).unwrap_or(rfc3339)
}

fn draw_hints(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let app = ctx.app;
    if app.dialog.is_some() {
        let line = Line::styled(
            " form: enter save · ctrl-s save · tab next field · esc cancel",
            ctx.style(Role::Muted),
        );
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    if let Some(input) = &app.input {
        let (prompt, hint) = match input.kind {
            InputKind::Palette => (":", "  enter run · tab complete · esc cancel"),
            InputKind::Filter => (
                "/",
                "  enter keep · esc undo · text, regex, !not, sev:high ns:prod check:ID",
            ),
        };
        let line = Line::from(vec![
            Span::styled(prompt, ctx.style(Role::Accent)),
            Span::styled(input.text.clone(), ctx.style(Role::Text)),
            Span::styled(hint, ctx.style(Role::Muted)),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        let cursor_x = area.x + 1 + input.text.chars().take(input.cursor).count() as u16;
        frame.set_cursor_position((cursor_x.min(area.right().saturating_sub(1)), area.y));
        return;
    }
    let layer = app.layer();
    let wanted: &[Action] = match layer {
        Layer::Table if matches!(app.route(), Route::Findings { .. }) => &[
            Action::Enter,
            Action::Filter,
            Action::Mark,
            Action::Acknowledge,
            Action::RiskAccept,
            Action::Note,
            Action::Suppress,
            Action::ToggleSuppressed,
            Action::Back,
        ],
        Layer::Table => &[
            Action::Enter,
            Action::Filter,
            Action::SortNext,
            Action::Mark,
            Action::GroupNext,
            Action::Export,
            Action::Back,
        ],
        Layer::Rules => &[Action::Enter, Action::Edit, Action::Delete, Action::Back],
        Layer::Detail => &[Action::NextTab, Action::RawObject, Action::Back],
        Layer::Overview => &[
            Action::Inventory,
            Action::Findings,
            Action::Checks,
            Action::Rescan,
        ],
        _ => &[Action::Back],
    };
    let mut spans = Vec::new();
    for a in wanted
        .iter()
        .chain([Action::Palette, Action::Help, Action::Quit].iter())
    {
        if let Some(key) = ctx.keymap.key_for(layer, *a) {
            spans.push(Span::styled(format!(" <{key}>"), ctx.style(Role::Accent)));
            spans.push(Span::styled(
                format!(" {}", action_word(*a)),
                ctx.style(Role::Muted),
            ));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A short word for the hints bar.
fn action_word(a: Action) -> &'static str {
    match a {
        Action::Enter => "open",
        Action::Filter => "filter",
        Action::SortNext => "sort",
        Action::Mark => "mark",
        Action::GroupNext => "group",
        Action::Export => "export",
        Action::Back => "back",
        Action::NextTab => "tab",
        Action::RawObject => "raw",
        Action::Inventory => "inventory",
        Action::Findings => "findings",
        Action::Checks => "checks",
        Action::Rescan => "rescan",
        Action::Palette => "command",
        Action::Help => "help",
        Action::Quit => "quit",
        Action::Acknowledge => "ack",
        Action::RiskAccept => "accept",
        Action::FalsePositive => "false+",
        Action::Note => "note",
        Action::Suppress => "suppress",
        Action::ToggleSuppressed => "suppressed",
        Action::Edit => "edit",
        Action::Delete => "delete",
        _ => "",
    }
}

fn draw_bottom(frame: &mut Frame, area: Rect, ctx: &Ctx) {
    let app = ctx.app;
    let crumbs: Vec<String> = app.routes.iter().map(|r| r.crumb()).collect();
    let mut spans = vec![Span::styled(
        format!(" {} ", crumbs.join(" > ")),
        ctx.style(Role::Title),
    )];
    if !app.marks.is_empty() {
        spans.push(Span::styled(
            format!(" {} marked ", app.marks.len()),
            ctx.style(Role::Mark),
        ));
    }
    if let Some(f) = &app.flash {
        let role = if f.error { Role::Error } else { Role::Flash };
        spans.push(Span::styled(format!(" {}", f.text), ctx.style(role)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_raw(frame: &mut Frame, area: Rect, ctx: &Ctx, raw: &str) {
    let area = inset(area, 2, 1);
    frame.render_widget(Clear, area);
    let p = Paragraph::new(raw.to_string())
        .block(ctx.block(" raw (normalized, secrets redacted) "))
        .wrap(Wrap { trim: false })
        .scroll((ctx.app.scroll, 0));
    frame.render_widget(p, area);
}

/// `area` shrunk by `dx` columns and `dy` rows on each side.
pub fn inset(area: Rect, dx: u16, dy: u16) -> Rect {
    Rect {
        x: area.x + dx.min(area.width / 2),
        y: area.y + dy.min(area.height / 2),
        width: area.width.saturating_sub(2 * dx),
        height: area.height.saturating_sub(2 * dy),
    }
}
