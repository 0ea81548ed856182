//! The app lock's idle time, set by the township for all its devices: minutes without a touch
//! before the app asks the PIN again. It is the field `lock_idle_minutes` of the township record
//! in the grid document, so it syncs to every device (the grid is read by every role, written
//! by township staff only) and every device applies it.

use crate::engine::doc_id::{doc_id, DocKind};
use crate::engine::record::read_record;
use crate::engine::value::Val;
use crate::error::Result;
use crate::ledger::households::err;
use crate::{Inner, Store};

/// Idle minutes when the township set none.
pub const LOCK_IDLE_DEFAULT: u32 = 5;
/// The shortest idle time the township may set.
pub const LOCK_IDLE_MIN: u32 = 1;
/// The longest.
pub const LOCK_IDLE_MAX: u32 = 60;

/// The township record's field.
const FIELD: &str = "lock_idle_minutes";

impl Store {
    /// The township's idle minutes before the app locks (1–60; the default when none was set,
    /// a value out of bounds, from a broken device, is brought within them).
    pub fn lock_idle_minutes(&self) -> Result<u32> {
        let mut g = self.lock();
        let Some(township) = g.township()? else {
            return Ok(LOCK_IDLE_DEFAULT);
        };
        let Inner { conn, docs, .. } = &mut *g;
        let doc = docs.get(conn, &doc_id(DocKind::Grid, &township))?;
        let set = match read_record(doc, &township)?.map(|r| r.get(FIELD).clone()) {
            Some(Val::Int(n)) => Some(n),
            Some(Val::Str(s)) => s.trim().parse().ok(),
            _ => None,
        };
        Ok(set.map_or(LOCK_IDLE_DEFAULT, |n| {
            n.clamp(i64::from(LOCK_IDLE_MIN), i64::from(LOCK_IDLE_MAX)) as u32
        }))
    }

    /// Sets the township's idle minutes (township staff; it syncs to every device).
    pub fn set_lock_idle_minutes(&self, minutes: u32) -> Result<u32> {
        if !(LOCK_IDLE_MIN..=LOCK_IDLE_MAX).contains(&minutes) {
            return Err(err(
                "minutes",
                "range",
                format!("自动锁定时间应为 {LOCK_IDLE_MIN}–{LOCK_IDLE_MAX} 分钟"),
                format!("The idle time must be {LOCK_IDLE_MIN}–{LOCK_IDLE_MAX} minutes"),
            ));
        }
        let fields = [(FIELD.to_owned(), Val::Int(i64::from(minutes)))];
        self.lock().write_township(&fields)?;
        Ok(minutes)
    }
}
