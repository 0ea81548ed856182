//! Errors of sync.

/// Errors of the sync engine, the wire protocol and the client.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// A message that does not decode: wrong magic, version, truncated, out of bounds.
    #[error("malformed message: {0}")]
    Malformed(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] gridbook_store::StoreError),
    /// The relay could not be reached or the connection dropped; retrying is safe.
    #[error("network: {0}")]
    Network(String),
    /// The relay refused this device (unknown or revoked token, out of scope).
    #[error("refused by the relay ({status}): {message}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// What the relay said.
        message: String,
    },
    /// The device is not enrolled with a relay.
    #[error("not enrolled: run `gridbook enroll --relay URL --token TOKEN`")]
    NotEnrolled,
    /// A relay's storage engine other than the store (PostgreSQL) failed.
    #[error("storage: {0}")]
    Backend(String),
    /// The relay's certificate is not the township's: it does not chain to the CA the device
    /// pinned at enrollment (or was given), or no certificate in its chain has the pinned
    /// fingerprint. Nothing was sent to it.
    #[error("the relay's certificate was not issued by the township's CA: {0}")]
    UntrustedRelay(String),
    /// The session did not converge within its round limit.
    #[error("sync did not finish within {0} rounds")]
    TooManyRounds(usize),
}

impl SyncError {
    /// What a person is told, in Chinese and in English. A device whose token the relay does
    /// not accept (unknown or revoked: the relay does not say which) must be enrolled again.
    pub fn messages(&self) -> (String, String) {
        match self {
            SyncError::Store(s) => s.messages(),
            SyncError::NotEnrolled => (
                "尚未登记到中继：请在“设置”中填写中继地址和登记码".into(),
                "Not enrolled with a relay: enter the relay address and enrollment code in Settings"
                    .into(),
            ),
            SyncError::Refused {
                status: 401 | 403, ..
            } => (
                "本设备的登记已失效，请向镇防控办重新登记".into(),
                "This device's enrollment is no longer valid: ask the township office to enroll it again"
                    .into(),
            ),
            SyncError::Refused { status, .. } => (
                format!("中继拒绝了本设备的请求（{status}）"),
                format!("The relay refused this device's request ({status})"),
            ),
            SyncError::Network(_) => (
                "无法连接中继，数据已保存在本机，联网后会自动同步".into(),
                "Cannot reach the relay; everything is saved on this device and syncs once online"
                    .into(),
            ),
            SyncError::UntrustedRelay(_) => (
                "中继的证书不是本乡镇的证书机构（CA）签发的，已拒绝连接，未发送任何数据：请核对中继地址和登记二维码，或联系镇防控办".into(),
                "The relay's certificate was not issued by the township's CA: the connection was refused and nothing was sent. Check the relay address and the enrollment QR code, or ask the township office"
                    .into(),
            ),
            SyncError::Malformed(_) | SyncError::Backend(_) | SyncError::TooManyRounds(_) => (
                format!("同步失败（{}），数据已保存在本机，稍后会再试", self.kind()),
                format!(
                    "Sync failed ({}); everything is saved on this device and it will try again",
                    self.kind()
                ),
            ),
        }
    }

    /// Short stable kind for the UI.
    pub fn kind(&self) -> &'static str {
        match self {
            SyncError::Malformed(_) => "malformed",
            SyncError::Store(s) => s.kind(),
            SyncError::Network(_) => "network",
            SyncError::Refused { .. } => "refused",
            SyncError::NotEnrolled => "not_enrolled",
            SyncError::TooManyRounds(_) => "rounds",
            SyncError::Backend(_) => "backend",
            SyncError::UntrustedRelay(_) => "untrusted_relay",
        }
    }
}

/// Result of sync.
pub type Result<T, E = SyncError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revoked_and_an_unknown_token_read_the_same() {
        let refused = |status| SyncError::Refused {
            status,
            message: String::new(),
        };
        assert_eq!(refused(401).messages(), refused(403).messages());
        let (zh, en) = refused(401).messages();
        assert!(zh.contains("重新登记") && en.contains("enroll it again"));
        let (zh, en) = SyncError::Network("timed out".into()).messages();
        assert!(zh.contains("已保存在本机") && en.contains("saved on this device"));
    }
}
