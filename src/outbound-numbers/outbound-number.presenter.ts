import { OutboundNumber } from './outbound-number.entity';

// `number` as configured; its E.164 form stays internal.
export function presentOutboundNumber(outboundNumber: OutboundNumber) {
  return {
    id: Number(outboundNumber.id),
    number: outboundNumber.number,
    default: outboundNumber.isDefault,
  };
}
