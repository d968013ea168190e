import { expect, test } from 'vitest';
import { templateFromContent } from './templates';

const sid = `HX${'a'.repeat(32)}`;
const item = (over: Partial<Parameters<typeof templateFromContent>[0]> = {}) => ({
  sid, friendlyName: 'Order update', language: 'en', variables: { 2: 'order', 1: 'name' },
  types: { 'twilio/text': { body: 'Hi {{1}}, order {{2}}' } }, approvalRequests: { status: 'approved', category: 'UTILITY' }, ...over,
});

test('an approved text template becomes a row with its labels in placeholder order', () => {
  expect(templateFromContent(item())).toEqual({
    content_sid: sid, name: 'Order update', language: 'en', body: 'Hi {{1}}, order {{2}}', variables: ['name', 'order'],
    approval_status: 'approved', category: 'UTILITY', rejection_reason: null,
  });
});

test('a rejected one keeps its status and reason; a media template uses its own body', () => {
  const row = templateFromContent(item({ types: { 'twilio/media': { body: 'Invoice {{1}}' } }, approvalRequests: { status: 'rejected', rejection_reason: 'Promotional' } }));
  expect(row).toMatchObject({ body: 'Invoice {{1}}', approval_status: 'rejected', rejection_reason: 'Promotional' });
});

test('unknown statuses count as pending; an item without a body or with a bad SID is skipped', () => {
  expect(templateFromContent(item({ approvalRequests: { status: 'something_new' } }))?.approval_status).toBe('pending');
  expect(templateFromContent(item({ approvalRequests: null }))?.approval_status).toBe('unsubmitted');
  expect(templateFromContent(item({ types: {} }))).toBeNull();
  expect(templateFromContent(item({ sid: 'HXnope' }))).toBeNull();
});
