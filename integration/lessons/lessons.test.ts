/**
 * The workshop's "Done when", on one emulated lab: every lesson's break → observe → restore, run
 * in turn. After the break the lesson's checks fail — and no others, except the dependents the
 * lesson declares — and its demonstration shows the consequence in its real output; after the
 * restore every check is back to the fresh lab's status (runtime.limits is `warn` on a capped
 * engine: the baseline is the fresh lab, not "all pass").
 */
import { spawn, execFile } from 'node:child_process';
import { chmodSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_IDS, type CheckId } from '../../common/checks.ts';
import type { LessonStep } from '../../common/workshop.ts';
import { upLab } from '../../main/core/orchestrator/up-lab.ts';
import { observeLab } from '../../main/core/orchestrator/observe-lab.ts';
import { readLabSecrets, requireSecret } from '../../main/core/lab-store/lab-secrets.ts';
import { verifyLab } from '../../main/core/verification/verify-lab.ts';
import { loadLessons } from '../../main/core/workshop/lesson-files.ts';
import { breakLesson, observeLesson, restoreLesson } from '../../main/core/workshop/lesson-engine.ts';
import { readWorkshopJournal } from '../../main/core/workshop/workshop-journal.ts';
import type { ServerEvent } from '../../common/contract.ts';
import { createLabHandlers } from '../../main/core/lab-handlers.ts';
import { labPaths } from '../../main/core/lab-store/lab-home.ts';
import { connectElasticsearch } from '../../main/core/stack/elasticsearch-client.ts';
import { readLabRecord } from '../../main/core/lab-store/lab-records.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestLabHome, uniqueLabName, type TestLabHome } from '../support/test-lab.ts';
import { describeResults, statusesOf, waitForChecks, type Statuses } from '../verification/support/verify-helpers.ts';

async function waitForEvent<T extends ServerEvent>(events: ServerEvent[], match: (event: ServerEvent) => event is T, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = events.find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs / 1000}s; received: ${JSON.stringify(events.map((e) => e.type))}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const LAB = uniqueLabName('ls');
const ONLY = process.env.SECLAB_LESSONS?.split(',');
const lessons = loadLessons().filter((lesson) => !ONLY || ONLY.includes(lesson.id));

let test: TestLabHome;
let baseline: Statuses;

/** What a demonstration shows once the layer is back (run only where the lesson's point is the refusal's own words). */
const AFTER_RESTORE: Record<string, (step: LessonStep, text: string) => void> = {
  'transport-mutual-auth': (step, text) => {
    expect(step.demonstration!.happened, text).toBe(false);
    for (const node of ['es01', 'es02', 'es03'])
      expect(text).toMatch(
        new RegExp(
          `${node} refused it(?: \\(\\d+ times\\))?:\\n\\s+${node} WARN \\S+: failed to establish trust with client at \\[[\\d.]+\\]; .*(is not trusted in this ssl context|is not configured to trust that issuer|signatures do not match)`,
        ),
      );
    expect(text).toContain('the rogue completed no transport handshake');
  },
};

/** What each demonstration's real output must show while the layer is off. */
const CONSEQUENCE: Record<string, (step: LessonStep, text: string) => void> = {
  'network-exposure': (_, text) => expect(text).toMatch(/published on 0\.0\.0\.0:\d+[\s\S]*CONNECTED/),
  'ip-filter': (_, text) => expect(text).toMatch(/172\.29\.\d+\.2\d\d → es01 .*HTTP answered: HTTP\/1\.1 401/),
  'transport-mutual-auth': (_, text) => {
    expect(text).toMatch(/rogue completed a transport handshake with es02 .*LET THE ROGUE IN/);
    expect(text).toMatch(/es0[13] refused it(?: \(\d+ times\))?:\n\s+es0[13] WARN \S+: failed to establish trust with client at \[172\.\d+\.\d+\.\d+\]/);
  },
  'http-tls': (_, text) => {
    const password = requireSecret(readLabSecrets(test.home, LAB)!, 'writer-password');
    const header = /> Authorization: Basic (\S+)/.exec(text)?.[1];
    expect(header, text).toBeDefined();
    expect(Buffer.from(header!, 'base64').toString('utf8')).toBe(`writer:${password}`);
  },
  'anonymous-access': (_, text) => {
    expect(text).toMatch(/_authenticate \(no credentials\) → HTTP 200: user anonymous_visitor, roles lab_analyst, realm __anonymous, authentication_type anonymous/);
    expect(text).toMatch(/lab-\*\/_search\?size=3 \(no credentials\) → HTTP 200: [1-9]\d* hit/);
  },
  'least-privilege': (_, text) => expect(text).toMatch(/analyst DELETE \/lab-demo-\d+ → HTTP 200/),
  'service-accounts': (_, text) => expect(text).toMatch(/user lab_admin, roles superuser[\s\S]*GET \/_security\/user → HTTP 200: .*analyst/),
  'secrets-in-env': (_, text) => expect(text).toContain(`ELASTICSEARCH_PASSWORD=${requireSecret(readLabSecrets(test.home, LAB)!, 'kibana-system-password')}`),
  'kibana-encryption-keys': (_, text) => expect(text).toMatch(/random key for xpack\.reporting\.encryptionKey/i),
  'runtime-root': (_, text) => expect(text).toMatch(/^0 \d+ /m),
  'audit-off': (_, text) => expect(text).toMatch(/→ HTTP 401[\s\S]*0 line\(s\) naming mallory/),
  'host-files': (_, text) => expect(text).toMatch(/^0755 /m),
};

