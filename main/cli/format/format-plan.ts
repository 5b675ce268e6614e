import type { LabPlan } from '../../../common/lab-plan.ts';

export function formatPlan(plan: LabPlan): string {
  const lines = [
    `Lab "${plan.lab}" — Elastic ${plan.version}, ${plan.emulated ? 'EMULATED images' : 'official images'}, ${plan.license} licence`,
    `Network ${plan.network.name} ${plan.network.subnet}`,
    `Volumes ${plan.volumes.length}: ${plan.volumes.map((v) => v.name).join(', ')}`,
    'Containers:',
    ...plan.containers.map((c) => {
      const ports = c.ports.map((p) => `${p.hostIp}:${p.hostPort}→${p.containerPort}`).join(', ') || 'no published port';
      return `  ${c.component.padEnd(13)} ${c.ip.padEnd(15)} ${c.image}  user ${c.user}  ${Math.round(c.memoryBytes / 1024 ** 2)} MiB  ${ports}${c.keystore.length ? `  keystore: ${c.keystore.map((k) => k.setting).join(', ')}` : ''}`;
    }),
    'Users: ' + plan.users.map((u) => `${u.username} (${u.description})`).join('; '),
    '',
  ];
  return lines.join('\n');
}
