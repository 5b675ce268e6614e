import { useEffect } from 'react';
import { useStore } from 'zustand';
import { Tabs } from '../../components/tabs.tsx';
import { useLabOperation } from '../../components/use-lab-operation.ts';
import type { WorkshopMode } from '../../stores/workshop-store.ts';
import { useStores } from '../../stores/stores-context.tsx';
import { ChallengeView } from './challenge-view.tsx';
import { LessonView } from './lesson-view.tsx';

const MODES: Array<{ id: WorkshopMode; title: string }> = [
  { id: 'lesson', title: 'Lesson' },
  { id: 'challenge', title: 'Challenge' },
];

/** Keeps the address bar on the lesson shown, so the teacher can share it (`?lesson=ID`). */
function useShareableLessonAddress(lesson: string | undefined) {
  useEffect(() => {
    if (!lesson || !window.location.protocol.startsWith('http')) return;
    const url = new URL(window.location.href);
    url.searchParams.set('lesson', lesson);
    url.hash = '';
    window.history.replaceState(null, '', url.pathname + url.search);
  }, [lesson]);
}

export function WorkshopScreen({ lab }: { lab: string }) {
  const stores = useStores();
  const mode = useStore(stores.workshop, (state) => state.mode);
  const openedOn = useStore(stores.workshop, (state) => state.lab);
  const lesson = useStore(stores.workshop, (state) => state.lesson?.id);
  const error = useStore(stores.workshop, (state) => state.error);
  const challengeRunning = useStore(stores.workshop, (state) => Boolean(state.board));
  const operation = useLabOperation(lab);
  useShareableLessonAddress(mode === 'lesson' ? lesson : undefined);

  useEffect(() => {
    if (openedOn !== lab) void stores.workshop.getState().open(lab);
  }, [lab, openedOn, stores]);

  return (
    <main className="screen workshop-screen" aria-label={`Workshop on lab ${lab}`}>
      <div className="workshop-head">
        <button type="button" className="button button-quiet" onClick={() => stores.navigation.getState().go({ name: 'lab', lab })}>
          ← Lab {lab}
        </button>
        <Tabs
          tabs={MODES.map((entry) => ({ ...entry, title: entry.id === 'challenge' && challengeRunning ? 'Challenge (running)' : entry.title }))}
          current={mode}
          onSelect={(id) => stores.workshop.getState().setMode(id)}
          label="Workshop"
        />
      </div>
      {error && (
        <p className="field-error" role="alert">
          ✕ {error}
        </p>
      )}
      <div className="tab-panel" role="tabpanel" id={`panel-${mode}`} aria-labelledby={`tab-${mode}`}>
        {/* A lab being reset or torn down has nothing to break or repair: every Workshop action waits for it. */}
        <fieldset className="operation-guard" disabled={Boolean(operation)}>
          {mode === 'lesson' ? <LessonView lab={lab} /> : <ChallengeView />}
        </fieldset>
      </div>
    </main>
  );
}
