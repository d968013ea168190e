/**
 * What the soak compares dashboards with: the database, read directly (postgres.js, as the owner of the data, not
 * through any API the app uses), and the shapes the dashboards' process and the harness exchange.
 */
import type postgres from 'postgres';

export interface DashboardSpec {
  key: string;
  email: string;
  userId: string;
  distributorId: string;
  accessToken: string;
  refreshToken: string;
  /** A member of another workspace pointing its inbox at this one: must end with nothing. */
  intruder?: boolean;
}

export interface TruthMessage {
  id: string;
  conversationId: string;
  seq: number;
  direction: 'inbound' | 'outbound';
  status: string;
  sid: string | null;
  /** Epoch ms, by the database's clock. */
  createdAt: number;
}

export interface SoakTruth {
  /** The database's clock when the truth was read (epoch ms). */
  dbNow: number;
  /** Per workspace, every message. */
  messages: Record<string, TruthMessage[]>;
  /** Per workspace, every conversation's inbound count. */
  conversations: Record<string, Array<{ id: string; inboundCount: number }>>;
  /** Per user, per conversation: how many inbound messages they have read. */
  reads: Record<string, Record<string, number>>;
}

export interface DashboardReport {
  key: string;
  distributorId: string;
  intruder: boolean;
  status: string;
  expected: number;
  held: number;
  missing: number;
  foreign: number;
  /** Optimistic copies still shown beside (or instead of) their server rows. */
  optimisticLeft: number;
  duplicateSids: number;
  /** Conversations whose messages are not the database's, in the database's order. */
  outOfOrder: number;
  wrongStatus: number;
  wrongUnread: number;
  foreignConversations: number;
  examples: string[];
}

/** Reads the truth, retrying while the database is away (the soak restarts it). */
export async function readTruth(sql: postgres.Sql, distributorIds: string[], userIds: string[], timeoutMs = 60_000): Promise<SoakTruth> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await readOnce(sql, distributorIds, userIds);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function readOnce(sql: postgres.Sql, distributorIds: string[], userIds: string[]): Promise<SoakTruth> {
  const [clock] = await sql<Array<{ now: number }>>`select (extract(epoch from clock_timestamp()) * 1000)::float8 as now`;
  const rows = await sql<Array<{ id: string; distributor_id: string; conversation_id: string; seq: string; direction: 'inbound' | 'outbound'; status: string; twilio_sid: string | null; created: number }>>`
    select id, distributor_id, conversation_id, seq::text, direction, status, twilio_sid, (extract(epoch from created_at) * 1000)::float8 as created
    from public.messages where distributor_id = any(${distributorIds}::uuid[]) order by seq`;
  const conversations = await sql<Array<{ id: string; distributor_id: string; inbound_count: number }>>`
    select id, distributor_id, inbound_count from public.conversations where distributor_id = any(${distributorIds}::uuid[])`;
  const reads = await sql<Array<{ user_id: string; conversation_id: string; read_inbound_count: number }>>`
    select user_id, conversation_id, read_inbound_count from public.conversation_reads where user_id = any(${userIds}::uuid[])`;
  const truth: SoakTruth = { dbNow: clock!.now, messages: {}, conversations: {}, reads: {} };
  for (const d of distributorIds) {
    truth.messages[d] = [];
    truth.conversations[d] = [];
  }
  for (const r of rows) {
    truth.messages[r.distributor_id]!.push({ id: r.id, conversationId: r.conversation_id, seq: Number(r.seq), direction: r.direction, status: r.status, sid: r.twilio_sid, createdAt: r.created });
  }
  for (const c of conversations) truth.conversations[c.distributor_id]!.push({ id: c.id, inboundCount: c.inbound_count });
  for (const r of reads) (truth.reads[r.user_id] ??= {})[r.conversation_id] = r.read_inbound_count;
  return truth;
}
