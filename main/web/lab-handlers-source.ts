import type { Handlers, ServerEvent } from '../../common/contract.ts';
import type { CoreEnvironment } from '../core/environment.ts';
import { createLabHandlers } from '../core/lab-handlers.ts';
import { createFakeLabHandlers } from './testing/fake-lab-handlers.ts';

/** Which handlers serve the UI: the real lab services, or the in-memory demo lab (`--demo`, no Docker). */
export type HandlerSource = 'real' | 'fake';

export function createHandlers(source: HandlerSource, environment: CoreEnvironment, emit: (event: ServerEvent) => void): Handlers {
  return source === 'fake' ? createFakeLabHandlers({ emit }) : createLabHandlers(environment, emit);
}
