import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../common/checks.ts';
import { formatChecks, formatLabList } from './format-status.ts';

describe('formatLabList', () => {
  it('lists a lab made from another seclab home as Docker shows it, and says what can be done with it from here', () => {
    const text = formatLabList([
      { lab: 'mine', state: 'running', emulated: true, version: '9.1.0', components: 6, running: 6 },
      { lab: 'theirs', state: 'running', emulated: true, version: '9.1.0', components: 6, running: 6, unrecorded: true },
    ]);
    expect(text).toMatch(/^theirs +running +6\/6 running {2}9\.1\.0 {2}EMULATED {2}\(other seclab home\)$/m);
    expect(text).toContain('theirs: no record in this seclab home');
    expect(text).toContain('seclab down --lab NAME');
    expect(text).not.toMatch(/mine.*other seclab home/);
  });
});

describe('formatChecks', () => {
  it('cuts a long evidence line visibly and says where the whole line is', () => {
    const check = {
      id: 'audit.logging',
      layer: 'audit',
      title: 'Audit',
      status: 'fail',
      evidence: [`x${'y'.repeat(300)}`],
      fix: 'turn it on',
      docs: { section: '', why: '' },
      checkedAt: '',
      durationMs: 0,
    } as unknown as CheckResult;
    const text = formatChecks([check]);
    expect(text).toContain('… (whole line: seclab status --json)');
    expect(text).not.toContain('...');
  });
});
