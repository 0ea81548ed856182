//! The "Relay and sync" commands.

use std::collections::HashMap;

use gridbook_relay::{Devices, Listed, RelayError, Tls};
use gridbook_store::Store;
use gridbook_sync::SyncError;
use serde_json::json;

use crate::args::{Cli, Lang, RelayCmd, RelayDeviceCmd};
use crate::output::{emit, t, Failure};

impl From<RelayError> for Failure {
    fn from(e: RelayError) -> Self {
        match e {
            RelayError::Invalid(m) => Failure::invalid(format!("输入无效：{m}"), m),
            RelayError::UnknownDevice(d) => {
                Failure::invalid(format!("找不到设备：{d}"), format!("unknown device {d}"))
            }
            RelayError::Store(s) => s.into(),
            RelayError::Sync(s) => s.into(),
            other => Failure {
                code: 1,
                kind: "relay",
                field: None,
                zh: format!("中继错误：{other}"),
                en: other.to_string(),
            },
        }
    }
}

impl From<SyncError> for Failure {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Store(s) => s.into(),
            SyncError::NotEnrolled => Failure {
                code: 2,
                kind: "not_enrolled",
                field: None,
                zh: "本设备尚未登记到中继：请先运行 gridbook enroll --relay URL --token TOKEN"
                    .into(),
                en: e.to_string(),
            },
            SyncError::Refused {
                status,
                ref message,
            } => Failure {
                code: 3,
                kind: "refused",
                field: None,
                zh: format!("中继拒绝了本设备（{status}）：{message}"),
                en: e.to_string(),
            },
            SyncError::UntrustedRelay {
                problem,
                ref detail,
            } => Failure {
                code: 3,
                kind: problem.kind(),
                field: None,
                zh: format!("{}（{detail}）", problem.messages().0),
                en: e.to_string(),
            },
            SyncError::Network(ref m) => Failure {
                code: 1,
                kind: "network",
                field: None,
                zh: format!("无法连接中继，数据已保存在本机，联网后再同步：{m}"),
                en: e.to_string(),
            },
            other => Failure {
                code: 1,
                kind: "sync",
                field: None,
                zh: format!("同步失败：{other}"),
                en: other.to_string(),
            },
        }
    }
}

