/**
 * Starts `seclab ui`'s server for the e2e tests and prints one JSON line {url, origin, port}.
 * SECLAB_E2E_HANDLERS=fake|real picks the in-memory lab or the real lab services (default:
 * real). SECLAB_E2E_STEP_MS paces the fake lab.
 */
import { defaultEnvironment } from '../../main/core/environment.ts';
import { createEventHub } from '../../main/web/event-hub.ts';
import { createHandlers, type HandlerSource } from '../../main/web/lab-handlers-source.ts';
import { startWebUi } from '../../main/web/start-web-ui.ts';
import { createFakeLabHandlers } from '../../main/web/testing/fake-lab-handlers.ts';

const requested = process.env.SECLAB_E2E_HANDLERS as HandlerSource | undefined;
const source: HandlerSource = requested ?? 'real';
const hub = createEventHub();
// "phase:component", e.g. "elasticsearch:es02": the fake lab fails there, as a broken certificate would.
const [failPhase, failComponent] = (process.env.SECLAB_E2E_FAIL_AT ?? '').split(':');
const handlers =
  source === 'fake'
    ? createFakeLabHandlers({
        emit: hub.emit,
        stepMs: Number(process.env.SECLAB_E2E_STEP_MS ?? 60),
        ...(failPhase && failComponent ? { failAt: { phase: failPhase as 'elasticsearch', component: failComponent } } : {}),
        offline: process.env.SECLAB_E2E_OFFLINE === '1',
      })
    : createHandlers('real', defaultEnvironment(), hub.emit);
const ui = await startWebUi({ handlers, subscribe: hub.subscribe, port: Number(process.env.SECLAB_E2E_PORT ?? 0), log: (line) => process.stderr.write(`${line}\n`) });
process.stdout.write(`${JSON.stringify({ url: ui.url, origin: ui.origin, port: ui.port, handlers: source })}\n`);

// As `seclab ui` does: the real handlers remove any one-shot container still in flight before the process ends.
const stop = () =>
  void Promise.resolve((handlers as { close?: () => Promise<void> }).close?.())
    .catch(() => undefined)
    .then(() => ui.close())
    .then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
