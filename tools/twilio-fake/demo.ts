/**
 * What the default (demo) account holds: the seed's WhatsApp numbers (supabase/seed.sql, tests/helpers/demo.ts),
 * a standard API key, a Messaging Service with both numbers, and Content templates in every approval state;
 * all with fixed sids, so a dev database and a restarted fake agree.
 * The seed's three templates keep their content_sid ('HX' || md5(slug)), body and variables, so a sync of the
 * demo account finds the seed's rows; their variables' sample values are the seed's labels.
 */
import { createHash } from 'node:crypto';
import type { FakeAccountInit, FakeTemplateInit } from './types.ts';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** A demo template's sid, as supabase/seed.sql writes it: 'HX' || md5(slug). */
export const demoTemplateSid = (slug: string) => `HX${md5(slug)}`;

export const DEMO_NUMBERS = { acme: '+14155550100', bolt: '+14155550200' } as const;
export const DEMO_API_KEY_SID = `SK${md5('demo-api-key')}`;
export const DEMO_API_KEY_SECRET = 'demo-api-key-secret-000000000000';
export const DEMO_MESSAGING_SERVICE_SID = `MG${md5('demo-messaging-service')}`;

const vars = (...labels: string[]) => Object.fromEntries(labels.map((l, i) => [String(i + 1), l]));

export const DEMO_TEMPLATES: FakeTemplateInit[] = [
  // the seed's approved templates
  {
    sid: demoTemplateSid('acme-order-update'),
    friendlyName: 'Order update',
    language: 'en',
    body: 'Hi {{1}}, your order {{2}} is on its way and should arrive {{3}}.',
    variables: vars('customer name', 'order number', 'delivery day'),
  },
  {
    sid: demoTemplateSid('acme-follow-up'),
    friendlyName: 'Follow-up',
    language: 'es',
    body: 'Hola {{1}}, ¿pudimos ayudarle con su pedido? Responda a este mensaje para continuar.',
    variables: vars('customer name'),
  },
  {
    sid: demoTemplateSid('bolt-quote-ready'),
    friendlyName: 'Quote ready',
    language: 'en',
    body: 'Hi {{1}}, your quote {{2}} is ready. Reply here with any questions.',
    variables: vars('customer name', 'quote number'),
  },
  // approved, in Spanish, with {{1}} and {{2}}
  {
    sid: demoTemplateSid('delivery-slot'),
    friendlyName: 'Delivery slot',
    language: 'es',
    body: 'Hola {{1}}, su pedido llega el {{2}}. Responda CAMBIAR si necesita otra fecha.',
    variables: vars('customer name', 'delivery day'),
  },
  // approved, with quick replies (and a twilio/text fallback) and with media
  {
    sid: demoTemplateSid('delivery-confirm'),
    friendlyName: 'Confirm delivery',
    language: 'en',
    types: {
      'twilio/quick-reply': {
        body: 'Hi {{1}}, can we deliver order {{2}} tomorrow?',
        actions: [
          { title: 'Yes, tomorrow', id: 'delivery_yes' },
          { title: 'Another day', id: 'delivery_other' },
        ],
      },
      'twilio/text': { body: 'Hi {{1}}, can we deliver order {{2}} tomorrow? Reply YES or tell us another day.' },
    },
    variables: vars('customer name', 'order number'),
  },
  {
    sid: demoTemplateSid('invoice'),
    friendlyName: 'Invoice',
    language: 'pt_BR',
    types: { 'twilio/media': { body: 'Olá {{1}}, segue a fatura {{2}}.', media: ['https://demo.twilio.com/owl.png'] } },
    variables: vars('customer name', 'invoice number'),
  },
  // not sendable: rejected, paused, pending, received
  {
    sid: demoTemplateSid('spring-sale'),
    friendlyName: 'Spring sale',
    language: 'en',
    category: 'MARKETING',
    status: 'rejected',
    rejectionReason: 'The message template contains content that violates WhatsApp Business Policy.',
    body: 'Spring sale! {{1}}% off everything until {{2}}.',
    variables: vars('discount', 'end date'),
  },
  {
    sid: demoTemplateSid('weekly-deals'),
    friendlyName: 'Weekly deals',
    language: 'es',
    category: 'MARKETING',
    status: 'paused',
    body: 'Ofertas de la semana para {{1}}: {{2}}.',
    variables: vars('customer name', 'deals'),
  },
  {
    sid: demoTemplateSid('payment-reminder'),
    friendlyName: 'Payment reminder',
    language: 'en',
    status: 'pending',
    body: 'Hi {{1}}, invoice {{2}} is due on {{3}}.',
    variables: vars('customer name', 'invoice number', 'due date'),
  },
  {
    sid: demoTemplateSid('back-in-stock'),
    friendlyName: 'Back in stock',
    language: 'en',
    status: 'received',
    body: '{{1}} is back in stock, {{2}}.',
    variables: vars('product', 'customer name'),
  },
];

/** The default account: lenient (see FakeAccount.lenient), with the demo numbers, key, service and templates. */
export function demoAccount(accountSid: string, authToken: string): FakeAccountInit {
  return {
    sid: accountSid,
    authToken,
    friendlyName: 'Switchboard demo',
    lenient: true,
    apiKeys: [{ sid: DEMO_API_KEY_SID, secret: DEMO_API_KEY_SECRET, friendlyName: 'Switchboard demo key', type: 'standard' }],
    numbers: [
      { phoneNumber: DEMO_NUMBERS.acme, friendlyName: 'Acme WhatsApp', sid: `PN${md5('acme')}`, senderSid: `XE${md5('acme')}` },
      { phoneNumber: DEMO_NUMBERS.bolt, friendlyName: 'Bolt WhatsApp', sid: `PN${md5('bolt')}`, senderSid: `XE${md5('bolt')}` },
    ],
    services: [{ sid: DEMO_MESSAGING_SERVICE_SID, friendlyName: 'Switchboard demo', numbers: [DEMO_NUMBERS.acme, DEMO_NUMBERS.bolt] }],
    templates: DEMO_TEMPLATES,
  };
}
