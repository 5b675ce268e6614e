/**
 * The workshop's "Done when", on one emulated lab: every lesson's break → observe → restore, run
 * in turn. After the break the lesson's checks fail — and no others, except the dependents the
 * lesson declares — and its demonstration shows the consequence in its real output; after the
 * restore every check is back to the fresh lab's status (runtime.limits is `warn` on a capped
 * engine: the baseline is the fresh lab, not "all pass").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_IDS, type CheckId } from '../../common/checks.ts';
import type { LessonStep } from '../../common/workshop.ts';
import { upLab } from '../../main/core/orchestrator/up-lab.ts';
import { observeLab } from '../../main/core/orchestrator/observe-lab.ts';
import { readLabSecrets, requireSecret } from '../../main/core/lab-store/lab-secrets.ts';
import { verifyLab } from '../../main/core/verification/verify-lab.ts';
import { loadLessons } from '../../main/core/workshop/lesson-files.ts';
import { breakLesson, restoreLesson } from '../../main/core/workshop/lesson-engine.ts';
import { readWorkshopJournal } from '../../main/core/workshop/workshop-journal.ts';
import { createTestLabHome, uniqueLabName, type TestLabHome } from '../support/test-lab.ts';
import { describeResults, statusesOf, waitForChecks, type Statuses } from '../verification/support/verify-helpers.ts';

const LAB = uniqueLabName('ls');
const ONLY = process.env.SECLAB_LESSONS?.split(',');
const lessons = loadLessons().filter((lesson) => !ONLY || ONLY.includes(lesson.id));

let test: TestLabHome;
let baseline: Statuses;

/** What each demonstration's real output must show while the layer is off. */
const CONSEQUENCE: Record<string, (step: LessonStep, text: string) => void> = {
  'network-exposure': (_, text) => expect(text).toMatch(/published on 0\.0\.0\.0:\d+[\s\S]*CONNECTED/),
  'ip-filter': (_, text) => expect(text).toMatch(/172\.29\.\d+\.2\d\d → es01 .*HTTP answered: HTTP\/1\.1 401/),
  'transport-mutual-auth': (_, text) => expect(text).toContain('LET THE ROGUE IN'),
  'http-tls': (_, text) => {
    const password = requireSecret(readLabSecrets(test.home, LAB)!, 'writer-password');
    const header = /> Authorization: Basic (\S+)/.exec(text)?.[1];
    expect(header, text).toBeDefined();
    expect(Buffer.from(header!, 'base64').toString('utf8')).toBe(`writer:${password}`);
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
      expect(results.every((r) => r.status === baseline[r.id]), describeResults(results)).toBe(true);
    });
  }
});
