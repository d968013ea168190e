/**
 * What each role may do with each surface. This file is the policy, written down once: the matrix tests
 * check the running system against it, and the inventory test checks it against the code (surfaces.ts), so a
 * surface nobody thought about cannot ship. Roles: `anon` (the publishable key, no session), `memberA` (a
 * member of the distributor that owns the target rows), `memberB` (a member of another distributor),
 * `outsider` (signed in, member of no distributor), `service` (the secret key: server code only).
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN } from '../../tools/twilio-fake/webhooks.ts';
import type { Role, World } from './world.ts';

type Row = Record<string, unknown>;

export interface TableRule {
  /** The target: one row owned by distributor A, as a filter on its primary key. */
  target(w: World): Row;
  /** Who sees the target: every member of its distributor, or only the member it belongs to. */
  read: 'distributor' | 'self';
  /** Columns nobody writes (`generated always`): Postgres refuses them before privileges are checked. */
  generated?: string[];
  /** The columns members may read, where that is not all of them (`select *` is then refused to them). */
  readColumns?: string[];
  /** Columns a member may update (RLS still limits which rows). */
  memberUpdate: string[];
  /** Columns a member may insert, a row of A's that A's member may insert, and the same aimed at B. */
  memberInsert?: { columns: string[]; own(w: World): Promise<Row> | Row; foreign(w: World): Row };
}

/** Every table in the API schema. Members never delete; anonymous callers reach nothing. */
export const TABLES: Record<string, TableRule> = {
  // admins (the member of A is its owner) rename their workspace; the channel key changes only by remove_member
  distributors: { target: (w) => ({ id: w.a.id }), read: 'distributor', memberUpdate: ['name'] },
  distributor_members: { target: (w) => ({ distributor_id: w.a.id, user_id: w.a.memberId }), read: 'distributor', memberUpdate: [] },
  contacts: { target: (w) => ({ id: w.a.contactId }), read: 'distributor', memberUpdate: ['display_name', 'notes'] },
  conversations: { target: (w) => ({ id: w.a.conversationId }), read: 'distributor', memberUpdate: ['assignee_id', 'status'] },
  messages: {
    target: (w) => ({ id: w.a.inboundMessageId }),
    read: 'distributor',
    generated: ['seq'],
    memberUpdate: [],
    memberInsert: {
      // what a reply from the dashboard writes as the member; media, metadata, SIDs and delivery state come
      // only from the webhook path
      columns: ['distributor_id', 'conversation_id', 'direction', 'body', 'client_msg_id', 'status', 'sent_by', 'content_sid', 'content_variables'],
      own: (w) => ({ distributor_id: w.a.id, conversation_id: w.a.conversationId, direction: 'outbound', status: 'queued', body: 'matrix', sent_by: w.a.memberId, client_msg_id: randomUUID() }),
      foreign: (w) => ({ distributor_id: w.b.id, conversation_id: w.b.conversationId, direction: 'outbound', status: 'queued', body: 'matrix', sent_by: w.a.memberId, client_msg_id: randomUUID() }),
    },
  },
  message_status_events: { target: (w) => ({ id: w.a.statusEventId }), read: 'distributor', generated: ['id'], memberUpdate: [] },
  conversation_reads: {
    target: (w) => ({ conversation_id: w.a.conversationId, user_id: w.a.memberId }),
    read: 'self',
    memberUpdate: ['conversation_id', 'distributor_id', 'last_read_seq', 'read_inbound_count', 'read_at'],
    memberInsert: {
      columns: ['conversation_id', 'user_id', 'distributor_id', 'last_read_seq', 'read_inbound_count', 'read_at'],
      // a cursor needs a conversation the member has no cursor on yet
      own: async (w) => ({ conversation_id: await w.freshConversation(w.a), distributor_id: w.a.id, last_read_seq: 1 }),
      foreign: (w) => ({ conversation_id: w.b.conversationId, distributor_id: w.b.id, last_read_seq: 1 }),
    },
  },
  message_templates: { target: (w) => ({ id: w.a.templateId }), read: 'distributor', memberUpdate: [] },
  // written only by the server after a credentials check (save_whatsapp_sender); members never see the Vault ids
  whatsapp_senders: {
    target: (w) => ({ id: w.a.senderId }),
    read: 'distributor',
    readColumns: ['id', 'distributor_id', 'label', 'whatsapp_number', 'messaging_service_sid', 'account_sid', 'api_key_sid', 'checked_at', 'check_ok', 'check_message', 'templates_synced_at', 'templates_sync_error', 'created_at', 'updated_at'],
    memberUpdate: [],
  },
  // members see how their workspace's senders were reconciled with Twilio's log; only the server records sweeps
  twilio_sweeps: { target: (w) => ({ id: w.a.sweepId }), read: 'distributor', generated: ['id'], memberUpdate: [] },
  // admins read their workspace's invitations (never the token's hash) and change them only through the functions
  workspace_invitations: {
    target: (w) => ({ id: w.a.invitationId }),
    read: 'distributor',
    readColumns: ['id', 'distributor_id', 'email', 'role', 'invited_by', 'created_at', 'expires_at', 'accepted_at', 'accepted_by', 'revoked_at'],
    memberUpdate: [],
  },
};

