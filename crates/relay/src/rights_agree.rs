//! The device's own rule on what it may write (`gridbook_store::rights`) must be the relay's
//! ([`crate::access`]): a device that allowed more would make edits the relay refuses, one
//! that allowed less would keep its user from work the relay accepts.

use gridbook_store::rights::{right, Right};
use gridbook_sync::Access;

use crate::access;
use crate::devices::Device;

#[test]
fn the_device_writes_exactly_what_the_relay_accepts() {
    let docs = [
        "grid:T",
        "grid:X",
        "ledger:A",
        "ledger:B",
        "care:A",
        "care:B",
        "gate:A",
        "gate:B",
        "entries:A:C:2026-12-01",
        "entries:B:C:2026-12-01",
        "entries:AB:C:2026-12-01",
        "reports:A:2026-12",
        "reports:B:2026-12",
        "nonsense",
    ];
    for role in ["grid-worker", "volunteer", "doctor", "township", "other"] {
        let village = (role != "township").then_some("A");
        let device = Device {
            device_id: "d".into(),
            name: "n".into(),
            role: role.into(),
            scope: village.map_or("township".into(), |v| format!("village:{v}")),
            revoked: false,
        };
        for doc in docs {
            let relay = access(&device, "T", doc);
            let mine = right(role, village, Some("T"), doc);
            let expected = match relay {
                Access::ReadWrite => Right::Write,
                Access::Read => Right::Read,
                Access::None => Right::None,
            };
            assert_eq!(mine, expected, "{role} on {doc}");
        }
    }
}
