//! Errors of sync.

/// Why a relay's certificate was refused: each is told apart, since each has its own remedy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertProblem {
    /// Expired or not valid yet: the device's date is wrong, or the certificate needs renewing.
    Expired,
    /// Valid, but issued for other host names than the relay address the device uses.
    WrongHost,
    /// Not issued by the township's CA (or none with the pinned fingerprint).
    UnknownCa,
}

impl CertProblem {
    /// The error kind the UI and scripts receive.
    pub fn kind(self) -> &'static str {
        match self {
            CertProblem::Expired => "cert_expired",
            CertProblem::WrongHost => "cert_wrong_host",
            CertProblem::UnknownCa => "untrusted_relay",
        }
    }

    /// What a person is told, in Chinese and in English.
    pub fn messages(self) -> (&'static str, &'static str) {
        match self {
            CertProblem::Expired => (
                "中继的证书已过期或尚未生效，已拒绝连接，未发送任何数据：请检查本机的日期和时间是否正确；日期无误时请联系镇防控办更新中继证书",
                "The relay's certificate has expired or is not valid yet: the connection was refused and nothing was sent. Check this device's date and time; if they are right, ask the township office to renew the relay's certificate",
            ),
            CertProblem::WrongHost => (
                "中继地址与中继证书上的地址不符，已拒绝连接，未发送任何数据：请核对中继地址（应与登记二维码中的一致），或联系镇防控办",
                "The relay address does not match the address on the relay's certificate: the connection was refused and nothing was sent. Check the relay address (as in the enrollment QR code), or ask the township office",
            ),
            CertProblem::UnknownCa => (
                "中继的证书不是本乡镇的证书机构（CA）签发的，已拒绝连接，未发送任何数据：请核对中继地址和登记二维码，或联系镇防控办",
                "The relay's certificate was not issued by the township's CA: the connection was refused and nothing was sent. Check the relay address and the enrollment QR code, or ask the township office",
            ),
        }
    }
}

impl std::fmt::Display for CertProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CertProblem::Expired => "the relay's certificate has expired or is not valid yet",
            CertProblem::WrongHost => {
                "the relay's certificate was issued for another host name than the relay address"
            }
            CertProblem::UnknownCa => "the relay's certificate was not issued by the township's CA",
        })
    }
}

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
    /// The relay's certificate was refused: expired (or not valid yet), issued for another
    /// host name, or not the township's (it does not chain to the CA the device pinned at
    /// enrollment or was given, or no certificate in its chain has the pinned fingerprint).
    /// Nothing was sent to it.
    #[error("{problem}: {detail}")]
    UntrustedRelay {
        /// Why, as the person is told.
        problem: CertProblem,
        /// The TLS library's exact reason.
        detail: String,
    },
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
            SyncError::UntrustedRelay { problem, .. } => {
                let (zh, en) = problem.messages();
                (zh.into(), en.into())
            }
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
            SyncError::UntrustedRelay { problem, .. } => problem.kind(),
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

    #[test]
    fn each_certificate_problem_has_its_kind_and_words() {
        let all = [
            CertProblem::Expired,
            CertProblem::WrongHost,
            CertProblem::UnknownCa,
        ];
        let kinds: std::collections::BTreeSet<_> = all.iter().map(|p| p.kind()).collect();
        let words: std::collections::BTreeSet<_> = all.iter().map(|p| p.messages()).collect();
        assert_eq!((kinds.len(), words.len()), (3, 3));
        let e = SyncError::UntrustedRelay {
            problem: CertProblem::Expired,
            detail: "certificate expired".into(),
        };
        assert_eq!(e.kind(), "cert_expired");
        assert!(e.messages().0.contains("日期"), "{:?}", e.messages());
        assert!(e.to_string().ends_with(": certificate expired"), "{e}");
    }
}
