import { CallError, CallErrorCode } from '../calls/call-errors';
import { LifecycleError, LifecycleErrorCode } from '../calls/lifecycle/lifecycle-errors';
import { AgentError, AgentErrorCode } from '../agents/agent-errors';
import { DomainError, unreachable } from '../common/domain-error';
import { RequestError, RequestErrorCode } from '../common/request-errors';
import { AuthError, AuthErrorCode } from '../companies/auth-errors';
import { CompanyError, CompanyErrorCode } from '../companies/company-errors';
import { ContactError, ContactErrorCode } from '../contacts/contact-errors';
import { HealthError, HealthErrorCode } from '../health/health-errors';
import { LiveError, LiveErrorCode } from '../live/live-errors';
import { MenuError, MenuErrorCode } from '../menus/menu-errors';
import { OutboundNumberError, OutboundNumberErrorCode } from '../outbound-numbers/outbound-number-errors';
import { WebhookError, WebhookErrorCode } from '../webhooks/webhook-errors';
import { UserStatusError, UserStatusErrorCode } from '../user-statuses/user-status-errors';
import { TeamError, TeamErrorCode } from '../teams/team-errors';
import { ChatError, ChatErrorCode } from '../chats/chat-errors';

// The CCAI surface's table: every domain error code to its HTTP status (the
// body is `{message}`, the error's own message). One exhaustive switch per
// feature: a code added without a status here does not compile.
export function httpStatusOf(error: DomainError): number | undefined {
  if (error instanceof CallError) return callStatus(error.code);
  if (error instanceof LifecycleError) return lifecycleStatus(error.code);
  if (error instanceof RequestError) return requestStatus(error.code);
  if (error instanceof AuthError) return authStatus(error.code);
  if (error instanceof CompanyError) return companyStatus(error.code);
  if (error instanceof AgentError) return agentStatus(error.code);
  if (error instanceof MenuError) return menuStatus(error.code);
  if (error instanceof OutboundNumberError) return outboundNumberStatus(error.code);
  if (error instanceof ContactError) return contactStatus(error.code);
  if (error instanceof HealthError) return healthStatus(error.code);
  if (error instanceof LiveError) return liveStatus(error.code);
  if (error instanceof WebhookError) return webhookStatus(error.code);
  if (error instanceof UserStatusError) return userStatusStatus(error.code);
  if (error instanceof TeamError) return teamStatus(error.code);
  if (error instanceof ChatError) return chatStatus(error.code);
  return undefined;
}

// The CCAI surface's error body: the contract's message, the stable code
// and the status.
export function errorBodyOf(error: DomainError, status: number): { message: string; error: string; status: number } {
  return { message: error.message, error: error.code, status };
}

function callStatus(code: CallErrorCode): number {
  switch (code) {
    case CallErrorCode.callNotFound:
    case CallErrorCode.pendingCallNotFound:
      return 404;
    case CallErrorCode.idempotencyKeyInProgress:
      return 409;
    case CallErrorCode.idempotencyKeyReused:
      return 422;
    case CallErrorCode.invalidCallType:
    case CallErrorCode.agentEmailRequired:
    case CallErrorCode.invalidAgentEmail:
    case CallErrorCode.agentCannotCall:
    case CallErrorCode.agentNotAvailable:
    case CallErrorCode.ticketOrNumberRequired:
    case CallErrorCode.contactNotFound:
    case CallErrorCode.outboundNumberNotWellFormed:
    case CallErrorCode.languageNotFound:
    case CallErrorCode.languageNotAvailable:
    case CallErrorCode.menuIdRequired:
    case CallErrorCode.menuIdNotWellFormed:
    case CallErrorCode.menuNotFound:
    case CallErrorCode.onlyIvrAndMobile:
    case CallErrorCode.onlyMobileAndWeb:
    case CallErrorCode.manualRedirection:
    case CallErrorCode.afterHours:
    case CallErrorCode.endUserNumberRequired:
    case CallErrorCode.endUserNumberNotWellFormed:
    case CallErrorCode.parentNotFound:
    case CallErrorCode.pendingCallback:
    case CallErrorCode.scheduledAtRequired:
    case CallErrorCode.scheduledAtNotWellFormed:
    case CallErrorCode.scheduledAtNotInFuture:
    case CallErrorCode.bodyNotObject:
    case CallErrorCode.ticketIdNotWellFormed:
    case CallErrorCode.langNotWellFormed:
    case CallErrorCode.outboundNumberFieldNotWellFormed:
    case CallErrorCode.recordingPermissionInvalid:
    case CallErrorCode.callIdNotWellFormed:
    case CallErrorCode.contactHasNoPhoneNumber:
    case CallErrorCode.choiceRequired:
    case CallErrorCode.choiceNotAllowed:
    case CallErrorCode.idempotencyKeyInvalid:
    case CallErrorCode.customerFlagUnknownField:
    case CallErrorCode.customerFlagNotBoolean:
    case CallErrorCode.pendingAgentEmailNotString:
    case CallErrorCode.listSortColumn:
    case CallErrorCode.listSortDirection:
    case CallErrorCode.listStatus:
    case CallErrorCode.listCallType:
    case CallErrorCode.listParameterOnce:
    case CallErrorCode.listDateTime:
      return 400;
    default:
      return unreachable(code);
  }
}

