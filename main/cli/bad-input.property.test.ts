import { execFile, fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAYERS } from '../../common/checks.ts';
import { defaultEnvironment } from '../core/environment.ts';
import { EMULATED_PRODUCTS } from '../core/emulator-images/build-emulator-images.ts';
import { writeLabRecord } from '../core/lab-store/lab-records.ts';
import { generateLabSecrets, writeLabSecrets } from '../core/lab-store/lab-secrets.ts';
import { planLab } from '../core/planner/plan-lab.ts';
import { resolveLab } from '../core/planner/plan-service.ts';
import { loadLessons } from '../core/workshop/lesson-files.ts';

/**
 * Issue #11, bad input: every flag and argument of `seclab`, fed wrong types, out-of-range numbers,
 * path tricks, shell syntax, NUL bytes, 100 kB strings, RTL/emoji/combining text and unusable paths.
 * Each command line must end within 5 s, exit non-zero with a message that names the flag (or the
 * value), and leave the temporary SECLAB_HOME, working folder and Docker untouched: DOCKER_HOST
 * names a socket nobody listens on, and a refusal must come before any engine call anyway.
 *
 * The command lines run in-process (runCli) inside a forked child, so a hang is killed and named;
 * a sample also runs through the real binary.
 */
const SECLAB = fileURLToPath(new URL('../../bin/seclab.mjs', import.meta.url));
const RUNNER = fileURLToPath(new URL('./testing/cli-case-runner.ts', import.meta.url));
const CALL_LIMIT_MS = 5_000;
/** tsx by its file URL: the runner's working folder is a temporary one, where `--import tsx` would not resolve. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const LAB = 'prop';

let root: string;
let home: string;
let workdir: string;
let aFile: string;
let env: NodeJS.ProcessEnv;
let runner: ChildProcess | undefined;
let components: string[] = [];
const lessonIds = loadLessons().map((l) => l.id);
const tally = { tried: 0, rejectedCleanly: 0 };

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  hung?: boolean;
}

function treeOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

function startRunner(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = fork(RUNNER, [], { execArgv: ['--import', TSX], cwd: workdir, env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    child.once('message', () => resolve(child));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the case runner exited (${code}) before it was ready: ${stderr}`)));
  });
}

let nextId = 0;
async function runInProcess(args: string[]): Promise<Outcome> {
  runner ??= await startRunner();
  const child = runner;
  const id = nextId++;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      // A command line that never returns: kill it (a synchronous loop ignores everything else) and start afresh.
      child.kill('SIGKILL');
      runner = undefined;
      resolve({ code: null, stdout: '', stderr: '', ms: CALL_LIMIT_MS, hung: true });
    }, CALL_LIMIT_MS);
    const onMessage = (message: Outcome & { id: number }) => {
      if (message.id !== id) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.send({ id, args });
  });
}

/** What a clean refusal is: in time, non-zero, in words that point at what was typed, and nothing made. */
async function expectCleanRefusal(args: string[], names: string[]): Promise<void> {
  tally.tried++;
  const before = treeOf(root);
  const outcome = await runInProcess(args);
  const shown = printable(args);
  expect(outcome.hung, `seclab ${shown} did not end within ${CALL_LIMIT_MS} ms`).not.toBe(true);
  expect(outcome.code, `seclab ${shown} exited 0: ${outcome.stdout.slice(0, 300)}`).not.toBe(0);
  expect(outcome.stderr, `seclab ${shown}`).not.toMatch(/DOCKER_UNREACHABLE|Docker is not running/);
  expect(outcome.stderr, `seclab ${shown}: no stack trace`).not.toMatch(/\n\s+at /);
  const named = names.some((name) => name !== '' && outcome.stderr.includes(name));
  expect(named, `seclab ${shown} said ${JSON.stringify(outcome.stderr.slice(0, 400))}, naming none of ${printable(names)}`).toBe(true);
  expect(treeOf(root), `seclab ${shown} created files`).toEqual(before);
  tally.rejectedCleanly++;
}

