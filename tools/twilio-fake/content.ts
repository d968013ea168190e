/**
 * content.twilio.com, the Content API, for the credentials' account, with twilio-node's field names
 * (rest/content/v1/contentAndApprovals.ts, content.ts, content/approvalFetch.ts):
 *
 *   GET /v1/ContentAndApprovals              templates with their WhatsApp approval (paged, `meta`, key contents)
 *   GET /v1/Content                          templates (paged, key contents)
 *   GET /v1/Content/{HX}                     one template; another account's is a 404
 *   GET /v1/Content/{HX}/ApprovalRequests    its WhatsApp approval
 *
 * Dates are ISO 8601, URLs absolute on https://content.twilio.com, as Twilio answers them.
 */
import { sendJson, sendNotFound, type Exchange } from './http.ts';
import { iso8601, pageV1 } from './paging.ts';
import type { FakeAccount, FakeTemplate } from './types.ts';

const HOST = 'https://content.twilio.com';

/** Answers the account's templates; false for any other request. */
export function contentRoute(ex: Exchange, account: FakeAccount): boolean {
  const { req, res, url } = ex;
  if (req.method !== 'GET') return false;
  if (url.pathname === '/v1/ContentAndApprovals') {
    sendJson(res, 200, pageV1(url, account.templates.map((t) => contentAndApprovalsResource(account, t)), 'contents', HOST));
    return true;
  }
  if (url.pathname === '/v1/Content') {
    sendJson(res, 200, pageV1(url, account.templates.map((t) => contentResource(account, t)), 'contents', HOST));
    return true;
  }
  const one = /^\/v1\/Content\/(HX[0-9a-fA-F]{32})(\/ApprovalRequests)?$/.exec(url.pathname);
  if (!one) return false;
  const template = account.templates.find((t) => t.sid === one[1]);
  if (!template) sendNotFound(ex);
  else sendJson(res, 200, one[2] ? approvalFetchResource(account, template) : contentResource(account, template));
  return true;
}

/** The Content type a template's approval is for: its first type that is not the twilio/text fallback. */
function contentType(t: FakeTemplate): string {
  const types = Object.keys(t.types);
  return types.find((k) => k !== 'twilio/text') ?? types[0] ?? 'twilio/text';
}

function approval(t: FakeTemplate) {
  const a = t.approval;
  return {
    name: a.name,
    category: a.category,
    content_type: contentType(t),
    status: a.status,
    rejection_reason: a.rejectionReason,
    allow_category_change: a.allowCategoryChange,
  };
}

export function contentResource(a: FakeAccount, t: FakeTemplate) {
  const url = `${HOST}/v1/Content/${t.sid}`;
  return {
    date_created: iso8601(t.dateCreated),
    date_updated: iso8601(t.dateUpdated),
    sid: t.sid,
    account_sid: a.sid,
    friendly_name: t.friendlyName,
    language: t.language,
    variables: t.variables,
    types: t.types,
    url,
    links: { approval_fetch: `${url}/ApprovalRequests`, approval_create: `${url}/ApprovalRequests/whatsapp` },
  };
}

export function contentAndApprovalsResource(a: FakeAccount, t: FakeTemplate) {
  return {
    date_created: iso8601(t.dateCreated),
    date_updated: iso8601(t.dateUpdated),
    sid: t.sid,
    account_sid: a.sid,
    friendly_name: t.friendlyName,
    language: t.language,
    variables: t.variables,
    types: t.types,
    approval_requests: approval(t),
  };
}

export function approvalFetchResource(a: FakeAccount, t: FakeTemplate) {
  return {
    sid: t.sid,
    account_sid: a.sid,
    whatsapp: { type: 'whatsapp', ...approval(t) },
    url: `${HOST}/v1/Content/${t.sid}/ApprovalRequests`,
  };
}
