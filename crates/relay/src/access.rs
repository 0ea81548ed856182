//! Who may read and write which document, as the relay enforces it: the store's rule
//! ([`gridbook_store::rights`], which devices also apply to their own writes) for the device's
//! role and scope.

use gridbook_store::rights::{device_right, Right};
use gridbook_sync::Access;

use crate::devices::Device;

/// The rights of `device` on document `doc` of township `township`. A malformed id is no
/// document at all: nobody may read or write it. A device's log of exports is written by
/// that device only (the one whose token sent the change).
pub fn access(device: &Device, township: &str, doc: &str) -> Access {
    let (role, village) = (&device.role, device.village());
    match device_right(&device.device_id, role, village, Some(township), doc) {
        Right::None => Access::None,
        Right::Read => Access::Read,
        Right::Write => Access::ReadWrite,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev(role: &str, scope: &str) -> Device {
        Device {
            device_id: "d".into(),
            name: "n".into(),
            role: role.into(),
            scope: scope.into(),
            revoked: false,
        }
    }

    #[test]
    fn a_device_writes_its_own_log_of_exports_and_the_township_reads_all() {
        let w = dev("grid-worker", "village:A");
        assert_eq!(access(&w, "T", "exports:A:d"), Access::ReadWrite);
        assert_eq!(access(&w, "T", "exports:A:other"), Access::None);
        assert_eq!(access(&w, "T", "exports:B:d"), Access::None);
        assert_eq!(access(&w, "T", "exports:T:d"), Access::None);
        let t = dev("township", "township");
        assert_eq!(access(&t, "T", "exports:A:other"), Access::Read);
        assert_eq!(access(&t, "T", "exports:T:d"), Access::ReadWrite);
        assert_eq!(access(&t, "T", "exports:T:other"), Access::Read);
    }

    #[test]
    fn scope_and_role_decide() {
        let w = dev("grid-worker", "village:A");
        assert_eq!(access(&w, "T", "ledger:A"), Access::ReadWrite);
        assert_eq!(access(&w, "T", "ledger:B"), Access::None);
        assert_eq!(access(&w, "T", "grid:T"), Access::Read);
        assert_eq!(access(&w, "T", "grid:OTHER"), Access::None);
        assert_eq!(
            access(&dev("volunteer", "village:A"), "T", "ledger:A"),
            Access::Read
        );
        let t = dev("township", "township");
        assert_eq!(access(&t, "T", "ledger:B"), Access::ReadWrite);
        assert_eq!(access(&t, "T", "grid:T"), Access::ReadWrite);
        assert_eq!(access(&t, "T", "nonsense"), Access::None);
        assert_eq!(access(&t, "T", "other:X"), Access::None);
    }

    #[test]
    fn isolation_documents_stay_with_the_village_keepers() {
        let w = dev("grid-worker", "village:A");
        assert_eq!(access(&w, "T", "care:A"), Access::ReadWrite);
        assert_eq!(access(&w, "T", "care:B"), Access::None);
        let d = dev("doctor", "village:A");
        assert_eq!(access(&d, "T", "care:A"), Access::ReadWrite);
        assert_eq!(access(&d, "T", "care:B"), Access::None);
        let v = dev("volunteer", "village:A");
        assert_eq!(access(&v, "T", "care:A"), Access::None);
        let t = dev("township", "township");
        assert_eq!(access(&t, "T", "care:B"), Access::ReadWrite);
    }

    #[test]
    fn checkpoint_documents_follow_the_village() {
        let entries_a = "entries:A:C:2022-11-20";
        for role in ["volunteer", "grid-worker"] {
            let d = dev(role, "village:A");
            assert_eq!(access(&d, "T", "gate:A"), Access::ReadWrite);
            assert_eq!(access(&d, "T", entries_a), Access::ReadWrite);
            assert_eq!(access(&d, "T", "gate:B"), Access::None);
            assert_eq!(access(&d, "T", "entries:B:C:2022-11-20"), Access::None);
        }
        // A village id that merely starts like A is another village.
        let v = dev("volunteer", "village:A");
        assert_eq!(access(&v, "T", "entries:AB:C:2022-11-20"), Access::None);
        assert_eq!(
            access(&dev("doctor", "village:A"), "T", "gate:A"),
            Access::None
        );
        let t = dev("township", "township");
        assert_eq!(access(&t, "T", "gate:B"), Access::ReadWrite);
        assert_eq!(access(&t, "T", entries_a), Access::ReadWrite);
    }

    #[test]
    fn control_lists_are_read_across_the_township_and_written_by_their_village() {
        let w = dev("grid-worker", "village:A");
        assert_eq!(access(&w, "T", "control:A"), Access::ReadWrite);
        assert_eq!(access(&w, "T", "control:B"), Access::Read);
        let v = dev("volunteer", "village:A");
        assert_eq!(access(&v, "T", "control:A"), Access::Read);
        assert_eq!(access(&v, "T", "control:B"), Access::Read);
        let d = dev("doctor", "village:A");
        assert_eq!(access(&d, "T", "control:A"), Access::ReadWrite);
        assert_eq!(access(&d, "T", "control:B"), Access::None);
        let t = dev("township", "township");
        assert_eq!(access(&t, "T", "control:B"), Access::ReadWrite);
        for odd in ["control:B:x", "control:", "control"] {
            assert_eq!(access(&w, "T", odd), Access::None, "{odd}");
        }
        // A device with no village (a malformed scope) reads no village's list as its own.
        let stray = dev("grid-worker", "nowhere");
        assert_ne!(access(&stray, "T", "control:B"), Access::ReadWrite);
    }

    #[test]
    fn reports_belong_to_the_village_grid_workers_and_the_township() {
        let month = "reports:A:2026-12";
        let w = dev("grid-worker", "village:A");
        assert_eq!(access(&w, "T", month), Access::ReadWrite);
        assert_eq!(access(&w, "T", "reports:B:2026-12"), Access::None);
        assert_eq!(access(&w, "T", "reports:AB:2026-12"), Access::None);
        for role in ["volunteer", "doctor"] {
            assert_eq!(access(&dev(role, "village:A"), "T", month), Access::None);
        }
        let t = dev("township", "township");
        assert_eq!(access(&t, "T", "reports:B:2026-12"), Access::ReadWrite);
        for odd in [
            "reports:B",
            "reports:B:2026-13",
            "reports:B:2026-12:x",
            "reports:B:26-1",
        ] {
            assert_eq!(access(&t, "T", odd), Access::None, "{odd}");
        }
    }

    #[test]
    fn tasks_are_made_by_the_township_and_answered_by_the_village() {
        let w = dev("grid-worker", "village:A");
        assert_eq!(access(&w, "T", "tasks:A"), Access::Read);
        assert_eq!(access(&w, "T", "answers:A"), Access::ReadWrite);
        assert_eq!(access(&w, "T", "tasks:B"), Access::None);
        assert_eq!(access(&w, "T", "answers:B"), Access::None);
        // The township's own list of unmatched rows is under its id: no village's.
        assert_eq!(access(&w, "T", "tasks:T"), Access::None);
        for role in ["volunteer", "doctor"] {
            let d = dev(role, "village:A");
            assert_eq!(access(&d, "T", "tasks:A"), Access::None);
            assert_eq!(access(&d, "T", "answers:A"), Access::None);
        }
        let t = dev("township", "township");
        assert_eq!(access(&t, "T", "tasks:T"), Access::ReadWrite);
        assert_eq!(access(&t, "T", "answers:B"), Access::ReadWrite);
        assert_eq!(access(&t, "T", "tasks:B:x"), Access::None);
    }
}
