/** The messages between the page and the training worker. */
import type { ModelKey, NetSnapshot } from './models';

/** The optimizers of the menu, each with the learning rate it trains well with here. */
export const OPTIMIZERS = {
  adam: { label: 'Adam', name: 'Adam', lr: 0.001 },
  momentum: { label: 'Momentum', name: 'Momentum', lr: 0.05 },
  sgd: { label: 'SGD', name: 'SGD', lr: 0.1 },
} as const;
export type OptimizerKey = keyof typeof OPTIMIZERS;

/** Page → worker. */
export type ToWorker =
  /** A new net (fresh weights) of this kind, trained with this optimizer; training stops. */
  | { type: 'reset'; model: ModelKey; optimizer: OptimizerKey }
  | { type: 'start' }
  | { type: 'pause' }
  /** A model file's bytes: it replaces the current net (training stops). */
  | { type: 'load'; name: string; bytes: ArrayBuffer }
  /** Asks for the current net as a model file. */
  | { type: 'save' };

/** Worker → page. */
export type FromWorker =
  | { type: 'data'; phase: 'loading' | 'ready'; trainSize?: number; testSize?: number; ms?: number }
  | { type: 'state'; running: boolean }
  /** Steps done since the last message: their losses, in order. */
  | { type: 'steps'; firstStep: number; losses: number[]; epoch: number }
  /** Accuracy at an epoch boundary (the book's Trainer), or of a just-loaded net (`step` 0). */
  | { type: 'accuracy'; step: number; epoch: number; trainAcc: number; testAcc: number; evalSize: number }
  /** The latest weights (a few times a second while training). */
  | { type: 'snapshot'; snapshot: NetSnapshot }
  | { type: 'loaded'; name: string; label: string; info: string }
  | { type: 'file'; bytes: ArrayBuffer; name: string }
  | { type: 'error'; message: string };