function printable(values: string[]): string {
  return values.map((v) => JSON.stringify(v.length > 60 ? `${v.slice(0, 40)}…(${v.length} chars)` : v)).join(' ');
}

// ——— arbitraries ———

const LONG = 'x'.repeat(100_000);
const nastyText = fc.oneof(
  fc.constantFrom(
    '../x',
    '../../etc/passwd',
    '/etc/passwd',
    '$(id)',
    '`id`',
    '; rm -rf ~',
    '| cat /etc/shadow',
    'a\0b',
    '\0',
    '',
    ' ',
    '\t',
    '\n',
    '\u202Eevil\u202C',
    '\u05E9\u05DC\u05D5\u05DD',
    '🔥🔥',
    'e\u0301\u0301\u0301',
    'ﬁ',
    '%2e%2e%2f',
    '..',
    '.',
    '/',
    '~',
    '-',
    '--',
    'null',
    'undefined',
    'true',
    '[]',
    '{}',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e3',
    '0x10',
    '0b11',
    '1.5',
    '-1',
    '-0',
    '0',
    '99999999999999999999',
    '9007199254740993',
    '１２',
    '٣',
    LONG,
    'é'.repeat(50_000),
    `${'../'.repeat(40)}x`,
  ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.double({ noNaN: false }).map(String),
);

const whole = (value: string) => (/^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN);
const inRange = (min: number, max: number) => (value: string) => Number.isInteger(whole(value)) && whole(value) >= min && whole(value) <= max;
const digitsIn = (min: number, max: number) => (value: string) => /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max;

interface FlagCase {
  /** The command words before the flag. */
  command: string[];
  /** `--flag` for an option, a label for a positional argument. */
  flag: string;
  positional?: boolean;
  /** Values the command accepts: they are not bad input and are left out. */
  accepts: (value: string) => boolean;
  /** Other arguments the command needs to reach this one. */
  rest?: string[];
  values?: fc.Arbitrary<string>;
}

const labName = (value: string) => /^[a-z](?:[a-z0-9-]{0,18}[a-z0-9])?$/.test(value);
const specFlags = (command: string): FlagCase[] => [
  { command: [command], flag: '--lab', accepts: labName },
  { command: [command], flag: '--nodes', accepts: inRange(1, 7) },
  { command: [command], flag: '--version', accepts: (v) => /^\d{1,2}\.\d{1,3}\.\d{1,3}$/.test(v) },
  { command: [command], flag: '--images', accepts: (v) => ['official', 'emulated'].includes(v) },
  { command: [command], flag: '--license', accepts: (v) => ['trial', 'basic'].includes(v) },
  { command: [command], flag: '--memory', accepts: (v) => /^(\d+)(m|g)$/i.test(v) },
  { command: [command], flag: '--agents', accepts: inRange(0, 5) },
  { command: [command], flag: '--port-elasticsearch', accepts: inRange(1024, 65535) },
  { command: [command], flag: '--port-kibana', accepts: inRange(1024, 65535) },
  { command: [command], flag: '--port-fleet-server', accepts: inRange(1024, 65535) },
];
const labOnly = (...command: string[]): FlagCase => ({ command, flag: '--lab', accepts: labName });

function flagCases(): FlagCase[] {
  return [
    ...['up', 'plan', 'doctor'].flatMap(specFlags),
    ...[['down'], ['reset'], ['status'], ['access'], ['logs'], ['lesson', 'list'], ['lesson', 'observe'], ['challenge', 'score'], ['challenge', 'stop']].map((c) => labOnly(...c)),
    { command: ['logs'], flag: '--tail', accepts: digitsIn(1, 5000), rest: ['--lab', LAB, 'es01'] },
    { command: ['logs', '--lab', LAB], flag: 'component', positional: true, accepts: (v) => components.includes(v) },
    { command: ['access', '--lab', LAB], flag: '--reveal', accepts: (v) => ['elastic', 'analyst', 'writer', 'lab_admin'].includes(v) },
    { command: ['certs'], flag: '--nodes', accepts: inRange(1, 7), rest: ['--out', 'certs-out'] },
    { command: ['certs'], flag: '--subnet-index', accepts: digitsIn(1, 254), rest: ['--out', 'certs-out'] },
    { command: ['certs'], flag: '--out', accepts: () => false, values: unusablePaths() },
    ...specFlags('export').map((c): FlagCase => ({ ...c, rest: ['--format', 'compose', '--out', 'export-out'] })),
    { command: ['export'], flag: '--format', accepts: (v) => ['compose', 'eck'].includes(v), rest: ['--out', 'export-out'] },
    { command: ['export'], flag: '--out', accepts: () => false, values: unusablePaths(), rest: ['--format', 'compose'] },
    ...['show', 'start', 'break', 'observe', 'restore'].map((verb): FlagCase => ({ command: ['lesson', verb, '--lab', LAB], flag: 'lesson id', positional: true, accepts: (v) => lessonIds.includes(v) })),
    { command: ['challenge', 'start', '--lab', LAB], flag: '--count', accepts: (v) => Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 10 },
    { command: ['challenge', 'start', '--lab', LAB], flag: '--lesson', accepts: (v) => lessonIds.includes(v) },
    { command: ['challenge', 'hint', '--lab', LAB], flag: 'slot', positional: true, accepts: digitsIn(1, 20) },
    { command: ['challenge', 'repair', '--lab', LAB], flag: 'slot', positional: true, accepts: digitsIn(1, 20) },
    { command: ['challenge', 'name', '--lab', LAB], flag: 'layer', positional: true, accepts: (v) => LAYERS.some((l) => l.id === v) },
    { command: ['ui', '--no-open'], flag: '--port', accepts: (v) => v === '0' || digitsIn(1024, 65535)(v) },
    { command: ['ui', '--no-open'], flag: '--lesson', accepts: (v) => lessonIds.includes(v) },
    { command: ['emulator', 'build'], flag: '--version', accepts: (v) => /^\d{1,2}\.\d{1,3}\.\d{1,3}$/.test(v) },
    { command: ['emulator', 'build'], flag: '--product', accepts: (v) => (EMULATED_PRODUCTS as readonly string[]).includes(v) },
  ];
}

/** Where no certificate can be written: pseudo file systems, devices, a file where a folder should be, names Linux refuses. */
function unusablePaths(): fc.Arbitrary<string> {
  const name = fc.stringMatching(/^[a-z]{1,8}$/);
  return fc.oneof(
    fc.constantFrom('/proc/x', '/proc/1/x/y', '/proc/self/x', '/sys/x', '/sys/kernel/x/y', '/dev/full', '/dev/full/x', '/dev/null', '/dev/null/x', '/proc', '/proc/self/status/x'),
    name.map((n) => `/proc/${n}`),
    name.map((n) => `/sys/${n}/${n}`),
    name.map((n) => join(aFile, n)),
    fc.constant(() => aFile).map((f) => f()),
    name.map((n) => join(root, `${n}\0x`)),
    fc.constantFrom(join('/tmp', 'x'.repeat(100_000)), join('/tmp', `${'deep/'.repeat(1000)}x`), join('/tmp', 'é'.repeat(200))),
  );
}

/** The command line for a bad value of one flag; commander reads `--flag=value` whatever the value starts with. */
function commandLine(c: FlagCase, value: string): string[] {
  if (c.positional) return [...c.command, ...(c.rest ?? []), '--', value];
  return [...c.command, `${c.flag}=${value}`, ...(c.rest ?? [])];
}

// ——— setup ———

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'seclab-bad-input-'));
  home = join(root, 'home');
  workdir = join(root, 'cwd');
  mkdirSync(workdir);
  aFile = join(root, 'a-file');
  writeFileSync(aFile, 'not a folder');
  // A lab that exists on disk (record and secrets), so what is refused is the bad value, not a missing lab.
  const { spec, allocation } = await resolveLab(defaultEnvironment({ SECLAB_HOME: home }), { name: LAB, images: 'emulated', elasticsearch: { nodes: 1 } });
  writeLabRecord(home, { spec, allocation, createdAt: new Date().toISOString() });
  writeLabSecrets(home, LAB, generateLabSecrets(defaultEnvironment({ SECLAB_HOME: home }).randomBytes));
  components = planLab(spec, allocation).containers.map((c) => c.component);
  env = { ...process.env, SECLAB_HOME: home, DOCKER_HOST: `unix://${join(root, 'nobody-listens.sock')}`, NO_COLOR: '1' };
}, 60_000);

