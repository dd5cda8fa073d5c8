import { DomainError, errorFactory } from '../common/domain-error';

export const AgentMessages = {
  notFound: (id: string) => `Agent ${id} is not found`,
  emailTaken: (email: string) => `An agent with email '${email}' already exists`,
  statusNotFound: (id: number) => `status_id ${id} is not found`,
} as const;

export enum AgentErrorCode {
  notFound = 'agent_not_found',
  emailTaken = 'agent_email_taken',
  statusNotFound = 'agent_status_not_found',
}

export class AgentError extends DomainError<AgentErrorCode> {}

export const agentError = errorFactory(AgentError, AgentErrorCode, AgentMessages);
