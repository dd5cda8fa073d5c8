import { Injectable } from '@nestjs/common';
import { parseId } from '../common/ids';
import { Database } from '../database/database';
import { callError } from './call-errors';
import { Field, valueOf } from './creation/create-call.command';

export interface CustomerFlags {
  verified_customer: boolean;
  bad_actor: boolean;
  repeat_customer: boolean;
}

// The command: the flags to change (a malformed request is answered only
// once the call is known to exist: a missing call is 404 first).
export interface UpdateCustomerFlags {
  companyId: string;
  callId: string;
  changes: Field<Partial<CustomerFlags>>;
}

@Injectable()
export class CustomerFlagsService {
  constructor(private readonly db: Database) {}

  async get(companyId: string, callId: string): Promise<CustomerFlags> {
    const rows = parseId(callId)
      ? await this.db.query<CustomerFlags>(
          `SELECT coalesce(f.verified_customer, false) AS verified_customer, coalesce(f.bad_actor, false) AS bad_actor,
                  coalesce(f.repeat_customer, false) AS repeat_customer
             FROM calls c LEFT JOIN call_customer_flags f ON f.call_id = c.id WHERE c.company_id = $1 AND c.id = $2`,
          [companyId, callId],
        )
      : [];
    if (rows.length === 0) throw callError('callNotFound', callId);
    return rows[0];
  }

  // Changes nothing unless the whole request is well formed.
  async update({ companyId, callId, changes: field }: UpdateCustomerFlags): Promise<CustomerFlags> {
    await this.get(companyId, callId);
    const changes = valueOf(field) ?? {};
    // One upsert: concurrent PATCHes of different flags both survive.
    const rows = await this.db.query<CustomerFlags>(
      `INSERT INTO call_customer_flags AS f (call_id, verified_customer, bad_actor, repeat_customer)
       SELECT c.id, coalesce($3, false), coalesce($4, false), coalesce($5, false) FROM calls c WHERE c.company_id = $1 AND c.id = $2
       ON CONFLICT (call_id) DO UPDATE SET
         verified_customer = coalesce($3, f.verified_customer),
         bad_actor = coalesce($4, f.bad_actor),
         repeat_customer = coalesce($5, f.repeat_customer),
         updated_at = now()
       RETURNING verified_customer, bad_actor, repeat_customer`,
      [companyId, callId, changes.verified_customer ?? null, changes.bad_actor ?? null, changes.repeat_customer ?? null],
    );
    if (rows.length === 0) throw callError('callNotFound', callId);
    return rows[0];
  }
}
