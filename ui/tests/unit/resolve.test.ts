import { describe, expect, it } from 'vitest';
import { mayResolve } from '../../src/logic/resolve';

// The rule of crates/store/src/engine/rights.rs (`check_resolve`): the document's kind written
// by the role, in the device's own village.
const volunteer = { role: 'volunteer', village_id: 'v1', writes: ['gate', 'entries'] };
const worker = { role: 'grid-worker', village_id: 'v1', writes: ['ledger', 'care', 'gate', 'entries', 'reports', 'control'] };
const township = { role: 'township', village_id: null, writes: ['grid', 'ledger', 'care', 'gate', 'entries', 'reports', 'control'] };

describe('mayResolve', () => {
  it("keeps a checkpoint volunteer off the ledger's conflicts, not off its register's", () => {
    expect(mayResolve(volunteer, 'ledger:v1')).toBe(false);
    expect(mayResolve(volunteer, 'entries:v1:c1:2026-12-01')).toBe(true);
    expect(mayResolve(volunteer, 'gate:v1')).toBe(true);
    expect(mayResolve(volunteer, 'control:v2')).toBe(false);
  });
  it("lets a grid worker resolve its own village's records only", () => {
    expect(mayResolve(worker, 'ledger:v1')).toBe(true);
    expect(mayResolve(worker, 'ledger:v2')).toBe(false);
    expect(mayResolve(worker, 'control:v2')).toBe(false);
    expect(mayResolve(worker, 'grid:t1')).toBe(false);
  });
  it('lets township staff and a device never enrolled resolve any', () => {
    expect(mayResolve(township, 'ledger:v2')).toBe(true);
    expect(mayResolve(township, 'grid:t1')).toBe(true);
    expect(mayResolve({ role: null, village_id: null, writes: ['ledger'] }, 'ledger:v9')).toBe(true);
    expect(mayResolve(null, 'ledger:v1')).toBe(true);
  });
});