function lifecycleStatus(code: LifecycleErrorCode): number {
  switch (code) {
    case LifecycleErrorCode.notAllowed:
    case LifecycleErrorCode.agentNotAvailable:
      return 409;
    case LifecycleErrorCode.typeRequired:
    case LifecycleErrorCode.typeUnknown:
    case LifecycleErrorCode.engineOnly:
    case LifecycleErrorCode.eventIdInvalid:
    case LifecycleErrorCode.required:
    case LifecycleErrorCode.oneOf:
    case LifecycleErrorCode.notWellFormed:
    case LifecycleErrorCode.agentNotFound:
    case LifecycleErrorCode.menuNotFound:
    case LifecycleErrorCode.transferTarget:
    case LifecycleErrorCode.onlyScheduledAtChanges:
      return 400;
    default:
      return unreachable(code);
  }
}

function requestStatus(code: RequestErrorCode): number {
  switch (code) {
    case RequestErrorCode.wholeNumberFrom:
    case RequestErrorCode.wholeNumberBetween:
    case RequestErrorCode.includeDeletedNotBoolean:
    case RequestErrorCode.ticketIdFilterNotWellFormed:
    case RequestErrorCode.sortColumn:
    case RequestErrorCode.sortDirection:
    case RequestErrorCode.parameterOnce:
    case RequestErrorCode.dateTime:
    case RequestErrorCode.idFilter:
    case RequestErrorCode.idOrderOnly:
      return 400;
    default:
      return unreachable(code);
  }
}

function authStatus(code: AuthErrorCode): number {
  switch (code) {
    case AuthErrorCode.unauthorized:
      return 401;
    case AuthErrorCode.adminApiDisabled:
      return 404;
    default:
      return unreachable(code);
  }
}

function companyStatus(code: CompanyErrorCode): number {
  switch (code) {
    case CompanyErrorCode.companyNotFound:
    case CompanyErrorCode.tokenNotFound:
      return 404;
    case CompanyErrorCode.keyTaken:
      return 409;
    default:
      return unreachable(code);
  }
}

function agentStatus(code: AgentErrorCode): number {
  switch (code) {
    case AgentErrorCode.notFound:
      return 404;
    case AgentErrorCode.emailTaken:
      return 409;
    case AgentErrorCode.statusNotFound:
      return 400;
    default:
      return unreachable(code);
  }
}

function menuStatus(code: MenuErrorCode): number {
  switch (code) {
    case MenuErrorCode.notFound:
      return 404;
    case MenuErrorCode.menuTypeChangeWithChildren:
    case MenuErrorCode.deleteWithChildren:
    case MenuErrorCode.deleted:
      return 409;
    case MenuErrorCode.parentNotFound:
    case MenuErrorCode.parentIsSelfOrDescendant:
    case MenuErrorCode.menuTypeRequired:
    case MenuErrorCode.menuTypeDiffersFromParent:
    case MenuErrorCode.assignedAgentNotFound:
    case MenuErrorCode.assignedTeamNotFound:
      return 400;
    default:
      return unreachable(code);
  }
}

function outboundNumberStatus(code: OutboundNumberErrorCode): number {
  switch (code) {
    case OutboundNumberErrorCode.notFound:
      return 404;
    case OutboundNumberErrorCode.taken:
      return 409;
    default:
      return unreachable(code);
  }
}

function contactStatus(code: ContactErrorCode): number {
  switch (code) {
    case ContactErrorCode.notFound:
      return 404;
    case ContactErrorCode.ticketTaken:
      return 409;
    default:
      return unreachable(code);
  }
}

function healthStatus(code: HealthErrorCode): number {
  switch (code) {
    case HealthErrorCode.databaseUnavailable:
      return 503;
    default:
      return unreachable(code);
  }
}

function webhookStatus(code: WebhookErrorCode): number {
  switch (code) {
    case WebhookErrorCode.notFound:
    case WebhookErrorCode.deliveryNotFound:
      return 404;
    case WebhookErrorCode.urlNotHttps:
    case WebhookErrorCode.urlNotHttp:
    case WebhookErrorCode.urlHasCredentials:
    case WebhookErrorCode.urlBlocked:
    case WebhookErrorCode.urlUnresolvable:
    case WebhookErrorCode.eventTypeUnknown:
    case WebhookErrorCode.deliveryStatusInvalid:
      return 400;
    default:
      return unreachable(code);
  }
}

function liveStatus(code: LiveErrorCode): number {
  switch (code) {
    case LiveErrorCode.eventNotFound:
      return 404;
    case LiveErrorCode.pastRetention:
      return 410;
    case LiveErrorCode.parameterOnce:
    case LiveErrorCode.callIdNotWellFormed:
    case LiveErrorCode.agentEmailNotWellFormed:
    case LiveErrorCode.agentNotFound:
    case LiveErrorCode.typeUnknown:
    case LiveErrorCode.eventIdNotWellFormed:
    case LiveErrorCode.limitOutOfRange:
      return 400;
    default:
      return unreachable(code);
  }
}

function userStatusStatus(code: UserStatusErrorCode): number {
  switch (code) {
    case UserStatusErrorCode.notFound:
      return 404;
    case UserStatusErrorCode.nameTaken:
    case UserStatusErrorCode.builtInDelete:
      return 409;
    case UserStatusErrorCode.builtInAvailability:
      return 400;
    default:
      return unreachable(code);
  }
}

function teamStatus(code: TeamErrorCode): number {
  switch (code) {
    case TeamErrorCode.notFound:
      return 404;
    case TeamErrorCode.deleted:
    case TeamErrorCode.deleteWithChildren:
      return 409;
    case TeamErrorCode.parentNotFound:
    case TeamErrorCode.parentIsSelfOrDescendant:
    case TeamErrorCode.agentNotFound:
      return 400;
    default:
      return unreachable(code);
  }
}

function chatStatus(code: ChatErrorCode): number {
  switch (code) {
    case ChatErrorCode.notFound:
      return 404;
    default:
      return unreachable(code);
  }
}
