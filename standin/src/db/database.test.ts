import { afterEach, expect, test } from 'vitest';
import { openDatabase } from './database.ts';

const before = process.exitCode;
afterEach(() => {
  process.exitCode = before;
});

// Vitest sets exitCode 1 after a failed test and closes the stand-in in its global teardown afterwards: PGlite's
// shutdown used to reset the code to 0, so a failing run exited 0.
test('closing a PGlite database leaves the process exit code as it was', async () => {
  const db = await openDatabase({ kind: 'pglite-memory' });
  expect(await db.query('select 1 as one')).toEqual([{ one: 1 }]);
  process.exitCode = 3;
  await db.close();
  expect(process.exitCode).toBe(3);
});
