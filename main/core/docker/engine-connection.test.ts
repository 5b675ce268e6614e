import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { SeclabError } from '../../../common/errors.ts';
import { DockerEngine } from './docker-engine.ts';
import { engineConnectionError, isEngineUnreachable } from './engine-connection.ts';

/** What Node's net module raises for a unix socket that cannot be connected to. */
function connectError(code: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(`connect ${code} ${String(fields.address ?? '')}`), { code, errno: -1, syscall: 'connect', ...fields });
}

describe('engine connection errors', () => {
  it('a missing socket: Docker is not running at that socket, start it or point DOCKER_HOST elsewhere', () => {
    const error = engineConnectionError(connectError('ENOENT', { address: '/var/run/docker.sock' }), {});
    expect(error).toBeInstanceOf(SeclabError);
    expect(error?.code).toBe('DOCKER_UNREACHABLE');
    expect(error?.message).toBe('Docker is not running at unix:///var/run/docker.sock: start it (`sudo systemctl start docker`, or open Docker Desktop), or point DOCKER_HOST at an engine');
  });

  it('a refused TCP DOCKER_HOST is named with host and port', () => {
    const error = engineConnectionError(connectError('ECONNREFUSED', { address: '127.0.0.1', port: 2375 }), { DOCKER_HOST: 'tcp://127.0.0.1:2375' });
    expect(error?.message).toMatch(/^Docker is not running at tcp:\/\/127\.0\.0\.1:2375: start it/);
  });

  // Tests run as root here, and root ignores a socket's mode: EACCES is synthesised rather than provoked with chmod 000.
  it('permission denied on the socket names the docker group and logging in again', () => {
    const error = engineConnectionError(connectError('EACCES', { address: '/var/run/docker.sock' }), {});
    expect(error?.code).toBe('DOCKER_ACCESS_DENIED');
    expect(error?.message).toBe(
      "Permission denied on the Docker engine's socket at unix:///var/run/docker.sock: add yourself to the docker group (`sudo usermod -aG docker $USER`), then log out and in again, or point DOCKER_HOST at an engine you may use",
    );
    expect(isEngineUnreachable(error)).toBe(true);
  });

  it('names the engine used and how it was found: a Docker context, with where else to turn', () => {
    const info = { source: 'context', address: 'unix:///run/lab.sock', contextName: 'lab', how: 'the current Docker context "lab"', label: 'the Docker context "lab" (unix:///run/lab.sock)', candidates: [] } as const;
    const error = engineConnectionError(connectError('ENOENT', { address: '/run/lab.sock' }), {}, { ...info, candidates: [] });
    expect(error?.message).toBe(
      'Docker is not running at the Docker context "lab" (unix:///run/lab.sock): start it (`sudo systemctl start docker`, or open Docker Desktop), or choose another engine (seclab --context NAME or --engine URL; `seclab doctor` lists where it looked)',
    );
  });

  it('leaves every other error alone: HTTP answers from the engine, errors of other syscalls', () => {
    expect(engineConnectionError(Object.assign(new Error('(HTTP code 404) no such container'), { statusCode: 404 }))).toBeUndefined();
    expect(engineConnectionError(Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', syscall: 'open' }))).toBeUndefined();
    expect(engineConnectionError(new SeclabError('X', 'already ours'))).toBeUndefined();
  });

  it('DockerEngine passes every request through it: a DOCKER_HOST socket that does not exist is named', async () => {
    const socket = join(mkdtempSync(join(tmpdir(), 'seclab-nodocker-')), 'docker.sock');
    const engine = new DockerEngine(new Docker({ socketPath: socket }));
    const expected = `Docker is not running at unix://${socket}: start it`;
    await expect(engine.labObjects()).rejects.toThrow(expected);
    await expect(engine.inspectContainer('seclab-x-es01')).rejects.toThrow(expected);
    await expect(engine.version()).rejects.toMatchObject({ code: 'DOCKER_UNREACHABLE' });
  });
});
