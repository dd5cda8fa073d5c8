// Runs the built command when there is one (npm start builds it), else the
// TypeScript source through ts-node.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'src', 'scheduling', 'dispatch-due.command.js');
if (existsSync(built)) {
  require(built);
} else {
  require('ts-node').register({ transpileOnly: true, project: join(__dirname, '..', 'tsconfig.json') });
  require('../src/scheduling/dispatch-due.command.ts');
}
