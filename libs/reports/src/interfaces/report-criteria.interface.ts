import type { MembershipRole } from '@relais/aides';

/** What an export covers, once the scope rules (ReportScope) have been applied. */
export interface ReportCriteria {
  /** The structure whose journal is exported; null for a citizen's copy (every structure). */
  structureId: string | null;
  /** Calendar days in Paris, inclusive (YYYY-MM-DD), as the person chose them. */
  fromDay: string;
  toDay: string;
  /** The same period as instants: [from, to[ (ISO-8601 UTC). */
  from: string;
  to: string;
  aideId: string | null;
  citizenId: string | null;
  area: string | null;
  action: string | null;
}

/** Who asks for an export: this decides what they may see. */
export type ReportRequester =
  | { type: 'aide'; aideId: string; structureId: string; role: MembershipRole }
  /** aideId null: the command line, run by whoever operates the platform. */
  | { type: 'operator'; aideId: string | null }
  | { type: 'citizen'; citizenId: string };

/** The filters as typed in a form or on the command line, before the scope rules. */
export interface ReportRequest {
  /** Operators only: the structure's SIRET. Members always export their current structure. */
  siret?: string;
  from?: string;
  to?: string;
  aideId?: string;
  citizenId?: string;
  area?: string;
  action?: string;
}
