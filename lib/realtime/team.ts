/**
 * Team presence and typing, as pure functions over what the private channel delivers. Presence is keyed by
 * user id (several tabs count once); someone who drops off is shown as online for a grace period, so a
 * reconnect does not flicker them offline. Typing indicators expire on their own.
 */
export interface PresenceMeta {
  name: string;
  viewing: string | null;
  online_at: string;
}

export interface Teammate {
  userId: string;
  name: string;
  viewing: string[];
  /** Set while the teammate is in the grace period after their last connection went away. */
  leftAt: number | null;
}

export function teammatesFrom(
  state: Record<string, Array<Partial<PresenceMeta>>>,
  previous: Record<string, Teammate>,
  now: number,
  graceMs: number,
): Record<string, Teammate> {
  const out: Record<string, Teammate> = {};
  for (const [userId, metas] of Object.entries(state)) {
    if (!metas.length) continue;
    out[userId] = {
      userId,
      name: metas.find((m) => m.name)?.name ?? 'Teammate',
      viewing: [...new Set(metas.map((m) => m.viewing).filter((v): v is string => typeof v === 'string'))],
      leftAt: null,
    };
  }
  for (const [userId, t] of Object.entries(previous)) {
    if (out[userId]) continue;
    const leftAt = t.leftAt ?? now;
    if (now - leftAt < graceMs) out[userId] = { ...t, viewing: [], leftAt };
  }
  return out;
}

export interface TypingEvent {
  user_id: string;
  name: string;
  conversation_id: string;
}

/** Who is typing where; each entry lapses `ttlMs` after its last typing event. */
export type TypingState = Record<string, { name: string; conversationId: string; until: number }>;

export function typingReceived(state: TypingState, e: TypingEvent, now: number, ttlMs: number): TypingState {
  return { ...state, [e.user_id]: { name: e.name, conversationId: e.conversation_id, until: now + ttlMs } };
}

export function typingStopped(state: TypingState, userId: string): TypingState {
  if (!state[userId]) return state;
  const next = { ...state };
  delete next[userId];
  return next;
}

export function typingPrune(state: TypingState, now: number): TypingState {
  const live = Object.entries(state).filter(([, t]) => t.until > now);
  return live.length === Object.keys(state).length ? state : Object.fromEntries(live);
}

export function typingIn(state: TypingState, conversationId: string, exceptUserId: string): string[] {
  return Object.entries(state)
    .filter(([id, t]) => id !== exceptUserId && t.conversationId === conversationId)
    .map(([, t]) => t.name);
}
