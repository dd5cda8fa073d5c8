import { Foundation1795431615000 } from './1795431615000-Foundation';
import { Calls1795431992000 } from './1795431992000-Calls';
import { InlineMenuPath1795450044000 } from './1795450044000-InlineMenuPath';
import { StoredMenuPath1796081470000 } from './1796081470000-StoredMenuPath';
import { EventLogOutbox1796161338000 } from './1796161338000-EventLogOutbox';
import { CallViews1796170000000 } from './1796170000000-CallViews';
import { Webhooks1796180000000 } from './1796180000000-Webhooks';
import { EventRetention1796190000000 } from './1796190000000-EventRetention';
import { WebhookStreams1796195000000 } from './1796195000000-WebhookStreams';
import { Telephony1796200000000 } from './1796200000000-Telephony';
import { ManagerRecords1796300000000 } from './1796300000000-ManagerRecords';
import { IdempotencyClaims1796310000000 } from './1796310000000-IdempotencyClaims';

// Every migration, in order. Listed here rather than globbed so the app,
// the tests and the CLI load the same classes whether run from TypeScript or
// from dist/.
export const MIGRATIONS = [Foundation1795431615000, Calls1795431992000, InlineMenuPath1795450044000, StoredMenuPath1796081470000, EventLogOutbox1796161338000, CallViews1796170000000, Webhooks1796180000000, EventRetention1796190000000, WebhookStreams1796195000000, Telephony1796200000000, ManagerRecords1796300000000, IdempotencyClaims1796310000000];