/// Runs `relay …`.
pub fn relay(cli: &Cli, cmd: &RelayCmd) -> Result<(), Failure> {
    let (json, lang) = (cli.json, cli.lang);
    match cmd {
        RelayCmd::Serve {
            listen,
            tls_cert,
            tls_key,
            plain_http,
            admin,
            log_format,
            log_level,
            postgres,
            max_connections,
        } => {
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => Some(Tls {
                    cert: cert.clone(),
                    key: key.clone(),
                }),
                _ => None,
            };
            let serve = crate::relay_ops::Serve {
                listen,
                tls,
                plain_http: *plain_http,
                admin: admin.as_deref(),
                log_format,
                log_level: log_level.as_deref(),
                postgres: postgres.as_deref(),
                max_connections: *max_connections as usize,
            };
            crate::relay_ops::serve(&cli.data, serve, lang)?;
        }
        RelayCmd::Backup { out } => crate::relay_ops::backup(&cli.data, out, json, lang)?,
        RelayCmd::Restore { file } => crate::relay_ops::restore(file, &cli.data, json, lang)?,
        RelayCmd::Seed { from } => crate::relay_ops::seed(from, &cli.data, json, lang)?,
        RelayCmd::Migrate { to_postgres } => {
            crate::relay_pg::migrate(&cli.data, to_postgres, json, lang)?
        }
        RelayCmd::Tls(crate::args::RelayTlsCmd::Init { dir, hosts }) => {
            crate::relay_tls::init(dir, hosts, json, lang)?
        }
        RelayCmd::Device(d) if crate::relay_pg::wanted(d) => crate::relay_pg::device(cli, d)?,
        RelayCmd::Device(d) => {
            let devices = Devices::open(&cli.data).map_err(Failure::from)?;
            match d {
                RelayDeviceCmd::Add {
                    village,
                    township: _,
                    role,
                    name,
                    code,
                    valid_for,
                    relay_url,
                    ca,
                    pg: _,
                } => {
                    if let Some(v) = village {
                        let store = Store::open(&cli.data)?;
                        if !store.villages()?.iter().any(|x| x.id == v.trim()) {
                            return Err(Failure::invalid(
                                format!("找不到村（社区）：{v}"),
                                format!("village not found: {v}"),
                            ));
                        }
                    }
                    if *code {
                        return crate::enroll_code::add(
                            &devices,
                            "",
                            crate::enroll_code::NewDevice {
                                name,
                                role,
                                village: village.as_deref().map(str::trim),
                                valid_for: valid_for.as_deref(),
                                relay_url: relay_url.as_deref(),
                                ca: ca.as_ref(),
                            },
                            json,
                            lang,
                        );
                    }
                    let (dev, token) =
                        devices.add(name, role, village.as_deref().map(str::trim))?;
                    emit(
                        json,
                        &json!({ "device_id": dev.device_id, "token": token }),
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
                RelayDeviceCmd::List { pg: _ } => {
                    print_devices(devices.list()?, &devices.last_syncs()?, json, lang);
                }
                RelayDeviceCmd::Revoke { device_id, pg: _ } => {
                    devices.revoke(device_id)?;
                    emit(json, &json!({ "revoked": device_id }), || {
                        t(lang, "已停用", "revoked")
                    });
                }
            }
        }
    }
    Ok(())
}

/// Prints a relay's devices with their last sync, as `/v1/devices` lists them (`relay device
/// list`, on either storage).
pub fn print_devices(
    list: Vec<gridbook_relay::Device>,
    seen: &HashMap<String, i64>,
    json: bool,
    lang: Lang,
) {
    let listed: Vec<Listed> = list
        .into_iter()
        .map(|device| Listed {
            last_sync: seen.get(&device.device_id).copied(),
            device,
        })
        .collect();
    emit(json, &listed, || {
        listed
            .iter()
            .map(|l| {
                let d = &l.device;
                let last = match l
                    .last_sync
                    .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
                {
                    Some(at) => at
                        .with_timezone(&chrono::Local)
                        .format("%Y-%m-%d %H:%M")
                        .to_string(),
                    None => t(lang, "从未同步", "never synced"),
                };
                format!(
                    "{}  {}  {}  {}  {last}{}",
                    d.device_id,
                    d.name,
                    d.role,
                    d.scope,
                    if d.revoked { "  已停用" } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
}

/// What `enroll` is given: the device token, or a one-time code to exchange for it.
pub enum Secret<'a> {
    /// `--token`.
    Token(&'a str),
    /// `--code`.
    Code(&'a str),
}

/// Runs `enroll`.
pub fn enroll(
    store: &Store,
    relay: &str,
    secret: Secret<'_>,
    ca: Option<&str>,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    crate::relay_ops::warn_plain_http(relay, lang);
    let hello = match secret {
        Secret::Token(token) => gridbook_sync::client::enroll(store, relay, token, ca)?,
        Secret::Code(code) => gridbook_sync::enrollment::enroll_with_code(store, relay, code, ca)?,
    };
    emit(json, &hello, || {
        format!(
            "{} {} ({})",
            t(lang, "已登记为", "enrolled as"),
            hello.name,
            hello.role
        )
    });
    Ok(())
}

/// Runs `sync`.
pub fn sync(store: &Store, json: bool, lang: Lang) -> Result<(), Failure> {
    let stats = gridbook_sync::client::sync(store)?;
    emit(json, &stats, || {
        format!(
            "{}：{} {}，{} {} {}，{} {}，{} ms",
            t(lang, "同步完成", "synced"),
            stats.rounds,
            t(lang, "轮", "rounds"),
            t(lang, "收到", "received"),
            stats.docs_received,
            t(lang, "个文档有更新", "changed documents"),
            stats.bytes_sent + stats.bytes_received,
            t(lang, "字节", "bytes"),
            stats.ms
        )
    });
    if !stats.refused.is_empty() {
        let list: Vec<String> = stats
            .refused
            .iter()
            .map(|(d, w)| format!("{d}: {w}"))
            .collect();
        eprintln!(
            "{}: {}",
            t(lang, "中继拒收", "refused by the relay"),
            list.join("; ")
        );
    }
    Ok(())
}
