-- Demo data for local development and tests (the README's demo users). Fixed ids so tests and docs can name rows.
--   Acme Distribution  whatsapp:+14155550100   ana@acme.test (owner), ben@acme.test (agent)
--   Bolt Supply        whatsapp:+14155550200   cara@bolt.test (owner)
-- Every password is password123. Users go straight into auth.users with pgcrypto, as Supabase seeds do.

insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
  confirmation_token, email_change, email_change_token_new, recovery_token)
values
  ('00000000-0000-0000-0000-000000000000', '20000000-0000-4000-8000-000000000001', 'authenticated', 'authenticated',
   'ana@acme.test', crypt('password123', gen_salt('bf')), now(),
   '{"provider":"email","providers":["email"]}', '{"full_name":"Ana Alvarez"}', now(), now(), '', '', '', ''),
  ('00000000-0000-0000-0000-000000000000', '20000000-0000-4000-8000-000000000002', 'authenticated', 'authenticated',
   'ben@acme.test', crypt('password123', gen_salt('bf')), now(),
   '{"provider":"email","providers":["email"]}', '{"full_name":"Ben Brooks"}', now(), now(), '', '', '', ''),
  ('00000000-0000-0000-0000-000000000000', '20000000-0000-4000-8000-000000000003', 'authenticated', 'authenticated',
   'cara@bolt.test', crypt('password123', gen_salt('bf')), now(),
   '{"provider":"email","providers":["email"]}', '{"full_name":"Cara Chen"}', now(), now(), '', '', '', '');

insert into auth.identities (id, user_id, provider_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select gen_random_uuid(), u.id, u.id::text,
       jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false),
       'email', now(), now(), now()
from auth.users u
where u.id in ('20000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000002',
               '20000000-0000-4000-8000-000000000003');

insert into public.distributors (id, name, created_by) values
  ('10000000-0000-4000-8000-000000000001', 'Acme Distribution', '20000000-0000-4000-8000-000000000001'),
  ('10000000-0000-4000-8000-000000000002', 'Bolt Supply', '20000000-0000-4000-8000-000000000003');

-- Each workspace's WhatsApp sender on the local Twilio fake's demo account; the Auth Token goes to Vault, as the
-- senders page stores it.
insert into public.whatsapp_senders (id, distributor_id, label, whatsapp_number, account_sid, auth_token_secret_id, checked_at, check_ok)
select s.id::uuid, s.distributor_id::uuid, s.label, s.number, 'AC00000000000000000000000000000000',
       vault.create_secret('test-auth-token', null, 'Twilio Auth Token (demo account)'), now(), true
from (values
  ('50000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', 'Acme WhatsApp', '+14155550100'),
  ('50000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000002', 'Bolt WhatsApp', '+14155550200')
) as s(id, distributor_id, label, number);

insert into public.distributor_members (distributor_id, user_id, role, display_name) values
  ('10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', 'owner', 'Ana Alvarez'),
  ('10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000002', 'agent', 'Ben Brooks'),
  ('10000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000003', 'owner', 'Cara Chen');

insert into public.contacts (id, distributor_id, wa_id, phone, profile_name) values
  ('30000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', '+5215512345001', '+5215512345001', 'Lucía Méndez'),
  ('30000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000001', '+5215512345002', '+5215512345002', 'Tienda Don Pepe'),
  ('30000000-0000-4000-8000-000000000003', '10000000-0000-4000-8000-000000000001', '+14155557003', '+14155557003', 'Marcus Reed'),
  ('30000000-0000-4000-8000-000000000004', '10000000-0000-4000-8000-000000000002', '+447700900004', '+447700900004', 'Hardware Hub'),
  ('30000000-0000-4000-8000-000000000005', '10000000-0000-4000-8000-000000000002', '+447700900005', '+447700900005', 'Priya Shah');

insert into public.conversations (id, distributor_id, sender_id, contact_id, status, assignee_id) values
  ('40000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', '50000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001', 'open', '20000000-0000-4000-8000-000000000001'),
  ('40000000-0000-4000-8000-000000000002', '10000000-0000-4000-8000-000000000001', '50000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000002', 'open', null),
  ('40000000-0000-4000-8000-000000000003', '10000000-0000-4000-8000-000000000001', '50000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000003', 'open', '20000000-0000-4000-8000-000000000002'),
  ('40000000-0000-4000-8000-000000000004', '10000000-0000-4000-8000-000000000002', '50000000-0000-4000-8000-000000000002', '30000000-0000-4000-8000-000000000004', 'open', '20000000-0000-4000-8000-000000000003'),
  ('40000000-0000-4000-8000-000000000005', '10000000-0000-4000-8000-000000000002', '50000000-0000-4000-8000-000000000002', '30000000-0000-4000-8000-000000000005', 'open', null);

