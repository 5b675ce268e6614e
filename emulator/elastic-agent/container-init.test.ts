import { describe, expect, it } from 'vitest';
import { effectiveAfterRaise, initContainer, readProcessCapabilities, type ProcessCapabilities } from './container-init';

const DOCKER_DEFAULT_BOUNDING = 0xa80425fbn; // includes CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_SETPCAP
const statusText = (nnp: 0 | 1) => `Name:\tnode\nCapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000\nNoNewPrivs:\t${nnp}\n`;
const nonRoot = (nnp: 0 | 1): ProcessCapabilities => ({ ...readProcessCapabilities(statusText(nnp)), uid: 1000, gid: 1000 });

function run(caps: ProcessCapabilities, env: NodeJS.ProcessEnv = { ELASTIC_AGENT_HOME: '/nonexistent-agent-home' }) {
  const out: string[] = [];
  const err: string[] = [];
  initContainer(env, { out: (l) => out.push(l), err: (l) => err.push(l) }, caps);
  return { out, err };
}

describe('initContainer (container_init_linux.go)', () => {
  it('under no-new-privileges a non-root agent has no CAP_CHOWN: it warns and leaves ownership alone', () => {
    expect(effectiveAfterRaise(nonRoot(1))).toBe(0n);
    const { out, err } = run(nonRoot(1));
    expect(out).toEqual(['agent container initialisation - effective capabilities', 'agent container initialisation - ambient capabilities', 'agent container initialisation - chown paths']);
    expect(err).toEqual(['Warning: cannot chown agent paths without CAP_CHOWN or CAP_DAC_OVERRIDE capabilities']);
  });
  it('without no-new-privileges the binary’s file capabilities (=p) give it the bounding set, so it chowns', () => {
    expect(effectiveAfterRaise(nonRoot(0))).toBe(DOCKER_DEFAULT_BOUNDING);
    const { err } = run(nonRoot(0));
    expect(err.join('\n')).not.toContain('cannot chown agent paths');
    expect(err.join('\n')).toContain('failed to walk path /nonexistent-agent-home: lstat /nonexistent-agent-home: no such file or directory');
  });
  it('root skips the capability steps', () => {
    const { out } = run({ ...nonRoot(0), uid: 0, gid: 0, effective: DOCKER_DEFAULT_BOUNDING });
    expect(out).toEqual(['agent container initialisation - chown paths']);
  });
});
