//! The wire protocol: a small versioned binary format with bounded sizes.
//!
//! ```text
//! request  = "GBS" 2  0x01  flags  [index | scope]  messages
//! response = "GBS" 2  0x02  flags  differs  messages  refused
//! index    = count { id digest[8] }          (request flags bit 0: a session begins, listed)
//! scope    = digest[8]                       (request flags bit 1: a session begins, quiet)
//! messages = count { id bytes }              (Automerge sync messages, per document)
//! differs  = count { id }                    (documents whose heads differ)
//! refused  = count { id text }               (documents the relay refused, and why)
//! ```
//! Response flags bit 0: the relay does not recognise the scope digest and asks for the index.
//! Counts and lengths are LEB128; ids and texts are UTF-8. Every length is checked against
//! the limits below and against the bytes that remain, so no input can make the decoder
//! allocate more than the message it was given, or panic.

use sha2::{Digest as _, Sha256};

use crate::error::{Result, SyncError};

/// Protocol version.
pub const VERSION: u8 = 2;
const MAGIC: &[u8; 3] = b"GBS";
/// Longest document id.
pub const MAX_ID: usize = 200;
/// Longest single Automerge sync message.
pub const MAX_MESSAGE: usize = 64 << 20;
/// Longest refusal reason.
pub const MAX_REASON: usize = 1024;
/// Most entries in any list.
pub const MAX_ENTRIES: usize = 100_000;
/// Longest a device reuses a connection to the relay that has been idle. A relay closes a
/// connection on which no request begins within its header deadline (10 s by default);
/// a request sent on a connection the relay is closing at that moment fails (reset), and the
/// device waits and starts its session over. Well under the relay's deadline, the race never
/// comes up; the rounds of one session, sent back to back, still share a connection.
pub const REUSE_IDLE: std::time::Duration = std::time::Duration::from_secs(5);

/// A digest of a document's heads: equal digests mean equal documents.
pub type HeadsDigest = [u8; 8];

/// The digest of heads as the store lists them (sorted hex, comma-separated).
pub fn digest(heads_text: &str) -> HeadsDigest {
    let h = Sha256::digest(heads_text.as_bytes());
    let mut d = [0u8; 8];
    d.copy_from_slice(&h[..8]);
    d
}

/// A refusal reason cut to [`MAX_REASON`] bytes (on a character boundary): error texts may
/// quote ids a peer chose, and what is encoded must always decode.
pub fn clip_reason(text: &str) -> String {
    let mut end = text.len().min(MAX_REASON);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// Device → relay.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Request {
    /// Present on the first request of a session: every document the device has.
    pub index: Option<Vec<(String, HeadsDigest)>>,
    /// Instead of the index, on the first request of a session of a device with nothing to
    /// send: one digest over every document it has with its heads (see
    /// [`crate::index::scope_digest`]).
    pub scope: Option<HeadsDigest>,
    /// Sync messages, per document.
    pub messages: Vec<(String, Vec<u8>)>,
}

/// Relay → device.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Response {
    /// Documents in the device's scope whose heads differ (or that one side lacks).
    pub differs: Vec<String>,
    /// Sync messages, per document.
    pub messages: Vec<(String, Vec<u8>)>,
    /// Documents the relay refused, with the reason.
    pub refused: Vec<(String, String)>,
    /// The relay did not recognise the request's scope digest: the device lists its
    /// documents (sends its index) in its next request.
    pub index_wanted: bool,
}

fn put_len(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_len(out, b.len());
    out.extend_from_slice(b);
}

fn header(kind: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    out.push(kind);
    out
}

fn put_messages(out: &mut Vec<u8>, msgs: &[(String, Vec<u8>)]) {
    put_len(out, msgs.len());
    for (id, m) in msgs {
        put_bytes(out, id.as_bytes());
        put_bytes(out, m);
    }
}

