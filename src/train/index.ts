/**
 * Training: the book's Trainer, with callbacks, history, seeded runs and checkpointable state.
 */
export type { Network } from './network.js';
export { pyFloat } from './py-format.js';
export {
  type EpochInfo,
  type StepInfo,
  type TrainEndInfo,
  Trainer,
  type TrainerCallbacks,
  type TrainerOptions,
  type TrainerRng,
  type TrainerState,
  type TrainHistory,
  type TrainResult,
} from './trainer.js';
