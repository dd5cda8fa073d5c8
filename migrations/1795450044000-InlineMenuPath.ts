import { MigrationInterface, QueryRunner } from 'typeorm';

// The call view now computes a menu's path inline (src/calls/call-view.sql.ts):
// PostgreSQL planned the recursive SQL function again on every call.
export class InlineMenuPath1795450044000 implements MigrationInterface {
  name = 'InlineMenuPath1795450044000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION menu_path(bigint)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION menu_path(target bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
        WITH RECURSIVE up (id, parent_id, name, depth) AS (
          SELECT id, parent_id, name, 0 FROM menus WHERE id = target
          UNION ALL
          SELECT m.id, m.parent_id, m.name, up.depth + 1 FROM menus m JOIN up ON m.id = up.parent_id WHERE up.depth < 64
        )
        SELECT CASE WHEN count(*) = 0 THEN NULL ELSE jsonb_build_object(
          'items_count', count(*),
          'name', string_agg(name, ' / ' ORDER BY depth DESC),
          'materialized_path', string_agg(id::text, '/' ORDER BY depth DESC)) END
        FROM up
      $$`);
  }
}
