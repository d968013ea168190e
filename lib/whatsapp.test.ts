import { expect, test } from 'vitest';
import { fillTemplate, SESSION_WINDOW_MS, sessionWindowRemaining } from './whatsapp';

test('the 24-hour window: open until 24 h after the last inbound message, closed without one', () => {
  const last = '2026-11-21T12:00:00.000Z';
  const t = Date.parse(last);
  expect(sessionWindowRemaining(last, t + 1000)).toBe(SESSION_WINDOW_MS - 1000);
  expect(sessionWindowRemaining(last, t + SESSION_WINDOW_MS)).toBe(0);
  expect(sessionWindowRemaining(null, t)).toBe(0);
  expect(sessionWindowRemaining('not a time', t)).toBe(0);
});

test('templates: placeholders filled by number, missing ones left visible', () => {
  expect(fillTemplate('Hi {{1}}, order {{2}} ({{1}})', { '1': 'Ana', '2': '42' })).toBe('Hi Ana, order 42 (Ana)');
  expect(fillTemplate('Hi {{1}}, order {{2}}', { '1': 'Ana' })).toBe('Hi Ana, order {{2}}');
});
