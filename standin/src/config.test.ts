import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseConfig } from './config.ts';
import { LOCAL_VAULT_ROOT_KEY } from './keys.ts';

describe('parseConfig', () => {
  test('flags win over the environment, which wins over defaults', () => {
    const c = parseConfig(['--port', '5555', '--db=memory', '--no-seed'], { STANDIN_PORT: '6666', STANDIN_HOST: '0.0.0.0', STANDIN_LOG: 'debug' }, { projectDir: '/p' });
    expect(c).toMatchObject({ port: 5555, host: '0.0.0.0', db: { kind: 'pglite-memory' }, seed: false, log: 'debug', projectDir: '/p' });
  });

  test('a postgres URL, a folder, and the default folder', () => {
    expect(parseConfig(['--db', 'postgres://u@h/db'], {}, { projectDir: '/p' }).db).toEqual({ kind: 'postgres', url: 'postgres://u@h/db' });
    expect(parseConfig([], { STANDIN_DB: 'data' }, { projectDir: '/p' }).db).toEqual({ kind: 'pglite-dir', dir: path.resolve('/p', 'data') });
    expect(parseConfig([], {}, { projectDir: '/p' }).db).toEqual({ kind: 'pglite-dir', dir: path.join('/p', '.standin/pgdata') });
  });

  test('unknown flags, stray arguments and bad values are refused with a message', () => {
    expect(() => parseConfig(['--bogus'])).toThrow(/bogus/);
    expect(() => parseConfig(['memory'])).toThrow();
    expect(() => parseConfig(['--port', 'x'])).toThrow(/--port/);
    expect(() => parseConfig(['--log', 'loud'])).toThrow(/--log/);
    expect(() => parseConfig(['--jwt-expiry', '0'])).toThrow(/jwt-expiry/);
  });

  test("Vault's root key: the environment, then the option, then the local default; short keys are refused", () => {
    const key = 'k'.repeat(32);
    expect(parseConfig([], {}).vaultKey).toBe(LOCAL_VAULT_ROOT_KEY);
    expect(parseConfig([], { STANDIN_VAULT_KEY: key }, { vaultKey: 'o'.repeat(40) }).vaultKey).toBe(key);
    expect(parseConfig([], {}, { vaultKey: key }).vaultKey).toBe(key);
    expect(() => parseConfig([], { STANDIN_VAULT_KEY: 'short' })).toThrow(/STANDIN_VAULT_KEY must be at least 32/);
    expect(() => parseConfig(['--vault-key', key])).toThrow(/vault-key/);
  });
});
