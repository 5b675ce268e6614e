import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upLab } from '../../main/core/orchestrator/up-lab.ts';
import { labPaths } from '../../main/core/lab-store/lab-home.ts';
import { readLabSecrets } from '../../main/core/lab-store/lab-secrets.ts';
import { readLabRecord } from '../../main/core/lab-store/lab-records.ts';
import { componentAddresses } from '../../main/core/planner/lab-addresses.ts';
import { connectElasticsearch, type ElasticsearchClient } from '../../main/core/stack/elasticsearch-client.ts';
import { createTestLabHome, uniqueLabName, type TestLabHome } from '../support/test-lab.ts';

/**
 * Issue #11: "A document indexed before `docker restart` of any one node is found after it (3 nodes, 1 replica)."
 * Each node is reached at its static lab address (its certificate names it), so reads can go through
 * the nodes that stay up while another one restarts.
 */
const NODES = ['es01', 'es02', 'es03'] as const;
const INDEX = 'restart-durability';
const DOC_ID = 'kept-1';
const SOURCE = { message: 'indexed before a node restart', count: 7 };

let home: TestLabHome;
const lab = uniqueLabName('restart');
const docker = new Docker();

function nodeClient(node: string): ElasticsearchClient {
  const record = readLabRecord(home.home, lab)!;
  const password = readLabSecrets(home.home, lab)!['elastic-password']!;
  const caPem = readFileSync(join(labPaths(home.home, lab).certs, 'ca', 'ca.crt'), 'utf8');
  const address = componentAddresses(record.spec, record.allocation.subnetIndex)[node];
  return connectElasticsearch({ url: `https://${address}:9200`, caPem, auth: { username: 'elastic', password }, requestTimeoutMs: 10_000 });
}

/** Retries `attempt` until it returns without throwing, or the deadline passes (then its last error is thrown). */
async function eventually<T>(what: string, attempt: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await attempt();
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
  throw new Error(`${what}: still failing after ${timeoutMs / 1000} s: ${last instanceof Error ? last.message : String(last)}`);
}

async function expectDocumentFound(client: ElasticsearchClient): Promise<void> {
  const got = await client.get({ index: INDEX, id: DOC_ID });
  expect(got.found).toBe(true);
  expect(got._source).toEqual(SOURCE);
  const search = await client.search({ index: INDEX, query: { term: { count: SOURCE.count } } });
  expect(search.hits.hits.map((hit) => [hit._id, hit._source])).toEqual([[DOC_ID, SOURCE]]);
}

describe('a 3-node lab with 1 replica keeps a document through a docker restart of any one node', () => {
  beforeAll(async () => {
    home = createTestLabHome();
    const result = await upLab(home.context, { name: lab, images: 'emulated', elasticsearch: { nodes: 3 }, kibana: false, fleetServer: false, agents: 0 });
    expect(result.status.state).toBe('running');
    const client = nodeClient('es01');
    try {
      await client.indices.create({ index: INDEX, settings: { number_of_shards: 1, number_of_replicas: 1 } });
      await client.index({ index: INDEX, id: DOC_ID, document: SOURCE, refresh: true });
      await expectDocumentFound(client);
    } finally {
      await client.close();
    }
  });

  afterAll(async () => {
    await home?.cleanup([lab]);
  });

  for (const restarted of NODES) {
    it(`finds the document after docker restart of ${restarted}`, async () => {
      const survivors = NODES.filter((node) => node !== restarted);
      const container = docker.getContainer(`seclab-${lab}-${restarted}`);
      const startedBefore = (await container.inspect()).State.StartedAt;
      await container.restart();
      expect((await container.inspect()).State.StartedAt).not.toBe(startedBefore);

      // While the restarted node rejoins, the copies on the nodes that stayed up answer.
      for (const survivor of survivors) {
        const client = nodeClient(survivor);
        try {
          await eventually(`reading through ${survivor} while ${restarted} restarts`, () => expectDocumentFound(client), 60_000);
        } finally {
          await client.close();
        }
      }

      const probe = nodeClient(survivors[0]);
      try {
        await eventually(`3 nodes and at least yellow health after ${restarted} restarted`, async () => {
          const health = await probe.cluster.health({ wait_for_nodes: '3', wait_for_status: 'yellow', timeout: '5s' });
          expect(health.timed_out).toBe(false);
          expect(health.number_of_nodes).toBe(3);
          expect(['yellow', 'green']).toContain(health.status);
        });
      } finally {
        await probe.close();
      }

      const back = nodeClient(restarted);
      try {
        await eventually(`${restarted} back in the cluster`, async () => {
          const nodes = await back.cat.nodes({ h: 'name', format: 'json' });
          expect(nodes.map((node) => node.name).sort()).toEqual([...NODES]);
        });
      } finally {
        await back.close();
      }

      // Once it is back, every node — the restarted one too — finds the document with the same source.
      for (const node of NODES) {
        const client = nodeClient(node);
        try {
          await eventually(`reading through ${node} after ${restarted} restarted`, () => expectDocumentFound(client), 60_000);
        } finally {
          await client.close();
        }
      }
    }, 300_000);
  }

  it('serves the document from the other two nodes while es01 (the one with the published port) is down', async () => {
    const container = docker.getContainer(`seclab-${lab}-es01`);
    await container.stop();
    try {
      expect((await container.inspect()).State.Running).toBe(false);
      for (const survivor of ['es02', 'es03']) {
        const client = nodeClient(survivor);
        try {
          await eventually(`reading through ${survivor} while es01 is down`, () => expectDocumentFound(client), 60_000);
        } finally {
          await client.close();
        }
      }
    } finally {
      await container.start();
    }
    const client = nodeClient('es01');
    try {
      await eventually('reading through es01 once it is started again', () => expectDocumentFound(client), 120_000);
    } finally {
      await client.close();
    }
  }, 300_000);
});
