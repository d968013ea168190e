/**
 * Catch-up after a gap: rows newer than the last one seen, with an overlap, because `seq` is assigned at
 * insert and concurrent transactions commit out of seq order (a lower seq can appear after a higher one was
 * delivered), and status updates move `updated_at` but not `seq`. The seq overlap covers a hundred transactions
 * in flight at once; the time overlap covers any commit up to 30 s late. Re-reading the overlap is harmless: the
 * reducer merges by id.
 */
export const SEQ_OVERLAP = 100;
export const TIME_OVERLAP_MS = 30_000;

export interface CatchUpWindow {
  seqAfter: number;
  updatedSince: string | null;
}

export function catchUpWindow(cursor: { seq: number; updatedAt: string | null }): CatchUpWindow {
  return {
    seqAfter: Math.max(0, cursor.seq - SEQ_OVERLAP),
    updatedSince: cursor.updatedAt ? new Date(Date.parse(cursor.updatedAt) - TIME_OVERLAP_MS).toISOString() : null,
  };
}

/** The PostgREST `or` filter for messages in the window. */
export function catchUpFilter(w: CatchUpWindow): string {
  return w.updatedSince ? `seq.gt.${w.seqAfter},updated_at.gte.${w.updatedSince}` : `seq.gt.${w.seqAfter}`;
}
