import type { LabEndpointName, LabReach } from '../../../common/lab-status.ts';
import { CopyButton } from '../../components/copy-button.tsx';

/** The engine host without the user and SSH port, for "box's 127.0.0.1". */
const hostName = (host: string) => host.replace(/^[^@]*@/, '').replace(/:\d+$/, '');

/** Under an endpoint on an ssh:// engine: where its tunnel goes (the local end is the link's own port). */
export function TunnelLine({ reach, endpoint }: { reach?: LabReach; endpoint: LabEndpointName }) {
  if (reach?.kind !== 'ssh-tunnel') return null;
  const tunnel = reach.tunnels.find((t) => t.endpoint === endpoint);
  if (!tunnel) return null;
  return (
    <span className="endpoint-reach muted" data-testid={`tunnel-${endpoint}`}>
      SSH tunnel → 127.0.0.1:{tunnel.remotePort} on <span className="endpoint-reach-host">{hostName(reach.host)}</span>
    </span>
  );
}

/** Above the endpoints of a lab on a remote engine: that the app holds the tunnels open, or how to forward the ports by hand. */
export function ReachNote({ reach }: { reach?: LabReach }) {
  if (reach?.kind === 'ssh-tunnel') return <p className="muted reach-note">The lab runs on {reach.host}. The app keeps SSH tunnels to its ports open while it runs.</p>;
  if (reach?.kind !== 'remote-without-tunnel') return null;
  return (
    <div className="reach-note reach-manual" role="note" data-testid="reach-instructions">
      <p>{reach.why}</p>
      <div className="reach-command">
        <code className="mono">{reach.command}</code>
        <CopyButton text={reach.command} what="ssh command" />
      </div>
    </div>
  );
}
