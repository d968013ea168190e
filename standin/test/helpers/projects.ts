import path from 'node:path';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

/** The schema the contract tests run against: tables, RPCs and policies written to exercise every API path. */
export const CONTRACT_PROJECT = path.join(FIXTURES, 'contract');

/** A second, unrelated project: a plain to-do app with RLS per user, default privileges and private channels. */
export const TODOS_PROJECT = path.join(FIXTURES, 'todos');
