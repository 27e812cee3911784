/**
 * The seed notebook (shared/seed/000_3889cf1029b132f7.txt), replayed cell by cell in scratchnet.
 * The replay itself is `replaySeedNotebook` in src/examples/seed-notebook.ts (so that
 * `scratchnet seed` can run it too); read it top to bottom alongside the notebook.
 *
 * Run: npm run seed
 */
import { replaySeedNotebook } from '../src/index.js';

replaySeedNotebook();
