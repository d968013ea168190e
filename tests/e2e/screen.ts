/**
 * The dashboard as its users meet it: every locator the browser tests use, by role, accessible name, label or
 * visible text, never by CSS class. Where the screen carries state rather than text (a message's delivery
 * state, a row's id), its data attributes are read; they are part of the markup's contract, not its styling.
 */
import type { Locator, Page } from 'playwright-core';

/** The list of conversations (left panel). */
export const conversationList = (page: Page) => page.getByRole('list', { name: 'Conversation list' });

/** The panel holding the list, its search and filters (hidden on a phone while a thread is open). */
export const listPanel = (page: Page) => page.getByRole('region', { name: 'Conversations', exact: true });

/** The list entries (one per conversation), in the order shown. */
export const conversationEntries = (page: Page) => conversationList(page).getByRole('listitem');

/** The link of the conversation whose entry shows `text` (its contact, number, preview or typing line). */
export const conversationLink = (page: Page, text: string) => conversationList(page).getByRole('link', { name: text });

/** The link of the conversation open in the thread (the list marks it as the current page). */
export const currentConversation = (page: Page) => conversationList(page).getByRole('link').and(page.locator('[aria-current="page"]'));

/** An entry's unread badge ("3 unread"). */
export const unreadBadge = (scope: Locator) => scope.getByLabel(/^\d+ unread$/);

/** The open conversation's panel. */
export const thread = (page: Page) => page.getByRole('region', { name: /^Conversation with / });

/** The panel of conversation `id` once it is open and loaded (its row id is part of the markup's contract). */
export const threadOf = (page: Page, id: string) => thread(page).and(page.locator(`[data-conversation-id="${id}"]`));

/** The open conversation's title (the contact's name). */
export const threadTitle = (page: Page) => thread(page).getByRole('heading', { level: 2 });

/** The messages of the open thread, oldest first (day dividers are not among them). */
export const messages = (page: Page) => page.getByRole('region', { name: 'Messages' }).getByRole('listitem');

/** The message of the open thread whose text includes `text`. */
export const message = (page: Page, text: string) => messages(page).filter({ hasText: text });

/** A message in a given delivery state, as its ticks show it (sending, queued, sent, delivered, read, failed). */
export const messageIn = (page: Page, text: string, state: string) => message(page, text).and(page.locator(`[data-status="${state}"]`));

/** The reply box. */
export const replyBox = (page: Page) => page.getByRole('textbox', { name: 'Reply', exact: true });

/** The header's connection indicator (a status region). */
export const connection = (page: Page) => page.getByRole('banner').getByRole('status');

/** The connection indicator while it says the channel is live. */
export const live = (page: Page) => connection(page).getByText('Live', { exact: true });

/** Teammates shown online in the header. */
export const teammateOnline = (page: Page, name: string) => page.getByRole('list', { name: 'Teammates online' }).getByRole('listitem').filter({ hasText: name });

/** The thread's "… is typing" line. */
export const typingLine = (page: Page, text: string | RegExp) => thread(page).getByText(text);

/** The account menu's toggle in the header. */
export const accountMenu = (page: Page) => page.getByRole('banner').locator('summary', { hasText: 'menu for' });

/** The contact side panel. */
export const contactPanel = (page: Page) => page.getByRole('complementary', { name: 'Contact' });

/** One fact of the diagnostics page: the value beside its term ("Connection", "Catch-ups run", …). */
export const diagnosticsFact = (page: Page, term: string) =>
  page.getByRole('term').filter({ hasText: new RegExp(`^${term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).locator('xpath=following-sibling::dd[1]');

/** Fills and submits the sign-in form on the current page. */
export async function submitSignIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
