import { MigrationInterface, QueryRunner } from 'typeorm';

// Companies, their API tokens, and the configuration data the Calls API
// reads: agents, menus, outbound numbers and contacts. Every row belongs to
// one company; every lookup index leads with company_id.
export class Foundation1795431615000 implements MigrationInterface {
  name = 'Foundation1795431615000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE companies (
        id          bigserial PRIMARY KEY,
        key         text NOT NULL UNIQUE CHECK (key ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
        name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_tokens (
        id          bigserial PRIMARY KEY,
        company_id  bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        token_hash  text NOT NULL UNIQUE,
        created_at  timestamptz NOT NULL DEFAULT now(),
        revoked_at  timestamptz
      )`);
    await q.query(`CREATE INDEX api_tokens_company_idx ON api_tokens (company_id)`);

    await q.query(`
      CREATE TABLE agents (
        id              bigserial PRIMARY KEY,
        company_id      bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        email           text NOT NULL,
        first_name      text NOT NULL,
        last_name       text NOT NULL,
        agent_number    text,
        avatar_url      text,
        can_make_calls  boolean NOT NULL DEFAULT true,
        status          text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'busy', 'away', 'offline')),
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX agents_company_email_key ON agents (company_id, lower(email))`);

    await q.query(`
      CREATE TABLE menus (
        id                bigserial PRIMARY KEY,
        company_id        bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        parent_id         bigint REFERENCES menus(id),
        name              text NOT NULL,
        menu_type         text NOT NULL CHECK (menu_type IN ('ivr_menu', 'mobile_menu', 'web_menu')),
        position          integer NOT NULL DEFAULT 0,
        state             text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'after_hours', 'manual_redirection')),
        languages         text[] NOT NULL DEFAULT '{en}',
        output_msg        text,
        hidden            boolean NOT NULL DEFAULT false,
        offer_type        text NOT NULL DEFAULT 'cascade' CHECK (offer_type IN ('cascade', 'broadcast')),
        recording_option  text NOT NULL DEFAULT 'never' CHECK (recording_option IN ('always', 'never', 'ask_permission')),
        business_hours    jsonb,
        deleted           boolean NOT NULL DEFAULT false,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX menus_company_idx ON menus (company_id, id)`);
    await q.query(`CREATE INDEX menus_parent_idx ON menus (parent_id) WHERE parent_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE outbound_numbers (
        id          bigserial PRIMARY KEY,
        company_id  bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        number      text NOT NULL,
        e164        text NOT NULL,
        is_default  boolean NOT NULL DEFAULT false,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX outbound_numbers_company_e164_key ON outbound_numbers (company_id, e164)`);
    await q.query(`CREATE UNIQUE INDEX outbound_numbers_one_default ON outbound_numbers (company_id) WHERE is_default`);

    await q.query(`
      CREATE TABLE contacts (
        id              bigserial PRIMARY KEY,
        company_id      bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        ticket_id       text NOT NULL,
        out_contact_id  text,
        phone_numbers   text[] NOT NULL DEFAULT '{}',
        out_ticket_url  text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX contacts_company_ticket_key ON contacts (company_id, ticket_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['contacts', 'outbound_numbers', 'menus', 'agents', 'api_tokens', 'companies']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
