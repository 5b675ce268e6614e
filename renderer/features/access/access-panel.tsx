import { useEffect, useState } from 'react';
import type { LabAccess, LabEndpointName, LabReach } from '../../../common/lab-status.ts';
import { messageOf } from '../../api/api-error.ts';
import { BreakableName } from '../../components/breakable-name.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { useStores } from '../../stores/stores-context.tsx';
import { ReachNote, TunnelLine } from './endpoint-reach.tsx';
import { formatFingerprint } from './format-fingerprint.ts';
import { saveTextFile } from './save-text-file.ts';

type SecretUser = 'elastic' | 'analyst' | 'writer' | 'lab_admin';
const REVEALABLE: SecretUser[] = ['elastic', 'analyst', 'writer', 'lab_admin'];

function Secret({ lab, username }: { lab: string; username: SecretUser }) {
  const stores = useStores();
  const [password, setPassword] = useState<string>();
  const [error, setError] = useState<string>();
  async function reveal() {
    try {
      setPassword((await stores.api['labs.revealSecret']({ lab, username })).password);
      setError(undefined);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }
  return (
    <span className="secret">
      <code className="mono secret-value" data-testid={`password-${username}`}>
        {password ?? '••••••••••••••••••••'}
      </code>
      {password ? (
        <>
          <CopyButton text={password} what={`${username} password`} />
          <button type="button" className="button button-small button-quiet" onClick={() => setPassword(undefined)}>
            Hide
          </button>
        </>
      ) : (
        <button type="button" className="button button-small" onClick={() => void reveal()} aria-label={`Reveal ${username} password`}>
          Reveal
        </button>
      )}
      {error && <span className="field-error">✕ {error}</span>}
    </span>
  );
}

function Endpoint({ name, url, reach, endpoint }: { name: string; url?: string; reach?: LabReach; endpoint: LabEndpointName }) {
  if (!url) return null;
  return (
    <li className="endpoint">
      <span className="endpoint-name">{name}</span>
      <a className="mono endpoint-url" href={url} target="_blank" rel="noreferrer noopener">
        {url}
      </a>
      <a className="button button-small" href={url} target="_blank" rel="noreferrer noopener" aria-label={`Open ${name} in the browser`}>
        Open ↗
      </a>
      <CopyButton text={url} what={`${name} URL`} />
      <TunnelLine reach={reach} endpoint={endpoint} />
    </li>
  );
}

export function AccessPanel({ lab }: { lab: string }) {
  const stores = useStores();
  const [access, setAccess] = useState<LabAccess>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    stores.api['labs.access']({ lab }).then(setAccess, (failure) => setError(messageOf(failure)));
  }, [lab, stores]);

  async function saveCa() {
    try {
      const { pem } = await stores.api['labs.caCertificate']({ lab });
      saveTextFile(`seclab-${lab}-ca.crt`, pem, 'application/x-pem-file');
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  if (error) return <p className="field-error">✕ {error}</p>;
  if (!access) return <p className="muted">Loading access details…</p>;
  return (
    <div className="access">
      <section className="card" aria-labelledby="endpoints-title">
        <h2 id="endpoints-title" className="card-title">
          Addresses (127.0.0.1 only)
        </h2>
        <ReachNote reach={access.reach} />
        <ul className="endpoints">
          <Endpoint name="Kibana" url={access.endpoints.kibana} reach={access.reach} endpoint="kibana" />
          <Endpoint name="Elasticsearch" url={access.endpoints.elasticsearch} reach={access.reach} endpoint="elasticsearch" />
          <Endpoint name="Fleet Server" url={access.endpoints.fleetServer} reach={access.reach} endpoint="fleetServer" />
        </ul>
      </section>
      <section className="card" aria-labelledby="ca-title">
        <h2 id="ca-title" className="card-title">
          Lab certificate authority
        </h2>
        <p>Your browser and tools trust the lab once they trust this CA. Check the fingerprint before you do.</p>
        <div className="fingerprint">
          <span className="label">SHA-256</span>
          <code className="mono fingerprint-value">
            <BreakableName name={formatFingerprint(access.caFingerprintSha256)} />
          </code>
          <CopyButton text={formatFingerprint(access.caFingerprintSha256)} what="CA fingerprint" />
        </div>
        <button type="button" className="button" onClick={() => void saveCa()}>
          Save CA…
        </button>
      </section>
      <section className="card access-users" aria-labelledby="users-title">
        <h2 id="users-title" className="card-title">
          Users and what each may do
        </h2>
        <table className="users-table">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">May do</th>
              <th scope="col">Roles</th>
              <th scope="col">Password</th>
            </tr>
          </thead>
          <tbody>
            {access.users.map((user) => (
              <tr key={user.username} data-user={user.username}>
                <th scope="row" className="mono">
                  {user.username}
                  {user.builtIn && <span className="badge badge-quiet">built-in</span>}
                </th>
                <td>{user.description}</td>
                <td className="mono">{user.roles.join(', ')}</td>
                <td>{(REVEALABLE as string[]).includes(user.username) ? <Secret lab={lab} username={user.username as SecretUser} /> : <span className="muted">service account</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
