import { expect, test } from 'vitest';
import { formatListTime } from './format-time';

const now = new Date('2026-11-21T15:00:00Z');

test('shows the time for today, the weekday this week, the date before that', () => {
  expect(formatListTime('2026-11-21T09:05:00Z', now, 'en-GB', 'UTC')).toBe('09:05');
  expect(formatListTime('2026-11-19T09:05:00Z', now, 'en-GB', 'UTC')).toBe('Thu');
  expect(formatListTime('2026-10-02T09:05:00Z', now, 'en-GB', 'UTC')).toBe('2 Oct');
  expect(formatListTime('2025-10-02T09:05:00Z', now, 'en-GB', 'UTC')).toBe('2 Oct 2025');
});
