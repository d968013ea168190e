// POST /api/twilio/status – Twilio delivery status callbacks for messages we sent (signed webhook)
import { handleStatusCallback } from './handle-status-callback';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export function POST(request: Request) {
  return handleStatusCallback(request);
}
