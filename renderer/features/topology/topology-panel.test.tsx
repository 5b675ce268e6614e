// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppStores } from '../../stores/app-stores.ts';
import { StoresProvider } from '../../stores/stores-context.tsx';
import { createMemoryApi } from '../../testing/memory-api.ts';
import { TopologyPanel } from './topology-panel.tsx';

afterEach(cleanup);

describe('Topology node panel', () => {
  it("shows the node's own certificate from labs.certificates, and says an agent has none", async () => {
    const api = createMemoryApi();
    await api['labs.up']({ spec: { images: 'emulated' } });
    const status = await api['labs.status']({ lab: 'default' });
    const { certificate } = (await api['labs.certificates']({ lab: 'default' })).find((entry) => entry.component === 'es02')!;
    render(
      <StoresProvider stores={createAppStores(api, { preflightDebounceMs: 0 })}>
        <TopologyPanel status={status} onShowLogs={() => undefined} />
      </StoresProvider>,
    );
    const fact = (name: string) => document.querySelector(`.node-details [data-fact="${name}"]`)?.textContent;

    fireEvent.click(screen.getByRole('button', { name: /es02/ }));
    await waitFor(() => expect(fact('subject')).toBe('CN=es02'), { timeout: 10_000 });
    expect(fact('sans')).toContain('DNS:es02');
    expect(fact('sans')).toContain('IP Address:127.0.0.1');
    expect(fact('issuer')).toBe('CN=Secure Cluster Lab CA');
    expect(fact('not-after')).toMatch(/^\d{1,2} \w{3} \d{4} \(expires in 36\d days\)$/);
    expect(fact('fingerprint')).toBe(certificate!.fingerprintSha256.toUpperCase().match(/.{2}/g)!.join(':'));

    fireEvent.click(screen.getByRole('button', { name: 'All components' }));
    fireEvent.click(screen.getByRole('button', { name: /agent01/ }));
    expect(fact('certificate-none')).toMatch(/none of its own: an agent serves nothing/);
  });
});