impl Request {
    /// Encodes the request.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = header(1);
        out.push(u8::from(self.index.is_some()) | (u8::from(self.scope.is_some()) << 1));
        if let Some(index) = &self.index {
            put_len(&mut out, index.len());
            for (id, d) in index {
                put_bytes(&mut out, id.as_bytes());
                out.extend_from_slice(d);
            }
        }
        if let Some(d) = &self.scope {
            out.extend_from_slice(d);
        }
        put_messages(&mut out, &self.messages);
        out
    }

    /// Decodes a request; never panics, whatever the input.
    pub fn decode(bytes: &[u8]) -> Result<Request> {
        let mut r = Reader::new(bytes, 1)?;
        let flags = r.byte()?;
        // An index or a scope digest, not both.
        if flags > 2 {
            return Err(SyncError::Malformed(format!("unknown flags {flags:#x}")));
        }
        let index = if flags & 1 == 1 {
            let n = r.count()?;
            let mut v = Vec::with_capacity(n.min(1024));
            for _ in 0..n {
                let id = r.id()?;
                v.push((id, r.digest()?));
            }
            Some(v)
        } else {
            None
        };
        let scope = if flags & 2 == 2 {
            Some(r.digest()?)
        } else {
            None
        };
        let messages = r.messages()?;
        r.end()?;
        Ok(Request {
            index,
            scope,
            messages,
        })
    }
}

impl Response {
    /// Encodes the response.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = header(2);
        out.push(u8::from(self.index_wanted));
        put_len(&mut out, self.differs.len());
        for id in &self.differs {
            put_bytes(&mut out, id.as_bytes());
        }
        put_messages(&mut out, &self.messages);
        put_len(&mut out, self.refused.len());
        for (id, why) in &self.refused {
            put_bytes(&mut out, id.as_bytes());
            put_bytes(&mut out, clip_reason(why).as_bytes());
        }
        out
    }

    /// Decodes a response; never panics, whatever the input.
    pub fn decode(bytes: &[u8]) -> Result<Response> {
        let mut r = Reader::new(bytes, 2)?;
        let flags = r.byte()?;
        if flags > 1 {
            return Err(SyncError::Malformed(format!("unknown flags {flags:#x}")));
        }
        let n = r.count()?;
        let mut differs = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            differs.push(r.id()?);
        }
        let messages = r.messages()?;
        let n = r.count()?;
        let mut refused = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            let id = r.id()?;
            let why = r.text(MAX_REASON)?;
            refused.push((id, why));
        }
        r.end()?;
        Ok(Response {
            differs,
            messages,
            refused,
            index_wanted: flags == 1,
        })
    }
}

