/**
 * Twilio's two list shapes, paged by `PageSize` (default 50, at most 1000) and `Page` (from 0), with a
 * `PageToken` that the fake hands out and ignores (its pages are positional):
 *
 *   2010-04-01   { <key>: […], page, page_size, start, end, uri, first_page_uri, next_page_uri, previous_page_uri }
 *                with URIs relative to https://api.twilio.com
 *   v1 / v2      { <key>: […], meta: { page, page_size, first_page_url, previous_page_url, url, next_page_url, key } }
 *                with absolute URLs on the resource's own host (https://content.twilio.com, …)
 *
 * twilio-node follows next_page_uri / next_page_url as given, so the fake's pages are walked as Twilio's are.
 */

const PAGING = ['Page', 'PageSize', 'PageToken'];

interface PageWindow<T> {
  items: T[];
  page: number;
  pageSize: number;
  start: number;
  more: boolean;
  /** The query of page `p`: the request's filters, then PageSize and Page (and a token after the first page). */
  query: (p: number) => string;
}

function pageWindow<T extends { sid?: string }>(url: URL, all: T[]): PageWindow<T> {
  const pageSize = Math.min(1000, Math.max(1, Math.trunc(Number(url.searchParams.get('PageSize'))) || 50));
  const page = Math.max(0, Math.trunc(Number(url.searchParams.get('Page'))) || 0);
  const start = page * pageSize;
  const items = all.slice(start, start + pageSize);
  const filters = [...url.searchParams].filter(([k]) => !PAGING.includes(k));
  const query = (p: number) => {
    const q = new URLSearchParams(filters);
    q.set('PageSize', String(pageSize));
    q.set('Page', String(p));
    const last = all[p * pageSize - 1];
    if (p > 0 && last) q.set('PageToken', `PA${last.sid ?? p * pageSize}`);
    return q.toString();
  };
  return { items, page, pageSize, start, more: start + pageSize < all.length, query };
}

/** A 2010-04-01 list page of `all` (already filtered), its records under `key`. */
export function page2010<T extends { sid?: string }>(url: URL, all: T[], key: string) {
  const w = pageWindow(url, all);
  const uri = (p: number) => `${url.pathname}?${w.query(p)}`;
  return {
    [key]: w.items,
    end: Math.max(w.start, w.start + w.items.length - 1),
    first_page_uri: uri(0),
    next_page_uri: w.more ? uri(w.page + 1) : null,
    page: w.page,
    page_size: w.pageSize,
    previous_page_uri: w.page > 0 ? uri(w.page - 1) : null,
    start: w.start,
    uri: uri(w.page),
  };
}

/** A v1/v2 list page of `all` (already filtered), its records under `key`, its URLs on `host` (https://…). */
export function pageV1<T extends { sid?: string }>(url: URL, all: T[], key: string, host: string) {
  const w = pageWindow(url, all);
  const link = (p: number) => `${host}${url.pathname}?${w.query(p)}`;
  return {
    [key]: w.items,
    meta: {
      page: w.page,
      page_size: w.pageSize,
      first_page_url: link(0),
      previous_page_url: w.page > 0 ? link(w.page - 1) : null,
      url: link(w.page),
      next_page_url: w.more ? link(w.page + 1) : null,
      key,
    },
  };
}

/** 2010-04-01 dates: RFC 2822, as Twilio writes them ("Thu, 30 Jul 2015 20:00:00 +0000"). */
export const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');

/** v1/v2 dates: ISO 8601 to the second ("2015-07-30T20:00:00Z"). */
export const iso8601 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
