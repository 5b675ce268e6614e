import { describe, expect, it } from 'vitest';
import { createCliProgram } from './run-cli.ts';

/** Issue 14: --docker-host is --engine under DOCKER_HOST's name; one code path, one engine. */
describe('seclab --docker-host', () => {
  it('refuses --engine and --docker-host together', () => {
    const program = createCliProgram({ env: {}, stderr: () => undefined });
    expect(() => program.parse(['--engine', 'tcp://a:2375', '--docker-host', 'tcp://b:2375', 'doctor'], { from: 'user' })).toThrow(/--engine and --docker-host both name an engine/);
  });

  it('refuses a malformed address naming --docker-host', () => {
    const program = createCliProgram({ env: {}, stderr: () => undefined });
    expect(() => program.parse(['--docker-host', 'http://b', 'doctor'], { from: 'user' })).toThrow(/^--docker-host: "http:\/\/b" is not a Docker engine address/);
  });
});
