//! The session log view (`6`, `:log`): the log is read back and verified by the runtime
//! when the view opens; here it is only held and scrolled.

use super::{App, Route};
use crate::tui::msg::{Effect, LogView};

impl App {
    pub(super) fn open_log(&mut self) -> Vec<Effect> {
        self.help = false;
        self.raw = None;
        self.routes = vec![Route::Log];
        self.scroll = 0;
        if self.session_log.is_none() {
            self.error("this session has no log (see the flash at start-up)".into());
            return Vec::new();
        }
        vec![Effect::ReadLog]
    }

    pub(super) fn log_loaded(&mut self, view: LogView) {
        if !view.intact {
            self.error(view.status.clone());
        }
        self.log_view = Some(view);
        self.dirty = true;
    }
}
