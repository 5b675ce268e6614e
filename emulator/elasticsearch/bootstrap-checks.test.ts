import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StartupError, bootstrapFailureMessage, checkNotRunningAsRoot, readHostFacts, runBootstrapChecks, type BootstrapCheckContext } from './bootstrap-checks.js';

function context(overrides: Partial<BootstrapCheckContext['config']> = {}, host: Partial<BootstrapCheckContext['host']> = {}, boundToNonLoopback = true): BootstrapCheckContext {
  return {
    config: {
      securityEnabled: true,
      transport: { prefix: 'xpack.security.transport.ssl', enabled: true, certificateAuthorities: [], verificationMode: 'full', clientAuthentication: 'required', supportedProtocols: [] },
      discoveryType: undefined,
      seedHosts: ['es02'],
      initialMasterNodes: ['es01', 'es02', 'es03'],
      memoryLock: false,
      enforceBootstrapChecks: false,
      settings: {},
      ...overrides,
    },
    host: { maxMapCount: 262144, maxLockedMemory: 'unlimited', maxFileDescriptors: 65535, ...host },
    boundToNonLoopback,
    allowLowMaxMapCount: false,
  };
}

describe('root refusal', () => {
  it('refuses uid 0 with the real message', () => {
    expect(() => checkNotRunningAsRoot(0, false)).toThrow('can not run elasticsearch as root');
    try {
      checkNotRunningAsRoot(0, false);
    } catch (error) {
      expect(error).toBeInstanceOf(StartupError);
      expect(error).toMatchObject({ exitCode: 1, errorType: 'java.lang.RuntimeException' });
    }
  });
  it('accepts uid 1000, and uid 0 only with the test-only switch', () => {
    expect(() => checkNotRunningAsRoot(1000, false)).not.toThrow();
    expect(() => checkNotRunningAsRoot(0, true)).not.toThrow();
  });
});

describe('bootstrap checks', () => {
  it('passes a well-configured production node', () => {
    expect(runBootstrapChecks(context())).toEqual({ enforced: true, failures: [], warnings: [] });
  });

  it('fails on a low vm.max_map_count and names both numbers', () => {
    const outcome = runBootstrapChecks(context({}, { maxMapCount: 65530 }));
    expect(outcome.failures[0]).toMatch(/^max virtual memory areas vm\.max_map_count \[65530\] is too low, increase to at least \[262144\]/);
  });

  it('downgrades only max_map_count when relaxed', () => {
    const outcome = runBootstrapChecks({ ...context({ memoryLock: true }, { maxMapCount: 65530, maxLockedMemory: 65536 }), allowLowMaxMapCount: true });
    expect(outcome.failures).toHaveLength(1);
    expect(outcome.failures[0]).toMatch(/^memory locking requested/);
    expect(outcome.warnings[0]).toContain('SECLAB_EMULATOR_ALLOW_LOW_MAX_MAP_COUNT=true');
  });

  it('fails below 65535 open files, checked before memory locking as in BootstrapChecks.checks()', () => {
    const outcome = runBootstrapChecks(context({ memoryLock: true }, { maxFileDescriptors: 1024, maxLockedMemory: 65536 }));
    expect(outcome.failures[0]).toBe(
      'max file descriptors [1024] for elasticsearch process is too low, increase to at least [65535]; for more information see [https://www.elastic.co/docs/deploy-manage/deploy/self-managed/bootstrap-checks#bootstrap-checks-file-descriptor]',
    );
    expect(outcome.failures[1]).toMatch(/^memory locking requested/);
    expect(runBootstrapChecks(context({}, { maxFileDescriptors: 'unlimited' })).failures).toEqual([]);
  });

  it('relaxes the open-files check only when the limit equals the declared engine cap, and says what ES would do', () => {
    const capped = runBootstrapChecks({ ...context({}, { maxFileDescriptors: 20000 }), engineNofileCap: 20000 });
    expect(capped.failures).toEqual([]);
    expect(capped.warnings).toEqual([
      expect.stringMatching(
        /^max file descriptors \[20000\] for elasticsearch process is too low, increase to at least \[65535\]; for more information see \[.*\] \(the engine caps open files at \[20000\]; Elastic's official image would exit with code 78 here\)$/,
      ),
    ]);
    expect(runBootstrapChecks({ ...context({}, { maxFileDescriptors: 1024 }), engineNofileCap: 20000 }).failures[0]).toMatch(/^max file descriptors \[1024\]/);
    expect(runBootstrapChecks(context({}, { maxFileDescriptors: 20000 })).failures[0]).toMatch(/^max file descriptors \[20000\]/);
  });

  it('reads the hard "Max open files" limit (the JVM raises the soft limit to it) from /proc/self/limits', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seclab-proc-'));
    mkdirSync(join(dir, 'self'));
    writeFileSync(
      join(dir, 'self', 'limits'),
      'Limit                     Soft Limit           Hard Limit           Units     \n' +
        'Max locked memory         8388608              8388608              bytes     \n' +
        'Max open files            1024                 4096                 files     \n',
    );
    expect(readHostFacts(dir)).toMatchObject({ maxLockedMemory: 8388608, maxFileDescriptors: 4096 });
  });

  it('requires transport TLS when security is on', () => {
    const outcome = runBootstrapChecks(context({ transport: { ...context().config.transport, enabled: false } }));
    expect(outcome.failures[0]).toMatch(/^Transport SSL must be enabled if security is enabled\. Please set \[xpack\.security\.transport\.ssl\.enabled\] to \[true\]/);
  });

  it('requires discovery settings in production mode', () => {
    const outcome = runBootstrapChecks(context({ seedHosts: [], initialMasterNodes: [] }));
    expect(outcome.failures[0]).toMatch(/^the default discovery settings are unsuitable for production use/);
  });

  it('only warns on loopback and with single-node discovery, as BootstrapChecks.enforceLimits does', () => {
    expect(runBootstrapChecks(context({}, { maxMapCount: 1 }, false))).toMatchObject({ enforced: false, failures: [] });
    expect(runBootstrapChecks(context({ discoveryType: 'single-node' }, { maxMapCount: 1 }))).toMatchObject({ enforced: false, failures: [] });
    expect(runBootstrapChecks(context({ enforceBootstrapChecks: true }, { maxMapCount: 1 }, false)).failures).toHaveLength(1);
  });

  it('formats the NodeValidationException like ES', () => {
    expect(bootstrapFailureMessage(['a', 'b']).split('\n')).toEqual([
      expect.stringMatching(/^\[2\] bootstrap checks failed\. You must address the points described in the following \[2\] lines before starting Elasticsearch\./),
      'bootstrap check failure [1] of [2]: a',
      'bootstrap check failure [2] of [2]: b',
    ]);
  });
});
