import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { StatusIcon } from '../../components/status-icon.tsx';
import { useNow } from '../../components/use-now.ts';
import type { WorkshopWork } from '../../stores/workshop-store.ts';
import { useStores } from '../../stores/stores-context.tsx';
import { DemonstrationPanel } from './demonstration-panel.tsx';
import { LessonProse } from './lesson-prose.tsx';
import { WorkshopLayerView } from './workshop-layer-view.tsx';

const WORK_WORDS: Partial<Record<WorkshopWork, string>> = {
  loading: 'Opening the workshop',
  breaking: 'Turning the layer off',
  restoring: 'Turning the layer back on',
  observing: 'Running the demonstration',
};

/** Explain → break → observe → restore: the lesson's words on the left, the lab's answer on the right. */
export function LessonView({ lab }: { lab: string }) {
  const stores = useStores();
  const workshop = stores.workshop;
  const lessons = useStore(workshop, (state) => state.lessons);
  const lesson = useStore(workshop, (state) => state.lesson);
  const step = useStore(workshop, (state) => state.step);
  const work = useStore(workshop, (state) => state.work);
  const labChecks = useStore(stores.labs, (state) => state.statuses[lab]?.checks);
  const now = useNow(Boolean(work), 1000);
  const broken = step?.phase === 'broken';
  const restoredHere = step?.phase === 'restored';
  const nextId = useStore(workshop, (state) => state.nextLessonId());
  const primaryRef = useRef<HTMLButtonElement>(null);

  // Keyboard users land on the action that comes next: Restore after a break, Next after a restore.
  useEffect(() => {
    if (step) primaryRef.current?.focus({ preventScroll: true });
  }, [step]);

  if (!lesson) return <p className="muted">{work ? 'Loading the lessons…' : 'No lesson is open.'}</p>;

  const index = lessons.findIndex((entry) => entry.id === lesson.id);
  const primary: 'break' | 'restore' | 'next' = broken ? 'restore' : restoredHere && nextId ? 'next' : 'break';
  const buttonClass = (which: typeof primary) => `button button-large${primary === which ? ' button-primary' : ''}`;

  return (
    <div className="workshop-grid">
      <section className="card lesson-text" aria-labelledby="lesson-title">
        <div className="lesson-picker">
          <label className="field field-inline">
            <span className="field-label">Lesson</span>
            <select value={lesson.id} disabled={Boolean(work) || broken} onChange={(event) => void workshop.getState().showLesson(event.target.value)}>
              {lessons.map((entry, at) => (
                <option key={entry.id} value={entry.id}>
                  {at + 1}. {entry.title.split(' — ')[0]}
                </option>
              ))}
            </select>
          </label>
          <span className="muted">
            {index + 1} of {lessons.length}
          </span>
        </div>
        <p className="eyebrow">
          {lesson.seedSection} · <code>{lesson.checks.join(', ')}</code>
        </p>
        <h1 id="lesson-title" className="lesson-title">
          {lesson.title}
        </h1>
        <div className="workshop-actions">
          <button ref={primary === 'break' ? primaryRef : undefined} type="button" className={buttonClass('break')} disabled={Boolean(work) || broken} onClick={() => void workshop.getState().breakLesson()}>
            Break
          </button>
          <button ref={primary === 'restore' ? primaryRef : undefined} type="button" className={buttonClass('restore')} disabled={Boolean(work) || !broken} onClick={() => void workshop.getState().restoreLesson()}>
            Restore
          </button>
          <button
            ref={primary === 'next' ? primaryRef : undefined}
            type="button"
            className={buttonClass('next')}
            disabled={Boolean(work) || broken || !nextId}
            onClick={() => nextId && void workshop.getState().showLesson(nextId)}
          >
            Next
          </button>
        </div>
        {work && WORK_WORDS[work.kind] && (
          <p className="workshop-progress" role="status">
            <StatusIcon status="pending" /> {WORK_WORDS[work.kind]}
            {work.kind === 'breaking' ? `: ${lesson.break.summary}` : work.kind === 'restoring' ? `: ${lesson.restore.summary}` : ''} · {Math.max(0, Math.round((now - work.since) / 1000))} s
          </p>
        )}
        <h2 className="subheading">Why</h2>
        <div className="lesson-prose">
          <LessonProse text={lesson.why} />
        </div>
        <h2 className="subheading">What the teacher says</h2>
        <blockquote className="lesson-prose teacher-notes">
          <LessonProse text={lesson.teacherNotes} />
        </blockquote>
        <dl className="lesson-plan">
          <dt>Break</dt>
          <dd>{lesson.break.summary}</dd>
          <dt>Shows</dt>
          <dd>{lesson.demonstration.summary}</dd>
          <dt>Restore</dt>
          <dd>{lesson.restore.summary}</dd>
        </dl>
      </section>
      <div className="lesson-live">
        <p className={`lesson-phase lesson-phase-${broken ? 'broken' : 'on'}`} data-phase={broken ? 'broken' : 'on'}>
          {broken ? (
            <>
              <StatusIcon status="warn" withWord label="Off on purpose" /> {lesson.break.summary}
              {step.failing.length > 0 && <span className="muted"> · failing now: {step.failing.join(', ')}</span>}
            </>
          ) : (
            <>
              <StatusIcon status="pass" withWord label="Layer on" /> {restoredHere ? `restored: ${lesson.restore.summary}` : 'press Break to turn this layer off and see what it protects'}
            </>
          )}
        </p>
        {step?.demonstration && <DemonstrationPanel demonstration={step.demonstration} />}
        <WorkshopLayerView
          checks={step?.checks ?? labChecks}
          focus={[...lesson.checks, ...lesson.dependents.map((d) => d.check)]}
          caption={`${lesson.checks.join(', ')} opened below; every band as the verifier sees it now`}
        />
      </div>
    </div>
  );
}
