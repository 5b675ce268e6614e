import { describe, expect, it } from 'vitest';
import { contract, METHOD_NAMES, type Handlers } from './contract.ts';
import { dispatchCall } from './dispatch.ts';

const HOSTILE_LABS = ['x/../default', '../x', '..', 'default/', 'a'.repeat(21), 'Default', 'lab name', 'lab%2f..', '-x', 'x-'];
const HOSTILE_COMPONENTS = ['x/../../../127.0.0.1:47999/p', '../es01', 'es01/..', 'es01?x=1', 'es01#', 'ES01', '', 'es01\n', 'a'.repeat(40)];

const reached: string[] = [];
const handlers = Object.fromEntries(
  METHOD_NAMES.map((method) => [
    method,
    async () => {
      reached.push(method);
      return {};
    },
  ]),
) as unknown as Handlers;

describe('the contract keeps hostile names away from the handlers', () => {
  it('takes a lab name only by the lab spec’s DNS-safe rule, in every method that names a lab', async () => {
    const labMethods = METHOD_NAMES.filter((method) => 'shape' in contract[method].input && 'lab' in (contract[method].input as { shape: object }).shape);
    expect(labMethods.length).toBeGreaterThan(8);
    for (const method of labMethods) {
      for (const lab of HOSTILE_LABS) {
        const result = await dispatchCall(handlers, method, { lab, component: 'es01', username: 'elastic' });
        expect(result, `${method} with lab ${JSON.stringify(lab)}`).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('lab:') } });
      }
    }
    expect(reached).toEqual([]);
  });

  it('takes a component name only in the planner’s shape', async () => {
    for (const method of ['labs.logs', 'logs.follow'] as const) {
      for (const component of HOSTILE_COMPONENTS) {
        const result = await dispatchCall(handlers, method, { lab: 'default', component });
        expect(result, `${method} with component ${JSON.stringify(component)}`).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('component:') } });
      }
    }
    expect(reached).toEqual([]);
  });

  it('still takes every name the planner makes', async () => {
    for (const component of ['es01', 'es07', 'kibana', 'fleet-server', 'agent01']) {
      expect(await dispatchCall(handlers, 'labs.logs', { lab: 'workshop-1', component })).toMatchObject({ ok: true });
    }
  });
});
