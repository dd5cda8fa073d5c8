import { MigrationInterface, QueryRunner } from 'typeorm';

// Idempotency keys carry the claim of the request that owns them (a fresh
// uuid at each claim or takeover): the call insert writes only while the
// claim is its own, so a request overtaken by a retry after its lease ran
// out cannot create a second call (IdempotencyService, CallsRepository).
// Keys claimed before this migration have none: a request still running
// across the upgrade then refuses its own write, and its retry goes on.
// lease_until: the owner renews it while its request runs; a key whose
// owner died (or whose release failed) is free once it runs out, seconds
// later, instead of 60 s after the claim.
export class IdempotencyClaims1796310000000 implements MigrationInterface {
  name = 'IdempotencyClaims1796310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_keys ADD COLUMN claim uuid, ADD COLUMN lease_until timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_keys DROP COLUMN claim, DROP COLUMN lease_until`);
  }
}
