/**
 * Whether this device may pick a value for a conflict in document `docId`, as the store decides
 * it (crates/store/src/engine/rights.rs, `check_resolve`, which refuses any other): it may write
 * that document. That is a kind its role writes (`status.writes`: a checkpoint's volunteer writes
 * checkpoints and their registers, not the ledger), in its own village unless it serves the whole
 * township; the township's settings (`grid`) for township staff only. A device never enrolled
 * writes everything; before the backend says (no status), nothing is hidden.
 */
export function mayResolve(
  status: { role?: string | null; village_id?: string | null; writes?: string[] } | null | undefined,
  docId: string,
): boolean {
  if (!status?.writes) return true;
  const [kind, owner] = docId.split(':');
  if (!kind || !status.writes.includes(kind)) return false;
  if (kind === 'grid' || !status.role || status.role === 'township') return true;
  return !!status.village_id && owner === status.village_id;
}
