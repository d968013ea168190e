import { expect, test } from 'vitest';
import { catchUpFilter, catchUpWindow, SEQ_OVERLAP, TIME_OVERLAP_MS } from './cursor';

test('re-reads an overlap behind the cursor, by seq and by time', () => {
  const w = catchUpWindow({ seq: 5000, updatedAt: '2026-11-21T12:00:30.000Z' });
  expect(w).toEqual({ seqAfter: 5000 - SEQ_OVERLAP, updatedSince: new Date(Date.parse('2026-11-21T12:00:30.000Z') - TIME_OVERLAP_MS).toISOString() });
  expect(catchUpFilter(w)).toBe('seq.gt.4900,updated_at.gte.2026-11-21T12:00:00.000Z');
});

test('an empty inbox catches up from the start', () => {
  expect(catchUpFilter(catchUpWindow({ seq: 0, updatedAt: null }))).toBe('seq.gt.0');
});
