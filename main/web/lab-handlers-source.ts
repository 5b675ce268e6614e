import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Handlers, ServerEvent } from '../../common/contract.ts';
import type { CoreEnvironment } from '../core/environment.ts';
import { createFakeLabHandlers } from './testing/fake-lab-handlers.ts';

/** Which handlers serve the UI: the real lab services, or the in-memory demo lab (no Docker). */
export type HandlerSource = 'real' | 'fake';

type CreateLabHandlers = (environment: CoreEnvironment, emit: (event: ServerEvent) => void) => Handlers | Promise<Handlers>;

const REAL_HANDLERS_PATH = fileURLToPath(new URL('../core/lab-handlers.ts', import.meta.url));

export function realHandlersExist(): boolean {
  return existsSync(REAL_HANDLERS_PATH);
}

export async function createHandlers(source: HandlerSource, environment: CoreEnvironment, emit: (event: ServerEvent) => void): Promise<Handlers> {
  if (source === 'fake') return createFakeLabHandlers({ emit });
  if (!realHandlersExist()) {
    throw new Error('The lab services (main/core/lab-handlers.ts) are not part of this build yet; run `seclab ui --demo` for the in-memory demo lab.');
  }
  // Loaded by path so this module type-checks and runs before the lab services land.
  const module = (await import(pathToFileURL(REAL_HANDLERS_PATH).href)) as { createLabHandlers: CreateLabHandlers };
  return module.createLabHandlers(environment, emit);
}