afterAll(() => {
  runner?.kill();
  rmSync(root, { recursive: true, force: true });
  process.stdout.write(`\nbad inputs: ${tally.tried} tried, ${tally.rejectedCleanly} rejected cleanly (seclab command line)\n`);
});

// ——— properties ———

describe('seclab refuses bad input cleanly', () => {
  it('every flag and argument of every command: in time, non-zero, naming the flag or value, nothing created', async () => {
    const cases = flagCases();
    const badValue = (c: FlagCase) => (c.values ?? nastyText).filter((v) => !c.accepts(v)).map((value) => ({ c, value }));
    // Every flag gets its share, then fast-check mixes them.
    await fc.assert(
      fc.asyncProperty(fc.oneof(...cases.map(badValue)), async ({ c, value }) => {
        const names = [c.flag, value.slice(0, 40), JSON.stringify(value).slice(1, 41)];
        await expectCleanRefusal(commandLine(c, value), names);
      }),
      { numRuns: 640, seed: 1101 },
    );
  }, 120_000);

  it('flags that take no value, unknown flags and a missing value are commander errors naming the flag', async () => {
    for (const [args, name] of [
      [['up', '--json=yes'], '--json'],
      [['status', '--bogus'], '--bogus'],
      [['certs'], '--out'],
      [['export', '--out', 'x'], '--format'],
      [['export', '--format', 'compose'], '--out'],
      [['logs', '--lab', LAB], 'component'],
      [['access', '--reveal', 'elastic', '--reveal-all'], '--reveal'],
      [['lesson', 'show'], 'id'],
      [['nonsense'], 'nonsense'],
    ] as const) {
      await expectCleanRefusal([...args], [name]);
    }
  });
});

