// POST /api/twilio/inbound – receive an inbound WhatsApp message from Twilio (signed webhook)
import { handleInboundMessage } from './handle-inbound-message';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export function POST(request: Request) {
  return handleInboundMessage(request);
}
