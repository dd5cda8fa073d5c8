import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error';
import { CallMessages as M } from './call-messages';
import { isBody } from './call-request';
import { parseId } from '../common/ids';

export interface CustomerFlags {
  verified_customer: boolean;
  bad_actor: boolean;
  repeat_customer: boolean;
}

// The seed's PATCH example spells repeat_customers: accepted as an alias.
const FLAG_FIELDS: Record<string, keyof CustomerFlags> = {
  verified_customer: 'verified_customer',
  bad_actor: 'bad_actor',
  repeat_customer: 'repeat_customer',
  repeat_customers: 'repeat_customer',
};

@Injectable()
export class CustomerFlagsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async get(companyId: string, callId: string): Promise<CustomerFlags> {
    const rows = parseId(callId)
      ? await this.db.query(
          `SELECT coalesce(f.verified_customer, false) AS verified_customer, coalesce(f.bad_actor, false) AS bad_actor,
                  coalesce(f.repeat_customer, false) AS repeat_customer
             FROM calls c LEFT JOIN call_customer_flags f ON f.call_id = c.id WHERE c.company_id = $1 AND c.id = $2`,
          [companyId, callId],
        )
      : [];
    if (rows.length === 0) throw ApiError.notFound(M.callNotFound(callId));
    return rows[0];
  }

  // Any subset of the three booleans; anything else is 400 and changes nothing.
  async update(companyId: string, callId: string, body: unknown): Promise<CustomerFlags> {
    await this.get(companyId, callId);
    if (!isBody(body)) throw ApiError.badRequest(M.bodyNotObject);
    const changes: Partial<CustomerFlags> = {};
    for (const [field, value] of Object.entries(body)) {
      const flag = FLAG_FIELDS[field];
      if (!Object.hasOwn(FLAG_FIELDS, field)) throw ApiError.badRequest(M.customerFlagUnknownField(field));
      if (typeof value !== 'boolean') throw ApiError.badRequest(M.customerFlagNotBoolean(field));
      changes[flag] = value;
    }
    // One upsert: concurrent PATCHes of different flags both survive.
    const rows = await this.db.query(
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
    if (rows.length === 0) throw ApiError.notFound(M.callNotFound(callId));
    return rows[0];
  }
}
