//! The relay process: the devices' listener (plain or TLS), the admin listener, startup and
//! shutdown (SIGTERM or Ctrl-C: connections drain, then the process ends).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use gridbook_store::Store;

use crate::error::{RelayError, Result};
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

/// The TLS side of the devices' listener: the certificate chain and key of `tls`, HTTP/1.1
/// only (ALPN), TLS 1.2 and 1.3 with the ring provider.
fn acceptor(tls: &Tls) -> Result<tokio_rustls::TlsAcceptor> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let bad =
        |what: &str, e: &dyn std::fmt::Display| RelayError::Invalid(format!("TLS {what}: {e}"));
    let certs = CertificateDer::pem_file_iter(&tls.cert)
        .and_then(|certs| certs.collect::<std::result::Result<Vec<_>, _>>())
        .map_err(|e| bad(&format!("certificate {}", tls.cert.display()), &e))?;
    let key = PrivateKeyDer::from_pem_file(&tls.key)
        .map_err(|e| bad(&format!("key {}", tls.key.display()), &e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| bad("versions", &e))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| bad("certificate and key", &e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
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

/// Most documents a relay on a store keeps loaded: its requests reach any village's documents,
/// and one reloaded from its chunks costs more than the rest of a request.
const KEEP_DOCS: usize = 1024;
/// Most stored bytes of the documents kept loaded past the store's own few (see
/// [`Store::keep_documents`]).
const KEEP_DOC_BYTES: u64 = 32 << 20;

/// Serves the store in `dir` as `options` say until SIGTERM or Ctrl-C; `ready` gets the bound
/// devices' and admin addresses (useful with port 0).
pub fn run_with(
    dir: &Path,
    options: &Options,
    ready: impl FnOnce(SocketAddr, Option<SocketAddr>),
) -> Result<()> {
    let store = Arc::new(Store::open(dir)?);
    store.keep_documents(KEEP_DOCS, KEEP_DOC_BYTES);
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
    let documents: u64 = relay.storage.documents()?.values().sum();
    relay.metrics.set_enabled(!options.unobserved);
    let app = router(relay.clone());
    // Most threads answering sync requests at once (more wait in a queue): the storage's
    // `parallel_requests`. With tokio's default (512) and 200 devices syncing, each request on
    // a thread of its own, the relay's peak RSS was 958–1454 MiB against 367 MiB with a cap of
    // 32 (bench-sync part 5).
    let threads = relay.storage.parallel_requests();
    let admin_app = ops::admin::router(relay);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(threads)
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
        let tls = match &options.tls {
            None => None,
            Some(t) => Some(
                acceptor(t)
                    .inspect_err(|e| tracing::error!(error = %e, "TLS certificate or key"))?,
            ),
        };
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let served =
            crate::conn::serve(listener, app, options.limits.clone(), tls, stopped(), DRAIN).await;
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
