import { describe, expect, it } from 'vitest';
import { DEFAULT_STACK_VERSION, LabSpecError, parseLabSpec } from './lab-spec.ts';

function problemsOf(input: unknown): Array<{ field: string; message: string }> {
  try {
    parseLabSpec(input);
  } catch (error) {
    expect(error).toBeInstanceOf(LabSpecError);
    return (error as LabSpecError).problems;
  }
  throw new Error('expected the spec to be rejected');
}

describe('lab spec', () => {
  it('fills in the default lab of DESIGN.md', () => {
    expect(parseLabSpec({})).toEqual({
      name: 'default',
      version: DEFAULT_STACK_VERSION,
      images: 'official',
      elasticsearch: { nodes: 3, memory: '1g' },
      kibana: true,
      fleetServer: true,
      agents: 1,
      license: 'trial',
      ports: {},
    });
    expect(DEFAULT_STACK_VERSION).toMatch(/^9\.\d+\.\d+$/);
  });

  it.each([
    [{ name: 'Bad_Name' }, 'name', /"Bad_Name" is not a DNS-safe lab name/],
    [{ name: 'a'.repeat(21) }, 'name', /1–20 characters/],
    [{ name: 'ends-' }, 'name', /not ending with a hyphen/],
    [{ version: '7.17.0' }, 'version', /7\.17\.0 is not a version this lab runs: seclab runs Elastic 9\.4\.0 and later 9\.x releases/],
    [{ version: '8.15.0' }, 'version', /8\.15\.0 is not a version this lab runs/],
    [{ version: '9.3.9' }, 'version', /9\.3\.9 is not a version this lab runs.*such as 9\.5\.2/],
    [{ version: '10.0.0' }, 'version', /10\.0\.0 is not a version this lab runs/],
    [{ version: 'latest' }, 'version', /"latest" is not a stack version: write it as X\.Y\.Z/],
    [{ images: 'docker-hub' }, 'images', /"docker-hub" is not an images mode: use "official".*or "emulated"/],
    [{ elasticsearch: { nodes: 0 } }, 'elasticsearch.nodes', /0 Elasticsearch nodes is not allowed: choose 1 to 7/],
    [{ elasticsearch: { nodes: 8 } }, 'elasticsearch.nodes', /8 Elasticsearch nodes is not allowed: choose 1 to 7/],
    [{ elasticsearch: { nodes: 2.5 } }, 'elasticsearch.nodes', /2\.5 Elasticsearch nodes is not allowed/],
    [{ elasticsearch: { nodes: 'three' } }, 'elasticsearch.nodes', /three Elasticsearch nodes is not allowed/],
    [{ elasticsearch: { memory: 'lots' } }, 'elasticsearch.memory', /"lots" is not a memory size: write it like 512m or 2g/],
    [{ elasticsearch: { memory: '256m' } }, 'elasticsearch.memory', /256m is too little memory.*at least 512m/],
    [{ elasticsearch: { memory: '64g' } }, 'elasticsearch.memory', /at most 16g/],
    [{ agents: 6 }, 'agents', /6 agents is not allowed: choose 0 to 5/],
    [{ agents: -1 }, 'agents', /-1 agents is not allowed/],
    [{ license: 'platinum' }, 'license', /"platinum" is not a licence this lab can generate: use "trial".*or "basic"/],
    [{ kibana: 'yes' }, 'kibana', /must be true or false/],
    [{ kibana: false }, 'fleetServer', /Fleet Server needs Kibana/],
    [{ fleetServer: false }, 'agents', /1 agents need a Fleet Server/],
    [{ ports: { kibana: 80 } }, 'ports.kibana', /80 is a privileged port/],
    [{ ports: { kibana: 70000 } }, 'ports.kibana', /70000 is not a port/],
    [{ ports: { kibana: 9300, elasticsearch: 9300 } }, 'ports.kibana', /port 9300 is already given to elasticsearch/],
    [{ colour: 'blue' }, '(spec)', /unknown field\(s\) "colour"/],
  ])('rejects %j naming the field, the value and what is allowed', (input, field, message) => {
    const problems = problemsOf(input);
    const problem = problems.find((p) => p.field === field);
    expect(problem, JSON.stringify(problems)).toBeDefined();
    expect(problem!.message).toMatch(message);
  });

  it.each(['9.5.2', '9.12.0'])('accepts %s, a release the plan was checked against', (version) => {
    expect(parseLabSpec({ version }).version).toBe(version);
  });

  it('accepts 9.4.x without a Fleet Server, and refuses it with one (re-enrollment on every restart before 9.5.2)', () => {
    expect(parseLabSpec({ version: '9.4.5', fleetServer: false, agents: 0 }).version).toBe('9.4.5');
    const problems = problemsOf({ version: '9.5.1' });
    expect(problems).toEqual([{ field: 'version', message: expect.stringMatching(/Fleet Server 9\.5\.1 enrolls again on every restart.*elastic-agent#15922.*use 9\.5\.2 or later, or leave Fleet Server out/) }]);
  });

  it('says every problem at once, in one error', () => {
    expect(() => parseLabSpec({ agents: 9, license: 'gold' })).toThrow(/Lab spec has 2 problems:\n {2}agents: .*\n {2}license: /);
  });

  it('shows any refused value, even one without a prototype, and cuts a long one visibly', () => {
    expect(() => parseLabSpec({ name: Object.create(null) })).toThrow(/name: /);
    expect(() => parseLabSpec({ name: 'x'.repeat(5000) })).toThrow(/x{80}… \(5000 characters\)/);
  });
});
