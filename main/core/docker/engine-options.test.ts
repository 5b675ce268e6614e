import { describe, expect, it } from 'vitest';
import { engineOptions } from './engine-resolution.ts';

/** The Start screen's engine list (engine.current's choices) on a Linux machine with Docker and Podman, rootful and rootless. */
function optionsWith(present: string[], env: NodeJS.ProcessEnv = {}) {
  return engineOptions({ env, homeDir: '/home/ada', platform: 'linux', readFile: () => undefined, exists: (path) => present.includes(path) });
}

describe('engineOptions offers the Podman sockets that are there (issue 14)', () => {
  it("Docker's socket first (what the docker CLI would use), then rootless and rootful Podman, each to be chosen by address", () => {
    const options = optionsWith(['/var/run/docker.sock', '/run/user/1000/podman/podman.sock', '/run/podman/podman.sock'], { XDG_RUNTIME_DIR: '/run/user/1000' });
    expect(options).toEqual([
      { address: 'unix:///var/run/docker.sock', kind: 'Docker Engine (the default for Linux)', choice: {} },
      { address: 'unix:///run/user/1000/podman/podman.sock', kind: 'Podman (rootless)', choice: { engine: 'unix:///run/user/1000/podman/podman.sock' } },
      { address: 'unix:///run/podman/podman.sock', kind: 'Podman', choice: { engine: 'unix:///run/podman/podman.sock' } },
    ]);
  });

  it('a machine with only rootful Podman (podman.socket) uses it by default', () => {
    expect(optionsWith(['/run/podman/podman.sock'])).toEqual([{ address: 'unix:///run/podman/podman.sock', kind: 'Podman (the default for Linux)', choice: {} }]);
  });

  it('a Podman socket that is not there is not offered', () => {
    expect(optionsWith(['/var/run/docker.sock']).map((option) => option.address)).toEqual(['unix:///var/run/docker.sock']);
  });
});
