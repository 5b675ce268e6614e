import { useEffect, useMemo, useRef } from 'react';
import { useStore } from 'zustand';
import type { ComponentStatus } from '../../../common/lab-status.ts';
import { useStores } from '../../stores/stores-context.tsx';

export function LogsPanel({ lab, components, initialComponent }: { lab: string; components: ComponentStatus[]; initialComponent?: string }) {
  const stores = useStores();
  const logs = useStore(stores.logs);
  const bottom = useRef<HTMLDivElement>(null);
  const component = logs.lab === lab && logs.component ? logs.component : (initialComponent ?? components[0]?.component);

  useEffect(() => {
    if (component && (logs.lab !== lab || logs.component !== component)) void stores.logs.getState().open(lab, component);
  }, [lab, component]);
  useEffect(() => () => void stores.logs.getState().setFollowing(false), [stores]);

  const shown = useMemo(() => {
    const needle = logs.search.trim().toLowerCase();
    return needle ? logs.lines.filter((line) => line.toLowerCase().includes(needle)) : logs.lines;
  }, [logs.lines, logs.search]);

  useEffect(() => {
    if (logs.following) bottom.current?.scrollIntoView({ block: 'end' });
  }, [shown.length, logs.following]);

  return (
    <div className="logs">
      <div className="logs-toolbar">
        <label className="field field-inline">
          <span className="field-label">Component</span>
          <select value={component ?? ''} onChange={(event) => void stores.logs.getState().open(lab, event.target.value)}>
            {components.map((entry) => (
              <option key={entry.component} value={entry.component}>
                {entry.component}
              </option>
            ))}
          </select>
        </label>
        <label className="field field-inline logs-search">
          <span className="field-label">Search</span>
          <input type="search" value={logs.search} onChange={(event) => stores.logs.getState().setSearch(event.target.value)} placeholder="e.g. handshake" />
        </label>
        <label className="check-field">
          <input type="checkbox" checked={logs.following} onChange={(event) => void stores.logs.getState().setFollowing(event.target.checked)} /> Follow
        </label>
        <span className="muted" aria-live="polite">
          {shown.length} of {logs.lines.length} lines
        </span>
      </div>
      {logs.error && <p className="field-error">✕ {logs.error}</p>}
      <div className="log-view" tabIndex={0} aria-label={`Log of ${component ?? 'no component'}`} data-component={component}>
        {logs.loading ? (
          <p className="log-note">Loading…</p>
        ) : shown.length === 0 ? (
          <p className="log-note">{logs.lines.length === 0 ? `${component ?? 'This component'} has written no log lines yet.` : `No line matches “${logs.search.trim()}” in the last ${logs.lines.length} lines of ${component}.`}</p>
        ) : (
          // One entry per line, ruled apart: a long JSON line that wraps must not run into the next.
          <ol className="log-lines">
            {shown.map((line, index) => (
              <li key={index} className="log-entry">
                {line}
              </li>
            ))}
          </ol>
        )}
        <div ref={bottom} />
      </div>
    </div>
  );
}
