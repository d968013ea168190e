import { expect, test } from 'vitest';
import { teammatesFrom, typingIn, typingPrune, typingReceived, typingStopped } from './team';

test('several tabs of one user count once; viewing is merged', () => {
  const t = teammatesFrom({ u1: [{ name: 'Ana', viewing: 'c1', online_at: 'x' }, { name: 'Ana', viewing: 'c2', online_at: 'y' }] }, {}, 0, 10_000);
  expect(t).toEqual({ u1: { userId: 'u1', name: 'Ana', viewing: ['c1', 'c2'], leftAt: null } });
});

test('someone who leaves stays listed for the grace period, then goes', () => {
  const online = teammatesFrom({ u1: [{ name: 'Ana', viewing: 'c1', online_at: 'x' }] }, {}, 0, 10_000);
  const justLeft = teammatesFrom({}, online, 1000, 10_000);
  expect(justLeft.u1).toMatchObject({ leftAt: 1000, viewing: [] });
  expect(teammatesFrom({}, justLeft, 10_999, 10_000).u1).toBeDefined();
  expect(teammatesFrom({}, justLeft, 11_000, 10_000).u1).toBeUndefined();
  expect(teammatesFrom({ u1: [{ name: 'Ana', viewing: null, online_at: 'z' }] }, justLeft, 5000, 10_000).u1!.leftAt).toBeNull();
});

test('typing lapses on its own and can be cleared', () => {
  let s = typingReceived({}, { user_id: 'u2', name: 'Ben', conversation_id: 'c1' }, 0, 4000);
  expect(typingIn(s, 'c1', 'u1')).toEqual(['Ben']);
  expect(typingIn(s, 'c1', 'u2')).toEqual([]);
  expect(typingIn(typingPrune(s, 3999), 'c1', 'u1')).toEqual(['Ben']);
  expect(typingIn(typingPrune(s, 4000), 'c1', 'u1')).toEqual([]);
  s = typingStopped(s, 'u2');
  expect(s).toEqual({});
});
