import { expect, test } from 'vitest';
import { dayLabel, formatListTime, utcStamp } from './format-time';

const now = new Date('2026-11-21T15:00:00Z');

test('shows the time for today, the weekday this week, the date before that', () => {
  expect(formatListTime('2026-11-21T09:05:00Z', now, 'en-GB', 'UTC')).toBe('09:05');
  expect(formatListTime('2026-11-19T09:05:00Z', now, 'en-GB', 'UTC')).toBe('Thu');
  expect(formatListTime('2026-10-02T09:05:00Z', now, 'en-GB', 'UTC')).toBe('2 Oct');
  expect(formatListTime('2025-10-02T09:05:00Z', now, 'en-GB', 'UTC')).toBe('2 Oct 2025');
});

test("a thread's day dividers: Today, Yesterday, then the weekday and date, with the year only when not this one", () => {
  const noon = new Date(2026, 10, 21, 12, 0); // local time: dayLabel compares local days
  expect(dayLabel(new Date(2026, 10, 21, 0, 5).toISOString(), noon, 'en-GB')).toBe('Today');
  expect(dayLabel(new Date(2026, 10, 20, 23, 55).toISOString(), noon, 'en-GB')).toBe('Yesterday');
  expect(dayLabel(new Date(2026, 10, 19, 9, 0).toISOString(), noon, 'en-GB')).toBe('Thursday 19 November');
  expect(dayLabel(new Date(2025, 10, 19, 9, 0).toISOString(), noon, 'en-GB')).toBe('Wednesday, 19 November 2025');
});

test('utcStamp is the same text wherever it renders, and empty for a bad date', () => {
  expect(utcStamp('2026-12-03T13:10:41.123+01:00')).toBe('2026-12-03 12:10 UTC');
  expect(utcStamp('not a date')).toBe('');
});
