import { callError } from '../call-errors';
import { CustomerFlags, UpdateCustomerFlags } from '../customer-flags.service';
import { Field, given, malformed } from '../creation/create-call.command';
import { isBody } from './create-call.request';

// The seed's PATCH example spells repeat_customers: accepted as an alias.
const FLAG_FIELDS: Record<string, keyof CustomerFlags> = {
  verified_customer: 'verified_customer',
  bad_actor: 'bad_actor',
  repeat_customer: 'repeat_customer',
  repeat_customers: 'repeat_customer',
};

// PATCH /calls/:id/customer_flag: any subset of the three booleans.
export function parseCustomerFlags(companyId: string, callId: string, body: unknown): UpdateCustomerFlags {
  return { companyId, callId, changes: readChanges(body) };
}

function readChanges(body: unknown): Field<Partial<CustomerFlags>> {
  if (!isBody(body)) return malformed(callError('bodyNotObject'));
  const changes: Partial<CustomerFlags> = {};
  for (const [field, value] of Object.entries(body)) {
    if (!Object.hasOwn(FLAG_FIELDS, field)) return malformed(callError('customerFlagUnknownField', field));
    if (typeof value !== 'boolean') return malformed(callError('customerFlagNotBoolean', field));
    changes[FLAG_FIELDS[field]] = value;
  }
  return given(changes);
}
