// Writes docs/lifecycle.md from the call machine (npm run docs:lifecycle).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { lifecycleTable, renderLifecycleMarkdown } from '../src/calls/lifecycle/machine/lifecycle-table';

const LIFECYCLE_DOC_PATH = join(__dirname, '..', 'docs', 'lifecycle.md');

mkdirSync(dirname(LIFECYCLE_DOC_PATH), { recursive: true });
writeFileSync(LIFECYCLE_DOC_PATH, renderLifecycleMarkdown(lifecycleTable()));
console.log(`wrote ${LIFECYCLE_DOC_PATH}`);
