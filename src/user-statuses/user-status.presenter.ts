import { UserStatusRow } from './user-status';

export function presentUserStatus(status: UserStatusRow) {
  return {
    id: Number(status.id),
    name: status.name,
    color: status.color,
    wfm_id: status.wfm_id,
    availability: status.availability,
    built_in: status.built_in,
  };
}
