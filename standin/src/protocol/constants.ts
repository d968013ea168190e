/** Realtime wire constants, spelled as on the wire (realtime-js `CHANNEL_EVENTS`, Phoenix). */
export const PHX_JOIN = 'phx_join';
export const PHX_LEAVE = 'phx_leave';
export const PHX_REPLY = 'phx_reply';
export const PHX_CLOSE = 'phx_close';
export const PHX_ERROR = 'phx_error';
export const HEARTBEAT = 'heartbeat';
export const ACCESS_TOKEN = 'access_token';
export const BROADCAST = 'broadcast';
export const PRESENCE = 'presence';
export const PRESENCE_STATE = 'presence_state';
export const PRESENCE_DIFF = 'presence_diff';
export const POSTGRES_CHANGES = 'postgres_changes';
export const SYSTEM = 'system';

export const PHOENIX_TOPIC = 'phoenix';
export const TOPIC_PREFIX = 'realtime:';

/** Binary frame kinds (vsn 2.0.0): clients push kind 3, servers send kind 4. */
export const BINARY_USER_BROADCAST_PUSH = 3;
export const BINARY_USER_BROADCAST = 4;
export const BINARY_ENCODING_RAW = 0;
export const BINARY_ENCODING_JSON = 1;

/** Limits, with the real server's defaults (supabase/realtime `Tenant` defaults). */
export const LIMITS = {
  maxChannelsPerSocket: 100,
  maxPayloadBytes: 3000 * 1024,
  maxRecordBytes: 1024 * 1024,
  presenceCallsPerWindow: 5,
  presenceWindowMs: 30_000,
  maxInFilterValues: 100,
  /** The stand-in's own bounds on what one join may ask of it (the real server has none this small to hit). */
  maxFilterLength: 8192,
  maxBindingsPerChannel: 100,
  /** JSON nesting accepted in frames and REST bodies (JSON.stringify, which every relayed payload meets, recurses). */
  maxJsonDepth: 128,
  /** A socket that sends nothing (not even heartbeats) for this long is closed, as Phoenix does. */
  idleTimeoutMs: 60_000,
} as const;

/** Join error reasons, "<Code>: <message>" as the real server words them. */
export const REASON = {
  topicRequired: 'TopicNameRequired: You must provide a topic name',
  unmatchedTopic: 'unmatched topic',
  tooManyChannels: 'ChannelRateLimitReached: Too many channels',
  malformedJwt: 'MalformedJWT: The token provided is not a valid JWT',
  badSignature: 'JwtSignatureError: Failed to validate JWT signature',
  missingClaims: 'InvalidJWTToken: Fields `role` and `exp` are required in JWT',
  expired: (seconds: number) => `InvalidJWTToken: Token has expired ${seconds} seconds ago`,
  unauthorized: (subTopic: string) => `Unauthorized: You do not have permissions to read from this Channel topic: ${subTopic}`,
  noLongerAuthorized: (subTopic: string) => `You no longer have permission to read from this Channel topic: ${subTopic}`,
  presenceRateLimit: 'Client presence rate limit exceeded',
  payloadTooLarge: 'payload_size_exceeded',
  unknownJoinError: 'UnknownErrorOnChannel: An unknown error occurred while joining',
  trackPayloadNotMap: 'Presence track payload must be a map',
} as const;

/** Handshake failures: HTTP status and `{"error": …}` body. */
export const CONNECT_ERROR = {
  missingKey: { status: 401, error: 'API key is missing' },
  expired: { status: 401, error: 'Token has expired' },
  missingClaims: { status: 401, error: 'Fields `role` and `exp` are required in JWT' },
  malformed: { status: 401, error: 'The token provided is not a valid JWT' },
  badSignature: { status: 401, error: 'Failed to validate JWT signature' },
  badVsn: { status: 400, error: 'Unsupported vsn: use 1.0.0 or 2.0.0' },
} as const;

/** postgres_changes errors: subscribe replies (`system` frames) and per-change `errors`, as the real server words them. */
export const PG_CHANGES_ERROR = {
  noPrimaryKey: 'Error 400: Bad Request, no primary key',
  unauthorized: 'Error 401: Unauthorized',
  payloadTooLarge: 'Error 413: Payload Too Large',
  tooManyBindings: (max: number) => `Unable to subscribe to changes: a channel may have at most ${max} postgres_changes bindings`,
  unableToSubscribe: (binding: string) =>
    `Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: ${binding}`,
  filter: (detail: string) => `Error parsing \`filter\` params: ${detail}`,
} as const;
