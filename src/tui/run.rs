//! The runtime around the pure app: terminal setup and restore (also on panic), the event
//! loop (terminal events, a tick, effect results), frame throttling, and effects performed
//! on tokio (the scan task, file writes). The only part of the TUI that does IO.

use crossterm::event::{DisableMouseCapture, EnableMouseCapture, Event, EventStream};
use futures_util::StreamExt;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::app::App;
use super::keymap::Keymap;
use super::log::Log;
use super::msg::{Effect, Msg, ScanEvent, SourcePlan};
use super::theme::Theme;
use super::{scan, views};

/// Frames are drawn at most this often (a burst of messages makes one frame).
const FRAME: Duration = Duration::from_millis(16);
const TICK: Duration = Duration::from_millis(250);

/// Everything the TUI needs, resolved before the terminal is touched (so a broken config
/// file is an ordinary error message, not a garbled screen).
pub struct Setup {
    pub plan: SourcePlan,
    pub keymap: Keymap,
    pub theme: Theme,
    pub log: Log,
    pub export_dir: PathBuf,
    /// Where the session log goes (`sessions/` under it): the workspace or the data dir.
    pub session_dir: PathBuf,
    /// When `docket` started, for the "first frame after N ms" log line.
    pub started: std::time::Instant,
    /// Triage and suppression rules, loaded, with their stores.
    pub state: super::persist::WorkState,
    /// `--allow-changes`: remediations may be applied after confirmation.
    pub allow_changes: bool,
}

/// Run the workbench until the operator quits. The terminal is restored on every path out,
/// panics included.
pub fn run(setup: Setup) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    install_panic_hook();
    let mut terminal = ratatui::init();
    let _ = crossterm::execute!(std::io::stdout(), EnableMouseCapture);
    let result = runtime.block_on(event_loop(&mut terminal, setup));
    restore();
    // Scan tasks still running (a kube list) are dropped with the runtime.
    runtime.shutdown_timeout(Duration::from_millis(200));
    result
}

fn restore() {
    let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    let _ = std::io::stdout().flush();
}

/// Restore the terminal before the default hook prints the panic, so the message is
/// readable and the shell is usable.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

async fn event_loop(terminal: &mut ratatui::DefaultTerminal, setup: Setup) -> Result<(), String> {
    let Setup {
        plan,
        keymap,
        theme,
        log,
        export_dir,
        session_dir,
        started,
        state,
        allow_changes,
    } = setup;
    let (session, problem) =
        super::session::Session::start(&session_dir, &plan, &log, !allow_changes);
    let mut first_frame = true;
    let mut app = App::new(export_dir);
    app.triage = state.book.clone();
    app.rules = state.rules.clone();
    app.rules_path = Some(state.rules_store.path().to_path_buf());
    app.operator = super::session::operator();
    app.allow_changes = allow_changes;
    if let Some(p) = problem {
        app.error(p);
    }
    if let Some(path) = session.path() {
        app.session_log = Some(path.to_path_buf());
    }
    let (tx, mut rx) = mpsc::channel::<Msg>(1024);
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    let mut last_frame = Instant::now() - FRAME;
    log.line("session start");
    let mut rt = Runtime {
        plan,
        tx,
        scan_task: None,
        log,
        session,
        state,
    };
    let mut effects = app.start();
    loop {
        for effect in effects.drain(..) {
            if perform(effect, &mut app, &mut rt) {
                rt.log.line("session end");
                if let Err(e) = rt.session.end() {
                    rt.log.line(&e);
                }
                if let Some(t) = rt.scan_task.take() {
                    t.abort();
                }
                return Ok(());
            }
        }
        if app.dirty && last_frame.elapsed() >= FRAME {
            terminal
                .draw(|f| views::draw(f, &app, &keymap, &theme))
                .map_err(|e| format!("cannot draw: {e}"))?;
            app.dirty = false;
            last_frame = Instant::now();
            if first_frame {
                first_frame = false;
                rt.log.line(&format!(
                    "first frame {:.1} ms after start",
                    started.elapsed().as_secs_f64() * 1000.0
                ));
            }
        }
        let frame_due = last_frame + FRAME;
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) => Msg::Key(k),
                Some(Ok(Event::Mouse(m))) => Msg::Mouse(m),
                Some(Ok(Event::Resize(w, h))) => Msg::Resize(w, h),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(format!("cannot read the terminal: {e}")),
                None => return Ok(()),
            },
            _ = tick.tick() => Msg::Tick,
            Some(m) = rx.recv() => m,
            _ = tokio::time::sleep_until(frame_due), if app.dirty => continue,
        };
        if let Msg::Scan {
            id,
            event: ScanEvent::Finished(bench),
        } = &msg
        {
            if app.scan.running == Some(*id) {
                if let Err(e) = rt.session.scan(*id, bench) {
                    rt.log.line(&e);
                    app.error(e);
                }
            }
            rt.log.line(&format!(
                "scan {id} finished in {:.0} ms: {} findings, {} sources, {} not read",
                bench.took.as_secs_f64() * 1000.0,
                bench.scan.findings.len(),
                bench.snapshot.sources.len(),
                bench.source_errors.len()
            ));
        }
        effects = app.update(msg, &keymap);
    }
}

