//! One pooled connection and the statements it runs: each statement is prepared once per
//! connection and kept (PostgreSQL then neither parses nor plans it again, and each costs one
//! round trip instead of two), on the connection or inside one of its transactions.

use std::collections::HashMap;

use postgres::error::Severity;
use postgres::types::ToSql;
use postgres::{Client, Error, GenericClient, Row, Statement, Transaction};

/// Parameters of one statement.
pub(crate) type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// What a pooled connection keeps besides its client.
#[derive(Default)]
pub(crate) struct Kept {
    /// Statements prepared on the connection, by their text.
    statements: HashMap<String, Statement>,
    /// Whether an error left the connection in doubt (it is then closed, not pooled again).
    pub broken: bool,
    /// Statements answered since the connection was taken from the pool.
    pub answered: u32,
}

/// A pooled connection.
pub(crate) struct Conn {
    pub client: Client,
    pub kept: Kept,
}

/// A transaction on a pooled connection: committed by [`Tx::commit`], else rolled back when
/// dropped.
pub(crate) struct Tx<'a> {
    tx: Transaction<'a>,
    kept: &'a mut Kept,
}

/// Whether error `e` may have left the connection unusable: anything the server did not
/// report as a statement's failure (i/o, a closed connection, a protocol error), and the
/// server's errors that end the session.
pub(crate) fn gone(e: &Error) -> bool {
    match e.as_db_error() {
        Some(db) => matches!(
            db.parsed_severity(),
            Some(Severity::Fatal | Severity::Panic)
        ),
        None => true,
    }
}

/// `r`, noting in `kept` an error that leaves the connection in doubt.
fn noted<T>(kept: &mut Kept, r: Result<T, Error>) -> Result<T, Error> {
    match &r {
        Ok(_) => kept.answered += 1,
        Err(e) if gone(e) => kept.broken = true,
        Err(_) => {}
    }
    r
}

impl Conn {
    /// Begins a transaction.
    pub fn transaction(&mut self) -> Result<Tx<'_>, Error> {
        let tx = noted(&mut self.kept, self.client.transaction())?;
        Ok(Tx {
            tx,
            kept: &mut self.kept,
        })
    }
}

impl Tx<'_> {
    /// Commits the transaction.
    pub fn commit(self) -> Result<(), Error> {
        let Tx { tx, kept } = self;
        noted(kept, tx.commit())
    }
}

/// Runs statements on a connection or inside a transaction, each prepared once per
/// connection.
pub(crate) trait Db {
    /// The client that runs the statements.
    type C: GenericClient;

    /// The client and what its connection keeps.
    fn parts(&mut self) -> (&mut Self::C, &mut Kept);

    /// Runs `f` with statement `sql` prepared on this connection.
    fn run<T>(
        &mut self,
        sql: &str,
        f: impl FnOnce(&mut Self::C, &Statement) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let (c, kept) = self.parts();
        let st = match kept.statements.get(sql) {
            Some(st) => st.clone(),
            None => {
                let st = noted(kept, c.prepare(sql))?;
                kept.statements.insert(sql.to_owned(), st.clone());
                st
            }
        };
        let r = f(c, &st);
        noted(kept, r)
    }

    /// `Client::query`.
    fn query(&mut self, sql: &str, p: Params<'_>) -> Result<Vec<Row>, Error> {
        self.run(sql, |c, st| c.query(st, p))
    }

    /// `Client::query_one`.
    fn query_one(&mut self, sql: &str, p: Params<'_>) -> Result<Row, Error> {
        self.run(sql, |c, st| c.query_one(st, p))
    }

    /// `Client::query_opt`.
    fn query_opt(&mut self, sql: &str, p: Params<'_>) -> Result<Option<Row>, Error> {
        self.run(sql, |c, st| c.query_opt(st, p))
    }

    /// `Client::execute`.
    fn execute(&mut self, sql: &str, p: Params<'_>) -> Result<u64, Error> {
        self.run(sql, |c, st| c.execute(st, p))
    }

    /// `Client::batch_execute`: statements without parameters, not kept prepared.
    fn batch_execute(&mut self, sql: &str) -> Result<(), Error> {
        let (c, kept) = self.parts();
        let r = c.batch_execute(sql);
        noted(kept, r)
    }
}

impl Db for Conn {
    type C = Client;

    fn parts(&mut self) -> (&mut Client, &mut Kept) {
        (&mut self.client, &mut self.kept)
    }
}

impl<'a> Db for Tx<'a> {
    type C = Transaction<'a>;

    fn parts(&mut self) -> (&mut Transaction<'a>, &mut Kept) {
        (&mut self.tx, self.kept)
    }
}
