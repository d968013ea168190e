import { describe, expect, test } from 'vitest';
import { isoTimestamp, numericValue, serializeBoolean, serializeText } from './values.ts';

describe('isoTimestamp', () => {
  test('formats timestamptz the way to_json does', () => {
    expect(isoTimestamp('2026-11-21 21:16:26.437+00')).toBe('2026-11-21T21:16:26.437+00:00');
    expect(isoTimestamp('2026-11-21 21:16:26+05:30')).toBe('2026-11-21T21:16:26+05:30');
    expect(isoTimestamp('1900-01-01 00:00:00+00:19:32')).toBe('1900-01-01T00:00:00+00:19:32');
  });
  test('formats timestamp without an offset', () => {
    expect(isoTimestamp('2026-11-21 21:16:26.437')).toBe('2026-11-21T21:16:26.437');
  });
  test('leaves special values alone', () => {
    expect(isoTimestamp('infinity')).toBe('infinity');
    expect(isoTimestamp('0044-03-15 12:00:00+00 BC')).toBe('0044-03-15 12:00:00+00 BC');
  });
});

describe('numericValue', () => {
  test('turns numerics into JSON numbers and keeps NaN as text', () => {
    expect(numericValue('1.50')).toBe(1.5);
    expect(numericValue('-3')).toBe(-3);
    expect(numericValue('NaN')).toBe('NaN');
  });
});

describe('serializeText', () => {
  test('sends a JSON object or array for a text parameter as its JSON text (as PostgREST stores it)', () => {
    expect(serializeText({ a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
    expect(serializeText([1, 2])).toBe('[1,2]');
    expect(serializeText('plain')).toBe('plain');
    expect(serializeText(42)).toBe('42');
  });
});

describe('serializeBoolean', () => {
  test('sends booleans as t/f and anything else as text for PostgreSQL to accept or refuse', () => {
    expect(serializeBoolean(true)).toBe('t');
    expect(serializeBoolean(false)).toBe('f');
    expect(serializeBoolean('perhaps')).toBe('perhaps');
  });
});
