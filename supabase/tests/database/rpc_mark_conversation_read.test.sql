-- mark_conversation_read(conversation): the caller's cursor moves to the conversation's latest message. A
-- conversation the caller may not see and one that does not exist get the same answer (PT404); only signed-in users
-- call it (anon and the service role have no EXECUTE).
begin;
select plan(10);

-- The world of tests.seed_world() (00000_test_helpers.test.sql), written as the superuser and rolled back at the end:
--   workspace A (d…0a): a…01 owner, a…02 agent, a…04 admin, a…03 removed    workspace B (d…0b): b…01 owner
--   c…01 is signed in and belongs to no workspace. Each workspace has a sender (e…), a contact (f…), a conversation (9…).
select tests.seed_world();
insert into public.messages (distributor_id, conversation_id, direction, status, body) values
  (tests.id('workspace_a'), tests.id('conversation_a'), 'inbound', 'received', 'one'),
  (tests.id('workspace_a'), tests.id('conversation_a'), 'inbound', 'received', 'two');

-- an agent of A
select tests.act_as('agent_a');
select results_eq(
  $$ select r.user_id, r.distributor_id, r.read_inbound_count, r.last_read_seq = c.last_message_seq
       from public.mark_conversation_read('90000000-0000-4000-8000-00000000000a') r
       join public.conversations c on c.id = r.conversation_id $$,
  $$ values ('a0000000-0000-4000-8000-000000000002'::uuid, 'd0000000-0000-4000-8000-00000000000a'::uuid, 2, true) $$,
  'a member marks their workspace''s conversation read up to its latest message');

-- the owner of B
reset role; select tests.act_as('owner_b');
select throws_ok($$ select public.mark_conversation_read('90000000-0000-4000-8000-00000000000a') $$, 'PT404', 'conversation not found', 'another workspace''s conversation is not found');
select throws_ok($$ select public.mark_conversation_read('99999999-0000-4000-8000-000000000000') $$, 'PT404', 'conversation not found', 'with the answer for one that does not exist');

-- a member removed from A
reset role; select tests.act_as('removed_a');
select throws_ok($$ select public.mark_conversation_read('90000000-0000-4000-8000-00000000000a') $$, 'PT404', 'conversation not found', 'a removed member finds it no more');

-- signed in, in no workspace
reset role; select tests.act_as('outsider');
select throws_ok($$ select public.mark_conversation_read('90000000-0000-4000-8000-00000000000a') $$, 'PT404', 'conversation not found', 'nor does a user in no workspace');

-- the authenticated role without a subject
select set_config('request.jwt.claims', '{"role":"authenticated"}', true);
select throws_ok($$ select public.mark_conversation_read('90000000-0000-4000-8000-00000000000a') $$, '42501', 'sign in to mark conversations read', 'no user, no cursor');

-- not signed in, and the service role
reset role; select tests.act_as_anon();
select throws_ok($$ select public.mark_conversation_read('90000000-0000-4000-8000-00000000000a') $$, '42501', null, 'anon may not call it');
set local role service_role;
select set_config('request.jwt.claims', '{"role":"service_role"}', true);
select throws_ok($$ select public.mark_conversation_read('90000000-0000-4000-8000-00000000000a') $$, '42501', null, 'nor may the service role (it has no user)');

reset role;
select results_eq($$ select user_id from public.conversation_reads where conversation_id = '90000000-0000-4000-8000-00000000000a' $$,
  $$ values ('a0000000-0000-4000-8000-000000000002'::uuid) $$, 'only the member''s cursor was written');
select is((select read_inbound_count from public.conversation_reads where conversation_id = '90000000-0000-4000-8000-00000000000a'), 2, 'counting both inbound messages');

select * from finish();
rollback;
