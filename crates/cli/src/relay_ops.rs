//! `relay serve` with its logs and admin address, `relay backup`, `relay restore`,
//! `relay seed`, and the warning `enroll` gives about a plain-HTTP relay on another machine.

use std::path::Path;

use gridbook_relay::ops::backup;
use gridbook_relay::{LogFormat, Options, Tls};
use serde_json::json;

use crate::args::Lang;
use crate::output::{emit, line, t, Failure};

/// Settings of `relay serve`.
pub struct Serve<'a> {
    /// Devices' address.
    pub listen: &'a str,
    /// TLS certificate and key.
    pub tls: Option<Tls>,
    /// Plain HTTP allowed on an address other than loopback.
    pub plain_http: bool,
    /// Admin address.
    pub admin: Option<&'a str>,
    /// `text` or `json`.
    pub log_format: &'a str,
    /// Level or filter.
    pub log_level: Option<&'a str>,
    /// PostgreSQL database to serve instead of --data.
    pub postgres: Option<&'a str>,
    /// Devices' connections open at once.
    pub max_connections: usize,
}

/// Runs `relay serve`.
pub fn serve(dir: &Path, s: Serve<'_>, lang: Lang) -> Result<(), Failure> {
    // TLS by default outside this machine: plain HTTP there only when asked for by name.
    if s.tls.is_none() && !s.plain_http && plain_http_elsewhere(&format!("http://{}", s.listen)) {
        return Err(Failure::invalid(
            format!(
                "中继地址 {} 不是本机回环地址，必须用 TLS（--tls-cert 和 --tls-key，证书可由 \
                 gridbook relay tls init 生成）；确需明文 HTTP 请加 --plain-http",
                s.listen
            ),
            format!(
                "{} is not a loopback address: serve it with TLS (--tls-cert and --tls-key; \
                 gridbook relay tls init makes them), or pass --plain-http to serve plain HTTP",
                s.listen
            ),
        ));
    }
    let format: LogFormat = s.log_format.parse()?;
    gridbook_relay::ops::log::init(format, s.log_level)?;
    let scheme = if s.tls.is_some() { "https" } else { "http" };
    let options = Options {
        listen: s.listen.to_owned(),
        tls: s.tls,
        admin: s.admin.map(str::to_owned),
        unobserved: std::env::var(gridbook_relay::ops::log::OBSERVE_ENV).is_ok_and(|v| v == "off"),
        ..Options::default()
    };
    let options = Options {
        limits: gridbook_relay::conn::Limits {
            max_connections: s.max_connections,
            ..options.limits
        },
        ..options
    };
    let ready = |addr, admin: Option<std::net::SocketAddr>| {
        // Scripts and tests read the bound address (port 0 picks one) from this line, and
        // the admin address from the next.
        line(&format!(
            "{} {scheme}://{addr}",
            t(lang, "中继已启动", "relay listening on")
        ));
        if let Some(a) = admin {
            line(&format!(
                "{} http://{a}",
                t(lang, "管理地址", "admin listening on")
            ));
        }
    };
    let result = match s.postgres {
        Some(url) => crate::relay_pg::run(url, &options, ready),
        None => gridbook_relay::run_with(dir, &options, ready),
    };
    if let Err(e) = &result {
        tracing::error!(error = %e, "relay ended with an error");
    }
    Ok(result?)
}

/// Runs `relay backup`.
pub fn backup(dir: &Path, out: &Path, json: bool, lang: Lang) -> Result<(), Failure> {
    let started = std::time::Instant::now();
    let r = backup::backup(dir, out)?;
    let ms = started.elapsed().as_millis() as u64;
    emit(
        json,
        &json!({ "file": r.file, "documents": r.documents, "devices": r.devices, "bytes": r.bytes, "ms": ms }),
        || {
            format!(
                "{}：{}（{} {}，{} {}，{} {}，{ms} ms）",
                t(lang, "已备份", "backed up"),
                r.file.display(),
                r.documents,
                t(lang, "个文档", "documents"),
                r.devices,
                t(lang, "台设备", "devices"),
                r.bytes,
                t(lang, "字节", "bytes"),
            )
        },
    );
    Ok(())
}

/// Runs `relay restore`.
pub fn restore(file: &Path, dir: &Path, json: bool, lang: Lang) -> Result<(), Failure> {
    let r = backup::restore(file, dir)?;
    emit(
        json,
        &json!({ "data": dir, "documents": r.documents, "devices": r.devices }),
        || {
            format!(
                "{} {}：{} {}，{} {}",
                t(lang, "已恢复到", "restored into"),
                dir.display(),
                r.documents,
                t(lang, "个文档", "documents"),
                r.devices,
                t(
                    lang,
                    "台设备（令牌照旧有效）",
                    "devices (their tokens still work)"
                ),
            )
        },
    );
    Ok(())
}

/// Runs `relay seed`.
pub fn seed(from: &Path, dir: &Path, json: bool, lang: Lang) -> Result<(), Failure> {
    let r = backup::seed(from, dir)?;
    let next = t(
        lang,
        "新中继没有任何设备登记：请用 gridbook relay device add 为每台设备重新生成令牌，\
         再在每台设备上运行 gridbook enroll --relay URL --token 新令牌 并同步；\
         设备上尚未同步的修改会在同步时送到新中继。",
        "The new relay has no enrolled devices: add each device again with gridbook relay \
         device add, then run gridbook enroll --relay URL --token NEW_TOKEN on each device and \
         sync; edits the devices had not synced reach the new relay then.",
    );
    emit(
        json,
        &json!({ "township_id": r.township_id, "documents": r.documents, "reenroll_devices": true, "next": next }),
        || {
            format!(
                "{} {} {}\n{next}",
                t(lang, "已从设备重建中继：", "relay rebuilt from the device:"),
                r.documents,
                t(lang, "个文档", "documents"),
            )
        },
    );
    Ok(())
}

/// Whether `url` is plain HTTP to a host other than this machine.
pub fn plain_http_elsewhere(url: &str) -> bool {
    let Some(rest) = url.trim().strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    !loopback
}

/// Warns on stderr before `enroll` talks to a plain-HTTP relay on another machine.
pub fn warn_plain_http(url: &str, lang: Lang) {
    if plain_http_elsewhere(url) {
        eprintln!(
            "{}",
            t(
                lang,
                "警告：中继地址使用 http://（未加密），令牌和居民信息会以明文经过网络。\
                 请为中继配置 TLS 并使用 https:// 地址。",
                "warning: the relay address uses http:// (not encrypted): the token and residents' \
                 data cross the network in clear. Give the relay TLS and use an https:// address.",
            )
        );
    }
}

#[cfg(test)]
mod tests {
    use super::plain_http_elsewhere as p;

    #[test]
    fn only_plain_http_to_another_host_is_flagged() {
        assert!(p("http://192.168.1.10:7878"));
        assert!(p("http://relay.example.cn"));
        assert!(p("http://user@10.0.0.1:80/x"));
        assert!(!p("http://127.0.0.1:7878"));
        assert!(!p("http://127.8.0.1:7878/"));
        assert!(!p("http://localhost:7878"));
        assert!(!p("http://[::1]:7878"));
        assert!(p("http://[2001:db8::1]:7878"));
        assert!(!p("https://relay.example.cn"));
    }
}
