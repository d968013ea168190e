import 'server-only';
import { createAdminClient } from '@/lib/supabase/admin';
import { syncSenderTemplates } from './templates';

/**
 * The periodic template sync: every `intervalMinutes`, the templates of each Twilio account that has a sender are
 * fetched again from the Content API (approvals and rejections happen on Twilio's side, on Meta's schedule). One
 * sender per (workspace, account) is synced; the writes are idempotent upserts, so several app servers doing the
 * same is harmless. Started by instrumentation.ts; TEMPLATE_SYNC_MINUTES=0 turns it off.
 */
export function scheduleTemplateSync(intervalMinutes: number): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const { data, error } = await createAdminClient().from('whatsapp_senders').select('id, distributor_id, account_sid').not('account_sid', 'is', null);
      if (error) throw new Error(error.message);
      const seen = new Set<string>();
      for (const s of data ?? []) {
        const key = `${s.distributor_id}|${s.account_sid}`;
        if (seen.has(key)) continue;
        seen.add(key);
        await syncSenderTemplates(s.id).catch((e: unknown) => console.error('[templates] sync failed for a sender:', (e as Error).message));
      }
    } catch (e) {
      console.error('[templates] periodic sync failed:', (e as Error).message);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMinutes * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
