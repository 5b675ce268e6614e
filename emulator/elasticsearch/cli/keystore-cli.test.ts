import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKeystoreCli } from './keystore-cli.js';
import type { Terminal } from './terminal.js';
import { readKeystore } from '../../shared/keystore-file.js';

function scriptedTerminal(input: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const terminal: Terminal = { readLine: () => input.shift(), print: (text) => out.push(text), error: (text) => err.push(text) };
  return { terminal, out, err };
}

function home(): { environment: NodeJS.ProcessEnv; path: string } {
  const esHome = mkdtempSync(join(tmpdir(), 'seclab-keystore-'));
  mkdirSync(join(esHome, 'config'));
  return { environment: { ES_HOME: esHome }, path: join(esHome, 'config', 'elasticsearch.keystore') };
}

const run = (environment: NodeJS.ProcessEnv, args: string[], input: string[] = []) => {
  const io = scriptedTerminal(input);
  const code = runKeystoreCli(args, { environment, terminal: io.terminal });
  return { code, out: io.out, err: io.err };
};

describe('elasticsearch-keystore commands', () => {
  it('create seeds the keystore; list sorts entries', () => {
    const { environment } = home();
    expect(run(environment, ['create']).code).toBe(0);
    expect(run(environment, ['list']).out).toEqual(['keystore.seed']);
    expect(run(environment, ['create'], ['n']).out).toEqual(['Exiting without creating keystore.']);
  });

  it('add reads several values from stdin, refuses to overwrite unless confirmed or forced', () => {
    const { environment, path } = home();
    expect(run(environment, ['add', '--stdin', 'a.one', 'b.two'], ['y', 'one', 'two']).code).toBe(0);
    expect(run(environment, ['add', '-x', 'a.one'], ['n']).out).toEqual(['Exiting without modifying keystore.']);
    expect(run(environment, ['add', '-x', '-f', 'a.one'], ['uno']).code).toBe(0);
    expect(readKeystore(path)!['a.one']!.toString()).toBe('uno');
    expect(run(environment, ['show', 'b.two']).out).toEqual(['two']);
  });

  it('add on a missing keystore: declined without --force (nothing written), created with --force (the orchestrator relies on it)', () => {
    const { environment, path } = home();
    expect(run(environment, ['add', '-x', 'a.one'], ['n']).out).toEqual(['Exiting without creating keystore.']);
    expect(readKeystore(path)).toBeUndefined();
    expect(run(environment, ['add', '-x', '-f', 'a.one'], ['uno']).code).toBe(0);
    expect(Object.keys(readKeystore(path)!).sort()).toEqual(['a.one', 'keystore.seed']);
  });

  it('add-file, remove, has-passwd and errors use the real wording and exit codes', () => {
    const { environment, path } = home();
    const file = join(environment.ES_HOME!, 'blob');
    writeFileSync(file, 'file-content');
    expect(run(environment, ['add-file', '--force', 'some.file', file]).code).toBe(0);
    expect(readKeystore(path)!['some.file']!.toString()).toBe('file-content');
    expect(run(environment, ['add', '-x', '-f', 'bad name'], ['x'])).toMatchObject({ code: 64, err: [expect.stringContaining('does not match the allowed setting name pattern')] });
    expect(run(environment, ['remove', 'nope'])).toMatchObject({ code: 65, err: ['ERROR: Setting [nope] does not exist in the keystore.'] });
    expect(run(environment, ['remove', 'some.file']).code).toBe(0);
    expect(run(environment, ['has-passwd'])).toMatchObject({ code: 1, err: ['ERROR: Keystore is not password-protected'] });
    expect(run(environment, ['has-passwd', '--silent'])).toMatchObject({ code: 1, err: [] });
    expect(run(environment, ['add-file', '-f', 'x.y', '/does/not/exist']).code).toBe(74);
  });
});
