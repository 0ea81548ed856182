//! The relay process: the devices' listener (plain or TLS), the admin listener, startup and
//! shutdown (SIGTERM or Ctrl-C: connections drain, then the process ends).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use gridbook_store::Store;

use crate::error::Result;
use crate::{ops, router, Devices, Relay, Storage, Tls};

/// How a relay process serves.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The devices' address, e.g. `0.0.0.0:7878` (port 0 picks one).
    pub listen: String,
    /// TLS for the devices' address.
    pub tls: Option<Tls>,
    /// The admin address (`/health`, `/metrics`), if any.
    pub admin: Option<String>,
    /// Bounds on the devices' connections (see [`crate::conn`]).
    pub limits: crate::conn::Limits,
    /// Neither count nor log requests (see [`crate::Metrics::set_enabled`]).
    pub unobserved: bool,
}

/// Longest the relay waits for requests in flight when asked to stop.
const DRAIN: Duration = Duration::from_secs(10);

async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Serves the store in `dir` as `options` say until SIGTERM or Ctrl-C; `ready` gets the bound
/// devices' and admin addresses (useful with port 0).
pub fn run_with(
    dir: &Path,
    options: &Options,
    ready: impl FnOnce(SocketAddr, Option<SocketAddr>),
) -> Result<()> {
    let store = Arc::new(Store::open(dir)?);
    let devices = Arc::new(Devices::open(dir)?);
    let relay = Relay::new(store, devices)?;
    serve_relay(relay, options, ready)
}

/// Serves `relay` (over any [`Storage`]) as `options` say until SIGTERM or Ctrl-C; `ready`
/// gets the bound devices' and admin addresses.
pub fn serve_relay<S: Storage>(
    relay: Arc<Relay<S>>,
    options: &Options,
    ready: impl FnOnce(SocketAddr, Option<SocketAddr>),
) -> Result<()> {
    let township = relay.township.clone();
    let relay_id = relay.relay_id.clone();
    let documents = relay.storage.documents()?;
    relay.metrics.set_enabled(!options.unobserved);
    let app = router(relay.clone());
    let admin_app = ops::admin::router(relay);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = std::net::TcpListener::bind(&options.listen)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let admin = match &options.admin {
            Some(a) => {
                let l = tokio::net::TcpListener::bind(a).await?;
                Some(l)
            }
            None => None,
        };
        let admin_addr = admin.as_ref().map(|l| l.local_addr()).transpose()?;
        tracing::info!(
            listen = %addr,
            admin = admin_addr.map(|a| a.to_string()).unwrap_or_default(),
            tls = options.tls.is_some(),
            township = township.as_str(),
            relay_id = relay_id.as_str(),
            documents,
            observed = !options.unobserved,
            version = env!("CARGO_PKG_VERSION"),
            "relay started"
        );
        ready(addr, admin_addr);
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let stopped = move || {
            let mut rx = stop_rx.clone();
            async move {
                let _ = rx.wait_for(|s| *s).await;
            }
        };
        let admin_task = admin.map(|l| {
            let stopped = stopped.clone();
            tokio::spawn(async move {
                if let Err(e) = axum::serve(l, admin_app)
                    .with_graceful_shutdown(stopped())
                    .await
                {
                    tracing::error!(error = %e, "admin listener failed");
                }
            })
        });
        tokio::spawn(async move {
            stop_signal().await;
            tracing::info!("relay stopping: finishing requests in flight");
            let _ = stop_tx.send(true);
        });
        let served = match &options.tls {
            None => {
                let listener = tokio::net::TcpListener::from_std(listener)?;
                crate::conn::serve(listener, app, options.limits.clone(), stopped(), DRAIN).await
            }
            Some(t) => {
                let _ = rustls::crypto::ring::default_provider().install_default();
                let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&t.cert, &t.key)
                    .await
                    .inspect_err(|e| tracing::error!(error = %e, "TLS certificate or key"))?;
                let handle = axum_server::Handle::new();
                let h = handle.clone();
                let stop = stopped();
                tokio::spawn(async move {
                    stop.await;
                    h.graceful_shutdown(Some(DRAIN));
                });
                let mut server = axum_server::from_tcp_rustls(listener, config).handle(handle);
                // HTTP/1.1 only, with the same deadline for headers as the plain listener.
                let auto = std::mem::replace(
                    server.http_builder(),
                    hyper_util::server::conn::auto::Builder::new(
                        hyper_util::rt::TokioExecutor::new(),
                    ),
                );
                *server.http_builder() = auto.http1_only();
                server
                    .http_builder()
                    .http1()
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(options.limits.header_read);
                server
                    .serve(app.into_make_service_with_connect_info::<SocketAddr>())
                    .await
            }
        };
        if let Err(e) = &served {
            tracing::error!(error = %e, "devices' listener failed");
        }
        if let Some(t) = admin_task {
            let _ = tokio::time::timeout(DRAIN, t).await;
        }
        served?;
        tracing::info!("relay stopped");
        Ok(())
    })
}
