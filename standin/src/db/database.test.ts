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

// PGlite sets exitCode 100 on every failed statement, so every passing run that used it exited 100.
test('a failing statement leaves the process exit code unset', async () => {
  process.exitCode = undefined;
  const db = await openDatabase({ kind: 'pglite-memory' });
  await expect(db.query('select * from no_such_table')).rejects.toThrow(/no_such_table/);
  await expect(db.execScript('select 1/0')).rejects.toThrow(/division by zero/);
  expect(process.exitCode).toBeUndefined();
  await db.close();
  expect(process.exitCode).toBeUndefined();
});
