import { beforeAll, describe, expect, test } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { anonClient, createTestUser, serviceClient, standinUrl } from './helpers/clients.ts';

let owner: { id: string; client: SupabaseClient };
let authorId: number;
let postIds: number[];
const tag = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

beforeAll(async () => {
  owner = await createTestUser('rest');
  const author = await owner.client.from('fixture_authors').insert({ name: `Author ${tag}` }).select().single();
  expect(author.error).toBeNull();
  authorId = author.data!.id;
  const posts = await owner.client
    .from('fixture_posts')
    .insert([
      { author_id: authorId, title: `${tag} alpha`, score: 1.5, tags: ['a', 'b'], published: true },
      { author_id: authorId, title: `${tag} beta`, score: 2.25, tags: ['b'], published: true },
      { author_id: authorId, title: `${tag} gamma`, score: null, tags: [], published: false },
      { author_id: null, title: `${tag} delta`, score: 10, tags: ['c'], published: true },
    ])
    .select('id')
    .order('id');
  expect(posts.error).toBeNull();
  postIds = posts.data!.map((p) => p.id);
  const comments = await owner.client.from('fixture_comments').insert([
    { post_id: postIds[0], body: 'first!' },
    { post_id: postIds[0], body: 'second' },
  ]);
  expect(comments.error).toBeNull();
});

describe('select', () => {
  test('embeds a many-to-one and a one-to-many relationship', async () => {
    const { data, error } = await owner.client
      .from('fixture_posts')
      .select('title, author:fixture_authors(name), fixture_comments(body)')
      .eq('id', postIds[0]!)
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({ title: `${tag} alpha`, author: { name: `Author ${tag}` }, fixture_comments: expect.arrayContaining([{ body: 'first!' }, { body: 'second' }]) });
  });

  test('filters: eq, in, gte, ilike, is, or, contains, not', async () => {
    const base = () => owner.client.from('fixture_posts').select('title').ilike('title', `${tag}%`);
    expect((await base().in('id', [postIds[0]!, postIds[1]!]).order('id')).data).toEqual([{ title: `${tag} alpha` }, { title: `${tag} beta` }]);
    expect((await base().gte('score', 2).order('id')).data).toEqual([{ title: `${tag} beta` }, { title: `${tag} delta` }]);
    expect((await base().is('score', null)).data).toEqual([{ title: `${tag} gamma` }]);
    expect((await base().eq('published', false)).data).toEqual([{ title: `${tag} gamma` }]);
    expect((await base().or('score.gt.5,tags.cs.{a}').order('id')).data).toEqual([{ title: `${tag} alpha` }, { title: `${tag} delta` }]);
    expect((await base().contains('tags', ['b']).order('id')).data).toHaveLength(2);
    expect((await base().not('author_id', 'is', null)).data).toHaveLength(3);
  });

  test('order, limit and offset with an exact count (206 and the total)', async () => {
    const { data, count, status, error } = await owner.client
      .from('fixture_posts')
      .select('title', { count: 'exact' })
      .ilike('title', `${tag}%`)
      .order('title', { ascending: false })
      .range(1, 2);
    expect(error).toBeNull();
    expect(status).toBe(206);
    expect(count).toBe(4);
    expect(data).toEqual([{ title: `${tag} delta` }, { title: `${tag} beta` }]);
  });

  test('values are typed as PostgREST prints them: ISO timestamps, numeric numbers, arrays', async () => {
    const { data } = await owner.client.from('fixture_posts').select('score, tags, created_at').eq('id', postIds[1]!).single();
    expect(data!.score).toBe(2.25);
    expect(data!.tags).toEqual(['b']);
    expect(data!.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/);
  });

  test('bytea is printed as PostgREST prints it (\\x and hex), and that text is taken back in writes and filters', async () => {
    const svc = serviceClient();
    const id = Math.floor(Math.random() * 1e9);
    const inserted = await svc.from('fixture_blobs').insert({ id, data: '\\x00ff10' }).select().single();
    expect(inserted.error).toBeNull();
    expect(inserted.data).toEqual({ id, data: '\\x00ff10' });
    const updated = await svc.from('fixture_blobs').update({ data: inserted.data!.data }).eq('data', '\\x00ff10').eq('id', id).select('data');
    expect(updated.error).toBeNull();
    expect(updated.data).toEqual([{ data: '\\x00ff10' }]);
  });

  test('single() on no rows is 406 PGRST116; maybeSingle() is null; on many it is an error', async () => {
    const none = await owner.client.from('fixture_posts').select('id').eq('id', -1).single();
    expect(none.status).toBe(406);
    expect(none.error?.code).toBe('PGRST116');
    const maybe = await owner.client.from('fixture_posts').select('id').eq('id', -1).maybeSingle();
    expect(maybe.error).toBeNull();
    expect(maybe.data).toBeNull();
    const many = await owner.client.from('fixture_posts').select('id').ilike('title', `${tag}%`).maybeSingle();
    expect(many.error?.code).toBe('PGRST116');
  });

  test('RLS: anon sees published posts only, the owner sees all of theirs', async () => {
    const anon = await anonClient().from('fixture_posts').select('title').ilike('title', `${tag}%`);
    expect(anon.data).toHaveLength(3);
    const mine = await owner.client.from('fixture_posts').select('title').ilike('title', `${tag}%`);
    expect(mine.data).toHaveLength(4);
  });
});

