-- messages: members read their workspace's messages and queue outbound replies as themselves in its conversations,
-- with the columns of a reply only (a template reply names an approved template of the same workspace); everything
-- else about a message is written by the webhook path, and nothing is updated or deleted by members.
begin;
select plan(33);

-- The world of tests.seed_world() (00000_test_helpers.test.sql), written as the superuser and rolled back at the end:
--   workspace A (d…0a): a…01 owner, a…02 agent, a…04 admin, a…03 removed    workspace B (d…0b): b…01 owner
--   c…01 is signed in and belongs to no workspace. Each workspace has a sender (e…), a contact (f…), a conversation (9…).
select tests.seed_world();
insert into public.messages (id, distributor_id, conversation_id, direction, status, body) values
  ('b1000000-0000-4000-8000-00000000000a', tests.id('workspace_a'), tests.id('conversation_a'), 'inbound', 'received', 'Hola'),
  ('b1000000-0000-4000-8000-00000000000b', tests.id('workspace_b'), tests.id('conversation_b'), 'inbound', 'received', 'Hello');
insert into public.message_templates (distributor_id, content_sid, name, body, approved) values
  (tests.id('workspace_a'), 'HX0000000000000000000000000000000a', 'A approved', 'Hi {{1}}', true),
  (tests.id('workspace_a'), 'HX00000000000000000000000000000d0a', 'A draft', 'Hi', false),
  (tests.id('workspace_b'), 'HX0000000000000000000000000000000b', 'B approved', 'Hi', true);

-- an agent of A
select tests.act_as('agent_a');
select results_eq($$ select id from public.messages $$, $$ values ('b1000000-0000-4000-8000-00000000000a'::uuid) $$, 'a member sees exactly their workspace''s messages');
select lives_ok(
  $$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by, client_msg_id)
     values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'queued', 'On its way',
             'a0000000-0000-4000-8000-000000000002', 'c1000000-0000-4000-8000-000000000001') $$,
  'a member queues an outbound reply');
select results_eq($$ select last_message_preview, last_message_direction::text from public.conversations where id = '90000000-0000-4000-8000-00000000000a' $$,
  $$ values ('On its way', 'outbound') $$, 'which moves the conversation''s preview');
select throws_ok(
  $$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by)
     values ('d0000000-0000-4000-8000-00000000000b', '90000000-0000-4000-8000-00000000000b', 'outbound', 'queued', 'hi from A', 'a0000000-0000-4000-8000-000000000002') $$,
  '42501', null, 'not into another workspace''s conversation');
select throws_ok(
  $$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by)
     values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000b', 'outbound', 'queued', 'hi from A', 'a0000000-0000-4000-8000-000000000002') $$,
  '23503', null, 'claiming their own workspace for it does not help: the conversation is B''s');
select throws_ok(
  $$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by)
     values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'inbound', 'received', 'forged', 'a0000000-0000-4000-8000-000000000002') $$,
  '42501', null, 'no forged inbound message');
select throws_ok(
  $$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by)
     values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'delivered', 'forged', 'a0000000-0000-4000-8000-000000000002') $$,
  '42501', null, 'no forged delivery status');
select throws_ok(
  $$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by)
     values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'queued', 'forged', 'a0000000-0000-4000-8000-000000000001') $$,
  '42501', null, 'no reply in a teammate''s name');
-- what only the webhook path writes: a member's insert naming any of these columns is refused whole
select throws_ok($$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by, twilio_sid)
  values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'queued', 'x', 'a0000000-0000-4000-8000-000000000002', 'SM00000000000000000000000000000000') $$,
  '42501', null, 'no twilio_sid');
select throws_ok($$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by, media)
  values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'queued', 'x', 'a0000000-0000-4000-8000-000000000002',
          '[{"url":"https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages/SM11111111111111111111111111111111.json"}]') $$,
  '42501', null, 'no media (the media proxy fetches it with the account''s credentials)');
select throws_ok($$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by, metadata)
  values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'queued', 'x', 'a0000000-0000-4000-8000-000000000002', '{"forged":true}') $$,
  '42501', null, 'no metadata');
select throws_ok($$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by, message_type)
  values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'queued', 'x', 'a0000000-0000-4000-8000-000000000002', 'image') $$,
  '42501', null, 'no message_type');
select throws_ok($$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by, error_code)
  values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'queued', 'x', 'a0000000-0000-4000-8000-000000000002', 1) $$,
  '42501', null, 'no error_code');
select throws_ok($$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by, error_message)
  values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'queued', 'x', 'a0000000-0000-4000-8000-000000000002', 'x') $$,
  '42501', null, 'no error_message');
