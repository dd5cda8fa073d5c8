import type { EmbeddedDatabase } from '../../src/database/embedded-database';
import { dropDatabase, templateName } from './test-database';

export default async function globalTeardown(): Promise<void> {
  await dropDatabase(templateName()).catch(() => undefined);
  const embedded = (globalThis as { __SWITCHBOARD_EMBEDDED__?: EmbeddedDatabase }).__SWITCHBOARD_EMBEDDED__;
  await embedded?.stop();
  await embedded?.remove();
}
