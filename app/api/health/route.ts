// GET /api/health – liveness for load balancers and the benchmark's baseline (touches nothing)
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json({ status: 'ok' });
}