select throws_ok($$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by, status_updated_at)
  values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'queued', 'x', 'a0000000-0000-4000-8000-000000000002', now()) $$,
  '42501', null, 'no status_updated_at');
-- template replies
select lives_ok($$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by, content_sid, content_variables)
  values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'queued', 'Hi Ana', 'a0000000-0000-4000-8000-000000000002',
          'HX0000000000000000000000000000000a', '{"1":"Ana"}') $$,
  'a template reply with an approved template of the workspace');
select throws_ok($$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by, content_sid)
  values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'queued', 'Hi', 'a0000000-0000-4000-8000-000000000002', 'HX0000000000000000000000000000000b') $$,
  '42501', null, 'not with another workspace''s template');
select throws_ok($$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by, content_sid)
  values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'queued', 'Hi', 'a0000000-0000-4000-8000-000000000002', 'HX00000000000000000000000000000d0a') $$,
  '42501', null, 'not with an unapproved template');
select throws_ok($$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by, content_sid)
  values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'queued', 'Hi', 'a0000000-0000-4000-8000-000000000002', 'HX99999999999999999999999999999999') $$,
  '42501', null, 'not with an unknown template');
select throws_ok($$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by, content_sid, content_variables)
  values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'queued', 'Hi', 'a0000000-0000-4000-8000-000000000002',
          'HX0000000000000000000000000000000a', '["Ana"]') $$,
  '42501', null, 'template variables are an object');
select throws_ok($$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by, content_variables)
  values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'queued', 'Hi', 'a0000000-0000-4000-8000-000000000002', '{"1":"Ana"}') $$,
  '42501', null, 'and only come with a template');
select throws_ok($$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by, client_msg_id)
  values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'queued', 'again', 'a0000000-0000-4000-8000-000000000002',
          'c1000000-0000-4000-8000-000000000001') $$,
  '23505', null, 'a retry with the same client_msg_id makes no second row');
select throws_ok($$ update public.messages set body = 'edited' where id = 'b1000000-0000-4000-8000-00000000000a' $$, '42501', null, 'messages are not updated by members');
select throws_ok($$ delete from public.messages where id = 'b1000000-0000-4000-8000-00000000000a' $$, '42501', null, 'nor deleted');

-- a member removed from A
reset role; select tests.act_as('removed_a');
select is_empty($$ select id from public.messages $$, 'a removed member sees none');
select throws_ok($$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by)
  values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'queued', 'still here', 'a0000000-0000-4000-8000-000000000003') $$,
  '42501', null, 'and sends none');

-- the owner of B
reset role; select tests.act_as('owner_b');
select results_eq($$ select id from public.messages $$, $$ values ('b1000000-0000-4000-8000-00000000000b'::uuid) $$, 'a member of another workspace sees exactly theirs');
select lives_ok($$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by, client_msg_id)
  values ('d0000000-0000-4000-8000-00000000000b', '90000000-0000-4000-8000-00000000000b', 'outbound', 'queued', 'B reply', 'b0000000-0000-4000-8000-000000000001',
          'c1000000-0000-4000-8000-000000000001') $$,
  'client_msg_id is unique per workspace: A''s id does not collide in B');

-- signed in, in no workspace
reset role; select tests.act_as('outsider');
select is_empty($$ select id from public.messages $$, 'a user in no workspace sees none');
select throws_ok($$ insert into public.messages (distributor_id, conversation_id, direction, status, body, sent_by)
  values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'queued', 'hi', 'c0000000-0000-4000-8000-000000000001') $$,
  '42501', null, 'and sends none');

-- not signed in
reset role; select tests.act_as_anon();
select throws_ok($$ select id from public.messages $$, '42501', null, 'anon reads nothing');
select throws_ok($$ insert into public.messages (distributor_id, conversation_id, direction, status, body)
  values ('d0000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000a', 'outbound', 'queued', 'hi') $$,
  '42501', null, 'anon sends nothing');

reset role;
select results_eq(
  $$ select conversation_id, direction::text, status::text, body from public.messages
      where conversation_id in ('90000000-0000-4000-8000-00000000000a', '90000000-0000-4000-8000-00000000000b') order by seq $$,
  $$ values ('90000000-0000-4000-8000-00000000000a'::uuid, 'inbound', 'received', 'Hola'), ('90000000-0000-4000-8000-00000000000b'::uuid, 'inbound', 'received', 'Hello'),
            ('90000000-0000-4000-8000-00000000000a'::uuid, 'outbound', 'queued', 'On its way'), ('90000000-0000-4000-8000-00000000000a'::uuid, 'outbound', 'queued', 'Hi Ana'),
            ('90000000-0000-4000-8000-00000000000b'::uuid, 'outbound', 'queued', 'B reply') $$,
  'only the allowed messages were written');

select * from finish();
rollback;