describe('lessons on one emulated lab', { timeout: 600_000 }, () => {
  beforeAll(async () => {
    test = createTestLabHome();
    await upLab(test.context, { name: LAB, images: 'emulated' });
    baseline = statusesOf(await verifyLab(test.environment, LAB));
  }, 600_000);

  afterAll(async () => {
    await test?.cleanup([LAB]);
  });

  it('has at least one lesson per seed layer, ten or more in all', () => {
    const all = loadLessons();
    expect(all.length).toBeGreaterThanOrEqual(10);
    expect(new Set(all.map((l) => l.seedSection))).toEqual(new Set(['Network access', 'Cluster communication', 'User roles', 'Data, objects and settings security']));
  });

  for (const lesson of lessons) {
    it(`${lesson.id}: break → observe → restore`, async () => {
      const broken = await breakLesson(test.context, LAB, lesson.id);
      const table = describeResults(broken.checks);
      const dependents = new Set<CheckId>(lesson.dependents.map((d) => d.check));
      for (const id of lesson.checks) expect(broken.checks.find((c) => c.id === id)?.status, `${id} should fail:\n${table}`).toBe('fail');
      for (const id of CHECK_IDS) {
        if (lesson.checks.includes(id) || dependents.has(id)) continue;
        expect(broken.checks.find((c) => c.id === id)?.status, `${id} does not depend on ${lesson.id}:\n${table}`).toBe(baseline[id]);
      }
      const status = await observeLab(test.environment.engine(), test.home, LAB);
      expect(status.workshop?.message).toBe(`lesson ${lesson.id} in progress: ${lesson.break.summary} on purpose`);
      const output = broken.demonstration!.output.join('\n');
      console.log(`${lesson.id} demonstration:\n  ${broken.demonstration!.output.join('\n  ')}`);
      expect(broken.demonstration!.happened, output).toBe(true);
      CONSEQUENCE[lesson.id]?.(broken, output);

      const restored = await restoreLesson(test.context, LAB, lesson.id);
      expect(restored.failing).toEqual([]);
      expect(readWorkshopJournal(test.home, LAB)).toBeUndefined();
      const results = await waitForChecks(test.environment, LAB, [...CHECK_IDS], (r) => r.status === baseline[r.id], 120_000);
      expect(
        results.every((r) => r.status === baseline[r.id]),
        describeResults(results),
      ).toBe(true);
      const afterRestore = AFTER_RESTORE[lesson.id];
      if (afterRestore) {
        const intact = await observeLesson(test.context, LAB, lesson.id);
        const text = intact.demonstration!.output.join('\n');
        console.log(`${lesson.id} demonstration with the layer back:\n  ${intact.demonstration!.output.join('\n  ')}`);
        afterRestore(intact, text);
      }
    });
  }

  it('challenge: layers broken silently; a scripted student fixes them with the security API and chmod; the board notices by itself and pushes it', async () => {
    const events: ServerEvent[] = [];
    const handlers = createLabHandlers(test.environment, (event) => events.push(event));
    try {
      const board = await handlers['challenges.start']({ lab: LAB, count: 1, lessons: ['least-privilege', 'host-files'] });
      expect(board.entries.map((e) => [e.solved, e.lesson, e.layer])).toEqual([
        [false, undefined, undefined],
        [false, undefined, undefined],
      ]);
      const status = await observeLab(test.environment.engine(), test.home, LAB);
      expect(status.workshop?.message).toBe('challenge in progress: 2 of 2 broken layers still to find (which ones is hidden)');
      expect(JSON.stringify(status.workshop)).not.toMatch(/least-privilege|host-files/);
      expect((await handlers['challenges.hint']({ lab: LAB, slot: 1 })).step).toBe(1);
      expect((await handlers['challenges.name']({ lab: LAB, layer: 'fleet' })).correct).toBe(false);

      // The student, without the app: the official client as lab_admin, and chmod.
      const record = readLabRecord(test.home, LAB)!;
      const secrets = readLabSecrets(test.home, LAB)!;
      const client = connectElasticsearch({
        url: `https://127.0.0.1:${record.allocation.ports.elasticsearch}`,
        caPem: readFileSync(join(labPaths(test.home, LAB).certs, 'ca', 'ca.crt'), 'utf8'),
        auth: { username: 'lab_admin', password: requireSecret(secrets, 'lab-admin-password') },
      });
      try {
        const role = (await client.security.getRole({ name: 'lab_analyst' })).lab_analyst;
        expect(role.indices[0].privileges).toContain('delete_index');
        await client.security.putRole({ name: 'lab_analyst', indices: [{ names: ['lab-*'], privileges: ['read', 'view_index_metadata'] }] });
      } finally {
        await client.close();
      }
      chmodSync(labPaths(test.home, LAB).root, 0o700);

      // Nobody calls challenges.score: the verifier notices the fixes and pushes the board.
      const pushed = await waitForEvent(events, (event): event is Extract<ServerEvent, { type: 'challenge-changed' }> => event.type === 'challenge-changed' && event.lab === LAB && event.board.solved === 2, 60_000);
      const scored = pushed.board;
      expect(scored.active).toBe(false);
      expect(scored.entries.map((e) => [e.lesson, e.fixedWith])).toEqual([
        ['least-privilege', 'real-tool'],
        ['host-files', 'real-tool'],
      ]);
      expect(scored.entries[0].hintsUsed).toBe(1);
      for (const entry of scored.entries) expect(entry.secondsToFix).toBeGreaterThanOrEqual(0);
      expect(scored.checks?.find((c) => c.id === 'auth.least-privilege')?.status).toBe('pass');
      expect(readWorkshopJournal(test.home, LAB)?.challenge?.entries.every((e) => e.solvedAt)).toBe(true);
      await handlers['challenges.stop']({ lab: LAB });
    } finally {
      handlers.close();
    }
    expect(readWorkshopJournal(test.home, LAB)).toBeUndefined();
    expect(statSync(labPaths(test.home, LAB).root).mode & 0o777).toBe(0o700);
    const results = await waitForChecks(test.environment, LAB, [...CHECK_IDS], (r) => r.status === baseline[r.id], 120_000);
    expect(
      results.every((r) => r.status === baseline[r.id]),
      describeResults(results),
    ).toBe(true);
  });

  it('a `seclab lesson break` killed mid-break (SIGKILL) is restored by the next `seclab status`, which says so', async () => {
    const env = { ...process.env, SECLAB_HOME: test.home, NO_COLOR: '1' };
    const es02 = `seclab-${LAB}-es02`;
    const createdBefore = (await test.environment.engine().inspectContainer(es02))!.Created;
    const child = spawn(process.execPath, ['bin/seclab.mjs', 'lesson', 'break', 'http-tls', '--lab', LAB], { env, stdio: 'ignore' });
    try {
      // Wait until the break is under way: the journal says "breaking" and es02 has been recreated.
      const deadline = Date.now() + 120_000;
      for (;;) {
        const journal = readWorkshopJournal(test.home, LAB);
        const created = (await test.environment.engine().inspectContainer(es02))?.Created;
        if (journal?.phase === 'breaking' && created && created !== createdBefore) break;
        expect(journal?.phase, 'the break finished before it could be killed').not.toBe('broken');
        if (Date.now() > deadline) throw new Error('the break never got under way');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((resolve) => child.once('exit', resolve));
    expect(readWorkshopJournal(test.home, LAB)?.phase).toBe('breaking');

    const { stdout } = await promisify(execFile)(process.execPath, ['bin/seclab.mjs', 'status', '--lab', LAB, '--json'], { env, maxBuffer: 16 * 1024 * 1024 }).catch((error: { stdout: string }) => ({
      stdout: error.stdout,
    }));
    const status = JSON.parse(stdout) as { workshopRecovered?: string; workshop?: unknown };
    expect(status.workshopRecovered).toMatch(new RegExp(`restored lab "${LAB}" after an interrupted lesson http-tls: \`seclab lesson break http-tls\` \\(pid \\d+\\) is gone`));
    expect(status.workshop).toBeUndefined();
    expect(readWorkshopJournal(test.home, LAB)).toBeUndefined();
    const results = await waitForChecks(test.environment, LAB, [...CHECK_IDS], (r) => r.status === baseline[r.id], 120_000);
    expect(
      results.every((r) => r.status === baseline[r.id]),
      describeResults(results),
    ).toBe(true);
  });
});
