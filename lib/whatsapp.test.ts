import { expect, test } from 'vitest';
import { fillTemplate, SESSION_WINDOW_MS, sessionWindowRemaining, templatePlaceholders } from './whatsapp';

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

test('templates: the placeholders a text asks for, each once, in numeric order', () => {
  expect(templatePlaceholders('Hi {{1}}, your order {{2}} arrives {{3}}.')).toEqual(['1', '2', '3']);
  expect(templatePlaceholders('{{2}} then {{1}}, and {{2}} again')).toEqual(['1', '2']);
  expect(templatePlaceholders('{{10}} sorts after {{9}}')).toEqual(['9', '10']);
  expect(templatePlaceholders('No placeholders, { {1} }, {{x}}, {{123}}')).toEqual([]);
  expect(templatePlaceholders('')).toEqual([]);
});

test('templates: every placeholder templatePlaceholders finds is one fillTemplate fills', () => {
  const body = 'Hi {{1}}, order {{2}} ({{1}}), ref {{12}}';
  const values = Object.fromEntries(templatePlaceholders(body).map((p) => [p, `<${p}>`]));
  expect(fillTemplate(body, values)).toBe('Hi <1>, order <2> (<1>), ref <12>');
});
