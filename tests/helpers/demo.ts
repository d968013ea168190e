/** The fixed rows of supabase/seed.sql. */
export const ACME = { id: '10000000-0000-4000-8000-000000000001', name: 'Acme Distribution', number: '+14155550100' } as const;
export const BOLT = { id: '10000000-0000-4000-8000-000000000002', name: 'Bolt Supply', number: '+14155550200' } as const;

export const DEMO_USERS = {
  ana: { id: '20000000-0000-4000-8000-000000000001', email: 'ana@acme.test', distributor: ACME },
  ben: { id: '20000000-0000-4000-8000-000000000002', email: 'ben@acme.test', distributor: ACME },
  cara: { id: '20000000-0000-4000-8000-000000000003', email: 'cara@bolt.test', distributor: BOLT },
} as const;

export const DEMO_CONVERSATIONS = {
  acmeLucia: '40000000-0000-4000-8000-000000000001',
  acmeDonPepe: '40000000-0000-4000-8000-000000000002',
  acmeMarcus: '40000000-0000-4000-8000-000000000003',
  boltHardwareHub: '40000000-0000-4000-8000-000000000004',
  boltPriya: '40000000-0000-4000-8000-000000000005',
} as const;
