import { describe, expect, test } from 'vitest';
import { mediaSource, type MediaMessage } from './media';

const ACCOUNT = `AC${'a1'.repeat(16)}`;
const OTHER_ACCOUNT = `AC${'b2'.repeat(16)}`;
const MESSAGE = `MM${'c3'.repeat(16)}`;
const OTHER_MESSAGE = `SM${'d4'.repeat(16)}`;
const MEDIA = `ME${'e5'.repeat(16)}`;
const ORIGIN = 'https://api.twilio.com';
const config = { origin: ORIGIN, accountSid: ACCOUNT };
const good = `${ORIGIN}/2010-04-01/Accounts/${ACCOUNT}/Messages/${MESSAGE}/Media/${MEDIA}`;

const inbound = (media: unknown, over: Partial<MediaMessage> = {}): MediaMessage => ({ direction: 'inbound', twilio_sid: MESSAGE, media, ...over });
const source = (url: unknown, contentType: unknown = 'image/png', over: Partial<MediaMessage> = {}) => mediaSource(inbound([{ url, content_type: contentType }], over), 0, config);

describe('mediaSource', () => {
  test("fetches Twilio's URL for this message's own media, rebuilt from the row and the configured account", () => {
    const s = source(good, 'Image/PNG');
    expect(s?.url.href).toBe(good);
    expect(s?.contentType).toBe('image/png');
    // the local fake's origin works the same way
    const fake = 'http://127.0.0.1:4010';
    const viaFake = mediaSource(inbound([{ url: `${fake}/2010-04-01/Accounts/${ACCOUNT}/Messages/${MESSAGE}/Media/${MEDIA}`, content_type: 'audio/ogg' }]), 0, { origin: fake, accountSid: ACCOUNT });
    expect(viaFake?.url.href).toBe(`${fake}/2010-04-01/Accounts/${ACCOUNT}/Messages/${MESSAGE}/Media/${MEDIA}`);
  });

  test('refuses any stored URL that is not exactly that', () => {
    const base = `${ORIGIN}/2010-04-01/Accounts/${ACCOUNT}/Messages`;
    for (const url of [
      `${base}/${OTHER_MESSAGE}.json`, // another message's resource (the confused deputy)
      `${base}.json`, // the whole message log
      `${base}/${OTHER_MESSAGE}/Media/${MEDIA}`, // another message's media
      `${ORIGIN}/2010-04-01/Accounts/${OTHER_ACCOUNT}/Messages/${MESSAGE}/Media/${MEDIA}`, // another account
      `${base}/${MESSAGE}/Media/${MEDIA}.json`,
      `${base}/${MESSAGE}/Media/${MEDIA}?PageSize=1000`,
      `${base}/${MESSAGE}/Media/${MEDIA}#x`,
      `${base}/${MESSAGE}/Media/ME123`,
      `${base}/${MESSAGE}/Media/XX${'e5'.repeat(16)}`,
      `${base}/${MESSAGE}/Media/${MEDIA}/../../${OTHER_MESSAGE}.json`,
      `${base}/${MESSAGE}/Media/..%2F..%2F${OTHER_MESSAGE}.json`,
      `${base}/${MESSAGE}%2FMedia%2F${MEDIA}`,
      `${base}/${MESSAGE}/Media/${MEDIA}%00`,
      `${base}/${MESSAGE}/Media\\${MEDIA}`,
      `https://user:pass@api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages/${MESSAGE}/Media/${MEDIA}`,
      `https://api.twilio.com@evil.test/2010-04-01/Accounts/${ACCOUNT}/Messages/${MESSAGE}/Media/${MEDIA}`,
      `https://evil.test/2010-04-01/Accounts/${ACCOUNT}/Messages/${MESSAGE}/Media/${MEDIA}`,
      `http://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages/${MESSAGE}/Media/${MEDIA}`,
      `https://api.twilio.com:443/2010-04-01/Accounts/${ACCOUNT}/Messages/${MESSAGE}/Media/${MEDIA}`,
      `https://API.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages/${MESSAGE}/Media/${MEDIA}`,
      `${good}\r\nX-Injected: 1`,
      ` ${good}`,
      `${good}\t`,
      `/2010-04-01/Accounts/${ACCOUNT}/Messages/${MESSAGE}/Media/${MEDIA}`,
      'javascript:alert(1)',
      `${good}${'/x'.repeat(300)}`,
      '',
      42,
      null,
      { href: good },
    ]) {
      expect(source(url), String(url)).toBeNull();
    }
  });

  test('refuses a content type that is not a bare type/subtype token', () => {
    for (const type of ['image/png\r\nSet-Cookie: a=b', 'image/png; charset=utf-8', 'text/html\n', 'image', '/png', 'image/', 'image/png ', 'im age/png', 'image/pn"g', '', 42, null, `image/${'x'.repeat(200)}`]) {
      expect(source(good, type), JSON.stringify(type)).toBeNull();
    }
  });

  test('only inbound messages with a valid SID, real media entries and a configured account', () => {
    expect(source(good, 'image/png', { direction: 'outbound' })).toBeNull();
    expect(source(good, 'image/png', { twilio_sid: null })).toBeNull();
    expect(source(good, 'image/png', { twilio_sid: `XX${'c3'.repeat(16)}` })).toBeNull();
    expect(source(good, 'image/png', { twilio_sid: `${MESSAGE}/../x` })).toBeNull();
    expect(mediaSource(inbound([{ url: good, content_type: 'image/png' }]), 1, config)).toBeNull();
    for (const media of [{ 0: { url: good, content_type: 'image/png' } }, 'x', null, [null], [good], [[good, 'image/png']]]) {
      expect(mediaSource(inbound(media), 0, config), JSON.stringify(media)).toBeNull();
    }
    expect(mediaSource(inbound([{ url: good, content_type: 'image/png' }]), 0, { origin: ORIGIN, accountSid: '' })).toBeNull();
    expect(mediaSource(inbound([{ url: good, content_type: 'image/png' }]), 0, { origin: ORIGIN, accountSid: `${ACCOUNT}/..` })).toBeNull();
  });
});
