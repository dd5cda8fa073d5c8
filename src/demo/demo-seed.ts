import type { INestApplication } from '@nestjs/common';
import { CompaniesService } from '../companies/companies.service';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';

// On an empty embedded database, a demo company so that the README's curl
// examples work at once. Its token is printed once; to get a new one, remove
// .data/ (or mint one through the /admin API).
export async function seedDemoCompany(app: INestApplication, config: AppConfig): Promise<void> {
  const companies = app.get(CompaniesService);
  if ((await companies.count()) > 0) return;
  const db = app.get(Database);
  const { key, token } = await companies.createCompany('demo', 'Demo Contact Center');
  await db.transaction(async (tx) => {
    const [{ id }] = await tx.query<{ id: string }>(`SELECT id FROM companies WHERE key = $1`, [key]);
    await tx.query(
      `INSERT INTO agents (company_id, email, first_name, last_name, agent_number, can_make_calls, status) VALUES
        ($1, 'alice@demo.example', 'Alice', 'Archer', '1001', true, 'available'),
        ($1, 'bob@demo.example', 'Bob', 'Baker', '1002', true, 'available'),
        ($1, 'carol@demo.example', 'Carol', 'Chen', '1003', true, 'away'),
        ($1, 'dave@demo.example', 'Dave', 'Diaz', '1004', false, 'available')`,
      [id],
    );
    const menu = async (name: string, type: string, parent: string | null, position: number, extra: Record<string, unknown> = {}) => {
      const [row] = await tx.query<{ id: string }>(
        `INSERT INTO menus (company_id, parent_id, name, menu_type, position, output_msg, languages, recording_option, business_hours)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [id, parent, name, type, position, `You selected ${name}.`, extra.languages ?? ['en', 'es'], extra.recording ?? 'never', extra.hours ?? null],
      );
      return row.id;
    };
    const main = await menu('Main Menu', 'ivr_menu', null, 0);
    const sales = await menu('Sales', 'ivr_menu', main, 0);
    const support = await menu('Support', 'ivr_menu', main, 1, { recording: 'ask_permission' });
    await menu('Billing', 'ivr_menu', support, 0);
    const technical = await menu('Technical', 'ivr_menu', support, 1);
    await menu('App Support', 'mobile_menu', null, 0);
    await menu('Web Callback', 'web_menu', null, 0, {
      hours: { time_zone: 'America/New_York', weekly: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']] }, closed_dates: ['2026-12-25'] },
    });
    // A team that answers Sales, and Dave on Technical support directly.
    const [team] = await tx.query<{ id: string }>(`INSERT INTO teams (company_id, name) VALUES ($1, 'Sales team') RETURNING id`, [id]);
    await tx.query(`INSERT INTO team_members (team_id, agent_id) SELECT $1, a.id FROM agents a WHERE a.company_id = $2 AND a.email IN ('alice@demo.example', 'bob@demo.example')`, [team.id, id]);
    await tx.query(`INSERT INTO menu_team_assignments (menu_id, team_id) VALUES ($1, $2)`, [sales, team.id]);
    await tx.query(`INSERT INTO menu_agent_assignments (menu_id, agent_id) SELECT $1, a.id FROM agents a WHERE a.company_id = $2 AND a.email = 'dave@demo.example'`, [technical, id]);
    await tx.query(
      `INSERT INTO outbound_numbers (company_id, number, e164, is_default) VALUES
        ($1, '+1 339-219-5276', '+13392195276', true), ($1, '+1 760-867-5309', '+17608675309', false)`,
      [id],
    );
    await tx.query(
      `INSERT INTO contacts (company_id, ticket_id, out_contact_id, phone_numbers, out_ticket_url) VALUES
        ($1, '71450', '381630957514', '{+18596579625}', 'https://crm.demo.example/tickets/71450'),
        ($1, '71451', '381630957515', '{+18596579626,+12025550143}', 'https://crm.demo.example/tickets/71451')`,
      [id],
    );
  });
  const base = `http://${config.HOST}:${config.PORT}`;
  process.stdout.write(
    [
      '',
      '  Demo company created. Its credentials are shown only now:',
      `    company key: ${key}`,
      `    API token:   ${token}`,
      '',
      `  export SB_AUTH='${key}:${token}'`,
      `  curl -u "$SB_AUTH" ${base}/manager/api/v1/agents`,
      '',
    ].join('\n') + '\n',
  );
}
