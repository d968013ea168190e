-- twilio_sweeps: members read how their workspace's senders were reconciled with Twilio's log; only the server writes.
begin;
select plan(8);

-- The world of tests.seed_world() (00000_test_helpers.test.sql), written as the superuser and rolled back at the end:
--   workspace A (d…0a): a…01 owner, a…02 agent, a…04 admin, a…03 removed    workspace B (d…0b): b…01 owner
--   c…01 is signed in and belongs to no workspace. Each workspace has a sender (e…), a contact (f…), a conversation (9…).
select tests.seed_world();
insert into public.twilio_sweeps (distributor_id, sender_id, reason, since, through, recovered_inbound) values
  (tests.id('workspace_a'), tests.id('sender_a'), 'schedule', now() - interval '10 minutes', now(), 2),
  (tests.id('workspace_b'), tests.id('sender_b'), 'schedule', now() - interval '10 minutes', now(), 0);

select tests.act_as('agent_a');
select results_eq($$ select distributor_id, recovered_inbound from public.twilio_sweeps $$,
  $$ values ('d0000000-0000-4000-8000-00000000000a'::uuid, 2) $$, 'an agent sees exactly their workspace''s sweeps');
select throws_ok($$ insert into public.twilio_sweeps (distributor_id, sender_id, reason, since, through) values
  ('d0000000-0000-4000-8000-00000000000a', 'e0000000-0000-4000-8000-00000000000a', 'manual', now(), now()) $$, '42501', null, 'members record no sweeps');

reset role; select tests.act_as('owner_a');
select throws_ok($$ update public.twilio_sweeps set recovered_inbound = 99 $$, '42501', null, 'not even the owner changes one');
select throws_ok($$ delete from public.twilio_sweeps $$, '42501', null, 'nor deletes one');

reset role; select tests.act_as('removed_a');
select is_empty($$ select id from public.twilio_sweeps $$, 'a removed member sees none');

reset role; select tests.act_as('outsider');
select is_empty($$ select id from public.twilio_sweeps $$, 'a user in no workspace sees none');

reset role; select tests.act_as_anon();
select throws_ok($$ select id from public.twilio_sweeps $$, '42501', null, 'anon reads nothing');

reset role;
select results_eq($$ select count(*)::int from public.twilio_sweeps where distributor_id in ('d0000000-0000-4000-8000-00000000000a', 'd0000000-0000-4000-8000-00000000000b') $$,
  $$ values (2) $$, 'the sweeps are as the server wrote them');

select * from finish();
rollback;
