import { MigrationInterface, QueryRunner } from 'typeorm';

// The Manager API as CCAI data pipelines read it (issue 16):
// - user_statuses: each company's agent statuses with colours. The four
//   built-in ones (one per availability the engine knows) are seeded for
//   every company, here for the existing ones and by a trigger for new ones.
//   A custom status is an away/offline variant an agent can be put in.
// - agents: status_updated_at (the pipelines' replication key), the custom
//   status an agent is in, agent numbers as digits only.
// - agent_activity_logs: every change of an agent's status and every call an
//   agent took part in, written by triggers in the transaction of the change,
//   whatever made it (the lifecycle's effects, call creation's statement, the
//   Manager API), so no path can forget it. Existing agents and calls are
//   back-filled.
// - teams (a tree) with their agents, and the agents and teams assigned to
//   answer a menu's queue.
export class ManagerRecords1796300000000 implements MigrationInterface {
  name = 'ManagerRecords1796300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE user_statuses (
        id            bigserial PRIMARY KEY,
        company_id    bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        color         text NOT NULL CHECK (color ~ '^#[0-9a-f]{6}$'),
        wfm_id        integer,
        availability  text NOT NULL CHECK (availability IN ('available', 'busy', 'away', 'offline')),
        built_in      boolean NOT NULL DEFAULT false,
        deleted       boolean NOT NULL DEFAULT false,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CHECK (built_in OR availability IN ('away', 'offline')),
        CHECK (NOT (built_in AND deleted))
      )`);
    await q.query(`CREATE UNIQUE INDEX user_statuses_company_name_key ON user_statuses (company_id, lower(name)) WHERE NOT deleted`);
    await q.query(`CREATE UNIQUE INDEX user_statuses_built_in_key ON user_statuses (company_id, availability) WHERE built_in`);
    await q.query(`CREATE INDEX user_statuses_company_idx ON user_statuses (company_id, id)`);

    await q.query(`
      CREATE FUNCTION seed_user_statuses(company bigint) RETURNS void LANGUAGE sql AS $$
        INSERT INTO user_statuses (company_id, name, color, availability, built_in) VALUES
          (company, 'Available', '#2ecc71', 'available', true),
          (company, 'Busy', '#e74c3c', 'busy', true),
          (company, 'Away', '#f1c40f', 'away', true),
          (company, 'Offline', '#95a5a6', 'offline', true)
      $$`);
    await q.query(`SELECT seed_user_statuses(id) FROM companies`);
    await q.query(`
      CREATE FUNCTION companies_seed_user_statuses() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM seed_user_statuses(NEW.id);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER companies_seed_user_statuses AFTER INSERT ON companies FOR EACH ROW EXECUTE FUNCTION companies_seed_user_statuses()`);

    // Agent numbers: digits only (CCAI's call records carry them as
    // integers, so at most 15 digits: a JSON number stays exact). Existing
    // ones keep their digits; one with none, or too many, is cleared.
    await q.query(`UPDATE agents SET agent_number = nullif(regexp_replace(agent_number, '[^0-9]', '', 'g'), '') WHERE agent_number IS NOT NULL`);
    await q.query(`UPDATE agents SET agent_number = NULL WHERE length(agent_number) > 15`);
    await q.query(`ALTER TABLE agents ADD CONSTRAINT agents_agent_number_digits CHECK (agent_number ~ '^[0-9]{1,15}$')`);

    await q.query(`ALTER TABLE agents ADD COLUMN user_status_id bigint REFERENCES user_statuses(id)`);
    await q.query(`ALTER TABLE agents ADD COLUMN status_updated_at timestamptz`);
    await q.query(`UPDATE agents SET status_updated_at = updated_at`);
    await q.query(`ALTER TABLE agents ALTER COLUMN status_updated_at SET NOT NULL, ALTER COLUMN status_updated_at SET DEFAULT clock_timestamp()`);
    await q.query(`CREATE INDEX agents_status_updated_idx ON agents (company_id, status_updated_at, id)`);

    await q.query(`
      CREATE TABLE agent_activity_logs (
        id          bigserial PRIMARY KEY,
        company_id  bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        agent_id    bigint NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        activity    text NOT NULL CHECK (activity IN ('status', 'call')),
        status_id   bigint REFERENCES user_statuses(id),
        call_id     bigint REFERENCES calls(id) ON DELETE CASCADE,
        started_at  timestamptz NOT NULL,
        ended_at    timestamptz,
        CHECK ((activity = 'call') = (call_id IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX agent_activity_logs_company_started_idx ON agent_activity_logs (company_id, started_at, id)`);
    await q.query(`CREATE INDEX agent_activity_logs_open_idx ON agent_activity_logs (agent_id, activity) WHERE ended_at IS NULL`);
    await q.query(`CREATE INDEX agent_activity_logs_agent_calls_idx ON agent_activity_logs (agent_id, call_id) WHERE call_id IS NOT NULL`);

    // The user status an agent is in: its custom one, or the built-in one
    // of its availability.
    await q.query(`
      CREATE FUNCTION agent_user_status(company bigint, availability text, custom bigint) RETURNS bigint LANGUAGE sql STABLE AS $$
        SELECT coalesce(custom, (SELECT id FROM user_statuses s WHERE s.company_id = company AND s.built_in AND s.availability = agent_user_status.availability))
      $$`);

    // Back-fill: each agent's current status from its last change, and each
    // call an agent took part in.
    await q.query(`
      INSERT INTO agent_activity_logs (company_id, agent_id, activity, status_id, started_at)
      SELECT company_id, id, 'status', agent_user_status(company_id, status, NULL), status_updated_at FROM agents ORDER BY id`);
    await q.query(`
      INSERT INTO agent_activity_logs (company_id, agent_id, activity, status_id, call_id, started_at, ended_at)
      SELECT a.company_id, a.id, 'call', agent_user_status(a.company_id, 'busy', NULL), p.call_id, p.created_at, p.ended_at
        FROM participants p JOIN agents a ON a.id = p.agent_id
       WHERE p.type = 'agent'
       ORDER BY p.id`);

    // A change of availability ends a custom status; the time of any change
    // is status_updated_at (never earlier than the last one).
    await q.query(`
      CREATE FUNCTION agents_status_changes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status IS DISTINCT FROM OLD.status OR NEW.user_status_id IS DISTINCT FROM OLD.user_status_id THEN
          IF NEW.status IS DISTINCT FROM OLD.status AND NEW.user_status_id IS NOT DISTINCT FROM OLD.user_status_id THEN
            NEW.user_status_id := NULL;
          END IF;
          NEW.status_updated_at := greatest(clock_timestamp(), OLD.status_updated_at);
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER agents_status_changes BEFORE UPDATE ON agents FOR EACH ROW
      WHEN (NEW.status IS DISTINCT FROM OLD.status OR NEW.user_status_id IS DISTINCT FROM OLD.user_status_id) EXECUTE FUNCTION agents_status_changes()`);
    await q.query(`
      CREATE FUNCTION agents_log_status() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          UPDATE agent_activity_logs SET ended_at = NEW.status_updated_at
           WHERE agent_id = NEW.id AND activity = 'status' AND ended_at IS NULL;
        END IF;
        INSERT INTO agent_activity_logs (company_id, agent_id, activity, status_id, started_at)
        VALUES (NEW.company_id, NEW.id, 'status', agent_user_status(NEW.company_id, NEW.status, NEW.user_status_id), NEW.status_updated_at);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER agents_log_status_start AFTER INSERT ON agents FOR EACH ROW EXECUTE FUNCTION agents_log_status()`);
    await q.query(`
      CREATE TRIGGER agents_log_status_change AFTER UPDATE ON agents FOR EACH ROW
      WHEN (NEW.status_updated_at IS DISTINCT FROM OLD.status_updated_at) EXECUTE FUNCTION agents_log_status()`);

    await q.query(`
      CREATE FUNCTION participants_log_calls() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO agent_activity_logs (company_id, agent_id, activity, status_id, call_id, started_at)
          SELECT a.company_id, a.id, 'call', agent_user_status(a.company_id, a.status, a.user_status_id), NEW.call_id, NEW.created_at
            FROM agents a WHERE a.id = NEW.agent_id;
        ELSE
          UPDATE agent_activity_logs SET ended_at = NEW.ended_at
           WHERE agent_id = NEW.agent_id AND call_id = NEW.call_id AND ended_at IS NULL;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER participants_log_call_start AFTER INSERT ON participants FOR EACH ROW
      WHEN (NEW.type = 'agent' AND NEW.agent_id IS NOT NULL) EXECUTE FUNCTION participants_log_calls()`);
    await q.query(`
      CREATE TRIGGER participants_log_call_end AFTER UPDATE OF ended_at ON participants FOR EACH ROW
      WHEN (NEW.type = 'agent' AND NEW.agent_id IS NOT NULL AND OLD.ended_at IS NULL AND NEW.ended_at IS NOT NULL) EXECUTE FUNCTION participants_log_calls()`);

    await q.query(`
      CREATE TABLE teams (
        id          bigserial PRIMARY KEY,
        company_id  bigint NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        parent_id   bigint REFERENCES teams(id),
        name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        position    integer NOT NULL DEFAULT 0,
        deleted     boolean NOT NULL DEFAULT false,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX teams_company_idx ON teams (company_id, id)`);
    await q.query(`CREATE INDEX teams_parent_idx ON teams (parent_id) WHERE parent_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE team_members (
        team_id   bigint NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        agent_id  bigint NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        PRIMARY KEY (team_id, agent_id)
      )`);
    await q.query(`CREATE INDEX team_members_agent_idx ON team_members (agent_id)`);

    await q.query(`
      CREATE TABLE menu_agent_assignments (
        menu_id   bigint NOT NULL REFERENCES menus(id) ON DELETE CASCADE,
        agent_id  bigint NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        PRIMARY KEY (menu_id, agent_id)
      )`);
    await q.query(`CREATE INDEX menu_agent_assignments_agent_idx ON menu_agent_assignments (agent_id)`);
    await q.query(`
      CREATE TABLE menu_team_assignments (
        menu_id  bigint NOT NULL REFERENCES menus(id) ON DELETE CASCADE,
        team_id  bigint NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        PRIMARY KEY (menu_id, team_id)
      )`);
    await q.query(`CREATE INDEX menu_team_assignments_team_idx ON menu_team_assignments (team_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['menu_team_assignments', 'menu_agent_assignments', 'team_members', 'teams']) await q.query(`DROP TABLE ${table}`);
    await q.query(`DROP TRIGGER participants_log_call_end ON participants`);
    await q.query(`DROP TRIGGER participants_log_call_start ON participants`);
    await q.query(`DROP FUNCTION participants_log_calls()`);
    await q.query(`DROP TRIGGER agents_log_status_change ON agents`);
    await q.query(`DROP TRIGGER agents_log_status_start ON agents`);
    await q.query(`DROP FUNCTION agents_log_status()`);
    await q.query(`DROP TRIGGER agents_status_changes ON agents`);
    await q.query(`DROP FUNCTION agents_status_changes()`);
    await q.query(`DROP TABLE agent_activity_logs`);
    await q.query(`DROP FUNCTION agent_user_status(bigint, text, bigint)`);
    await q.query(`DROP INDEX agents_status_updated_idx`);
    await q.query(`ALTER TABLE agents DROP COLUMN status_updated_at, DROP COLUMN user_status_id, DROP CONSTRAINT agents_agent_number_digits`);
    await q.query(`DROP TRIGGER companies_seed_user_statuses ON companies`);
    await q.query(`DROP FUNCTION companies_seed_user_statuses()`);
    await q.query(`DROP FUNCTION seed_user_statuses(bigint)`);
    await q.query(`DROP TABLE user_statuses`);
  }
}
