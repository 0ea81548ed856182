//! The connections one relay process keeps open: at most [`POOL_SIZE`], each a synchronous
//! client used on the thread that asked for it (a statement wakes no other thread).
//!
//! A connection is opened on the asking thread when none is free and fewer than
//! [`POOL_SIZE`] are open, so an unreachable server is reported at once (after at most
//! [`CONNECT_TIMEOUT`]); with all of them in use a request waits up to [`WAIT_TIMEOUT`] for
//! one. A connection that is closed, or that an error left in doubt, is closed instead of
//! kept.
//!
//! A free connection's socket is not watched (no thread polls it), so one the server ended
//! while it was free (a restart, `pg_terminate_backend`) is found out by its first
//! statement: [`Pool::with`] then closes it and runs the work again on another connection.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::cache::lock;
use crate::error::{PgError, Result};
use crate::sql::{Conn, Kept};

/// Connections each relay process keeps open at most.
pub(crate) const POOL_SIZE: usize = 16;

/// How long a request waits for a connection when all are in use.
const WAIT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long opening a connection may take (unless the URL says otherwise).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Free connections and how many are open in all (free, in use, being opened).
#[derive(Default)]
struct Slots {
    free: Vec<Conn>,
    open: usize,
}

/// The pool of one process.
pub(crate) struct Pool {
    config: postgres::Config,
    slots: Mutex<Slots>,
    /// Signalled when a connection is given back or a slot frees.
    returned: Condvar,
}

/// A connection taken from the pool, given back when dropped.
pub(crate) struct Pooled<'a> {
    pool: &'a Pool,
    conn: Option<Conn>,
    /// Whether it was free in the pool (not opened for this request).
    reused: bool,
}

/// Runs `f`, which blocks on the database, where blocking is allowed: on a worker thread of a
/// multi-threaded runtime, the thread first hands its other tasks over; elsewhere (a blocking
/// thread, a plain thread) `f` runs as it is.
pub(crate) fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

impl Pool {
    /// A pool connecting as `config` says (a connect timeout of [`CONNECT_TIMEOUT`] unless it
    /// names one). Opens nothing yet.
    pub fn new(mut config: postgres::Config) -> Pool {
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.notice_callback(|n| tracing::debug!("PostgreSQL notice: {}", n.message()));
        Pool {
            config,
            slots: Mutex::new(Slots::default()),
            returned: Condvar::new(),
        }
    }

    /// A connection: a free one, else a new one, else the first given back within
    /// [`WAIT_TIMEOUT`]. Blocks: call it inside [`blocking`].
    pub fn get(&self) -> Result<Pooled<'_>> {
        let deadline = Instant::now() + WAIT_TIMEOUT;
        let mut slots = lock(&self.slots);
        loop {
            if let Some(c) = slots.free.pop() {
                drop(slots);
                if !c.client.is_closed() {
                    return Ok(self.pooled(c, true));
                }
                self.close(c);
                slots = lock(&self.slots);
                continue;
            }
            if slots.open < POOL_SIZE {
                slots.open += 1;
                drop(slots);
                return match self.config.connect(postgres::NoTls) {
                    Ok(client) => Ok(self.pooled(
                        Conn {
                            client,
                            kept: Kept::default(),
                        },
                        false,
                    )),
                    Err(e) => {
                        self.release();
                        Err(PgError::from_connect(e))
                    }
                };
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(PgError::Busy {
                    connections: POOL_SIZE,
                    waited: WAIT_TIMEOUT,
                });
            }
            slots = self
                .returned
                .wait_timeout(slots, deadline - now)
                .map_or_else(|p| p.into_inner().0, |(g, _)| g);
        }
    }

    fn pooled(&self, mut c: Conn, reused: bool) -> Pooled<'_> {
        c.kept.answered = 0;
        Pooled {
            pool: self,
            conn: Some(c),
            reused,
        }
    }

    /// Runs `f` on a connection, on this thread (see [`blocking`]). If the connection was free
    /// in the pool and its first statement finds it gone, it is closed and `f` runs again on
    /// another one (at most once per connection the pool holds, then on a new one): `f` must
    /// do nothing before its first statement that it cannot do twice.
    pub fn with<T>(&self, mut f: impl FnMut(&mut Conn) -> Result<T>) -> Result<T> {
        blocking(|| loop {
            let mut c = self.get()?;
            let r = f(&mut c);
            let stale = c.reused && c.kept.broken && c.kept.answered == 0;
            if r.is_ok() || !stale {
                return r;
            }
            tracing::info!("a pooled PostgreSQL connection was gone: running again on another");
        })
    }

    /// Frees the slot of a connection that is gone.
    fn release(&self) {
        lock(&self.slots).open -= 1;
        self.returned.notify_one();
    }

    /// Closes connection `c` and frees its slot.
    fn close(&self, c: Conn) {
        drop(c);
        self.release();
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        let free = std::mem::take(&mut lock(&self.slots).free);
        // Closing a client blocks on its own runtime, which a thread that runs async tasks
        // may not do: there, the connections are closed on a thread of their own.
        if tokio::runtime::Handle::try_current().is_ok() {
            let _ = std::thread::Builder::new()
                .name("relay-pg-close".into())
                .spawn(move || drop(free));
        } else {
            drop(free);
        }
    }
}

impl std::ops::Deref for Pooled<'_> {
    type Target = Conn;

    #[allow(clippy::expect_used)]
    fn deref(&self) -> &Conn {
        self.conn
            .as_ref()
            .expect("a pooled connection until dropped")
    }
}

impl std::ops::DerefMut for Pooled<'_> {
    #[allow(clippy::expect_used)]
    fn deref_mut(&mut self) -> &mut Conn {
        self.conn
            .as_mut()
            .expect("a pooled connection until dropped")
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        let Some(c) = self.conn.take() else { return };
        if c.kept.broken || c.client.is_closed() {
            self.pool.close(c);
        } else {
            lock(&self.pool.slots).free.push(c);
            self.pool.returned.notify_one();
        }
    }
}
