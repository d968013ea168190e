import { describe, expect, test } from 'vitest';
import { dbError, pgrstRaiseResponse, postgrestStatus } from './postgrest-errors.ts';

const asUser = { message: 'boom', role: 'authenticated' };

describe('postgrestStatus: every row of PostgREST’s SQLSTATE table', () => {
  // [SQLSTATE, status] — one code per row of mapSQLtoHTTP, plus a second member of each class
  test.each([
    ['08000', 503], ['08006', 503],
    ['09000', 500],
    ['0L000', 403], ['0LP01', 403],
    ['0P000', 403],
    ['23503', 409],
    ['23505', 409],
    ['25006', 405],
    ['25000', 500], ['25P02', 500],
    ['28000', 403], ['28P01', 403],
    ['2D000', 500],
    ['38000', 500], ['38003', 500],
    ['39000', 500], ['39P01', 500],
    ['3B000', 500], ['3B001', 500],
    ['40000', 500], ['40001', 500], ['40P01', 500],
    ['53400', 500],
    ['53000', 503], ['53100', 503], ['53200', 503],
    ['54000', 500], ['54001', 500],
    ['55000', 500], ['55P03', 500],
    ['57P01', 503],
    ['57000', 500], ['57014', 500],
    ['58000', 500], ['58030', 500],
    ['F0000', 500], ['F0001', 500],
    ['HV000', 500], ['HV00B', 500],
    ['P0001', 400],
    ['P0000', 500], ['P0002', 500], ['P0004', 500],
    ['XX000', 500], ['XX001', 500],
    ['42P01', 404],
    ['42P17', 500],
    ['PT400', 400], ['PT402', 402], ['PT404', 404], ['PT409', 409], ['PT418', 418], ['PT503', 503], ['PT200', 200],
    // anything else is the caller's fault
    ['23514', 400], ['23502', 400], ['22P02', 400], ['22001', 400], ['42703', 400], ['42601', 400], ['21000', 500],
    ['0A000', 400], ['2201B', 400], ['42P10', 400],
  ] as const)('%s → %i', (code, status) => {
    expect(postgrestStatus(code, asUser)).toBe(status);
  });

  test('42501 is 401 for the anonymous role and 403 for any other', () => {
    expect(postgrestStatus('42501', { message: 'permission denied', role: 'anon' })).toBe(401);
    expect(postgrestStatus('42501', { message: 'permission denied', role: 'authenticated' })).toBe(403);
    expect(postgrestStatus('42501', { message: 'permission denied', role: 'service_role' })).toBe(403);
  });

  test('42883 is 404, except xmlagg (no XML output), which is 406', () => {
    expect(postgrestStatus('42883', { message: 'function public.nope() does not exist', role: 'anon' })).toBe(404);
    expect(postgrestStatus('42883', { message: 'function xmlagg(record) does not exist', role: 'anon' })).toBe(406);
  });

  test('21000 is 400 only for pg-safeupdate’s refusal; 22023 is 401 only for a role that does not exist', () => {
    expect(postgrestStatus('21000', { message: 'DELETE requires a WHERE clause', role: 'anon' })).toBe(400);
    expect(postgrestStatus('21000', { message: 'more than one row returned by a subquery used as an expression', role: 'anon' })).toBe(500);
    expect(postgrestStatus('22023', { message: 'role "ghost" does not exist', role: 'anon' })).toBe(401);
    expect(postgrestStatus('22023', { message: 'invalid value for parameter', role: 'anon' })).toBe(400);
  });

  test('a PT code that is not a status a response can carry is 500', () => {
    for (const code of ['PT999', 'PT100', 'PT000', 'PTABC', 'PT4x4']) expect(postgrestStatus(code, asUser)).toBe(500);
  });
});

describe('dbError', () => {
  test('reads SQLSTATE, message, detail and hint; empty detail/hint are null', () => {
    expect(dbError(Object.assign(new Error('bad'), { code: '23514', detail: 'Failing row', hint: '' }))).toEqual({
      code: '23514', message: 'bad', details: 'Failing row', hint: null,
    });
  });

  test('is null for errors without a SQLSTATE', () => {
    expect(dbError(new TypeError('x'))).toBeNull();
    expect(dbError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBeNull();
    expect(dbError('23514')).toBeNull();
  });
});

describe('pgrstRaiseResponse', () => {
  test('answers with the status, headers and body the function chose', async () => {
    const res = pgrstRaiseResponse({
      code: 'PGRST',
      message: JSON.stringify({ code: 'X1', message: 'nope', hint: 'later' }),
      details: JSON.stringify({ status: 418, headers: { 'x-why': 'teapot' } }),
      hint: null,
    });
    expect(res.status).toBe(418);
    expect(res.headers.get('x-why')).toBe('teapot');
    expect(await res.json()).toEqual({ code: 'X1', details: null, hint: 'later', message: 'nope' });
  });

  test('malformed MESSAGE or DETAIL is PGRST121 (500)', async () => {
    const res = pgrstRaiseResponse({ code: 'PGRST', message: 'not json', details: null, hint: null });
    expect(res.status).toBe(500);
    expect((await res.json()).code).toBe('PGRST121');
    const noDetail = pgrstRaiseResponse({ code: 'PGRST', message: '{"code":"a","message":"b"}', details: null, hint: null });
    expect((await noDetail.json()).details).toBe('DETAIL is missing in the RAISE statement');
  });
});
