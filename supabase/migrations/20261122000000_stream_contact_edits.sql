-- A teammate's edit of a contact (name, notes) reaches every open dashboard of the distributor, and catch-up
-- finds contacts changed since its cursor.
alter publication supabase_realtime add table public.contacts;
create index contacts_distributor_updated_idx on public.contacts (distributor_id, updated_at);
