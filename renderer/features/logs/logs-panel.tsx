import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { severityOf } from '../../../common/log-lines.ts';
import type { ComponentStatus } from '../../../common/lab-status.ts';
import { useStores } from '../../stores/stores-context.tsx';
import { HighlightedText } from './highlighted-text.tsx';
import { entryMatches, timeOfDay, toLogEntries, type LogEntry } from './log-entries.ts';
import { useFollowScroll } from './use-follow-scroll.ts';

/** One line: time, level (colour and word), component and message; a click on it shows the line as written. */
function LogEntryRow({ entry, needle }: { entry: LogEntry; needle: string }) {
  const { record } = entry;
  // The raw line is made only when asked for: 2000 lines need not be in the page twice.
  const [open, setOpen] = useState(false);
  if (!record) {
    // Not an ECS record (a JVM warning, a shell line): it is its own message, and its own raw line.
    return (
      <li className="log-entry log-entry-plain" data-line={entry.number}>
        <div className="log-record">
          <span className="log-message log-message-plain">
            <HighlightedText text={entry.raw} needle={needle} />
          </span>
        </div>
      </li>
    );
  }
  const severity = severityOf(record.level);
  return (
    <li className="log-entry" data-line={entry.number} data-severity={severity}>
      <details onToggle={(event) => setOpen(event.currentTarget.open)}>
        <summary className="log-record" title="Show the line as written">
          <time className="log-time" dateTime={record.time} title={record.time}>
            <HighlightedText text={timeOfDay(record.time)} needle={needle} />
          </time>
          <span className={`log-level log-level-${severity}`}>
            <HighlightedText text={record.level} needle={needle} />
          </span>
          <span className="log-component">{record.component ? <HighlightedText text={record.component} needle={needle} /> : null}</span>
          <span className="log-message">
            <HighlightedText text={record.message} needle={needle} />
          </span>
        </summary>
        {open && (
          <pre className="log-raw" aria-label="The line as written">
            <HighlightedText text={entry.raw} needle={needle} />
          </pre>
        )}
      </details>
    </li>
  );
}

export function LogsPanel({ lab, components, initialComponent }: { lab: string; components: ComponentStatus[]; initialComponent?: string }) {
  const stores = useStores();
  const logs = useStore(stores.logs);
  const component = logs.lab === lab && logs.component ? logs.component : (initialComponent ?? components[0]?.component);

  useEffect(() => {
    const current = stores.logs.getState();
    if (component && (current.lab !== lab || current.component !== component)) void current.open(lab, component);
  }, [stores.logs, lab, component]);
  useEffect(() => () => void stores.logs.getState().setFollowing(false), [stores]);

  const entries = useMemo(() => toLogEntries(logs.lines, logs.firstLine), [logs.lines, logs.firstLine]);
  const needle = logs.search.trim();
  const shown = useMemo(() => (needle ? entries.filter((entry) => entryMatches(entry, needle)) : entries), [entries, needle]);
  const { view, pinned, unseen, onScroll, jumpToNewest } = useFollowScroll<HTMLDivElement>(logs.firstLine + logs.lines.length, shown);

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
          <input
            type="checkbox"
            checked={logs.following}
            onChange={(event) => {
              if (event.target.checked) jumpToNewest();
              void stores.logs.getState().setFollowing(event.target.checked);
            }}
          />{' '}
          Follow
        </label>
        <span className="muted" aria-live="polite">
          {shown.length} of {logs.lines.length} lines
        </span>
      </div>
      {logs.error && <p className="field-error">✕ {logs.error}</p>}
      <div className="log-frame">
        {/* The pane scrolls, so it takes focus: a keyboard scrolls it too (axe scrollable-region-focusable). */}
        {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex */}
        <div className="log-view" ref={view} onScroll={onScroll} tabIndex={0} aria-label={`Log of ${component ?? 'no component'}`} data-component={component}>
          {logs.loading ? (
            <p className="log-note">Loading…</p>
          ) : shown.length === 0 ? (
            <p className="log-note">{logs.lines.length === 0 ? `${component ?? 'This component'} has written no log lines yet.` : `No line matches “${needle}” in the last ${logs.lines.length} lines of ${component}.`}</p>
          ) : (
            <>
              <div className="log-columns" aria-hidden="true">
                <span>Time</span>
                <span>Level</span>
                <span>Component</span>
                <span>Message · click a line to see it as written</span>
              </div>
              {/* One entry per line, ruled apart: a long line that wraps must not run into the next. */}
              <ol className="log-lines">
                {shown.map((entry) => (
                  <LogEntryRow key={entry.number} entry={entry} needle={needle} />
                ))}
              </ol>
            </>
          )}
        </div>
        {!pinned && shown.length > 0 && (
          <button type="button" className="button button-small log-jump" onClick={jumpToNewest}>
            ↓ Jump to newest{unseen > 0 ? ` (${unseen} new)` : ''}
          </button>
        )}
      </div>
    </div>
  );
}
