import type { Handlers, ServerEvent } from '../../common/contract.ts';
import type { CoreEnvironment } from '../core/environment.ts';

export type CreateLabHandlers = (environment: CoreEnvironment, emit: (event: ServerEvent) => void) => Handlers | Promise<Handlers>;

/**
 * Stand-in until main/core/lab-handlers.ts lands: scripts/build-electron.mjs resolves this module
 * to the real one when that file exists, so the desktop bundle serves the real lab.
 */
export const createLabHandlers: CreateLabHandlers | undefined = undefined;
