import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The package installs like a real one: `npm pack` (its prepack builds the web UI, its prepare the CLI bundle), then
 * `npm install <tarball>` in an empty folder gives a seclab whose help, plan and ui work with
 * nothing but the package's dependencies. The pack runs in a copy of the work tree, so the
 * build never touches this checkout's out/ while other tests serve it.
 */
const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'seclab-pack-'));
let ui: ReturnType<typeof spawn> | undefined;

afterAll(() => {
  if (ui?.pid && ui.exitCode === null) process.kill(ui.pid, 'SIGTERM');
  rmSync(root, { recursive: true, force: true });
});

async function copyWorkTree(to: string): Promise<void> {
  const { stdout } = await run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 });
  // node_modules is linked, not copied (a worktree may hold it as a symlink, which git lists as a file).
  for (const file of stdout.split('\0').filter((name) => name && name !== 'node_modules')) {
    mkdirSync(join(to, dirname(file)), { recursive: true });
    // A file listed by git may be gone from the work tree (deleted, not yet committed).
    try {
      cpSync(join(REPO, file), join(to, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  symlinkSync(join(REPO, 'node_modules'), join(to, 'node_modules'));
}

/** Resolves with the `seclab ui` link once it is printed. */
function readUiLink(child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`seclab ui printed no link within 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const link = /http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/.exec(output);
      if (link) {
        clearTimeout(timer);
        resolve(link[0]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('exit', (code) => reject(new Error(`seclab ui exited with code ${code}:\n${output}`)));
  });
}

describe('npm pack, then npm install of the tarball', () => {
  it('gives a working seclab --help, plan and ui (no dev dependency at run time)', async () => {
    const source = join(root, 'source');
    const app = join(root, 'app');
    const home = join(root, 'home');
    mkdirSync(app);
    await copyWorkTree(source);
    await run('npm', ['pack', '--pack-destination', root], { cwd: source, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    const tarball = readdirSync(root).find((name) => name.endsWith('.tgz'));
    expect(tarball).toBeDefined();

    writeFileSync(join(app, 'package.json'), '{ "name": "trying-seclab", "private": true }\n');
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(root, tarball!)], { cwd: app, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 });
    const installed = join(app, 'node_modules', 'secure-cluster-lab');
    // What the run time needs, and nothing of the sources' build tools: no renderer sources, no tests.
    expect(readdirSync(join(installed, 'out', 'renderer'))).toContain('index.html');
    expect(readdirSync(installed)).not.toContain('renderer');
    expect(readdirSync(join(installed, 'main', 'cli'))).not.toContain('everyday-cli.test.ts');
    // The CLI starts from its prebuilt bundle (built by npm pack's prepare), not through tsx: the
    // installed sources are those it was built from, though npm dates them at install time.
    const { currentCliBundle } = (await import(pathToFileURL(join(installed, 'bin', 'cli-bundle.mjs')).href)) as typeof import('../../bin/cli-bundle.mjs');
    expect(currentCliBundle(pathToFileURL(`${installed}/`))?.href).toBe(pathToFileURL(join(installed, 'out', 'cli', 'seclab.cjs')).href);

    const seclab = join(app, 'node_modules', '.bin', 'seclab');
    const env = { ...process.env, SECLAB_HOME: home, NO_COLOR: '1' };
    const help = await run(seclab, ['--help'], { cwd: app, env, timeout: 60_000 });
    expect(help.stdout).toMatch(/Usage: seclab/);
    expect(help.stdout).toMatch(/\bup\b.*\n(.*\n)*.*\baccess\b/);
    const plan = await run(seclab, ['plan', '--nodes', '1', '--images', 'emulated'], { cwd: app, env, timeout: 60_000 });
    expect(plan.stdout).toMatch(/^Lab "default" — Elastic \d+\.\d+\.\d+, EMULATED images/);

    ui = spawn(seclab, ['ui', '--no-open'], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const link = await readUiLink(ui);
    const exchange = await fetch(link, { redirect: 'manual' });
    expect(exchange.status).toBe(303);
    const cookie = exchange.headers.get('set-cookie')!.split(';')[0];
    const page = await fetch(new URL('/', link), { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root"></div>');
    const exited = new Promise((resolve) => ui!.once('exit', resolve));
    process.kill(ui.pid!, 'SIGTERM');
    await exited;
  }, 300_000);
});
