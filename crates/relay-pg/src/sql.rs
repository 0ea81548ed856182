//! Statements of the sync path, each prepared once per pooled connection and kept: PostgreSQL
//! then neither parses nor plans them again, and each costs one round trip instead of two.

use deadpool_postgres::GenericClient;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Error, Row};

/// Parameters of one statement.
type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// `Client::query` with the statement prepared once per connection.
pub(crate) async fn query(
    c: &impl GenericClient,
    sql: &str,
    p: Params<'_>,
) -> Result<Vec<Row>, Error> {
    let st = c.prepare_cached(sql).await?;
    c.query(&st, p).await
}

/// `Client::query_one` with the statement prepared once per connection.
pub(crate) async fn query_one(
    c: &impl GenericClient,
    sql: &str,
    p: Params<'_>,
) -> Result<Row, Error> {
    let st = c.prepare_cached(sql).await?;
    c.query_one(&st, p).await
}

/// `Client::query_opt` with the statement prepared once per connection.
pub(crate) async fn query_opt(
    c: &impl GenericClient,
    sql: &str,
    p: Params<'_>,
) -> Result<Option<Row>, Error> {
    let st = c.prepare_cached(sql).await?;
    c.query_opt(&st, p).await
}

/// `Client::execute` with the statement prepared once per connection.
pub(crate) async fn execute(
    c: &impl GenericClient,
    sql: &str,
    p: Params<'_>,
) -> Result<u64, Error> {
    let st = c.prepare_cached(sql).await?;
    c.execute(&st, p).await
}
