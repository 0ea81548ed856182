/** "150581199003071234" → "150581********1234": enough to tell people apart on a list. */
export function maskId(id: string | null | undefined): string {
  if (!id) return '';
  const s = id.replace(/\s+/g, '');
  if (s.length <= 8) return s;
  return `${s.slice(0, 6)}${'*'.repeat(s.length - 10)}${s.slice(-4)}`;
}
