import fs from 'node:fs';
import { expect, test } from 'vitest';
import { generateDatabaseTypes, TYPES_FILE } from './gen-types.ts';

test('types/database.ts matches the migrations (run `npm run gen:types` if this fails)', async () => {
  expect(fs.readFileSync(TYPES_FILE, 'utf8')).toBe(await generateDatabaseTypes());
}, 120_000);
