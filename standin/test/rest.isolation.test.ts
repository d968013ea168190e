import { expect, test } from 'vitest';
import { createTestUser } from './helpers/clients.ts';

// On PGlite every request shares one database session; this is the test that a request never runs with
// another request's role or claims (the lock in lite/adapter.ts).
test('200 interleaved requests from two tenants never see each other\'s rows', async () => {
  const [a, b] = await Promise.all([createTestUser('tenant-a'), createTestUser('tenant-b')]);
  const seed = async (u: typeof a, tenant: string) => {
    const { error } = await u.client.from('fixture_notes').insert(Array.from({ length: 5 }, (_, i) => ({ tenant, body: `${tenant} note ${i}` })));
    expect(error).toBeNull();
  };
  await Promise.all([seed(a, 'A'), seed(b, 'B')]);

  const requests = Array.from({ length: 200 }, (_, i) => {
    const [user, tenant] = i % 2 === 0 ? [a, 'A'] : [b, 'B'];
    if (i % 10 === 0) {
      return user.client.from('fixture_notes').insert({ tenant, body: `${tenant} extra ${i}` }).select('tenant, owner_id').then((r) => ({ tenant, ownerId: user.id, r }));
    }
    return user.client.from('fixture_notes').select('tenant, owner_id').then((r) => ({ tenant, ownerId: user.id, r }));
  });
  const results = await Promise.all(requests);
  for (const { tenant, ownerId, r } of results) {
    expect(r.error).toBeNull();
    expect(r.data!.length).toBeGreaterThan(0);
    for (const row of r.data!) expect(row).toEqual({ tenant, owner_id: ownerId });
  }
});
