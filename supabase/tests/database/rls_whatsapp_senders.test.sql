-- whatsapp_senders: members read what their workspace's senders are, never where their credentials are (no column
-- privilege on the Vault secret ids); senders are saved by the server, through service-role functions.
begin;
select plan(14);

-- The world of tests.seed_world() (00000_test_helpers.test.sql), written as the superuser and rolled back at the end:
--   workspace A (d…0a): a…01 owner, a…02 agent, a…04 admin, a…03 removed    workspace B (d…0b): b…01 owner
--   c…01 is signed in and belongs to no workspace. Each workspace has a sender (e…), a contact (f…), a conversation (9…).
select tests.seed_world();
update public.whatsapp_senders set account_sid = 'AC0000000000000000000000000000000a', auth_token_secret_id = '5ec00000-0000-4000-8000-00000000000a'
 where id = tests.id('sender_a');

-- an agent of A
select tests.act_as('agent_a');
select results_eq($$ select id, account_sid from public.whatsapp_senders $$,
  $$ values ('e0000000-0000-4000-8000-00000000000a'::uuid, 'AC0000000000000000000000000000000a') $$, 'a member sees exactly their workspace''s senders');
select throws_ok($$ select auth_token_secret_id from public.whatsapp_senders $$, '42501', null, 'but not where the Auth Token is');
select throws_ok($$ select api_key_secret_id from public.whatsapp_senders $$, '42501', null, 'nor where the API key secret is');
select throws_ok($$ select * from public.whatsapp_senders $$, '42501', null, 'so select * is refused');
select throws_ok($$ select * from public.whatsapp_sender_credentials('e0000000-0000-4000-8000-00000000000a') $$, '42501', null, 'and the credentials function is the service role''s');

-- the owner and an admin of A
reset role; select tests.act_as('owner_a');
select throws_ok($$ insert into public.whatsapp_senders (distributor_id, label, whatsapp_number) values ('d0000000-0000-4000-8000-00000000000a', 'Mine', '+15550000109') $$,
  '42501', null, 'not even the owner adds a sender directly (the server checks it with Twilio first)');
select throws_ok($$ delete from public.whatsapp_senders where id = 'e0000000-0000-4000-8000-00000000000a' $$, '42501', null, 'nor deletes one directly');
reset role; select tests.act_as('admin_a');
select throws_ok($$ update public.whatsapp_senders set label = 'Renamed' where id = 'e0000000-0000-4000-8000-00000000000a' $$, '42501', null, 'nor does an admin change one directly');

-- a member removed from A
reset role; select tests.act_as('removed_a');
select is_empty($$ select id from public.whatsapp_senders $$, 'a removed member sees none');

-- the owner of B
reset role; select tests.act_as('owner_b');
select results_eq($$ select id from public.whatsapp_senders $$, $$ values ('e0000000-0000-4000-8000-00000000000b'::uuid) $$, 'a member of another workspace sees exactly theirs');

-- signed in, in no workspace
reset role; select tests.act_as('outsider');
select is_empty($$ select id from public.whatsapp_senders $$, 'a user in no workspace sees none');

-- not signed in
reset role; select tests.act_as_anon();
select throws_ok($$ select id from public.whatsapp_senders $$, '42501', null, 'anon reads nothing');
select throws_ok($$ select * from public.webhook_sender('+15550000101', 'AC0000000000000000000000000000000a') $$, '42501', null, 'nor looks a sender''s credentials up');

reset role;
select results_eq($$ select id, label from public.whatsapp_senders where id in ('e0000000-0000-4000-8000-00000000000a', 'e0000000-0000-4000-8000-00000000000b') order by id $$,
  $$ values ('e0000000-0000-4000-8000-00000000000a'::uuid, 'A WhatsApp'), ('e0000000-0000-4000-8000-00000000000b'::uuid, 'B WhatsApp') $$, 'the senders are as saved');

select * from finish();
rollback;
