// Types of cli.mjs for the unit tests that install it.
export type GridbookResult = { ok: true; value: unknown } | { ok: false; error: { kind: string; field?: string; message: string } };
export function gridbookBin(): string;
export type PureCommand =
  | 'checkpoint judge'
  | 'rules check'
  | 'rules builtin'
  | 'field check'
  | 'case release-check'
  | 'case due-check'
  | 'case state-check'
  | 'policy check'
  | 'policy builtin'
  | 'check review'
  | 'test review'
  | 'pass issue-check'
  | 'pass verify'
  | 'pass qr'
  | 'shift judge'
  | 'person duplicate-check';
export function runGridbook(command: PureCommand, input?: string): Promise<GridbookResult>;
export type RosterResult = { ok: true; value: unknown; progress: { done: number; total: number }[] } | { ok: false; error: { kind: string; field?: string; code?: string; message: string } };
export function rosterRunner(): (op: 'villages' | 'import', input: unknown) => Promise<RosterResult | Record<string, string>>;
