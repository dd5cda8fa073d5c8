import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import type { DeliveryStatus, EndpointStatus, WebhookDeliveryRow, WebhookEndpointRow } from './webhook-endpoint';

const ENDPOINT_COLUMNS = 'id, company_id, url, event_types, description, status, secret, created_at';
const DELIVERY_COLUMNS = 'id, event_tx::text AS event_tx, event_row, event_type, call_id, status, attempts, next_attempt_at';

export interface EndpointPatch {
  url?: string;
  event_types?: string[];
  description?: string | null;
  status?: EndpointStatus;
}

// All SQL of the Manager API's webhook endpoints and their deliveries log.
@Injectable()
export class WebhookEndpointsRepository {
  constructor(private readonly db: Database) {}

  // A new endpoint starts at the log's current end: its cursor is the
  // oldest transaction still running (every row below it has been passed),
  // and its stream leaves out the rows its start snapshot shows as committed
  // (endpoint-stream.ts): it gets every event committed from now on, never
  // an older one.
  async insert(companyId: string, columns: { url: string; event_types: string[]; description: string | null; secret: string }): Promise<WebhookEndpointRow> {
    const [row] = await this.db.query<WebhookEndpointRow>(
      `INSERT INTO webhook_endpoints (company_id, url, event_types, description, secret, cursor_tx, cursor_id, start_snapshot)
       VALUES ($1, $2, $3, $4, $5, pg_snapshot_xmin(pg_current_snapshot()), 0, pg_current_snapshot()) RETURNING ${ENDPOINT_COLUMNS}`,
      [companyId, columns.url, columns.event_types, columns.description, columns.secret],
    );
    return row;
  }

  async list(companyId: string, offset: number, limit: number): Promise<[WebhookEndpointRow[], number]> {
    const [rows, [{ total }]] = await Promise.all([
      this.db.query<WebhookEndpointRow>(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE company_id = $1 ORDER BY id LIMIT $2 OFFSET $3`, [companyId, limit, offset]),
      this.db.query<{ total: number }>(`SELECT count(*)::int AS total FROM webhook_endpoints WHERE company_id = $1`, [companyId]),
    ]);
    return [rows, total];
  }

  async find(companyId: string, id: string): Promise<WebhookEndpointRow | null> {
    const [row] = await this.db.query<WebhookEndpointRow>(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE company_id = $1 AND id = $2`, [companyId, id]);
    return row ?? null;
  }

  // Enabling again clears why it was disabled; the cursor stays where it
  // was, so what came meanwhile is delivered.
  async update(companyId: string, id: string, patch: EndpointPatch): Promise<WebhookEndpointRow | null> {
    const [row] = await this.db.query<WebhookEndpointRow>(
      `UPDATE webhook_endpoints SET
         url = COALESCE($3, url),
         event_types = COALESCE($4, event_types),
         description = CASE WHEN $5::boolean THEN $6 ELSE description END,
         status = COALESCE($7, status),
         disabled_reason = CASE WHEN $7 = 'enabled' THEN NULL WHEN $7 = 'disabled' THEN 'disabled through the API' ELSE disabled_reason END,
         updated_at = now()
       WHERE company_id = $1 AND id = $2 RETURNING ${ENDPOINT_COLUMNS}`,
      [companyId, id, patch.url ?? null, patch.event_types ?? null, patch.description !== undefined, patch.description ?? null, patch.status ?? null],
    );
    return row ?? null;
  }

  async delete(companyId: string, id: string): Promise<boolean> {
    return (await this.db.query(`DELETE FROM webhook_endpoints WHERE company_id = $1 AND id = $2 RETURNING id`, [companyId, id])).length > 0;
  }

  // The old secret keeps signing until `overlapHours` from now.
  async rotateSecret(companyId: string, id: string, secret: string, overlapHours: number): Promise<string | null> {
    const [row] = await this.db.query<{ secret: string }>(
      `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = now() + make_interval(hours => $4), secret = $3, updated_at = now()
        WHERE company_id = $1 AND id = $2 RETURNING secret`,
      [companyId, id, secret, overlapHours],
    );
    return row?.secret ?? null;
  }

  async deliveries(companyId: string, endpointId: string, status: DeliveryStatus | null, offset: number, limit: number): Promise<[WebhookDeliveryRow[], number]> {
    const where = `company_id = $1 AND endpoint_id = $2 AND ($3::text IS NULL OR status = $3)`;
    const [rows, [{ total }]] = await Promise.all([
      this.db.query<WebhookDeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE ${where} ORDER BY event_tx DESC, event_row DESC LIMIT $4 OFFSET $5`, [companyId, endpointId, status, limit, offset]),
      this.db.query<{ total: number }>(`SELECT count(*)::int AS total FROM webhook_deliveries WHERE ${where}`, [companyId, endpointId, status]),
    ]);
    return [rows, total];
  }

  // One more attempt now, also for a failed delivery (it is pending again).
  async retryDelivery(companyId: string, endpointId: string, deliveryId: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now() WHERE company_id = $1 AND endpoint_id = $2 AND id = $3 RETURNING id`,
      [companyId, endpointId, deliveryId],
    );
    return rows.length > 0;
  }
}
