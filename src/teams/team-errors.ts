import { DomainError, errorFactory } from '../common/domain-error';

export const TeamMessages = {
  notFound: (id: string) => `Team ${id} is not found`,
  deleted: (id: string) => `Team ${id} is deleted`,
  deleteWithChildren: (id: string) => `Team ${id} has live child teams`,
  parentNotFound: (id: number) => `parent_id ${id} is not found`,
  parentIsSelfOrDescendant: (id: number) => `parent_id ${id} is the team itself or one of its descendants`,
  agentNotFound: (field: string, id: number) => `${field}: agent ${id} is not found`,
} as const;

export enum TeamErrorCode {
  notFound = 'team_not_found',
  deleted = 'team_deleted',
  deleteWithChildren = 'team_has_children',
  parentNotFound = 'team_parent_not_found',
  parentIsSelfOrDescendant = 'team_parent_is_descendant',
  agentNotFound = 'team_agent_not_found',
}

export class TeamError extends DomainError<TeamErrorCode> {}

export const teamError = errorFactory(TeamError, TeamErrorCode, TeamMessages);
