import { CompiledQuery } from 'kysely';
import { describe, expect, test } from 'vitest';
import { mergeSetConfigs } from '../lite/drivers.ts';
import { actAsPlpgsql, actAsSettings, liteSettingCall, renderActAs, setConfigLiterals, setConfigSelect } from './act-as.ts';

describe('act-as', () => {
  test('the settings for a subject', () => {
    expect(actAsSettings('authenticated', { sub: 'u1', role: 'authenticated' })).toEqual([
      ['role', 'authenticated'],
      ['request.jwt.claims', '{"sub":"u1","role":"authenticated"}'],
      ['request.jwt.claim.sub', 'u1'],
      ['request.jwt.claim.role', 'authenticated'],
    ]);
    expect(actAsSettings('service_role', { role: 'service_role' })[2]).toEqual(['request.jwt.claim.sub', '']);
  });

  test('literal and parameterised SELECTs', () => {
    expect(setConfigLiterals([['role', "o'brien"]])).toBe("set_config('role', 'o''brien', true)");
    expect(setConfigSelect([['role', 'anon'], ['request.jwt.claims', '{}']], 3)).toEqual({
      sql: 'SELECT set_config($3, $4, true), set_config($5, $6, true)',
      params: ['role', 'anon', 'request.jwt.claims', '{}'],
    });
  });

  test('plpgsql, and the script lines that become it', () => {
    expect(actAsPlpgsql('p_role', 'p_claims', '  ')).toBe(
      [
        "  perform set_config('role', p_role, true);",
        "  perform set_config('request.jwt.claims', p_claims, true);",
        "  perform set_config('request.jwt.claim.sub', coalesce((p_claims)::jsonb ->> 'sub', ''), true);",
        "  perform set_config('request.jwt.claim.role', p_role, true);",
      ].join('\n'),
    );
    expect(renderActAs("begin\n    -- act-as: sub ->> 'role' | sub ->> 'claims'\nend;", 1)).toBe(
      `begin\n${actAsPlpgsql("sub ->> 'role'", "sub ->> 'claims'", '    ')}\nend;`,
    );
    expect(() => renderActAs('begin end;', 1)).toThrow(/found 0/);
  });

  test("lite's statements are recognised, and merged into one SELECT", () => {
    expect(liteSettingCall('SELECT set_config($1, $2, true)', ['a', 'b'])).toEqual({ call: 'set_config($1, $2, true)', params: ['a', 'b'] });
    expect(liteSettingCall('SET LOCAL ROLE "we""ird"', [])).toEqual({ call: "set_config('role', $1, true)", params: ['we"ird'] });
    expect(liteSettingCall('SELECT 1', [])).toBeNull();
    const merged = mergeSetConfigs([
      CompiledQuery.raw("SELECT set_config('role', $1, true)", ['authenticated']),
      CompiledQuery.raw('SET LOCAL ROLE authenticated'),
      CompiledQuery.raw("SELECT set_config('request.jwt.claims', $1, true)", ['{}']),
      CompiledQuery.raw('select 1'),
    ]);
    expect(merged.map((q) => [q.sql, q.parameters])).toEqual([
      ["SELECT set_config('role', $1, true), set_config('role', $2, true), set_config('request.jwt.claims', $3, true)", ['authenticated', 'authenticated', '{}']],
      ['select 1', []],
    ]);
  });
});
