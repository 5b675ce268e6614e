import { useState } from 'react';
import { useStore } from 'zustand';
import { LAYERS } from '../../../common/checks.ts';
import type { ChallengeEntry } from '../../../common/workshop.ts';
import { StatusIcon } from '../../components/status-icon.tsx';
import { useNow } from '../../components/use-now.ts';
import { useStores } from '../../stores/stores-context.tsx';
import { WorkshopLayerView } from './workshop-layer-view.tsx';

const NO_HINTS: never[] = [];
const minutes = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
const layerTitle = (id: string | undefined) => LAYERS.find((layer) => layer.id === id)?.title ?? id;

function ChallengeSetup() {
  const stores = useStores();
  const lessons = useStore(stores.workshop, (state) => state.lessons);
  const work = useStore(stores.workshop, (state) => state.work);
  const [chosen, setChosen] = useState<string[]>([]);
  const [count, setCount] = useState(2);
  return (
    <section className="card challenge-setup" aria-labelledby="challenge-setup-title">
      <h1 id="challenge-setup-title" className="card-title">
        Challenge: find the broken layers
      </h1>
      <p>
        The lab breaks layers silently. Students find them from the live layer view, fix them with real tools (the security API, <code>chmod</code>) or name the layer to be offered the repair. The board records time to
        fix and hints used.
      </p>
      <fieldset className="challenge-choice">
        <legend>Layers to break (the teacher's choice), or none for a random pick</legend>
        {lessons.map((lesson) => (
          <label key={lesson.id} className="check-field">
            <input type="checkbox" checked={chosen.includes(lesson.id)} onChange={(event) => setChosen((current) => (event.target.checked ? [...current, lesson.id] : current.filter((id) => id !== lesson.id)))} />
            {lesson.title.split(' — ')[0]}
          </label>
        ))}
      </fieldset>
      <label className="field field-inline">
        <span className="field-label">Layers at random</span>
        <input type="number" min={1} max={10} value={count} disabled={chosen.length > 0} onChange={(event) => setCount(Number(event.target.value))} />
      </label>
      <div className="workshop-actions">
        <button type="button" className="button button-large button-primary" disabled={Boolean(work)} onClick={() => void stores.workshop.getState().startChallenge(chosen.length ? { lessons: chosen } : { count })}>
          {work?.kind === 'starting' ? 'Breaking layers silently…' : 'Start challenge'}
        </button>
      </div>
    </section>
  );
}

function BoardRow({ entry, now, startedAt }: { entry: ChallengeEntry; now: number; startedAt: number }) {
  const stores = useStores();
  const work = useStore(stores.workshop, (state) => state.work);
  const hints = useStore(stores.workshop, (state) => state.hints[entry.slot] ?? NO_HINTS);
  const lastHint = hints[hints.length - 1];
  const allHints = lastHint && lastHint.step >= lastHint.of;
  return (
    <tr data-slot={entry.slot} data-solved={entry.solved}>
      <th scope="row">Layer {entry.slot}</th>
      <td>{entry.layer ? <strong>{layerTitle(entry.layer)}</strong> : <span className="muted">hidden</span>}</td>
      <td>
        <StatusIcon status={entry.solved ? 'pass' : 'fail'} withWord label={entry.solved ? (entry.fixedWith === 'repair' ? 'Solved (repair)' : 'Solved') : 'Still broken'} />
      </td>
      <td className="numeric">
        {entry.secondsToFix !== undefined ? (
          minutes(entry.secondsToFix)
        ) : (
          <span className="muted" title="still broken: time since the start">
            {minutes((now - startedAt) / 1000)}…
          </span>
        )}
      </td>
      <td className="numeric" data-hints-used>
        {entry.hintsUsed}
      </td>
      <td>
        <div className="board-actions">
          {!entry.solved && (
            <button
              type="button"
              className="button button-small"
              disabled={Boolean(work) || Boolean(allHints)}
              onClick={() => void stores.workshop.getState().hint(entry.slot)}
              aria-label={`Hint for layer ${entry.slot}`}
            >
              {allHints ? 'No more hints' : 'Hint'}
            </button>
          )}
          {!entry.solved && entry.named && (
            <button type="button" className="button button-small button-primary" disabled={Boolean(work)} onClick={() => void stores.workshop.getState().repair(entry.slot)} aria-label={`Repair layer ${entry.slot}`}>
              {work?.kind === 'repairing' ? 'Repairing…' : 'Repair'}
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}

function NameTheLayer() {
  const stores = useStores();
  const work = useStore(stores.workshop, (state) => state.work);
  const naming = useStore(stores.workshop, (state) => state.naming);
  const [layer, setLayer] = useState('');
  return (
    <form
      className="name-layer"
      onSubmit={(event) => {
        event.preventDefault();
        if (layer) void stores.workshop.getState().nameLayer(layer);
      }}
    >
      <label className="field field-inline">
        <span className="field-label">Which layer is broken?</span>
        <select value={layer} onChange={(event) => setLayer(event.target.value)}>
          <option value="">Choose a layer…</option>
          {LAYERS.filter((entry) => entry.id !== 'cloud').map((entry) => (
            <option key={entry.id} value={entry.id}>
              {entry.title}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="button" disabled={!layer || Boolean(work)}>
        Name it
      </button>
      {naming && (
        <p className={`name-result name-${naming.correct ? 'right' : 'wrong'}`} role="status">
          <StatusIcon status={naming.correct ? 'pass' : 'fail'} withWord label={naming.correct ? 'Named' : 'Not that one'} /> {naming.message}
        </p>
      )}
    </form>
  );
}

/** The score board: which layers are broken stays hidden; it updates by itself when the server's verifier sees a fix (challenge-changed). */
export function ChallengeView() {
  const stores = useStores();
  const board = useStore(stores.workshop, (state) => state.board);
  const hints = useStore(stores.workshop, (state) => state.hints);
  const work = useStore(stores.workshop, (state) => state.work);
  const now = useNow(Boolean(board?.active), 1000);

  if (!board) return <ChallengeSetup />;
  const startedAt = Date.parse(board.startedAt);
  const shownHints = Object.entries(hints).flatMap(([slot, list]) => list.map((hint) => ({ slot: Number(slot), ...hint })));

  return (
    <div className="workshop-grid">
      <section className="card challenge-board" aria-labelledby="board-title">
        <h1 id="board-title" className="card-title">
          Score board
        </h1>
        <p className="board-summary" role="status" data-solved={board.solved} data-total={board.total}>
          <StatusIcon status={board.active ? 'warn' : 'pass'} withWord label={board.active ? 'In progress' : 'Complete'} /> <strong>{board.solved}</strong> of <strong>{board.total}</strong> broken layers fixed
          {board.active ? ` · ${minutes((now - startedAt) / 1000)} since the start` : ''}
        </p>
        <table className="board">
          <thead>
            <tr>
              <th scope="col">Broken</th>
              <th scope="col">Which layer</th>
              <th scope="col">State</th>
              <th scope="col">Time to fix</th>
              <th scope="col">Hints used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {board.entries.map((entry) => (
              <BoardRow key={entry.slot} entry={entry} now={now} startedAt={startedAt} />
            ))}
          </tbody>
        </table>
        {shownHints.length > 0 && (
          <ol className="hints" aria-label="Hints">
            {shownHints.map((hint) => (
              <li key={`${hint.slot}-${hint.step}`} data-hint={`${hint.slot}-${hint.step}`}>
                <span className="label">
                  Layer {hint.slot}, hint {hint.step} of {hint.of}:
                </span>{' '}
                {hint.hint}
              </li>
            ))}
          </ol>
        )}
        {board.active && <NameTheLayer />}
        <div className="workshop-actions">
          <button type="button" className={`button ${board.active ? 'button-danger-quiet' : 'button-large button-primary'}`} disabled={Boolean(work)} onClick={() => void stores.workshop.getState().stopChallenge()}>
            {work?.kind === 'stopping' ? 'Restoring every layer…' : board.active ? 'End challenge and restore every layer' : 'End challenge'}
          </button>
        </div>
      </section>
      <div className="lesson-live">
        <WorkshopLayerView checks={board.checks} caption="Every band as the verifier sees it now: the evidence is how you find what is broken" />
      </div>
    </div>
  );
}