/** PostgREST exposes views like tables; there are none, and a new one needs a rule here first. */
export const VIEWS: string[] = [];

/** An RPC call's outcome: the HTTP status, and for 2xx an optional check of what came back. */
export interface RpcOutcome {
  status: number | number[];
  check?(data: unknown, w: World): void;
}
export interface RpcRule {
  args(w: World): Row;
  expect: Record<Role, RpcOutcome>;
}

const denied = (service: RpcOutcome): Record<Role, RpcOutcome> => ({
  anon: { status: 401 },
  memberA: { status: 403 },
  memberB: { status: 403 },
  outsider: { status: 403 },
  service,
});
/** Trigger functions: not callable as RPCs by anyone (Postgres refuses to run them outside a trigger). */
const triggerOnly: Record<Role, RpcOutcome> = {
  anon: { status: [400, 401, 404] },
  memberA: { status: [400, 403, 404] },
  memberB: { status: [400, 403, 404] },
  outsider: { status: [400, 403, 404] },
  service: { status: [400, 404] },
};
const pure = (check: (data: unknown) => void): Record<Role, RpcOutcome> => ({
  anon: { status: 401 },
  memberA: { status: 200, check },
  memberB: { status: 200, check },
  outsider: { status: 200, check },
  service: { status: 200, check },
});

