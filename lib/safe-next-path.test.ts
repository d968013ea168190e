import { expect, test } from 'vitest';
import { safeNextPath } from './safe-next-path';

test('keeps same-site paths and refuses everything else', () => {
  expect(safeNextPath('/inbox/abc?x=1')).toBe('/inbox/abc?x=1');
  expect(safeNextPath(['/inbox/diagnostics'])).toBe('/inbox/diagnostics');
  for (const bad of ['//evil.test', 'https://evil.test', '/\\evil.test', 'inbox', '', undefined, null, 42, '/login?next=/x']) {
    expect(safeNextPath(bad)).toBe('/inbox');
  }
});
