import { useMemo, useState } from 'react';
import type { LabStatus } from '../../../common/lab-status.ts';
import { StatusIcon } from '../../components/status-icon.tsx';
import { BreakableName } from '../../components/breakable-name.tsx';
import { CertificateDetails } from './certificate-details.tsx';
import { buildTopology } from './topology-model.ts';
import { TopologyDiagram } from './topology-diagram.tsx';
import { useCertificates } from './use-certificates.ts';

function formatMemory(bytes?: number): string {
  if (!bytes) return 'no limit set';
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1).replace('.0', '')} GB` : `${Math.round(bytes / 1024 ** 2)} MB`;
}

export function TopologyPanel({ status, onShowLogs }: { status: LabStatus; onShowLogs: (component: string) => void }) {
  const [selected, setSelected] = useState<string>();
  const topology = useMemo(() => buildTopology(status.spec, { checks: status.checks, components: status.components, networkName: status.network?.name, subnet: status.network?.subnet }), [status]);
  const component = status.components.find((entry) => entry.component === selected);
  const certificates = useCertificates(status.lab, status.state);

  return (
    <div className="topology-panel">
      <TopologyDiagram topology={topology} selected={selected} onSelect={(id) => setSelected(status.components.some((entry) => entry.component === id) ? id : undefined)} label={`Topology of lab ${status.lab}`} />
      <aside className="card node-details" aria-labelledby="node-details-title" aria-live="polite">
        {!component ? (
          <>
            <h2 id="node-details-title" className="card-title">
              Components
            </h2>
            <p className="muted">Pick one to see its user, memory, certificate and logs.</p>
            <ul className="component-picker">
              {status.components.map((entry) => (
                <li key={entry.component}>
                  <button type="button" className="button button-block" onClick={() => setSelected(entry.component)}>
                    <StatusIcon status={entry.state === 'running' ? 'pass' : 'fail'} label={entry.state} />
                    <span className="mono">{entry.component}</span>
                  </button>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <>
            <h2 id="node-details-title" className="card-title">
              {component.component}
            </h2>
            <div className="button-row">
              <button type="button" className="button" onClick={() => onShowLogs(component.component)}>
                Logs of {component.component}
              </button>
              <button type="button" className="button button-quiet" onClick={() => setSelected(undefined)}>
                All components
              </button>
            </div>
            <dl className="facts">
              <dt>State</dt>
              <dd>
                <StatusIcon
                  status={component.state === 'running' ? (component.health === 'unhealthy' ? 'fail' : 'pass') : 'fail'}
                  withWord
                  label={component.health === 'unknown' ? component.state : `${component.state}, ${component.health}`}
                />
              </dd>
            </dl>
            {/* The certificate first: it is what a click on a node is for (UI.md), so it shows without scrolling. */}
            <h3 className="facts-title" id="node-certificate-title">
              Certificate
            </h3>
            <CertificateDetails component={component.component} state={certificates} />
            <h3 className="facts-title">Container</h3>
            <dl className="facts">
              <dt>Runs as</dt>
              <dd className="mono">{component.user ?? 'unknown'}</dd>
              <dt>Memory limit</dt>
              <dd>{formatMemory(component.memoryBytes)}</dd>
              <dt>Address</dt>
              <dd className="mono">{component.ip ?? '—'}</dd>
              <dt>Published</dt>
              <dd className="mono">{component.ports.length ? component.ports.map((port) => `${port.hostIp}:${port.hostPort} → ${port.containerPort}`).join(', ') : 'nothing (lab network only)'}</dd>
              <dt>Image</dt>
              <dd className="mono fact-name" data-fact="image">
                <BreakableName name={component.image} />
              </dd>
            </dl>
          </>
        )}
      </aside>
    </div>
  );
}
