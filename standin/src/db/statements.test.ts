import { describe, expect, test } from 'vitest';
import { splitStatements } from './statements.ts';

// Every expectation is what `supabase migration repair --status applied` of Supabase CLI 2.117.0 stored in
// supabase_migrations.schema_migrations.statements for the same file (`supabase db push` stores the same).
describe('splitStatements', () => {
  test('statements keep their comments; semicolons in strings, identifiers, dollar quotes and comments do not cut', () => {
    const file = [
      '-- a comment at the top',
      "create table public.t (id int primary key, note text default 'a;b');",
      '',
      '/* block comment; with a semicolon */',
      'create function public.f() returns int language plpgsql as $$',
      'begin',
      '  return 1; -- inside',
      'end;',
      '$$;',
      "insert into public.t values (1, 'x;y');",
      '',
    ].join('\n');
    expect(splitStatements(file)).toEqual([
      "-- a comment at the top\ncreate table public.t (id int primary key, note text default 'a;b')",
      '/* block comment; with a semicolon */\ncreate function public.f() returns int language plpgsql as $$\nbegin\n  return 1; -- inside\nend;\n$$',
      "insert into public.t values (1, 'x;y')",
    ]);
    expect(splitStatements('alter table public.t add column c int;\n')).toEqual(['alter table public.t add column c int']);
  });

  test('quotes, tags, nested comments, backslashes and empty statements', () => {
    const file = [
      `create table q (a int, "we;ird" text default 'it''s; fine');`,
      'select 1; ;  ;',
      'select $tag$ a;b $tag$, $1;',
      "select 'a' /* c1 /* nested; */ still; */ ;",
      '-- trailing comment; here',
      'select 3 \\; select 4;',
      `select 'don''t'; select "a""b"; select 5 -- c`,
      '; select 6 /* unterminated',
    ].join('\n');
    expect(splitStatements(file)).toEqual([
      `create table q (a int, "we;ird" text default 'it''s; fine')`,
      'select 1',
      'select $tag$ a;b $tag$, $1',
      "select 'a' /* c1 /* nested; */ still; */",
      '-- trailing comment; here\nselect 3 \\; select 4',
      "select 'don''t'",
      'select "a""b"',
      'select 5 -- c',
      'select 6 /* unterminated',
    ]);
  });

  test('BEGIN ATOMIC bodies stay whole, up to the first "end", as the CLI reads them', () => {
    const file = [
      'create function q1() returns int language sql begin atomic select 1; select 2; end;',
      'create function q2(x int) returns int language sql',
      '  begin   atomic',
      '    select x + (select 1); select spend from (select 1 as spend) s;',
      '  end;',
      'select 1 begin\n\tatomic; select 3; end;',
      'BEGIN ATOMIC; select 6; END;',
    ].join('\n');
    expect(splitStatements(file)).toEqual([
      'create function q1() returns int language sql begin atomic select 1; select 2; end',
      'create function q2(x int) returns int language sql\n  begin   atomic\n    select x + (select 1); select spend from (select 1 as spend) s',
      'end',
      'select 1 begin\n\tatomic; select 3; end',
      'BEGIN ATOMIC; select 6; END',
    ]);
  });

  test('"atomic" alone is a word like any other', () => {
    const file = 'select 1 as nonatomic; select 2;\nselect 1 xbegin atomic; select 2;\nselect 1 as "x", 2 as atomic; select 3;\nselect "begin atomic; x"; select 4;\nselect 1 as begin_atomic; select 5;';
    expect(splitStatements(file)).toEqual([
      'select 1 as nonatomic',
      'select 2',
      'select 1 xbegin atomic',
      'select 2',
      'select 1 as "x", 2 as atomic',
      'select 3',
      'select "begin atomic; x"',
      'select 4',
      'select 1 as begin_atomic',
      'select 5',
    ]);
  });

  test('a parenthesis ends at the first closing one, as in the CLI', () => {
    expect(splitStatements('select ((1);2);')).toEqual(['select ((1)', '2)']);
    expect(splitStatements('select (1; 2);')).toEqual(['select (1; 2)']);
  });

  test('an empty file or one of comments only', () => {
    expect(splitStatements('')).toEqual([]);
    expect(splitStatements('  \n;\n')).toEqual([]);
    expect(splitStatements('-- nothing to do\n')).toEqual(['-- nothing to do']);
  });
});
