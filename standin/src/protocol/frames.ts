/** One Phoenix message, whatever its serialisation. Field names as on the wire. */
export interface Message {
  join_ref: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: Record<string, unknown>;
}

/** A broadcast as the client pushed it in binary (kind 3): the user payload may be JSON text or raw bytes. */
export interface BinaryBroadcastPush {
  kind: 'binary-broadcast';
  join_ref: string | null;
  ref: string | null;
  topic: string;
  event: string;
  metadata: Record<string, unknown> | null;
  payload: { encoding: 'json'; json: unknown } | { encoding: 'raw'; bytes: Uint8Array };
}

export type Inbound = ({ kind: 'message' } & Message) | BinaryBroadcastPush;

export type Vsn = '1.0.0' | '2.0.0';
