-- The trigger functions keep derived state; no API role has any business calling them (PostgREST refuses trigger
-- functions as RPCs anyway: supabase/tests/rls.test.ts checks that over HTTP).
begin;
select plan(16);

select is(
  array(select p.proname::text from pg_proc p where p.pronamespace = 'public'::regnamespace and p.prorettype = 'trigger'::regtype order by 1),
  array['apply_message_to_conversation', 'apply_pending_status_events', 'check_conversation_assignee', 'touch_updated_at'],
  'the trigger functions of public (a new one needs its line below)'
);
select ok(not has_function_privilege('anon', 'public.touch_updated_at()', 'execute'), 'anon cannot execute touch_updated_at');
select ok(not has_function_privilege('authenticated', 'public.touch_updated_at()', 'execute'), 'authenticated cannot execute touch_updated_at');
select ok(not has_function_privilege('anon', 'public.apply_message_to_conversation()', 'execute'), 'anon cannot execute apply_message_to_conversation');
select ok(not has_function_privilege('authenticated', 'public.apply_message_to_conversation()', 'execute'), 'authenticated cannot execute apply_message_to_conversation');
select ok(not has_function_privilege('anon', 'public.apply_pending_status_events()', 'execute'), 'anon cannot execute apply_pending_status_events');
select ok(not has_function_privilege('authenticated', 'public.apply_pending_status_events()', 'execute'), 'authenticated cannot execute apply_pending_status_events');

select ok(not has_function_privilege('anon', 'public.check_conversation_assignee()', 'execute'), 'anon cannot execute check_conversation_assignee');
select ok(not has_function_privilege('authenticated', 'public.check_conversation_assignee()', 'execute'), 'authenticated cannot execute check_conversation_assignee');

-- check_conversation_assignee: a conversation is assigned only to a current member of its own workspace (a broken
-- rule is a foreign-key violation, 23503, as for a user who does not exist). Checked as the superuser, past RLS.
select tests.seed_world();
select throws_ok(
  $$update public.conversations set assignee_id = tests.id('owner_b') where id = tests.id('conversation_a')$$,
  '23503', 'the assignee is not a member of this workspace', 'a member of another workspace cannot be assigned'
);
select throws_ok(
  $$update public.conversations set assignee_id = tests.id('outsider') where id = tests.id('conversation_a')$$,
  '23503', 'the assignee is not a member of this workspace', 'nor a user in no workspace'
);
select throws_ok(
  $$update public.conversations set assignee_id = tests.id('removed_a') where id = tests.id('conversation_a')$$,
  '23503', 'the assignee is not a member of this workspace', 'nor a member removed from the workspace'
);
update public.distributor_members set removed_at = now() where user_id = tests.id('agent_a');
select throws_ok(
  $$update public.conversations set assignee_id = tests.id('agent_a') where id = tests.id('conversation_a')$$,
  '23503', 'the assignee is not a member of this workspace', 'a member removed just now cannot be assigned'
);
insert into public.contacts (id, distributor_id, wa_id, phone) values
  ('f0000000-0000-4000-8000-0000000000bb', tests.id('workspace_b'), '+15550000203', '+15550000203');
select throws_ok(
  $$insert into public.conversations (distributor_id, sender_id, contact_id, assignee_id)
    values (tests.id('workspace_b'), tests.id('sender_b'), 'f0000000-0000-4000-8000-0000000000bb', tests.id('owner_a'))$$,
  '23503', 'the assignee is not a member of this workspace', 'the rule holds for a new conversation too'
);
select lives_ok(
  $$update public.conversations set assignee_id = tests.id('owner_a') where id = tests.id('conversation_a')$$,
  'a current member can be assigned'
);
select lives_ok(
  $$update public.conversations set assignee_id = null where id = tests.id('conversation_a')$$,
  'and a conversation unassigned'
);

select * from finish();
rollback;
