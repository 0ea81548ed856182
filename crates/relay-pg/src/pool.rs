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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::Db;
    use gridbook_tests::pg::Postgres;

    /// Connections to the database at `url` other than psql's own.
    fn backends(pg: &Postgres, url: &str) -> usize {
        pg.psql(
            url,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
               AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
        )[0]
        .parse()
        .unwrap()
    }

    /// Ends server process `pid` and waits until it is gone.
    fn terminate(pg: &Postgres, url: &str, pids: &str) {
        pg.psql(
            url,
            &format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE {pids}"),
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        while pg.psql(
            url,
            &format!("SELECT count(*) FROM pg_stat_activity WHERE {pids}"),
        ) != ["0"]
        {
            assert!(Instant::now() < deadline, "server processes still there");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    #[test]
    fn an_unreachable_server_is_reported_at_once_with_its_cause() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let started = Instant::now();
        let err = crate::PgStore::connect(&format!("postgres://gridbook@127.0.0.1:{port}/none"))
            .err()
            .expect("no store without its server");
        assert!(
            started.elapsed() < CONNECT_TIMEOUT,
            "{:?}",
            started.elapsed()
        );
        let PgError::Unreachable(said) = &err else {
            panic!("{err}")
        };
        assert!(said.starts_with("error connecting to server: "), "{said}");
        assert!(said.len() > "error connecting to server: ".len(), "{said}");
    }

    #[test]
    fn the_pool_keeps_at_most_its_size_and_closes_connections_that_are_gone() {
        let pg = Postgres::start();
        let url = pg.database();
        let pool = Pool::new(url.parse().unwrap());
        let mut taken: Vec<Pooled<'_>> = (0..POOL_SIZE).map(|_| pool.get().unwrap()).collect();
        assert_eq!(backends(&pg, &url), POOL_SIZE);
        // One more request waits for a connection given back, and opens none.
        std::thread::scope(|s| {
            let waiter = s.spawn(|| {
                let mut c = pool.get().unwrap();
                let got = Instant::now();
                c.query_one("SELECT 1", &[]).unwrap();
                got
            });
            std::thread::sleep(Duration::from_millis(300));
            assert!(
                !waiter.is_finished(),
                "a request over the pool's size waits"
            );
            // It gets a connection only once one is given back (measured on one clock, not
            // from when its thread happened to start).
            let given = Instant::now();
            drop(taken.pop());
            assert!(waiter.join().unwrap() >= given);
        });
        assert_eq!(backends(&pg, &url), POOL_SIZE);

        // A connection the server ends while in use fails its statement and is closed.
        let mut c = taken.pop().unwrap();
        let pid: i32 = c.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0);
        terminate(&pg, &url, &format!("pid = {pid}"));
        let err = c.query_one("SELECT 1", &[]).unwrap_err();
        assert!(c.kept.broken, "{err}");
        drop(c);
        assert_eq!(lock(&pool.slots).open, POOL_SIZE - 1);
        assert_eq!(backends(&pg, &url), POOL_SIZE - 1);

        // Connections the server ended while free are found out by their first statement,
        // closed, and the work runs on a new one.
        drop(taken);
        let free = lock(&pool.slots).free.len();
        assert_eq!(free, POOL_SIZE - 1);
        terminate(
            &pg,
            &url,
            "datname = current_database() AND pid <> pg_backend_pid() \
             AND backend_type = 'client backend'",
        );
        let mut tries = 0;
        let one: i32 = pool
            .with(|c| {
                tries += 1;
                Ok(c.query_one("SELECT 1", &[])?.get(0))
            })
            .unwrap();
        assert_eq!((one, tries), (1, free + 1));
        assert_eq!(lock(&pool.slots).open, 1);
        assert_eq!(backends(&pg, &url), 1);

        // A statement's own error leaves its connection in the pool.
        let err = pool.with(|c| Ok(c.execute("SELECT * FROM no_such_table", &[])?));
        assert!(matches!(err, Err(PgError::Db(_))));
        assert!(err.unwrap_err().to_string().contains("no_such_table"));
        assert_eq!(lock(&pool.slots).free.len(), 1);
    }
}
