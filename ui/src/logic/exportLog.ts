/**
 * Which fields a reveal of the device's log showed in full (crates/store township/export_log.rs):
 * one, or both — a list a script read in full names each field it showed, comma-separated.
 */
export function revealedFields(field: string | null | undefined): 'id_number' | 'phone' | 'both' {
  const fields = (field ?? '').split(',');
  if (fields.includes('phone')) return fields.includes('id_number') ? 'both' : 'phone';
  return 'id_number';
}
