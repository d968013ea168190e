// Every surface in the code has a rule in the matrix, and every rule names a surface that exists.
import { describe, expect, test } from 'vitest';
import { RPCS, TABLES, VIEWS } from './expectations.ts';
import { ACTIONS, PAGES, REALTIME_EVENTS, REALTIME_FILTER_OPERATORS, ROUTES } from './expectations.app.ts';
import * as surfaces from './surfaces.ts';

const sorted = (keys: Iterable<string>) => [...keys].sort();

describe('the security matrix covers every surface', () => {
  test.each([
    ['tables in the migrations', surfaces.tables, () => Object.keys(TABLES)],
    ['views in the migrations', surfaces.views, () => VIEWS],
    ['functions in the migrations (RPCs)', surfaces.functions, () => Object.keys(RPCS)],
    ['API routes and their methods', surfaces.apiRoutes, () => Object.keys(ROUTES)],
    ['server actions', surfaces.serverActions, () => Object.keys(ACTIONS)],
    ['pages', surfaces.pages, () => Object.keys(PAGES)],
    ['realtime client events', surfaces.realtimeClientEvents, () => Object.keys(REALTIME_EVENTS)],
    ['realtime filter operators', surfaces.realtimeFilterOperators, () => REALTIME_FILTER_OPERATORS],
  ])('%s', (_what, inCode, inMatrix) => {
    // a failure here means: add the new surface to tests/security/expectations*.ts, with what each role may do
    expect(sorted(inMatrix())).toEqual(sorted(inCode()));
  });

  test('the enumeration finds what it is meant to find', () => {
    // guards against a parser that silently finds nothing
    expect(surfaces.tables()).toContain('messages');
    expect(surfaces.functions()).toContain('ingest_inbound_message');
    expect(surfaces.apiRoutes()).toContain('POST /api/twilio/inbound');
    expect(surfaces.serverActions().length).toBeGreaterThan(0);
    expect(surfaces.realtimeClientEvents()).toContain('phx_join');
    expect(surfaces.realtimeFilterOperators()).toContain('eq');
  });
});
