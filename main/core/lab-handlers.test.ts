import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../common/contract.ts';
import { parseLabSpec } from '../../common/lab-spec.ts';
import type { DockerEngine } from './docker/docker-engine.ts';
import { createLabHandlers } from './lab-handlers.ts';
import { writeLabRecord } from './lab-store/lab-records.ts';
import { writeLabSecrets } from './lab-store/lab-secrets.ts';

const PASSWORD = 'EventScrubTestPassw0rdAbc123';
const BASIC = Buffer.from(`elastic:${PASSWORD}`).toString('base64');

describe('events leaving the lab handlers', () => {
  it('carry no secret: a failure detail echoing a password and a Basic header is scrubbed', async () => {
    const home = mkdtempSync(join(tmpdir(), 'seclab-events-'));
    const lab = 'scrubbed';
    writeLabRecord(home, {
      spec: parseLabSpec({ name: lab, images: 'emulated' }),
      allocation: { subnetIndex: 202, ports: { elasticsearch: 29200, kibana: 25601, fleetServer: 28220 } },
      createdAt: new Date().toISOString(),
    });
    writeLabSecrets(home, lab, { 'elastic-password': PASSWORD });
    // An engine whose every answer echoes a credential, as a misbehaving proxy or daemon error might.
    const echo = `request failed: password=${PASSWORD}, Authorization: Basic ${BASIC}`;
    const engine = new Proxy({} as DockerEngine, {
      get: (_, property) => {
        if (property === 'labObjects') return async () => ({ containers: [], volumes: [], networks: [] });
        if (property === 'engineSubnets') return async () => [];
        if (property === 'then') return undefined;
        return async () => {
          throw new Error(echo);
        };
      },
    });
    const events: ServerEvent[] = [];
    const handlers = createLabHandlers({ home, engine: () => engine, now: () => new Date(), randomBytes: (size) => Buffer.alloc(size, 1) }, (event) => events.push(event));
    await expect(handlers['labs.up']({ spec: { name: lab } })).rejects.toBeTruthy();
    handlers.close();

    const failed = events.find((event) => event.type === 'lab-event' && event.event.type === 'phase-finished' && event.event.outcome === 'failed');
    expect(failed, JSON.stringify(events)).toBeTruthy();
    expect(JSON.stringify(failed)).toContain('password=<redacted>, Authorization: Basic <redacted>');
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
    expect(JSON.stringify(events)).not.toContain(BASIC);
  });
});
