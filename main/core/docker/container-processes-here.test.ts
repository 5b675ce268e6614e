import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { containerProcessesHere } from './container-processes-here.ts';

const ID = 'c8edc9c2619f9bc09bbe547c9754bcb500b7f003eb95d4a73511f751add880f4';
const OTHER = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

function fakeProc(processes: Array<{ pid: number; container: string; uid: number; name: string; userNamespace?: string }>): string {
  const proc = mkdtempSync(join(tmpdir(), 'seclab-proc-'));
  for (const p of processes) {
    mkdirSync(join(proc, String(p.pid)));
    writeFileSync(join(proc, String(p.pid), 'cgroup'), `12:pids:/docker/${p.container}\n0::/docker/${p.container}\n`);
    writeFileSync(join(proc, String(p.pid), 'status'), `Name:\t${p.name}\nUid:\t${p.uid}\t${p.uid}\t${p.uid}\t${p.uid}\n`);
    writeFileSync(join(proc, String(p.pid), 'limits'), `Max open files            20000                20000                files\n`);
  }
  mkdirSync(join(proc, 'self', 'ns'), { recursive: true });
  symlinkSync('user:[4026531837]', join(proc, 'self', 'ns', 'user'));
  for (const p of processes) {
    mkdirSync(join(proc, String(p.pid), 'ns'));
    symlinkSync(p.userNamespace ?? 'user:[4026531837]', join(proc, String(p.pid), 'ns', 'user'));
  }
  return proc;
}

describe.runIf(process.platform === 'linux')("a container's processes from this machine's /proc", () => {
  it("lists the processes whose cgroup names the container, with their effective uid, and reads the main process's limits", () => {
    const proc = fakeProc([
      { pid: 41, container: ID, uid: 1000, name: 'node' },
      { pid: 57, container: ID, uid: 0, name: 'sh' },
      { pid: 63, container: OTHER, uid: 0, name: 'other' },
    ]);
    const here = containerProcessesHere(ID, 41, proc)!;
    expect(here.processes()).toEqual([
      { pid: 41, uid: '1000', comm: 'node' },
      { pid: 57, uid: '0', comm: 'sh' },
    ]);
    expect(here.mainProcessLimits()).toMatch(/^Max open files +20000/);
  });

  it('gives no processes (the engine is asked) when the container has its own user namespace: rootless root is an unprivileged uid here', () => {
    const proc = fakeProc([{ pid: 41, container: ID, uid: 100999, name: 'node', userNamespace: 'user:[4026532999]' }]);
    const here = containerProcessesHere(ID, 41, proc)!;
    expect(here.processes()).toBeUndefined();
    expect(here.mainProcessLimits()).toMatch(/^Max open files/);
  });

  it("is undefined when the main PID here is another container's or no process at all (the engine runs elsewhere): the engine is asked instead", () => {
    const proc = fakeProc([{ pid: 41, container: OTHER, uid: 1000, name: 'node' }]);
    expect(containerProcessesHere(ID, 41, proc)).toBeUndefined();
    expect(containerProcessesHere(ID, 99, proc)).toBeUndefined();
    expect(containerProcessesHere(ID, 0, proc)).toBeUndefined();
  });

  it("reads a file through the main process's root, and refuses a path that holds a symbolic link (it would be followed from this machine's root)", () => {
    const proc = fakeProc([{ pid: 41, container: ID, uid: 1000, name: 'node' }]);
    const root = join(proc, '41', 'root');
    mkdirSync(join(root, 'usr', 'share', 'kibana', 'config'), { recursive: true });
    writeFileSync(join(root, 'usr', 'share', 'kibana', 'config', 'kibana.yml'), 'server.ssl.enabled: true\n');
    symlinkSync('/etc', join(root, 'usr', 'share', 'kibana', 'linked-dir'));
    symlinkSync('/etc/hostname', join(root, 'usr', 'share', 'kibana', 'config', 'linked.yml'));
    const here = containerProcessesHere(ID, 41, proc)!;
    expect(here.file('/usr/share/kibana/config/kibana.yml')).toBe('server.ssl.enabled: true\n');
    expect(here.file('/usr/share/kibana/config/linked.yml')).toBeUndefined();
    expect(here.file('/usr/share/kibana/linked-dir/hostname')).toBeUndefined();
    expect(here.file('/usr/share/kibana/config/../../../../etc/hostname')).toBeUndefined();
    expect(here.file('usr/share/kibana/config/kibana.yml')).toBeUndefined();
    expect(here.file('/usr/share/kibana/config/missing.yml')).toBeUndefined();
    const stamp = here.fileStamp('/usr/share/kibana/config/kibana.yml');
    expect(stamp).toMatch(/^\d+:\d+:25:\d+:\d+$/);
    writeFileSync(join(root, 'usr', 'share', 'kibana', 'config', 'kibana.yml'), 'server.ssl.enabled: false\n');
    expect(here.fileStamp('/usr/share/kibana/config/kibana.yml')).not.toBe(stamp);
    expect(here.fileStamp('/usr/share/kibana/config/linked.yml')).toBeUndefined();
  });
});
