import { styleText } from 'node:util';
import type { LabStatus, LabSummary, PreflightCheck } from '../../../common/lab-status.ts';

const useColour = () => process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (colour: Parameters<typeof styleText>[0], text: string) => (useColour() ? styleText(colour, text) : text);

export function formatStatus(status: LabStatus): string {
  const badge = status.emulated ? paint(['bold', 'yellow'], ' EMULATED') : '';
  const lines = [
    `Lab "${status.lab}"${badge} — ${status.state}, Elastic ${status.version}${status.network ? `, network ${status.network.name} ${status.network.subnet}` : ''}`,
    ...Object.entries(status.endpoints).map(([name, url]) => `  ${name.padEnd(14)} ${url}`),
    '',
    ...status.components.map((c) => {
      const state = c.state === 'running' ? paint('green', c.state) : paint('red', c.state);
      const ports = c.ports.map((p) => `${p.hostIp}:${p.hostPort}→${p.containerPort}`).join(', ');
      return `  ${c.component.padEnd(13)} ${state.padEnd(useColour() ? 17 : 8)} ${(c.ip ?? '').padEnd(15)} ${ports}`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}

export function formatLabList(labs: LabSummary[]): string {
  if (!labs.length) return 'No labs. Create one with: seclab up --images emulated\n';
  return `${labs.map((l) => `${l.lab.padEnd(20)} ${l.state.padEnd(9)} ${l.running}/${l.components} running  ${l.version}${l.emulated ? '  EMULATED' : ''}`).join('\n')}\n`;
}

export function formatPreflight(checks: PreflightCheck[]): string {
  const icon = { pass: paint('green', '✓'), warn: paint('yellow', '!'), fail: paint('red', '✕') };
  return `${checks.map((c) => `${icon[c.status]} ${c.title}: ${c.detail}${c.fix && c.status !== 'pass' ? `\n    fix: ${c.fix}` : ''}`).join('\n')}\n`;
}
