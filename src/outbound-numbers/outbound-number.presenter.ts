import { OutboundNumberRow } from './outbound-number';

// `number` as configured; its E.164 form stays internal.
export function presentOutboundNumber(outboundNumber: OutboundNumberRow) {
  return {
    id: Number(outboundNumber.id),
    number: outboundNumber.number,
    default: outboundNumber.is_default,
  };
}
