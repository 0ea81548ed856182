//! The devices' endpoints about devices: a new device redeems its one-time code
//! (`POST /v1/enroll`, no token), and a township device lists, adds and revokes devices
//! (`/v1/devices…`, township role only).
//!
//! Bodies are small JSON objects read with a tight limit; every refusal of a code reads the
//! same; guesses are limited per address and in all ([`Limiter`](crate::enroll_codes::Limiter)).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, Extension, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::enroll_codes::{IssuedCode, BAD_CODE, DEFAULT_VALID};
use crate::ops::log::Note;
use crate::{authenticate, internal, noted, ApiError, Device, Relay, RelayError, Storage};

/// Largest body of these endpoints.
const MAX_SMALL_BODY: usize = 4096;

/// What a redeemed code gives the device.
#[derive(Debug, Serialize, Deserialize)]
pub struct Redeemed {
    /// The device's id.
    pub device_id: String,
    /// Its token, from now on the only one that works.
    pub token: String,
}

/// A device as the township's screen lists it.
#[derive(Debug, Serialize)]
pub struct Listed {
    /// The device.
    #[serde(flatten)]
    pub device: Device,
    /// When it last synced (seconds since the Unix epoch), if ever.
    pub last_sync: Option<i64>,
}

fn json<T: Serialize>(value: &T) -> Result<Response, ApiError> {
    let body = serde_json::to_string(value).map_err(internal)?;
    Ok(([("content-type", "application/json")], body).into_response())
}

async fn small_json<T: for<'de> Deserialize<'de>>(body: Body) -> Result<T, ApiError> {
    let bytes = axum::body::to_bytes(body, MAX_SMALL_BODY)
        .await
        .map_err(|_| ApiError(StatusCode::PAYLOAD_TOO_LARGE, "body too large".into()))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError(StatusCode::BAD_REQUEST, format!("bad request: {e}")))
}

fn bad_input(e: RelayError) -> ApiError {
    match e {
        RelayError::Invalid(m) => ApiError(StatusCode::BAD_REQUEST, m),
        RelayError::UnknownDevice(d) => {
            ApiError(StatusCode::NOT_FOUND, format!("unknown device {d}"))
        }
        other => internal(other),
    }
}

#[derive(Deserialize)]
struct CodeBody {
    code: String,
}

/// `POST /v1/enroll` `{"code"}` → `{"device_id","token"}`.
pub(crate) async fn enroll<S: Storage>(
    State(relay): State<Arc<Relay<S>>>,
    Extension(note): Extension<Note>,
    request: Request,
) -> Result<Response, ApiError> {
    let address: Option<IpAddr> = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let r = enroll_inner(&relay, address, request.into_body()).await;
    noted(&note, r)
}

async fn enroll_inner<S: Storage>(
    relay: &Relay<S>,
    address: Option<IpAddr>,
    body: Body,
) -> Result<Response, ApiError> {
    if !relay.limiter.allowed(address) {
        return Err(ApiError(
            StatusCode::TOO_MANY_REQUESTS,
            "too many wrong enrollment codes: try again later".into(),
        ));
    }
    let body: CodeBody = match small_json(body).await {
        Ok(b) => b,
        Err(e) => {
            relay.limiter.failed(address);
            return Err(e);
        }
    };
    match relay.devices.redeem_code(&body.code).map_err(internal)? {
        Some((device, token)) => {
            tracing::info!(
                device = device.device_id.as_str(),
                name = device.name.as_str(),
                role = device.role.as_str(),
                "device enrolled with a one-time code"
            );
            json(&Redeemed {
                device_id: device.device_id,
                token,
            })
        }
        None => {
            relay.limiter.failed(address);
            Err(ApiError(StatusCode::FORBIDDEN, BAD_CODE.into()))
        }
    }
}

/// The device of the request and its township, if it is a township device.
fn township_device<S: Storage>(
    relay: &Relay<S>,
    headers: &HeaderMap,
    note: &Note,
) -> Result<(Device, String), ApiError> {
    let (device, township) = authenticate(relay, headers, note)?;
    if device.role != "township" {
        return Err(ApiError(
            StatusCode::FORBIDDEN,
            "only a township device manages devices".into(),
        ));
    }
    Ok((device, township))
}

/// `GET /v1/devices` → every device of the caller's township with its last sync.
pub(crate) async fn list<S: Storage>(
    State(relay): State<Arc<Relay<S>>>,
    Extension(note): Extension<Note>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let r = (|| {
        let (_, township) = township_device(&relay, &headers, &note)?;
        let seen = relay.devices.last_syncs(&township).map_err(internal)?;
        let list: Vec<Listed> = relay
            .devices
            .list_in(&township)
            .map_err(internal)?
            .into_iter()
            .map(|device| Listed {
                last_sync: seen.get(&device.device_id).copied(),
                device,
            })
            .collect();
        json(&list)
    })();
    noted(&note, r)
}

#[derive(Deserialize)]
struct AddBody {
    name: String,
    role: String,
    village: Option<String>,
}

/// Bounded village id: what a village id can look like, nothing more.
fn plausible_village(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 64
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// `POST /v1/devices` `{"name","role","village"}` → `{"device_id","code","expires_at"}`.
pub(crate) async fn add<S: Storage>(
    State(relay): State<Arc<Relay<S>>>,
    Extension(note): Extension<Note>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let r = async {
        let (by, township) = township_device(&relay, &headers, &note)?;
        let body: AddBody = small_json(body).await?;
        let village = body
            .village
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty());
        if let Some(v) = village {
            let known = plausible_village(v) && relay.storage.has_village(v).map_err(internal)?;
            if !known {
                return Err(ApiError(
                    StatusCode::BAD_REQUEST,
                    format!("unknown village {v}"),
                ));
            }
        }
        let (device, code): (Device, IssuedCode) = relay
            .devices
            .add_with_code(&township, &body.name, &body.role, village, DEFAULT_VALID)
            .map_err(bad_input)?;
        tracing::info!(
            by = by.device_id.as_str(),
            device = device.device_id.as_str(),
            role = device.role.as_str(),
            scope = device.scope.as_str(),
            "device added by a township device"
        );
        json(&code)
    }
    .await;
    noted(&note, r)
}

#[derive(Deserialize)]
struct RevokeBody {
    device_id: String,
}

/// `POST /v1/devices/revoke` `{"device_id"}` → `{"revoked"}`: a device of the caller's
/// township (another township's is unknown); a device cannot revoke itself.
pub(crate) async fn revoke<S: Storage>(
    State(relay): State<Arc<Relay<S>>>,
    Extension(note): Extension<Note>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let r = async {
        let (by, township) = township_device(&relay, &headers, &note)?;
        let body: RevokeBody = small_json(body).await?;
        if body.device_id.trim() == by.device_id {
            return Err(ApiError(
                StatusCode::BAD_REQUEST,
                "a device cannot revoke itself".into(),
            ));
        }
        relay
            .devices
            .revoke(&township, &body.device_id)
            .map_err(bad_input)?;
        tracing::info!(
            by = by.device_id.as_str(),
            device = body.device_id.trim(),
            "device revoked by a township device"
        );
        json(&serde_json::json!({ "revoked": body.device_id.trim() }))
    }
    .await;
    noted(&note, r)
}
