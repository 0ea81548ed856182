//! The devices' listener, plain or TLS, connection by connection: HTTP/1.1 only, a cap on
//! concurrent connections, a deadline for the TLS handshake and for a request's headers, and
//! an idle timeout. Both kinds of listener go through the one loop of [`serve`].
//!
//! - Past [`Limits::max_connections`] a new connection is answered `503` with `Retry-After`
//!   and closed, before any request of it is read (over TLS, after the handshake, which must
//!   finish within [`REFUSAL`]). At most [`REFUSING`] connections are being refused at once;
//!   past that a new one is closed without a word.
//! - A TLS handshake must finish within [`Limits::header_read`], and then a request's headers
//!   must arrive within [`Limits::header_read`] (slow-handshake and slow-header attacks). The
//!   deadline runs from the end of the previous answer on a kept-alive connection too, so an
//!   idle keep-alive connection is closed after [`Limits::header_read`]; devices reuse one for
//!   less than half of that ([`gridbook_sync::wire::REUSE_IDLE`]).
//! - A connection on which nothing is read or written for [`Limits::idle`] is closed: a body
//!   or a response that stopped moving. It is longer than the devices' own deadline for a
//!   whole request (60 s), so an honest request is never cut.
//! - HTTP/2 is not spoken: the sync protocol is one request at a time per device.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio::time::{Instant, Sleep};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// Bounds on the devices' connections.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Connections open at once.
    pub max_connections: usize,
    /// Longest wait for a request's headers.
    pub header_read: Duration,
    /// Longest time a connection may move no byte either way.
    pub idle: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 1024,
            header_read: Duration::from_secs(10),
            idle: Duration::from_secs(90),
        }
    }
}

/// Connections past the cap being answered at once; past this they are closed at once.
pub const REFUSING: usize = 64;
/// Longest a refusal may take, TLS handshake included.
pub const REFUSAL: Duration = Duration::from_secs(2);

/// What a connection past the cap is told before it is closed.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n\
Content-Type: text/plain\r\nContent-Length: 24\r\nConnection: close\r\n\r\n\
relay busy: retry later\n";

/// A stream that fails with `TimedOut` once no byte moved either way for its idle time.
struct Idle<S> {
    inner: S,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl<S> Idle<S> {
    fn new(inner: S, idle: Duration) -> Self {
        Idle {
            inner,
            idle,
            deadline: Box::pin(tokio::time::sleep(idle)),
        }
    }

    fn moved(&mut self) {
        let at = Instant::now() + self.idle;
        self.deadline.as_mut().reset(at);
    }

    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        self.deadline.as_mut().poll(cx).is_ready()
    }
}

fn timed_out() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "connection idle too long")
}

impl<S: AsyncRead + Unpin> AsyncRead for Idle<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(r) => {
                if buf.filled().len() > before {
                    self.moved();
                }
                Poll::Ready(r)
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Idle<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write(cx, buf) {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    self.moved();
                }
                Poll::Ready(Ok(n))
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(timed_out())),
            other => other,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Serves `app` on `listener` within `limits`, over TLS when `tls` is given, until `stop`
/// resolves; then stops accepting and lets the open connections finish their request in
/// flight, for at most `drain`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    tls: Option<TlsAcceptor>,
    stop: impl Future<Output = ()>,
    drain: Duration,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let refusing = Arc::new(Semaphore::new(REFUSING));
    let (stopping_tx, stopping) = watch::channel(false);
    tokio::pin!(stop);
    loop {
        let (stream, addr) = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file descriptors and the like: wait a little rather than spin.
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            if let Ok(refusal) = refusing.clone().try_acquire_owned() {
                let tls = tls.clone();
                tokio::spawn(async move {
                    let _refusal = refusal;
                    let _ = tokio::time::timeout(REFUSAL, refuse(stream, tls)).await;
                });
            }
            continue;
        };
        let app = app.clone();
        let limits = limits.clone();
        let tls = tls.clone();
        let stopping = stopping.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let _ = stream.set_nodelay(true);
            let stream = Idle::new(stream, limits.idle);
            let result = match tls {
                None => connection(stream, addr, app, &limits, stopping).await,
                Some(tls) => {
                    match tokio::time::timeout(limits.header_read, tls.accept(stream)).await {
                        Ok(Ok(stream)) => connection(stream, addr, app, &limits, stopping).await,
                        Ok(Err(e)) => {
                            tracing::debug!(error = %e, peer = %addr, "TLS handshake failed");
                            return;
                        }
                        Err(_) => {
                            tracing::debug!(peer = %addr, "TLS handshake too slow");
                            return;
                        }
                    }
                }
            };
            if let Err(e) = result {
                tracing::debug!(error = %e, peer = %addr, "connection closed");
            }
        });
    }
    let _ = stopping_tx.send(true);
    // Every slot back: every connection finished (or the drain ran out).
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(drain, slots.acquire_many(all)).await;
    Ok(())
}

/// Serves the requests of one connection (plain or TLS) until it closes, or until the relay
/// stops and the request in flight is answered.
async fn connection<S>(
    stream: S,
    addr: std::net::SocketAddr,
    app: Router,
    limits: &Limits,
    mut stopping: watch::Receiver<bool>,
) -> hyper::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut req: hyper::Request<_>| {
        req.extensions_mut().insert(ConnectInfo(addr));
        app.clone().oneshot(req)
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read)
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    let done = tokio::select! {
        r = conn.as_mut() => Some(r),
        _ = stopping.wait_for(|s| *s) => None,
    };
    match done {
        Some(r) => r,
        None => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    }
}

/// Answers a connection past the cap (after the TLS handshake, over TLS) and closes it.
async fn refuse(mut stream: TcpStream, tls: Option<TlsAcceptor>) {
    match tls {
        None => {
            let _ = stream.write_all(BUSY).await;
            let _ = stream.shutdown().await;
        }
        Some(tls) => {
            if let Ok(mut stream) = tls.accept(stream).await {
                let _ = stream.write_all(BUSY).await;
                let _ = stream.shutdown().await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_stop_reusing_an_idle_connection_well_before_the_relay_closes_it() {
        let limits = Limits::default();
        assert!(gridbook_sync::wire::REUSE_IDLE * 2 <= limits.header_read);
    }
}
