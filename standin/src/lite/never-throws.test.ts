import { describe, expect, test, vi } from 'vitest';
import { neverThrows } from './never-throws.ts';

const leak = new TypeError("Cannot read properties of null (reading 'email') at /work/main/node_modules/x.js:1:2");

describe('neverThrows', () => {
  test('a REST handler that throws answers PostgREST’s shape, 500, without the error’s text; the log has it', async () => {
    const log = vi.fn();
    const res = await neverThrows(async () => {
      throw leak;
    }, log)(new Request('http://standin.local/rest/v1/things'));
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(['code', 'details', 'hint', 'message']);
    expect(JSON.stringify(body)).not.toMatch(/email|node_modules|work|TypeError/);
    expect(log).toHaveBeenCalledWith('[standin] GET /rest/v1/things failed:', leak);
  });

  test('an Auth handler that rejects answers GoTrue’s unexpected_failure in the shape the caller asked for', async () => {
    const failing = neverThrows(() => Promise.reject(leak), () => {});
    const legacy = await failing(new Request('http://standin.local/auth/v1/token', { method: 'POST' }));
    expect(legacy.status).toBe(500);
    expect(await legacy.json()).toEqual({ code: 500, error_code: 'unexpected_failure', msg: 'Unexpected failure, please check server logs for more information' });
    const current = await failing(new Request('http://standin.local/auth/v1/user', { headers: { 'x-supabase-api-version': '2024-01-01' } }));
    expect(await current.json()).toEqual({ code: 'unexpected_failure', message: 'Unexpected failure, please check server logs for more information' });
  });

  test('answers pass through untouched', async () => {
    const ok = new Response('fine', { status: 201 });
    expect(await neverThrows(async () => ok)(new Request('http://standin.local/rest/v1/x'))).toBe(ok);
  });
});
