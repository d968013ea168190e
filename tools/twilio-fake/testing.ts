/**
 * Helpers for the fake's own tests: what a twilio-node call failed with, as plain fields (a RestException's
 * status, code, message and more_info), or null when it did not fail.
 */
export interface TwilioFailure {
  status: number;
  code: number;
  message: string;
  moreInfo: string;
}

export function failure(call: Promise<unknown>): Promise<TwilioFailure | null> {
  return call.then(
    () => null,
    (e: TwilioFailure) => ({ status: e.status, code: e.code, message: e.message, moreInfo: e.moreInfo }),
  );
}