export const RPCS: Record<string, RpcRule> = {
  member_distributor_ids: {
    args: () => ({}),
    expect: {
      anon: { status: 401 },
      memberA: { status: 200, check: (d, w) => expect(d).toEqual([w.a.id]) },
      memberB: { status: 200, check: (d, w) => expect(d).toEqual([w.b.id]) },
      outsider: { status: 200, check: (d) => expect(d).toEqual([]) },
      service: { status: 200, check: (d) => expect(d).toEqual([]) },
    },
  },
  mark_conversation_read: {
    args: (w) => ({ p_conversation_id: w.a.conversationId }),
    expect: {
      anon: { status: 401 },
      memberA: { status: 200, check: (d, w) => expect(d).toMatchObject({ conversation_id: w.a.conversationId, user_id: w.a.memberId }) },
      // the same answer as for a conversation that does not exist: nothing to learn
      memberB: { status: 404 },
      outsider: { status: 404 },
      // no user, no cursor: not executable by the service role, or refused for want of a user
      service: { status: [400, 403, 404] },
    },
  },
  message_status_rank: { args: () => ({ s: 'delivered' }), expect: pure((d) => expect(d).toBe(3)) },
  message_status_advances: { args: () => ({ current_status: 'sent', next_status: 'read' }), expect: pure((d) => expect(d).toBe(true)) },
  ingest_inbound_message: {
    // to a number no distributor has: the service role's call changes nothing
    args: () => ({ p: { message_sid: `SM${'f'.repeat(32)}`, to: 'whatsapp:+19999999999', from: 'whatsapp:+15550000000', body: 'x' } }),
    expect: denied({ status: 200, check: (d) => expect(d).toEqual({ status: 'unknown_recipient' }) }),
  },
  apply_status_callback: {
    // from a number no sender has: nothing is recorded
    args: () => ({ p: { message_sid: `SM${randomUUID().replaceAll('-', '')}`, status: 'delivered', from: 'whatsapp:+19999999999' } }),
    expect: denied({ status: 200, check: (d) => expect(d).toEqual({ status: 'unknown_sender' }) }),
  },
  record_outbound_sid: {
    args: () => ({ p_message_id: randomUUID(), p_sid: `SM${'e'.repeat(32)}`, p_status: 'queued' }),
    expect: denied({ status: [200, 204] }),
  },
  apply_message_status: {
    args: () => ({ p_message_id: randomUUID(), p_status: 'read', p_error_code: null, p_error_message: null }),
    expect: denied({ status: [200, 403], check: (d) => expect(d).toBe(false) }),
  },
  touch_updated_at: { args: () => ({}), expect: triggerOnly },
  check_conversation_assignee: { args: () => ({}), expect: triggerOnly },

  // ── workspaces: roles, invitations, membership (the member of A owns A) ──
  workspace_role: {
    args: (w) => ({ p_distributor_id: w.a.id }),
    expect: {
      anon: { status: 401 },
      memberA: { status: 200, check: (d) => expect(d).toBe('owner') },
      memberB: { status: 200, check: (d) => expect(d).toBeNull() },
      outsider: { status: 200, check: (d) => expect(d).toBeNull() },
      service: { status: 200, check: (d) => expect(d).toBeNull() },
    },
  },
  is_workspace_admin: {
    args: (w) => ({ p_distributor_id: w.a.id }),
    expect: {
      anon: { status: 401 },
      memberA: { status: 200, check: (d) => expect(d).toBe(true) },
      memberB: { status: 200, check: (d) => expect(d).toBe(false) },
      outsider: { status: 200, check: (d) => expect(d).toBe(false) },
      service: { status: 200, check: (d) => expect(d).toBe(false) },
    },
  },
  member_channel_topics: {
    args: () => ({}),
    expect: {
      anon: { status: 401 },
      memberA: { status: 200, check: (d, w) => expect(d).toEqual([`distributor:${w.a.id}:${w.a.channelKey}`]) },
      memberB: { status: 200, check: (d, w) => expect(d).toEqual([`distributor:${w.b.id}:${w.b.channelKey}`]) },
      outsider: { status: 200, check: (d) => expect(d).toEqual([]) },
      service: { status: 200, check: (d) => expect(d).toEqual([]) },
    },
  },
  require_workspace_role: {
    args: (w) => ({ p_distributor_id: w.a.id, p_roles: '{owner}', p_refusal: 'no' }),
    expect: { anon: { status: 401 }, memberA: { status: 403 }, memberB: { status: 403 }, outsider: { status: 403 }, service: { status: 403 } },
  },
  require_user: { args: () => ({}), expect: { anon: { status: 401 }, memberA: { status: 403 }, memberB: { status: 403 }, outsider: { status: 403 }, service: { status: 403 } } },
  create_workspace: {
    // an empty name: refused after the caller is known, so nobody's workspace list grows
    args: () => ({ p_name: '  ', p_display_name: 'Eve' }),
    expect: { anon: { status: 401 }, memberA: { status: 400 }, memberB: { status: 400 }, outsider: { status: 400 }, service: { status: 403 } },
  },
  create_invitation: {
    args: (w) => ({ p_distributor_id: w.a.id, p_email: `matrix-${randomUUID()}@example.test`, p_role: 'agent' }),
    expect: {
      anon: { status: 401 },
      memberA: { status: 200, check: (d) => expect((d as { token: string }[])[0]!.token).toMatch(/^[\w-]{43}$/) },
      memberB: { status: 403 },
      outsider: { status: 403 },
      service: { status: 403 },
    },
  },
  revoke_invitation: {
    // another workspace's invitation is one that does not exist
    args: (w) => ({ p_invitation_id: w.a.invitationId }),
    expect: { anon: { status: 401 }, memberA: { status: [200, 204] }, memberB: { status: 404 }, outsider: { status: 404 }, service: { status: 403 } },
  },
  invitation_preview: {
    // whoever holds a token learns what it is for; a token nobody issued tells nothing
    args: () => ({ p_token: randomUUID() + randomUUID() }),
    expect: {
      anon: { status: 200, check: (d) => expect(d).toEqual([]) },
      memberA: { status: 200, check: (d) => expect(d).toEqual([]) },
      memberB: { status: 200, check: (d) => expect(d).toEqual([]) },
      outsider: { status: 200, check: (d) => expect(d).toEqual([]) },
      service: { status: 403 },
    },
  },
  accept_invitation: {
    args: () => ({ p_token: randomUUID() + randomUUID(), p_display_name: 'Eve' }),
    expect: { anon: { status: 401 }, memberA: { status: 404 }, memberB: { status: 404 }, outsider: { status: 404 }, service: { status: 403 } },
  },
  set_member_role: {
    args: (w) => ({ p_distributor_id: w.a.id, p_user_id: randomUUID(), p_role: 'agent' }),
    expect: { anon: { status: 401 }, memberA: { status: 404 }, memberB: { status: 403 }, outsider: { status: 403 }, service: { status: 403 } },
  },
  remove_member: {
    args: (w) => ({ p_distributor_id: w.a.id, p_user_id: randomUUID() }),
    expect: { anon: { status: 401 }, memberA: { status: 404 }, memberB: { status: 403 }, outsider: { status: 403 }, service: { status: 403 } },
  },
  transfer_ownership: {
    args: (w) => ({ p_distributor_id: w.a.id, p_user_id: randomUUID() }),
    expect: { anon: { status: 401 }, memberA: { status: 404 }, memberB: { status: 403 }, outsider: { status: 403 }, service: { status: 403 } },
  },
  delete_workspace: {
    // the wrong name: the owner is asked to confirm, nobody else gets that far
    args: (w) => ({ p_distributor_id: w.a.id, p_confirm_name: 'not its name' }),
    expect: { anon: { status: 401 }, memberA: { status: 400 }, memberB: { status: 403 }, outsider: { status: 403 }, service: { status: 403 } },
  },

  // ── senders: credentials live in Vault, only the server reads them back ──
  save_whatsapp_sender: {
    // on behalf of A's owner, for a sender that does not exist: the server's call is checked, and changes nothing
    args: (w) => ({
      p_actor: w.a.memberId, p_distributor_id: w.a.id, p_sender_id: randomUUID(), p_label: 'x', p_whatsapp_number: '+19999999999',
      p_messaging_service_sid: null, p_account_sid: DEMO_ACCOUNT_SID, p_auth_token: 'x', p_api_key_sid: null, p_api_key_secret: null,
    }),
    expect: denied({ status: 404 }),
  },
  delete_whatsapp_sender: {
    // A's sender has conversations, so even its owner cannot delete it; to anyone else it does not exist
    args: (w) => ({ p_sender_id: w.a.senderId }),
    expect: { anon: { status: 401 }, memberA: { status: 409 }, memberB: { status: 404 }, outsider: { status: 404 }, service: { status: 403 } },
  },
  whatsapp_sender_credentials: {
    args: (w) => ({ p_sender_id: w.a.senderId }),
    expect: denied({ status: 200, check: (d, w) => expect(d).toMatchObject([{ sender_id: w.a.senderId, account_sid: DEMO_ACCOUNT_SID, auth_token: DEMO_AUTH_TOKEN }]) }),
  },
  webhook_sender: {
    args: (w) => ({ p_number: `whatsapp:${w.a.number}`, p_account_sid: DEMO_ACCOUNT_SID }),
    expect: denied({ status: 200, check: (d, w) => expect(d).toMatchObject([{ sender_id: w.a.senderId, distributor_id: w.a.id }]) }),
  },
  record_sender_check: {
    args: () => ({ p_sender_id: randomUUID(), p_ok: false, p_message: 'matrix' }),
    expect: denied({ status: [200, 204] }),
  },
  // a helper of ingest_inbound_message and apply_status_callback, which run as its owner: nobody calls it
  resolve_sender: {
    args: (w) => ({ p_sender_id: '', p_number: w.a.number, p_account_sid: DEMO_ACCOUNT_SID }),
    expect: denied({ status: 403 }),
  },
  apply_message_to_conversation: { args: () => ({}), expect: triggerOnly },
  apply_pending_status_events: { args: () => ({}), expect: triggerOnly },
};