// One at a time: each start compiles the TypeScript sources, and this machine has two cores.
describe('the real binary', () => {
  async function seclab(args: string[]) {
    const before = treeOf(root);
    const result = await new Promise<{ status: number | null; signal: string | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [SECLAB, ...args], { encoding: 'utf8', cwd: workdir, env, timeout: 30_000, killSignal: 'SIGKILL' }, (error, _stdout, stderr) => {
        const failed = error as (Error & { code?: number | string; signal?: string }) | null;
        resolve({ status: failed ? (typeof failed.code === 'number' ? failed.code : null) : 0, signal: failed?.signal ?? null, stderr });
      });
    });
    return { ...result, created: treeOf(root).filter((f) => !before.includes(f)) };
  }

  // Issue #11: "`seclab certs --out /proc/x` never returns: one core at 100 %, for minutes".
  it('certs --out /proc/x returns with an error naming --out (it spun forever in mkdir on 427519f)', async () => {
    const result = await seclab(['certs', '--out', '/proc/x']);
    expect(result.signal, 'killed after 30 s: it never returned').toBeNull();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('--out /proc/x');
    expect(result.created).toEqual([]);
  }, 40_000);

  it.each([
    [['certs', '--out', '/dev/full/x'], '--out'],
    [['logs', '--lab', LAB, '--tail', '-5', 'es01'], '--tail'],
    [['ui', '--no-open', '--port', ''], '--port'],
    [['emulator', 'build', '--version', '../x'], '--version'],
    [['challenge', 'hint', '--lab', LAB, 'abc'], 'slot'],
  ])(
    'seclab %j exits non-zero naming %s, creating nothing',
    async (args, name) => {
      const result = await seclab(args);
      expect(result.signal, 'killed after 30 s').toBeNull();
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(name);
      expect(result.created).toEqual([]);
    },
    40_000,
  );
});
