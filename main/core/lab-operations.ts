import type { ServerEvent } from '../../common/contract.ts';
import { SeclabError, serializeError } from '../../common/errors.ts';
import type { LabStatus } from '../../common/lab-status.ts';
import type { LabAction, LabOperation } from '../../common/lab-operations.ts';

const DOING: Record<LabAction, string> = { up: 'being brought up', reset: 'being reset', down: 'being torn down' };

export interface LabOperations {
  /** Runs `work` as the lab's one operation: a second one on the same lab is refused (LAB_BUSY) while it runs. */
  run<T>(lab: string, action: LabAction, work: () => Promise<T>, statusOf?: (result: T) => LabStatus): Promise<T>;
  /** Every operation in progress with its events so far. */
  list(): LabOperation[];
  current(lab: string): LabOperation | undefined;
  /** Refuses `what` (e.g. "checks") on a lab that has an operation in progress, saying when to try again. */
  requireIdle(lab: string, what: string): void;
  /** Called on every event leaving the handlers (after scrubbing): keeps a lab event of a lab at work, numbered. */
  track(event: ServerEvent): ServerEvent;
}

/**
 * The operations in progress per lab, with what each emitted so far. Emitting through `emit`
 * announces start and end to every window; `track` records the lab events, so a window that
 * opens mid-way (a reload, a second tab) rejoins the work instead of reading a half-built lab.
 * In-process only: another process's `seclab up` is not seen here.
 */
export function createLabOperations(options: { now: () => Date; emit: (event: ServerEvent) => void }): LabOperations {
  const operations = new Map<string, LabOperation>();

  const current = (lab: string) => operations.get(lab);
  const requireIdle = (lab: string, what: string) => {
    const operation = operations.get(lab);
    if (!operation) return;
    const seconds = Math.max(0, Math.round((options.now().getTime() - Date.parse(operation.startedAt)) / 1000));
    throw new SeclabError('LAB_BUSY', `lab "${lab}" is ${DOING[operation.action]} (for ${seconds} s): ${what} once that is done`, { lab });
  };

  return {
    async run(lab, action, work, statusOf) {
      requireIdle(lab, action === 'down' ? 'tear it down' : action === 'reset' ? 'reset it' : 'start it again');
      const operation: LabOperation = { lab, action, startedAt: options.now().toISOString(), events: [] };
      operations.set(lab, operation);
      options.emit({ type: 'operation-started', operation: { lab, action, startedAt: operation.startedAt } });
      try {
        const result = await work();
        operations.delete(lab);
        options.emit({ type: 'operation-ended', lab, action, startedAt: operation.startedAt, outcome: 'done', ...(statusOf ? { status: statusOf(result) } : {}) });
        return result;
      } catch (error) {
        operations.delete(lab);
        options.emit({ type: 'operation-ended', lab, action, startedAt: operation.startedAt, outcome: 'failed', error: errorOf(error) });
        throw error;
      }
    },
    list: () => [...operations.values()].map((operation) => ({ ...operation, events: [...operation.events] })),
    current,
    requireIdle,
    track(event) {
      if (event.type !== 'lab-event') return event;
      const operation = operations.get(event.event.lab);
      if (!operation) return event;
      operation.events.push(event.event);
      return { ...event, index: operation.events.length - 1 };
    },
  };
}

function errorOf(error: unknown) {
  const { code, message, context } = serializeError(error);
  return { code, message, context: { ...context } };
}
