import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAYERS } from '../../common/checks.ts';
import { METHOD_NAMES, type Envelope, type Handlers, type MethodName, type ServerEvent } from '../../common/contract.ts';
import { ipcChannelOf } from '../../common/dispatch.ts';
import { defaultEnvironment } from '../../main/core/environment.ts';
import { createLabHandlers } from '../../main/core/lab-handlers.ts';
import { APP_ENTRY_URL } from '../../main/electron/app-origin.ts';
import { registerLabIpc } from '../../main/electron/ipc-adapter.ts';
import { createEventHub } from '../../main/web/event-hub.ts';
import { PAGE_KEY_HEADER } from '../../main/web/session-gate.ts';
import { startWebUi, type WebUi } from '../../main/web/start-web-ui.ts';
import { createFakeLabHandlers } from '../../main/web/testing/fake-lab-handlers.ts';

/**
 * Issue #11, bad input over the API: every method of common/contract.ts and every lab-spec field,
 * through Electron's IPC adapter (its handler called directly, from a trusted frame) and through
 * `seclab ui`'s HTTP server in-process. Each call answers within 1 s with ok:false, an
 * INVALID_INPUT-like code (400 over HTTP) and a message naming the field; no handler sees a
 * contract-refused argument, and nothing is made: no operation, no event, no file, no engine call.
 */
const CALL_LIMIT_MS = 1_000;
const tally = { tried: 0, rejectedCleanly: 0 };

let root: string;
let ui: WebUi;
let headers: Record<string, string>;
const agent = new Agent({ keepAlive: true });
const events: ServerEvent[] = [];
const handlerCalls: string[] = [];
let engineCalls = 0;

type Listener = (event: IpcMainInvokeEvent, input: unknown) => Promise<Envelope<unknown>>;
const fromApp = { senderFrame: { url: APP_ENTRY_URL, parent: null } } as unknown as IpcMainInvokeEvent;

function ipcOf(handlers: Handlers): (method: MethodName, input: unknown) => Promise<Envelope<unknown>> {
  const channels = new Map<string, Listener>();
  registerLabIpc({ handle: (channel: string, listener: Listener) => void channels.set(channel, listener), removeHandler: () => undefined } as never, handlers);
  // Electron's IPC carries arguments as structured clones: the handler never sees the sender's objects.
  return (method, input) => channels.get(ipcChannelOf(method))!(fromApp, structuredClone(input));
}

/** The handlers, with a note of every call that gets through the contract's validation. */
function spied(handlers: Handlers): Handlers {
  return Object.fromEntries(METHOD_NAMES.map((method) => [method, (input: unknown) => (handlerCalls.push(method), (handlers[method] as (input: unknown) => Promise<unknown>)(input))])) as Handlers;
}

let fakeIpc: (method: MethodName, input: unknown) => Promise<Envelope<unknown>>;
let realIpc: (method: MethodName, input: unknown) => Promise<Envelope<unknown>>;

function post(method: string, body: string): Promise<{ status: number; envelope: Envelope<unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: ui.port, path: `/api/${method}`, method: 'POST', headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, envelope: JSON.parse(text) as Envelope<unknown> }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function within<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${CALL_LIMIT_MS} ms`)), CALL_LIMIT_MS)));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 100)}…(${text.length} chars)` : text;
}

function expectRefused(via: string, envelope: Envelope<unknown>, codes: string[], names: string[]): void {
  expect(envelope.ok, `${via} accepted it`).toBe(false);
  if (envelope.ok) return;
  expect(codes, `${via}: ${envelope.error.message.slice(0, 300)}`).toContain(envelope.error.code);
  const named = names.some((name) => envelope.error.message.includes(name));
  expect(named, `${via} said ${JSON.stringify(envelope.error.message.slice(0, 300))}, naming none of ${show(names)}`).toBe(true);
  expect(envelope.error.message, `${via}: no stack trace`).not.toMatch(/\n\s+at /);
}

/** One bad argument through every transport; nothing may come of it. */
async function expectCleanRefusal(method: MethodName, input: unknown, names: string[], options: { reachesHandler?: boolean } = {}): Promise<void> {
  const codes = ['INVALID_INPUT', 'LAB_SPEC_INVALID'];
  const before = { files: readdirSync(root, { recursive: true }).length, events: events.length, calls: handlerCalls.length, engine: engineCalls };
  const via = `${method}(${show(input)})`;
  tally.tried += 3;
  expectRefused(`IPC, demo handlers: ${via}`, await within(`IPC ${via}`, fakeIpc(method, input)), codes, names);
  tally.rejectedCleanly++;
  expectRefused(`IPC, real handlers: ${via}`, await within(`IPC ${via}`, realIpc(method, input)), codes, names);
  tally.rejectedCleanly++;
  const body = JSON.stringify(input) ?? 'null';
  const http = await within(`HTTP ${via}`, post(method, body));
  expect(http.status, `HTTP ${via}`).toBe(400);
  expectRefused(`HTTP: ${via}`, http.envelope, codes, names);
  tally.rejectedCleanly++;
  if (!options.reachesHandler) expect(handlerCalls.slice(before.calls), `a handler saw ${via}`).toEqual([]);
  expect(events.slice(before.events), `${via} started something`).toEqual([]);
  expect(engineCalls, `${via} reached the Docker engine`).toBe(before.engine);
  expect(readdirSync(root, { recursive: true }).length, `${via} wrote files`).toBe(before.files);
}

