// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppStores } from '../../stores/app-stores.ts';
import { StoresProvider } from '../../stores/stores-context.tsx';
import { createMemoryApi } from '../../testing/memory-api.ts';
import { LogsPanel } from './logs-panel.tsx';

afterEach(cleanup);

/** The Logs screen of the demo lab's es02, whose lines are Elasticsearch's ECS JSON (and the odd plain-text JVM line). */
async function renderLogs(component = 'es02') {
  const api = createMemoryApi();
  await api['labs.up']({ spec: { images: 'emulated' } });
  const status = await api['labs.status']({ lab: 'default' });
  const stores = createAppStores(api, { preflightDebounceMs: 0 });
  const view = render(
    <StoresProvider stores={stores}>
      <LogsPanel lab="default" components={status.components} initialComponent={component} />
    </StoresProvider>,
  );
  const logView = view.container.querySelector<HTMLElement>('.log-view')!;
  // happy-dom lays nothing out: a 300 px window on 40 px lines, enough to say where the end is.
  Object.defineProperty(logView, 'clientHeight', { configurable: true, get: () => 300 });
  Object.defineProperty(logView, 'scrollHeight', { configurable: true, get: () => 40 * logView.querySelectorAll('.log-entry').length });
  await waitFor(() => expect(logView.querySelectorAll('.log-entry').length).toBe(40));
  return { stores, view, logView };
}

const entries = (logView: HTMLElement) => [...logView.querySelectorAll<HTMLElement>('.log-entry')];
const cell = (entry: HTMLElement, name: string) => entry.querySelector(`.log-${name}`)?.textContent;

describe('Logs screen', () => {
  it('reads each ECS JSON line as time, level (word and colour), component and message; a plain line is its own message', async () => {
    const { logView } = await renderLogs();
    const [first] = entries(logView);
    expect(cell(first, 'time')).toBe('09:00:00.000');
    expect(first.querySelector('.log-time')!.getAttribute('datetime')).toBe('2026-11-28T09:00:00.000Z');
    expect(cell(first, 'level')).toBe('INFO');
    expect(first.querySelector('.log-level')!.className).toContain('log-level-info');
    expect(cell(first, 'component')).toBe('o.e.n.Node');
    expect(cell(first, 'message')).toMatch(/^version\[9\.1\.0\], pid\[7\]/);
    expect(first.textContent).not.toContain('"log.level"');
    expect(first.querySelector('.log-raw')).toBeNull();

    const warning = entries(logView).find((entry) => cell(entry, 'level') === 'WARN')!;
    expect(warning.getAttribute('data-severity')).toBe('warn');
    expect(warning.querySelector('.log-level')!.className).toContain('log-level-warn');
    const error = entries(logView).find((entry) => cell(entry, 'level') === 'ERROR')!;
    expect(error.querySelector('.log-level')!.className).toContain('log-level-error');
    expect(cell(error, 'component')).toBe('o.e.t.n.Netty4Transport');

    const plain = entries(logView).find((entry) => entry.textContent!.startsWith('OpenJDK'))!;
    expect(plain.querySelector('.log-message')!.textContent).toBe('OpenJDK 64-Bit Server VM warning: Option UseConcMarkSweepGC was deprecated');
    expect(plain.querySelector('.log-level')).toBeNull();
    expect(plain.querySelector('details')).toBeNull();
  });

  it('shows the line as written one click away, per line', async () => {
    const { logView } = await renderLogs();
    const [first, second] = entries(logView);
    const details = first.querySelector('details')!;
    expect(details.open).toBe(false);
    fireEvent.click(first.querySelector('summary')!);
    expect(details.open).toBe(true);
    const raw = (await waitFor(() => first.querySelector('.log-raw')!)).textContent!;
    expect(JSON.parse(raw)).toMatchObject({ 'log.level': 'INFO', 'log.logger': 'org.elasticsearch.node.Node', 'elasticsearch.node.name': 'es02' });
    expect(second.querySelector('details')!.open).toBe(false);
    fireEvent.click(first.querySelector('summary')!);
    expect(details.open).toBe(false);
    await waitFor(() => expect(first.querySelector('.log-raw')).toBeNull());
  });

  it('keeps the lines a search matches and marks the matches; says so when none does', async () => {
    const { logView } = await renderLogs();
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'handshake' } });
    const shown = entries(logView);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(40);
    for (const entry of shown) expect([...entry.querySelectorAll('.log-message mark')].map((mark) => mark.textContent)).toEqual(['handshake']);
    expect(screen.getByText(`${shown.length} of 40 lines`)).toBeTruthy();

    // Case-insensitive, in every column: the level too.
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'warn' } });
    const warning = entries(logView)[0];
    expect(warning.querySelector('.log-level mark')!.textContent).toBe('WARN');

    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'no-such-words-here' } });
    expect(logView.textContent).toContain('No line matches “no-such-words-here” in the last 40 lines of es02.');
    expect(logView.querySelectorAll('mark')).toHaveLength(0);
  });

  it('follows: the newest line stays in view while at the end, not after scrolling up, and "Jump to newest" goes back', async () => {
    const { logView, stores } = await renderLogs();
    expect(logView.scrollTop).toBe(40 * 40);

    await act(async () => fireEvent.click(screen.getByRole('checkbox', { name: 'Follow' })));
    await waitFor(() => expect(entries(logView).length).toBeGreaterThan(40), { timeout: 3000 });
    expect(logView.scrollTop).toBe(logView.scrollHeight);
    expect(screen.queryByRole('button', { name: /Jump to newest/ })).toBeNull();

    // The reader scrolls up to read something: new lines no longer move the view.
    logView.scrollTop = 200;
    fireEvent.scroll(logView);
    const seen = entries(logView).length;
    await waitFor(() => expect(entries(logView).length).toBeGreaterThan(seen), { timeout: 3000 });
    expect(logView.scrollTop).toBe(200);
    const jump = await screen.findByRole('button', { name: /Jump to newest \(\d+ new\)/ });

    fireEvent.click(jump);
    expect(logView.scrollTop).toBe(logView.scrollHeight);
    expect(screen.queryByRole('button', { name: /Jump to newest/ })).toBeNull();
    const again = entries(logView).length;
    await waitFor(() => expect(entries(logView).length).toBeGreaterThan(again), { timeout: 3000 });
    expect(logView.scrollTop).toBe(logView.scrollHeight);
    await act(() => stores.logs.getState().setFollowing(false));
  });
});