describe('writes', () => {
  test('insert, update and delete return the affected rows', async () => {
    const inserted = await owner.client.from('fixture_posts').insert({ title: `${tag} epsilon`, score: 3 }).select('id, title, owner_id').single();
    expect(inserted.status).toBe(201);
    expect(inserted.data).toMatchObject({ title: `${tag} epsilon`, owner_id: owner.id });
    const id = inserted.data!.id;
    const updated = await owner.client.from('fixture_posts').update({ score: 4.5 }).eq('id', id).select('score');
    expect(updated.data).toEqual([{ score: 4.5 }]);
    const deleted = await owner.client.from('fixture_posts').delete().eq('id', id).select('id');
    expect(deleted.data).toEqual([{ id }]);
    expect((await owner.client.from('fixture_posts').select('id').eq('id', id)).data).toEqual([]);
  });

  test('upsert merges on the primary key, and ignoreDuplicates leaves the row alone', async () => {
    const own = await owner.client.from('fixture_posts').insert({ title: `${tag} upsert`, score: 1 }).select('id').single();
    const id = own.data!.id;
    const up = await owner.client.from('fixture_posts').upsert({ id, owner_id: owner.id, title: `${tag} upsert`, score: 7 }).select('score');
    expect(up.error).toBeNull();
    expect(up.data).toEqual([{ score: 7 }]);
    const ignored = await owner.client
      .from('fixture_posts')
      .upsert({ id, owner_id: owner.id, title: `${tag} upsert`, score: 99 }, { ignoreDuplicates: true })
      .select('score');
    expect(ignored.error).toBeNull();
    expect((await owner.client.from('fixture_posts').select('score').eq('id', id).single()).data).toEqual({ score: 7 });
    await owner.client.from('fixture_posts').delete().eq('id', id);
  });

  test('a unique violation is 409 with code 23505', async () => {
    const { error, status } = await owner.client.from('fixture_authors').insert({ name: `Author ${tag}` });
    expect(status).toBe(409);
    expect(error?.code).toBe('23505');
  });

  test('anonymous writes are denied with 401 42501', async () => {
    const { error, status } = await anonClient().from('fixture_posts').insert({ title: 'anon was here' });
    expect(status).toBe(401);
    expect(error?.code).toBe('42501');
  });

  test('a row another user owns cannot be updated or deleted (nothing matches)', async () => {
    const other = await createTestUser('intruder');
    const upd = await other.client.from('fixture_posts').update({ title: 'hijacked' }).eq('id', postIds[0]!).select();
    expect(upd.data).toEqual([]);
    const del = await other.client.from('fixture_posts').delete().eq('id', postIds[0]!).select();
    expect(del.data).toEqual([]);
    expect((await owner.client.from('fixture_posts').select('title').eq('id', postIds[0]!).single()).data?.title).toBe(`${tag} alpha`);
  });
});

