//! The relay on PostgreSQL: `relay serve --postgres`, `relay device … --postgres`,
//! `relay migrate --to-postgres`.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use gridbook_relay::{Options, Relay, RelayError};
use gridbook_relay_pg::{PgDevices, PgError, PgStore};
use serde_json::json;

use crate::args::{Cli, Lang, PgTarget, RelayDeviceCmd};
use crate::output::{emit, t, Failure};

impl From<PgError> for Failure {
    fn from(e: PgError) -> Self {
        match e {
            PgError::Relay(r) => (*r).into(),
            PgError::Store(s) => (*s).into(),
            PgError::Url(ref m) => {
                Failure::invalid(format!("PostgreSQL 连接串无效：{m}"), e.to_string())
            }
            PgError::TooNew { found, supported } => Failure {
                code: 1,
                kind: "schema_too_new",
                field: None,
                zh: format!(
                    "PostgreSQL 数据库结构版本 {found} 比本程序（{supported}）新：请先升级 gridbook"
                ),
                en: e.to_string(),
            },
            PgError::Unreachable(ref m) => Failure {
                code: 1,
                kind: "postgres_unreachable",
                field: None,
                zh: format!("无法连接 PostgreSQL：{m}"),
                en: e.to_string(),
            },
            PgError::Verify(ref m) => Failure {
                code: 1,
                kind: "migrate_verify",
                field: None,
                zh: format!("迁移核对未通过：{m}"),
                en: e.to_string(),
            },
            other => Failure {
                code: 1,
                kind: "postgres",
                field: None,
                zh: format!("PostgreSQL 错误：{other}"),
                en: other.to_string(),
            },
        }
    }
}

/// Serves every township of the database at `url` (the `relay serve --postgres` path).
/// Returns what [`gridbook_relay::run_with`] returns, so that `relay serve` treats both alike.
#[allow(clippy::result_large_err)]
pub fn run(
    url: &str,
    options: &Options,
    ready: impl FnOnce(SocketAddr, Option<SocketAddr>),
) -> gridbook_relay::Result<()> {
    let pg = Arc::new(PgStore::connect(url).map_err(RelayError::from)?);
    let devices = Arc::new(PgDevices::new(pg.clone()));
    let relay = Relay::new(pg, devices)?;
    gridbook_relay::serve_relay(relay, options, ready)
}

fn target(d: &RelayDeviceCmd) -> &PgTarget {
    match d {
        RelayDeviceCmd::Add { pg, .. } | RelayDeviceCmd::List { pg } => pg,
        RelayDeviceCmd::Revoke { pg, .. } => pg,
    }
}

/// Whether a device command is for PostgreSQL.
pub fn wanted(d: &RelayDeviceCmd) -> bool {
    target(d).postgres.is_some()
}

/// The township a device command is about: `--township-id`, else the one of --data.
fn township(data: &Path, pg: &PgTarget) -> Result<String, Failure> {
    if let Some(t) = &pg.township_id {
        return Ok(t.trim().to_owned());
    }
    if !data.join(gridbook_store::DB_FILE).exists() {
        return Err(Failure::invalid(
            "请用 --township-id 指明设备所属的乡镇（--data 里没有乡镇数据）",
            "name the device's township with --township-id (no township in --data)",
        ));
    }
    Ok(gridbook_store::Store::open(data)?.township_id()?)
}

/// Runs `relay device add|list|revoke --postgres URL`.
pub fn device(cli: &Cli, d: &RelayDeviceCmd) -> Result<(), Failure> {
    let (json, lang) = (cli.json, cli.lang);
    let target = target(d);
    let township = township(&cli.data, target)?;
    let url = target.postgres.as_deref().unwrap_or_default();
    let pg = Arc::new(PgStore::connect(url)?);
    let devices = PgDevices::new(pg.clone());
    match d {
        RelayDeviceCmd::Add {
            village,
            role,
            name,
            code,
            valid_for,
            relay_url,
            ca,
            ..
        } => {
            let village = village.as_deref().map(str::trim);
            if let Some(v) = village {
                if !pg.has_village(&township, v)? {
                    return Err(Failure::invalid(
                        format!("找不到村（社区）：{v}（乡镇 {township}）"),
                        format!("village not found: {v} (township {township})"),
                    ));
                }
            }
            if *code {
                return crate::enroll_code::add(
                    &devices,
                    &township,
                    crate::enroll_code::NewDevice {
                        name,
                        role,
                        village,
                        valid_for: valid_for.as_deref(),
                        relay_url: relay_url.as_deref(),
                        ca: ca.as_ref(),
                    },
                    json,
                    lang,
                );
            }
            let (dev, token) = devices.add(&township, name, role, village)?;
            emit(
                json,
                &json!({ "device_id": dev.device_id, "token": token, "township_id": township }),
                || {
                    format!(
                        "{}  {}\n{}: {token}",
                        dev.device_id,
                        dev.name,
                        t(lang, "令牌（只显示这一次）", "token (shown once)")
                    )
                },
            );
        }
        RelayDeviceCmd::List { .. } => {
            let seen = devices.last_syncs(&township)?;
            crate::sync_cmds::print_devices(devices.list_in(&township)?, &seen, json, lang);
        }
        RelayDeviceCmd::Revoke { device_id, .. } => {
            devices.revoke(&township, device_id)?;
            emit(json, &json!({ "revoked": device_id }), || {
                t(lang, "已停用", "revoked")
            });
        }
    }
    Ok(())
}

/// Runs `relay migrate --to-postgres URL`.
pub fn migrate(data: &Path, url: &str, json: bool, lang: Lang) -> Result<(), Failure> {
    if !data.join(gridbook_store::DB_FILE).exists() {
        return Err(Failure::invalid(
            format!("{} 里没有中继数据", data.display()),
            format!("no relay in {}", data.display()),
        ));
    }
    let started = std::time::Instant::now();
    let pg = PgStore::connect(url)?;
    let m = gridbook_relay_pg::migrate::migrate(data, &pg)?;
    let ms = started.elapsed().as_millis() as u64;
    emit(
        json,
        &json!({ "migrated": m, "verified": true, "ms": ms }),
        || {
            format!(
                "{} {}：{} {}（{} {}），{} {}，{} {}；{}（{ms} ms）",
                t(
                    lang,
                    "已迁入 PostgreSQL，乡镇",
                    "moved into PostgreSQL, township"
                ),
                m.township,
                m.documents,
                t(lang, "个文档", "documents"),
                m.documents_changed,
                t(lang, "个有新内容", "with new changes"),
                m.devices,
                t(lang, "台设备", "devices"),
                m.sync_states_copied,
                t(lang, "条新同步状态", "new sync states"),
                t(lang, "核对通过", "verified"),
            )
        },
    );
    Ok(())
}
