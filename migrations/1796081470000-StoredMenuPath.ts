import { MigrationInterface, QueryRunner } from 'typeorm';

// A menu's path from the root (`menu_path` of the call object: items_count,
// the names joined by ' / ', the ids by '/') is stored on the menu and kept
// by triggers, rather than walked up the tree by a recursive query in every
// call view: menus change rarely, calls are read and written all the time.
//
// - menus_path (BEFORE INSERT, UPDATE OF name, parent_id): the row's path is
//   its parent's plus itself. The parent is read FOR SHARE: a rename or move
//   of the parent in flight is waited for, and cannot commit under a child
//   that read its old path.
// - menus_path_down (AFTER UPDATE OF name, parent_id, when the path
//   changed): the children's paths again, which cascades down the subtree.
export class StoredMenuPath1796081470000 implements MigrationInterface {
  name = 'StoredMenuPath1796081470000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE menus ADD COLUMN path jsonb`);
    await q.query(`
      CREATE FUNCTION menus_path() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        parent jsonb;
      BEGIN
        IF NEW.parent_id IS NULL THEN
          NEW.path := jsonb_build_object('items_count', 1, 'name', NEW.name, 'materialized_path', NEW.id::text);
        ELSE
          SELECT path INTO parent FROM menus WHERE id = NEW.parent_id FOR SHARE;
          NEW.path := jsonb_build_object(
            'items_count', (parent->>'items_count')::int + 1,
            'name', (parent->>'name') || ' / ' || NEW.name,
            'materialized_path', (parent->>'materialized_path') || '/' || NEW.id);
        END IF;
        RETURN NEW;
      END
      $$`);
    await q.query(`CREATE TRIGGER menus_path BEFORE INSERT OR UPDATE OF name, parent_id ON menus FOR EACH ROW EXECUTE FUNCTION menus_path()`);
    await q.query(`
      CREATE FUNCTION menus_path_down() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE menus SET parent_id = parent_id WHERE parent_id = NEW.id;
        RETURN NULL;
      END
      $$`);
    await q.query(`
      CREATE TRIGGER menus_path_down AFTER UPDATE OF name, parent_id ON menus FOR EACH ROW
        WHEN (OLD.path IS DISTINCT FROM NEW.path) EXECUTE FUNCTION menus_path_down()`);
    // The existing menus: each root's path, which the triggers carry down
    // its subtree, as they will for every change from now on.
    await q.query(`UPDATE menus SET parent_id = parent_id WHERE parent_id IS NULL`);
    await q.query(`ALTER TABLE menus ALTER COLUMN path SET NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER menus_path_down ON menus`);
    await q.query(`DROP TRIGGER menus_path ON menus`);
    await q.query(`DROP FUNCTION menus_path_down()`);
    await q.query(`DROP FUNCTION menus_path()`);
    await q.query(`ALTER TABLE menus DROP COLUMN path`);
  }
}
