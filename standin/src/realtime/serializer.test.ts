import { describe, expect, test } from 'vitest';
import { decodeBinary, decodeText, encodeText, encodeUserBroadcast } from './serializer.ts';

describe('vsn 2.0.0', () => {
  test('decodes array frames and re-encodes them', () => {
    const frame = '["6","6","realtime:room1","phx_join",{"config":{}}]';
    const m = decodeText(frame, '2.0.0');
    expect(m).toEqual({ kind: 'message', join_ref: '6', ref: '6', topic: 'realtime:room1', event: 'phx_join', payload: { config: {} } });
    expect(encodeText(m as never, '2.0.0')).toBe(frame);
  });

  test('rejects malformed frames without throwing', () => {
    for (const bad of ['', 'nope', '{}', '[1,2,3]', '[null,null,"t","e",[]]', '[null,null,5,"e",{}]', '[1,"1","t","e",{}]', 'null']) {
      expect(decodeText(bad, '2.0.0')).toBeNull();
    }
  });

  test('decodes the captured kind-3 broadcast push', () => {
    const hex = Buffer.concat([
      Buffer.from([3, 1, 1, 14, 6, 0, 1]),
      Buffer.from('67realtime:room1cursor{"x":9}'),
    ]);
    expect(decodeBinary(hex)).toEqual({
      kind: 'binary-broadcast', join_ref: '6', ref: '7', topic: 'realtime:room1', event: 'cursor', metadata: null,
      payload: { encoding: 'json', json: { x: 9 } },
    });
  });

  test('rejects truncated or unknown binary kinds', () => {
    expect(decodeBinary(Buffer.from([3, 1, 1, 14]))).toBeNull();
    expect(decodeBinary(Buffer.from([4, 0, 0, 0, 0, 1, 1]))).toBeNull();
    expect(decodeBinary(Buffer.from([3, 9, 0, 0, 0, 0, 1, 65]))).toBeNull();
  });

  test('encodes kind 4 the way realtime-js decodes it', () => {
    const buf = encodeUserBroadcast('realtime:room1', 'cursor', { encoding: 'json', json: { x: 2 } }, { id: 'abc' })!;
    expect([...buf.subarray(0, 5)]).toEqual([4, 14, 6, 12, 1]);
    expect(buf.subarray(5).toString()).toBe('realtime:room1cursor{"id":"abc"}{"x":2}');
  });
});

describe('vsn 1.0.0', () => {
  test('decodes object frames, heartbeats without join_ref included', () => {
    expect(decodeText('{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"8"}', '1.0.0')).toMatchObject({ join_ref: null, ref: '8', event: 'heartbeat' });
    expect(encodeText({ join_ref: null, ref: '8', topic: 'phoenix', event: 'phx_reply', payload: { status: 'ok', response: {} } }, '1.0.0')).toBe(
      '{"topic":"phoenix","event":"phx_reply","payload":{"status":"ok","response":{}},"ref":"8","join_ref":null}',
    );
  });
});
