import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiQuery, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { Type } from '@nestjs/common';

// Helpers that describe the CCAI surface's conventions in the OpenAPI
// document once: the error body, the Manager API's paged lists.

export class ErrorResponse {
  @ApiProperty({ description: "The contract's message, byte for byte", example: 'Call 42 is not found' })
  message: string;

  @ApiProperty({ description: 'A stable code to classify the failure by (the engine\'s error code, or e.g. bad_request, not_found, unauthorized)', example: 'call_not_found' })
  error: string;

  @ApiProperty({ description: 'The HTTP status, repeated', example: 404 })
  status: number;
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'A missing or malformed field or parameter (the message names it)',
  401: 'Missing or wrong credentials',
  404: 'No such record in this company',
  409: 'A unique value in use, or a change the record refuses in its state',
  410: 'Past the retention',
  415: 'The body is not JSON',
  422: 'An Idempotency-Key reused with another request',
  503: 'The database is unavailable',
};

// The error answers a route gives, each with the error body.
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ErrorResponse),
    ...statuses.map((status) => ApiResponse({ status, description: ERROR_DESCRIPTIONS[status] ?? 'Error', type: ErrorResponse })),
  );
}

export const PAGING_HEADERS = {
  total: { description: 'How many records match, over all pages', schema: { type: 'integer' } },
  'per-page': { description: 'The page size used', schema: { type: 'integer' } },
  link: { description: 'RFC 8288 links: first, prev (when there is one), next (while more pages remain), last; absolute, from PUBLIC_URL when set', schema: { type: 'string' } },
} as const;

export interface ApiListOptions {
  description?: string;
  sortColumns?: readonly string[];
  defaultSort?: string;
  timeRanges?: readonly string[];
  // Always ordered by id, ascending (parseIdOrderedPage).
  idOrdered?: boolean;
}

// A Manager-API list: a bare JSON array of `type`, paged (page, per), with
// the paging headers; sort_column/sort_direction and `<field>[from|to]` when
// the list takes them.
export function ApiPagedList(type: Type<unknown>, options: ApiListOptions = {}): MethodDecorator {
  const decorators = [
    ApiExtraModels(type),
    ApiResponse({
      status: 200,
      description: options.description ?? 'A page of records',
      headers: PAGING_HEADERS,
      content: { 'application/json': { schema: { type: 'array', items: { $ref: getSchemaPath(type) } } } },
    }),
    ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1, default: 1 } }),
    ApiQuery({ name: 'per', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 100 } }),
  ];
  if (options.sortColumns) {
    decorators.push(
      ApiQuery({ name: 'sort_column', required: false, schema: { type: 'string', enum: [...options.sortColumns], default: options.defaultSort } }),
      ApiQuery({ name: 'sort_direction', required: false, schema: { type: 'string', enum: ['ASC', 'DESC'], default: 'ASC' } }),
    );
  }
  if (options.idOrdered) {
    decorators.push(
      ApiQuery({ name: 'sort_column', required: false, schema: { type: 'string', enum: ['id'], default: 'id' } }),
      ApiQuery({ name: 'sort_direction', required: false, schema: { type: 'string', enum: ['ASC'], default: 'ASC' } }),
    );
  }
  for (const field of options.timeRanges ?? []) {
    for (const bound of ['from', 'to']) {
      decorators.push(ApiQuery({ name: `${field}[${bound}]`, required: false, description: `Only records whose ${field} is ${bound === 'from' ? 'at or after' : 'at or before'} this time (ISO 8601)`, schema: { type: 'string', format: 'date-time' } }));
    }
  }
  return applyDecorators(...decorators, ApiErrors(400, 401));
}

// Small answers of the operator, scheduling, events and webhook routes.
export class CompanyCreatedResponse {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'The first API token: shown only here' }) token: string;
}

export class TokenCreatedResponse {
  @ApiProperty() id: number;
  @ApiProperty({ description: 'Shown only here' }) token: string;
}

export class DispatchResponse {
  @ApiProperty({ description: 'How many due calls were dispatched' }) dispatched: number;
}

export class OutgoingEventDataResponse {
  @ApiProperty() call_id: number;
  @ApiProperty() seq: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) event: Record<string, unknown>;
  @ApiProperty() status: string;
  @ApiProperty({ type: String, nullable: true }) previous_status: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The call object as the event left it' }) call: Record<string, unknown>;
}

export class OutgoingEventResponse {
  @ApiProperty({ example: 'evt_0000000000000000081500000000000000000042' }) id: string;
  @ApiProperty({ example: 'call.assign' }) type: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ description: "The company's key" }) company: string;
  @ApiProperty({ type: OutgoingEventDataResponse }) data: OutgoingEventDataResponse;
}

export class SecretResponse {
  @ApiProperty({ example: 'whsec_…' }) secret: string;
}

export class WebhookDeliveryResponse {
  @ApiProperty() id: number;
  @ApiProperty() event_id: string;
  @ApiProperty() event_type: string;
  @ApiProperty() call_id: number;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed'] }) status: string;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) attempts: unknown[];
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) next_attempt_at: string | null;
}