// ——— arbitraries ———

const LONG = 'x'.repeat(100_000);
const nastyString = fc.oneof(
  fc.constantFrom(
    '../x',
    '../../etc/passwd',
    '/etc/passwd',
    '$(id)',
    '`id`',
    'a\0b',
    '\0',
    '',
    ' ',
    '\u202Eevil',
    '\u05E9\u05DC\u05D5\u05DD',
    '🔥',
    'e\u0301\u0301',
    '..',
    '%2e%2e%2f',
    'ES01',
    'Default',
    LONG,
    'é'.repeat(50_000),
    '/proc/x',
    '/dev/full',
  ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }),
);
const wrongTypeForString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
);
const wrongTypeForNumber = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('5', '1e3', ''),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }),
);
const badNumber = (min: number, max: number) =>
  fc.oneof(
    wrongTypeForNumber,
    fc.integer({ min: -1e9, max: min - 1 }),
    fc.integer({ min: max + 1, max: 1e9 }),
    fc.double({ min: min, max: max, noNaN: true, noInteger: true }),
    fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, min > 0 ? 0 : min - 1),
  );
const badMatching = (valid: (value: string) => boolean) =>
  fc.oneof(
    wrongTypeForString,
    nastyString.filter((v) => !valid(v)),
  );
const badBoolean = fc.oneof(fc.constantFrom('true', 'false', 0, 1, 'yes', null, [], {}), fc.string({ maxLength: 5 }));

const labName = (v: string) => /^[a-z](?:[a-z0-9-]{0,18}[a-z0-9])?$/.test(v);
const badLab = badMatching(labName);
const OK_LAB = 'default';

/** Per method: its fields, each with the arbitrary of what it must refuse, and the valid rest of the argument. */
const FIELDS: Partial<Record<MethodName, Record<string, fc.Arbitrary<unknown>>>> = {
  'labs.down': { lab: badLab, purge: badBoolean },
  'labs.reset': { lab: badLab },
  'labs.status': { lab: badLab },
  'labs.access': { lab: badLab },
  'labs.revealSecret': { lab: badLab, username: badMatching((v) => ['elastic', 'analyst', 'writer', 'lab_admin'].includes(v)) },
  'labs.caCertificate': { lab: badLab },
  'labs.export': { lab: badLab, format: badMatching((v) => ['compose', 'eck'].includes(v)), outDir: fc.oneof(wrongTypeForString, fc.constantFrom('', 'x'.repeat(5000), '/tmp/a\0b')) },
  'labs.logs': { lab: badLab, component: badMatching((v) => /^[a-z][a-z0-9-]{0,30}$/.test(v)), tail: badNumber(1, 5000) },
  'logs.follow': { lab: badLab, component: badMatching((v) => /^[a-z][a-z0-9-]{0,30}$/.test(v)) },
  'logs.unfollow': { subscription: wrongTypeForString },
  'checks.run': { lab: badLab },
  'lessons.show': { id: badMatching((v) => /^[a-z][a-z0-9-]{0,40}$/.test(v)) },
  'lessons.current': { lab: badLab },
  'lessons.break': { lab: badLab, id: badMatching((v) => /^[a-z][a-z0-9-]{0,40}$/.test(v)) },
  'lessons.observe': { lab: badLab, id: badMatching((v) => /^[a-z][a-z0-9-]{0,40}$/.test(v)) },
  'lessons.restore': { lab: badLab, id: badMatching((v) => /^[a-z][a-z0-9-]{0,40}$/.test(v)) },
  'challenges.start': {
    lab: badLab,
    count: badNumber(1, 10),
    lessons: fc.oneof(
      wrongTypeForString.filter((v) => !Array.isArray(v)),
      fc.array(
        badMatching((v) => /^[a-z][a-z0-9-]{0,40}$/.test(v)),
        { minLength: 1, maxLength: 3 },
      ),
      fc.constant(Array(11).fill('http-tls')),
    ),
  },
  'challenges.score': { lab: badLab },
  'challenges.hint': { lab: badLab, slot: badNumber(1, 20) },
  'challenges.name': { lab: badLab, layer: badMatching((v) => LAYERS.some((l) => l.id === v)) },
  'challenges.repair': { lab: badLab, slot: badNumber(1, 20) },
  'challenges.stop': { lab: badLab },
  'labs.plan': { spec: fc.oneof(wrongTypeForString.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))) },
};
const VALID: Partial<Record<MethodName, Record<string, unknown>>> = {
  'labs.revealSecret': { username: 'elastic' },
  'labs.logs': { component: 'es01' },
  'labs.export': { format: 'compose' },
  'logs.follow': { component: 'es01' },
  'logs.unfollow': { subscription: 'x' },
  'lessons.show': { id: 'http-tls' },
  'lessons.break': { id: 'http-tls' },
  'lessons.observe': { id: 'http-tls' },
  'challenges.hint': { slot: 1 },
  'challenges.name': { layer: 'http' },
  'challenges.repair': { slot: 1 },
  'labs.plan': { spec: {} },
};