describe('rpc', () => {
  test('calls a function with named arguments', async () => {
    expect(await anonClient().rpc('fixture_add', { a: 2, b: 3 })).toMatchObject({ data: 5, error: null });
  });

  test('a jsonb argument arrives as the object that was sent', async () => {
    const value = { a: 1, nested: { list: [1, 'two', null] }, text: 'hé' };
    expect((await anonClient().rpc('fixture_echo', { p: value })).data).toEqual({ type: 'object', value });
  });

  test('auth.uid(), auth.email() and auth.role() see the caller (usage on schema auth)', async () => {
    const user = await createTestUser('whoami');
    const { data, error } = await user.client.rpc('fixture_whoami');
    expect(error).toBeNull();
    expect(data).toEqual({ uid: user.id, email: user.email, role: 'authenticated', current_role: 'authenticated' });
  });

  test('service-role calls of volatile functions: jsonb and defaults, void, errors as PostgREST answers them', async () => {
    const svc = serviceClient();
    const name = `Registered ${tag} ${Math.random()}`;
    expect(await svc.rpc('fixture_register', { p: { name, list: [1, 'x'] } })).toMatchObject({ status: 200, data: { received: { name, list: [1, 'x'] }, note: null } });
    expect((await svc.rpc('fixture_register', { p: { name: `${name}!` }, note: "it's" })).data).toMatchObject({ note: "it's" });
    const dup = await svc.rpc('fixture_register', { p: { name } });
    expect(dup).toMatchObject({ status: 409, error: { code: '23505' } });
    expect(await svc.rpc('fixture_touch')).toMatchObject({ status: 204, data: null, error: null });
    expect(await svc.rpc('fixture_fail', { kind: 'none' })).toMatchObject({ status: 200, data: 1 });
    const raised = await svc.rpc('fixture_fail', { kind: 'raise' });
    expect(raised.status).toBe(400);
    expect(raised.error).toMatchObject({ code: 'P0001', message: 'order is locked', details: 'locked by a teammate', hint: 'try again later' });
    expect((await svc.rpc('fixture_fail', { kind: 'status' })).status).toBe(402);
    expect((await svc.rpc('fixture_register', { nope: 1 })).status).toBe(404); // unknown argument: PGRST202 from lite
    const asUser = await (await createTestUser('rpc-denied')).client.rpc('fixture_touch');
    expect(asUser).toMatchObject({ status: 403, error: { code: '42501' } });
  });

  test('a revoked function is refused to anon', async () => {
    const { error, status } = await anonClient().rpc('fixture_whoami');
    expect(status).toBe(401);
    expect(error?.code).toBe('42501');
  });
});

describe('CORS', () => {
  // browsers ask before every cross-origin call with an Authorization header; a failed preflight blocks the call
  test.each(['/rest/v1/fixture_posts', '/rest/v1/rpc/fixture_whoami', '/auth/v1/token?grant_type=password'])('a preflight on %s is answered with the asked-for headers', async (path) => {
    const res = await fetch(`${standinUrl()}${path}`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'apikey,authorization,content-type,x-client-info' },
    });
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });
});

describe('grants', () => {
  test('a table with no grants is unreadable by anon and by authenticated', async () => {
    const anon = await anonClient().from('fixture_secrets').select('*');
    expect(anon.status).toBe(401);
    expect(anon.error?.code).toBe('42501');
    const user = await createTestUser('grants');
    const authed = await user.client.from('fixture_secrets').select('*');
    expect(authed.status).toBe(403);
    expect(authed.error?.code).toBe('42501');
    expect(anon.data ?? authed.data).toBeNull();
  });

  test('privileges are not widened by serving requests', async () => {
    const service = await serviceClient().from('fixture_secrets').select('*');
    expect(service.error?.code).toBe('42501'); // not even service_role was granted this table
    const user = await createTestUser('grants2');
    const del = await user.client.from('fixture_authors').delete().eq('id', authorId);
    expect(del.error?.code).toBe('42501'); // authenticated has no DELETE on authors
  });
});