/// What effects are performed with: the sources, the channel back to the app, the running
/// scan, the diagnostics log, the session log and the stores.
struct Runtime {
    plan: SourcePlan,
    tx: mpsc::Sender<Msg>,
    scan_task: Option<JoinHandle<()>>,
    log: Log,
    session: super::session::Session,
    state: super::persist::WorkState,
}

/// Perform one effect; true means quit.
fn perform(effect: Effect, app: &mut App, rt: &mut Runtime) -> bool {
    let Runtime {
        plan,
        tx,
        scan_task,
        log,
        session,
        state,
    } = rt;
    match effect {
        Effect::Quit => return true,
        Effect::StartScan { id } => {
            if let Some(t) = scan_task.take() {
                t.abort(); // the latest request wins
            }
            let mut plan = plan.clone();
            if let Some(ctx) = &app.context {
                let (target, opts) = plan.kube.take().unwrap_or_default();
                plan.kube = Some((
                    crate::sources::kube_live::KubeTarget {
                        context: Some(ctx.clone()),
                        ..target
                    },
                    opts,
                ));
            }
            log.line(&format!("scan {id} started"));
            let inputs = app.settle_inputs();
            *scan_task = Some(tokio::spawn(scan::run(id, plan, inputs, tx.clone())));
        }
        Effect::CancelScan => {
            if let Some(t) = scan_task.take() {
                t.abort();
                log.line("scan cancelled");
            }
        }
        Effect::Record(event) => {
            if let Err(e) = session.record(event) {
                log.line(&e);
                app.error(e);
            }
        }
        Effect::SaveTriage(book) => {
            if let Err(e) = state.save_triage(&book) {
                log.line(&e);
                app.error(e);
            }
        }
        Effect::SaveRules(rules) => {
            if let Err(e) = state.save_rules(&rules) {
                log.line(&e);
                app.error(e);
            }
        }
        Effect::BuildDpia { scan_id } => {
            if let Some(bench) = app.data.clone() {
                let overrides = state.dpia_overrides.clone();
                let tx = tx.clone();
                tokio::task::spawn_blocking(move || {
                    let register = overrides
                        .map(|o| Box::new(crate::dpia::register(&bench.snapshot, &bench.scan, &o)));
                    let _ = tx.blocking_send(Msg::Dpia { scan_id, register });
                });
            }
        }
        Effect::ReadLog => {
            if let Some(path) = session.path().map(|p| p.to_path_buf()) {
                let tx = tx.clone();
                tokio::task::spawn_blocking(move || {
                    let _ = tx.blocking_send(Msg::Log(super::persist::read_log(&path)));
                });
            }
        }
        Effect::ExportSession { format, path } => {
            let Some(bench) = app.data.clone() else {
                return false;
            };
            // The export line is in the log before the file names the head: the export
            // covers its own record.
            if let Err(e) = session.export(format.name(), &path) {
                log.line(&e);
                app.error(e);
            }
            let job = super::persist::SessionExport {
                bench,
                book: app.triage.clone(),
                rules: app.rules.clone(),
                evaluation: app.evaluation.clone(),
                log_path: session.path().map(|p| p.to_path_buf()),
                head: session.head().unwrap_or_default(),
                format,
                path,
            };
            let tx = tx.clone();
            tokio::task::spawn_blocking(move || {
                let _ = tx.blocking_send(Msg::Done(job.write()));
            });
        }
        Effect::Copy(text) => {
            // OSC 52: the terminal (also over ssh and in tmux with set-clipboard) puts the
            // text on the system clipboard; nothing else in Docket touches it.
            use base64::Engine;
            let encoded = base64::engine::general_purpose::STANDARD.encode(text);
            let mut out = std::io::stdout();
            let _ = write!(out, "\x1b]52;c;{encoded}\x07");
            let _ = out.flush();
        }
        Effect::Apply(req) => {
            log.line(&format!("apply: {}", req.plan.summary));
            tokio::spawn(super::apply_task::run(*req, plan.clone(), tx.clone()));
        }
        Effect::Write { path, content } => {
            let tx = tx.clone();
            log.line(&format!("export {}", path.display()));
            let format = path
                .extension()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_default();
            if let Err(e) = session.export(&format, &path) {
                log.line(&e);
                app.error(e);
            }
            tokio::task::spawn_blocking(move || {
                if let Some(dir) = path.parent() {
                    let _ = std::fs::create_dir_all(dir);
                }
                let result = crate::cli::write_atomic(&path, content.as_bytes())
                    .map(|_| format!("exported to {}", path.display()))
                    .map_err(|e| format!("cannot write {}: {e}", path.display()));
                let _ = tx.blocking_send(Msg::Done(result));
            });
        }
    }
    false
}
