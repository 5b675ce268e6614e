import { styleText } from 'node:util';
import type { LabStatus, LabSummary, PreflightCheck } from '../../../common/lab-status.ts';
import { LAYERS, type CheckResult, type CheckStatus } from '../../../common/checks.ts';

const useColour = () => process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (colour: Parameters<typeof styleText>[0], text: string) => (useColour() ? styleText(colour, text) : text);

const HEALTH_COLOUR: Record<LabStatus['components'][number]['health'], Parameters<typeof styleText>[0]> = {
  healthy: 'green',
  starting: 'cyan',
  unhealthy: 'red',
  unknown: 'gray',
};

export function formatStatus(status: LabStatus): string {
  const badge = status.emulated ? paint(['bold', 'yellow'], ' EMULATED') : '';
  const lines = [
    `Lab "${status.lab}"${badge} — ${status.state}, Elastic ${status.version}${status.network ? `, network ${status.network.name} ${status.network.subnet}` : ''}`,
    // A layer off on purpose is said in words, before anything else (UI.md: the header says so).
    ...(status.workshop ? [paint(['bold', 'yellow'], `  ! ${status.workshop.message}`)] : []),
    ...(status.interrupted ? [paint(['bold', 'yellow'], `  ! Unfinished: ${status.interrupted} (seclab up --lab ${status.lab}, or seclab down --lab ${status.lab})`)] : []),
    ...Object.entries(status.endpoints).map(([name, url]) => `  ${name.padEnd(14)} ${url}`),
    '',
    paint('gray', `  ${'COMPONENT'.padEnd(13)} ${'STATE'.padEnd(8)} ${'HEALTH'.padEnd(9)} ${'IP'.padEnd(15)} PORTS`),
    ...status.components.map((c) => {
      const state = c.state === 'running' ? paint('green', c.state) : paint('red', c.state);
      const health = paint(HEALTH_COLOUR[c.health], c.health);
      const ports = c.ports.map((p) => `${p.hostIp}:${p.hostPort}→${p.containerPort}`).join(', ');
      const pad = (text: string, width: number) => text.padEnd(width + (useColour() ? 9 : 0));
      return `  ${c.component.padEnd(13)} ${pad(state, 8)} ${pad(health, 9)} ${(c.ip ?? '').padEnd(15)} ${ports}`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}

export function formatLabList(labs: LabSummary[]): string {
  if (!labs.length) return 'No labs. Create one with: seclab up --images emulated\n';
  const line = (l: LabSummary) => `${l.lab.padEnd(20)} ${l.state.padEnd(9)} ${l.running}/${l.components} running  ${l.version}${l.emulated ? '  EMULATED' : ''}`;
  const unrecorded = labs.filter((l) => l.unrecorded).map((l) => l.lab);
  const note = unrecorded.length
    ? `\n${unrecorded.join(', ')}: no record in this seclab home (made from another SECLAB_HOME, or its folder was deleted). ` +
      `Run seclab with that SECLAB_HOME to see its status, checks and passwords; from here only \`seclab down --lab NAME\` works (it removes by label).\n`
    : '';
  return `${labs.map((l) => `${line(l)}${l.unrecorded ? '  (other seclab home)' : ''}`).join('\n')}\n${note}`;
}

const EVIDENCE_WIDTH = 160;

/** Long evidence is cut visibly, and says where the rest is. */
function evidenceLine(line: string): string {
  return line.length > EVIDENCE_WIDTH ? `${line.slice(0, EVIDENCE_WIDTH - 1)}… (whole line: seclab status --json)` : line;
}

export function formatPreflight(checks: PreflightCheck[]): string {
  const icon = { pass: paint('green', '✓'), warn: paint('yellow', '!'), fail: paint('red', '✕') };
  return `${checks.map((c) => `${icon[c.status]} ${c.title}: ${c.detail}${c.fix && c.status !== 'pass' ? `\n    fix: ${c.fix}` : ''}`).join('\n')}\n`;
}

const CHECK_ICON: Record<CheckStatus, { icon: string; colour: Parameters<typeof styleText>[0] }> = {
  pass: { icon: '✓ pass', colour: 'green' },
  fail: { icon: '✕ FAIL', colour: ['bold', 'red'] },
  warn: { icon: '! warn', colour: 'yellow' },
  info: { icon: 'i info', colour: 'gray' },
  pending: { icon: '… pending', colour: 'cyan' },
  error: { icon: '? error', colour: 'magenta' },
};

/** Layers from the outside in, each check with a word and a shape as well as a colour; evidence and fix for the ones that did not pass. */
export function formatChecks(checks: CheckResult[]): string {
  const lines: string[] = [];
  for (const layer of LAYERS) {
    const inLayer = checks.filter((c) => c.layer === layer.id);
    if (!inLayer.length) continue;
    lines.push(paint('bold', layer.title));
    for (const check of inLayer) {
      const { icon, colour } = CHECK_ICON[check.status];
      lines.push(`  ${paint(colour, icon.padEnd(9))} ${check.id.padEnd(24)} ${check.title}`);
      if (check.status !== 'pass') {
        for (const line of check.evidence.slice(0, 3)) lines.push(`              ${paint('gray', evidenceLine(line))}`);
        if (check.fix) lines.push(`              fix: ${check.fix}`);
      }
    }
  }
  const counts = (['pass', 'fail', 'warn', 'info', 'error'] as const).map((s) => `${checks.filter((c) => c.status === s).length} ${s}`).join(', ');
  lines.push('', counts);
  return `${lines.join('\n')}\n`;
}
