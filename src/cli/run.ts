/**
 * Runs the command line from source: `npx tsx src/cli/run.ts train ...` (the published entry is
 * `bin/scratchnet.js`, which runs the built `dist/cli/main.js`).
 * @module
 */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
