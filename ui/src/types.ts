// The types the UI exchanges with the backend, and the UI's own.
//
// Every type the backend sends or accepts is declared in ./generated/types.ts, generated from
// the Rust types themselves (tests/tests/ts_types.rs; regenerate with
// `GRIDBOOK_WRITE_TS=1 cargo test -p gridbook-tests --test ts_types`), and re-exported here.
// Below are only the UI's own types: what never crosses the backend boundary, or the UI's
// view of a backend type (daily-report figures flattened by api.ts).

import type * as G from './generated/types';
import type { OverviewVillage } from './generated/types';

export type * from './generated/types';

/** `control`: a whole ID number only the township control list knows (another village). */
export type MatchKind = 'name' | 'pinyin' | 'id' | 'phone' | 'plate' | 'control';

export type Edit = [string, string];

export type CheckableField = 'name' | 'id_number' | 'phone' | 'plate' | 'address';

export type Language = 'zh-CN' | 'en';

export type SyncState = 'idle' | 'syncing' | 'offline' | 'error' | 'not_enrolled';

/** The one error shape at the Tauri boundary. */
export interface ApiError {
  kind: string;
  /** The message in the UI's language (the backend sends both; `toApiError` picks one). */
  message: string;
  field?: string;
  /** A reason code: a refusal's (`already-used` for a pass) or what was not found (`pass`). */
  code?: string;
}

/** The township's totals of the overview: a village row without its id, name and groups. */
export type OverviewFigures = Omit<OverviewVillage, 'id' | 'name' | 'groups'>;

// ---- Daily reports as the UI keeps them: api.ts flattens every `figures` (withFlatFigures) ----

/**
 * A report's figures flattened: key (registered_risk, checks_done, tag_close_contact,
 * isolation_home_isolation, …) → count. The backend sends ReportFigures.
 */
export type Figures = Record<string, number>;

type FlatFigures<T extends { figures: unknown }> = Omit<T, 'figures'> & {
  figures: null extends T['figures'] ? Figures | null : Figures;
};

export type ReportStatusRow = FlatFigures<G.ReportStatusRow>;
export type RollupPart = FlatFigures<G.RollupPart>;
export type RollupVillage = FlatFigures<G.RollupVillage>;
export type Rollup = Omit<G.Rollup, 'township' | 'villages'> & { township: RollupPart; villages: RollupVillage[] };
export type ReportSubmitResult = FlatFigures<G.ReportSubmitResult>;
export type FiguresPreview = FlatFigures<G.FiguresPreview>;