struct Reader<'a> {
    b: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(b: &'a [u8], kind: u8) -> Result<Self> {
        if b.len() < 5 || &b[..3] != MAGIC {
            return Err(SyncError::Malformed("not a gridbook sync message".into()));
        }
        if b[3] != VERSION {
            return Err(SyncError::Malformed(format!(
                "unsupported protocol version {}",
                b[3]
            )));
        }
        if b[4] != kind {
            return Err(SyncError::Malformed(format!(
                "unexpected message kind {}",
                b[4]
            )));
        }
        Ok(Reader { b: &b[5..] })
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.b.len() {
            return Err(SyncError::Malformed("truncated".into()));
        }
        let (head, rest) = self.b.split_at(n);
        self.b = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn digest(&mut self) -> Result<HeadsDigest> {
        self.take(8)?
            .try_into()
            .map_err(|_| SyncError::Malformed("digest".into()))
    }

    fn len(&mut self) -> Result<usize> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return usize::try_from(n).map_err(|_| SyncError::Malformed("length".into()));
            }
        }
        Err(SyncError::Malformed("length too long".into()))
    }

    fn count(&mut self) -> Result<usize> {
        let n = self.len()?;
        // Every entry takes at least one byte, so a count beyond what remains is a lie.
        if n > MAX_ENTRIES || n > self.b.len() {
            return Err(SyncError::Malformed(format!("count {n} out of bounds")));
        }
        Ok(n)
    }

    fn bytes(&mut self, max: usize) -> Result<&'a [u8]> {
        let n = self.len()?;
        if n > max {
            return Err(SyncError::Malformed(format!(
                "field of {n} bytes exceeds {max}"
            )));
        }
        self.take(n)
    }

    fn text(&mut self, max: usize) -> Result<String> {
        let b = self.bytes(max)?;
        std::str::from_utf8(b)
            .map(str::to_owned)
            .map_err(|_| SyncError::Malformed("not UTF-8".into()))
    }

    fn id(&mut self) -> Result<String> {
        let id = self.text(MAX_ID)?;
        if id.is_empty() || id.chars().any(char::is_control) {
            return Err(SyncError::Malformed("bad document id".into()));
        }
        Ok(id)
    }

    fn messages(&mut self) -> Result<Vec<(String, Vec<u8>)>> {
        let n = self.count()?;
        let mut v = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            let id = self.id()?;
            let m = self.bytes(MAX_MESSAGE)?.to_vec();
            v.push((id, m));
        }
        Ok(v)
    }

    fn end(&self) -> Result<()> {
        if self.b.is_empty() {
            Ok(())
        } else {
            Err(SyncError::Malformed("trailing bytes".into()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_trips() {
        let req = Request {
            index: Some(vec![
                ("ledger:a".into(), digest("x")),
                ("grid:t".into(), digest("")),
            ]),
            scope: None,
            messages: vec![("ledger:a".into(), vec![1, 2, 3])],
        };
        assert_eq!(Request::decode(&req.encode()).unwrap(), req);
        let quiet = Request {
            scope: Some(digest("everything")),
            ..Request::default()
        };
        assert_eq!(quiet.encode().len(), 5 + 1 + 8 + 1);
        assert_eq!(Request::decode(&quiet.encode()).unwrap(), quiet);
        let resp = Response {
            differs: vec!["ledger:a".into()],
            messages: vec![("ledger:a".into(), vec![0; 300])],
            refused: vec![("ledger:b".into(), "out of scope".into())],
            index_wanted: false,
        };
        assert_eq!(Response::decode(&resp.encode()).unwrap(), resp);
        let asking = Response {
            index_wanted: true,
            ..Response::default()
        };
        assert_eq!(Response::decode(&asking.encode()).unwrap(), asking);
    }

    #[test]
    fn refuses_bad_input() {
        assert!(Request::decode(b"").is_err());
        assert!(Request::decode(b"GBS\x01\x01\x00\x00").is_err()); // version
        assert!(Request::decode(b"GBS\x02\x02\x00\x00").is_err()); // kind
        assert!(Request::decode(b"GBS\x02\x01\x00\xff\xff\xff\xff\x0f").is_err()); // huge count
        assert!(Request::decode(b"GBS\x02\x01\x00\x01\x05ab").is_err()); // truncated id
        assert!(Request::decode(b"GBS\x02\x01\x00\x00\x00").is_err()); // trailing
        assert!(Request::decode(b"GBS\x02\x01\x03\x00\x00").is_err()); // index and scope
        assert!(Request::decode(b"GBS\x02\x01\x02\x01\x02\x03\x00").is_err()); // short digest
        assert!(Response::decode(b"GBS\x02\x02\x02\x00\x00\x00").is_err()); // flags
        let ok = Request::default().encode();
        assert!(Request::decode(&ok).is_ok());
    }

    proptest! {
        #[test]
        fn decoder_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            let _ = Request::decode(&bytes);
            let _ = Response::decode(&bytes);
        }

        #[test]
        fn decoder_never_panics_after_a_valid_header(tail in prop::collection::vec(any::<u8>(), 0..256)) {
            let mut b = b"GBS\x02\x01".to_vec();
            b.extend(&tail);
            let _ = Request::decode(&b);
            b[4] = 2;
            let _ = Response::decode(&b);
        }
    }
}
