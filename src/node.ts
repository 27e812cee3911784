/**
 * scratchnet's Node-only parts (file system, network). Import from `scratchnet/node`.
 * Everything in the browser-safe entry is re-exported here too, so Node users need one import.
 * @example
 * import { tensor } from 'scratchnet/node';
 */

export * from './data/node.js';
export * from './index.js';
export * from './io/node.js';