const fieldCases = Object.entries(FIELDS).flatMap(([method, fields]) =>
  Object.entries(fields!).map(([field, bad]) =>
    bad.map((value) => ({
      method: method as MethodName,
      input: { ...(method.startsWith('labs.plan') || method === 'lessons.show' || method === 'logs.unfollow' ? {} : { lab: OK_LAB }), ...VALID[method as MethodName], [field]: value },
      names: [field],
    })),
  ),
);
/** A whole argument of the wrong shape, for every method. */
const wrongShape = fc
  .record({ method: fc.constantFrom(...METHOD_NAMES), input: fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.boolean(), fc.array(fc.integer(), { maxLength: 2 })) })
  .map(({ method, input }) => ({ method, input, names: ['(input)'] }));

/** Lab-spec fields (common/lab-spec.ts), through the three methods that take a spec; the spec's own rules refuse them in the handler. */
const SPEC_FIELDS: Record<string, fc.Arbitrary<unknown>> = {
  name: badLab,
  version: badMatching((v) => /^\d{1,2}\.\d{1,3}\.\d{1,3}$/.test(v)),
  images: badMatching((v) => ['official', 'emulated'].includes(v)),
  license: badMatching((v) => ['trial', 'basic'].includes(v)),
  'elasticsearch.nodes': badNumber(1, 7),
  'elasticsearch.memory': badMatching((v) => /^(\d+)(m|g)$/i.test(v)),
  kibana: badBoolean,
  fleetServer: badBoolean,
  agents: badNumber(0, 5),
  'ports.elasticsearch': badNumber(1024, 65535),
  'ports.kibana': badNumber(1024, 65535),
  'ports.fleetServer': badNumber(1024, 65535),
};
function specWith(path: string, value: unknown): Record<string, unknown> {
  const [head, tail] = path.split('.');
  return tail ? { [head]: { [tail]: value } } : { [head]: value };
}
const specCases = fc
  .record({ method: fc.constantFrom<MethodName>('labs.plan', 'labs.preflight', 'labs.up'), field: fc.constantFrom(...Object.keys(SPEC_FIELDS)) })
  .chain(({ method, field }) => SPEC_FIELDS[field].map((value) => ({ method, input: { spec: specWith(field, value) }, names: [field] })));
const unknownSpecKey = fc
  .record({ method: fc.constantFrom<MethodName>('labs.plan', 'labs.preflight', 'labs.up'), key: fc.constantFrom('__proto__x', 'constructor', 'nodes', 'x'.repeat(1000), '../x', 'ip_filter') })
  .map(({ method, key }) => ({ method, input: { spec: { [key]: 1 } }, names: [key.slice(0, 40), 'unrecognized', 'Unrecognized'] }));

// ——— setup ———

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'seclab-bad-api-'));
  const hub = createEventHub();
  hub.subscribe((event) => events.push(event));
  const fake = spied(createFakeLabHandlers({ emit: hub.emit, stepMs: 0 }));
  fakeIpc = ipcOf(fake);
  // The real handlers over a temporary home, with an engine nobody answers on; any engine use is counted.
  const environment = defaultEnvironment({ SECLAB_HOME: join(root, 'home') });
  const engine = environment.engine;
  environment.engine = () => (engineCalls++, engine());
  realIpc = ipcOf(createLabHandlers(environment, hub.emit));
  const rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>seclab</title>');
  ui = await startWebUi({ handlers: fake, subscribe: hub.subscribe, rendererDir });
  const link = new URL(ui.url);
  const exchange = await fetch(`${ui.origin}${link.pathname}${link.search}`, { redirect: 'manual' });
  headers = {
    Cookie: String(exchange.headers.get('set-cookie')).split(';')[0],
    [PAGE_KEY_HEADER]: link.hash.slice('#key='.length),
    Origin: ui.origin,
    'Content-Type': 'application/json',
  };
});

afterAll(async () => {
  agent.destroy();
  await ui?.close();
  rmSync(root, { recursive: true, force: true });
  process.stdout.write(`\nbad inputs: ${tally.tried} tried, ${tally.rejectedCleanly} rejected cleanly (API: IPC with demo and real handlers, HTTP)\n`);
});

describe('the API refuses bad input cleanly, over IPC and HTTP', () => {
  it('every field of every contract method: 400/INVALID_INPUT naming the field, no handler reached, nothing made', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(...fieldCases, wrongShape), async ({ method, input, names }) => expectCleanRefusal(method, input, names)),
      { numRuns: 300, seed: 1102 },
    );
  }, 60_000);

  it('every lab-spec field through labs.plan, labs.preflight and labs.up: LAB_SPEC_INVALID naming the field, no operation, no engine call', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(specCases, unknownSpecKey), async ({ method, input, names }) => expectCleanRefusal(method, input, names, { reachesHandler: true })),
      { numRuns: 120, seed: 1103 },
    );
  }, 60_000);
});