-- Messages in the order they happened; the insert trigger keeps each conversation's preview and counters.
insert into public.messages (distributor_id, conversation_id, direction, body, twilio_sid, status, sent_by, created_at)
select m.distributor_id::uuid, m.conversation_id::uuid, m.direction::public.message_direction, m.body,
       'SM' || md5(m.conversation_id || m.n::text), m.status::public.message_status, m.sent_by::uuid,
       now() - make_interval(mins => m.minutes_ago)
from (values
  (1, '10000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000003', 'inbound', 'Hi, do you deliver to Oakland?', 'received', null, 3000),
  (2, '10000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000003', 'outbound', 'Yes, every Tuesday and Friday.', 'read', '20000000-0000-4000-8000-000000000002', 2990),
  (3, '10000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000003', 'inbound', 'Great, thanks!', 'received', null, 2980),
  (4, '10000000-0000-4000-8000-000000000002', '40000000-0000-4000-8000-000000000004', 'inbound', 'Need 20 boxes of M8 bolts by Friday', 'received', null, 240),
  (5, '10000000-0000-4000-8000-000000000002', '40000000-0000-4000-8000-000000000004', 'outbound', 'On it, I''ll confirm stock this afternoon.', 'delivered', '20000000-0000-4000-8000-000000000003', 230),
  (6, '10000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000001', 'inbound', 'Hola! ¿Tienen aceite de oliva en caja de 12?', 'received', null, 95),
  (7, '10000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000001', 'outbound', 'Sí, tenemos. ¿Cuántas cajas necesita?', 'read', '20000000-0000-4000-8000-000000000001', 90),
  (8, '10000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000001', 'inbound', 'Cinco cajas, para el lunes por favor', 'received', null, 12),
  (9, '10000000-0000-4000-8000-000000000002', '40000000-0000-4000-8000-000000000005', 'inbound', 'Is the 3-for-2 on sealant still running?', 'received', null, 8),
  (10, '10000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000002', 'inbound', 'Buenas, quiero hacer un pedido', 'received', null, 4),
  (11, '10000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000002', 'inbound', '10 cajas de refresco de cola y 5 de agua', 'received', null, 3)
) as m(n, distributor_id, conversation_id, direction, body, status, sent_by, minutes_ago)
order by m.n;

-- Marcus's question was answered and closed; both Acme members read it. The others are unread.
update public.conversations set status = 'closed' where id = '40000000-0000-4000-8000-000000000003';

insert into public.conversation_reads (conversation_id, user_id, distributor_id, last_read_seq, read_inbound_count)
select c.id, u.user_id, c.distributor_id, c.last_message_seq, c.inbound_count
from public.conversations c
join public.distributor_members u on u.distributor_id = c.distributor_id
where c.id = '40000000-0000-4000-8000-000000000003';

-- Delivery history of the seeded replies, as Twilio's status callbacks would have left it.
insert into public.message_status_events (distributor_id, message_id, twilio_sid, status, payload, applied, received_at)
select m.distributor_id, m.id, m.twilio_sid, s.status::public.message_status,
       jsonb_build_object('MessageSid', m.twilio_sid, 'MessageStatus', s.status), true,
       m.created_at + make_interval(secs => s.after_seconds)
from public.messages m
cross join lateral (values ('sent', 1), ('delivered', 3), ('read', 40)) as s(status, after_seconds)
where m.direction = 'outbound'
  and (s.status <> 'read' or m.status = 'read');

-- Approved templates for replies outside WhatsApp's 24-hour window.
insert into public.message_templates (distributor_id, account_sid, content_sid, name, language, body, variables) values
  ('10000000-0000-4000-8000-000000000001', 'AC00000000000000000000000000000000', 'HX' || md5('acme-order-update'), 'Order update', 'en',
   'Hi {{1}}, your order {{2}} is on its way and should arrive {{3}}.', array['customer name', 'order number', 'delivery day']),
  ('10000000-0000-4000-8000-000000000001', 'AC00000000000000000000000000000000', 'HX' || md5('acme-follow-up'), 'Follow-up', 'es',
   'Hola {{1}}, ¿pudimos ayudarle con su pedido? Responda a este mensaje para continuar.', array['customer name']),
  ('10000000-0000-4000-8000-000000000002', 'AC00000000000000000000000000000000', 'HX' || md5('bolt-quote-ready'), 'Quote ready', 'en',
   'Hi {{1}}, your quote {{2}} is ready. Reply here with any questions.', array['customer name', 'quote number']);
