import { createStore } from 'zustand/vanilla';
import type { LabApi, ServerEvent } from '../../common/contract.ts';
import type { LabStatus, LabSummary } from '../../common/lab-status.ts';
import { messageOf } from '../api/api-error.ts';

export interface LabsState {
  hydrated: boolean;
  loadError?: string;
  summaries: LabSummary[];
  statuses: Record<string, LabStatus>;
  checking: Record<string, boolean>;
  refresh(): Promise<void>;
  loadStatus(lab: string): Promise<LabStatus | undefined>;
  rememberStatus(status: LabStatus): void;
  runChecks(lab: string): Promise<void>;
  forget(lab: string): void;
  applyEvent(event: ServerEvent): void;
}

export function createLabsStore(api: LabApi) {
  return createStore<LabsState>()((set, get) => ({
    hydrated: false,
    summaries: [],
    statuses: {},
    checking: {},
    async refresh() {
      try {
        const summaries = await api['labs.list']({});
        set({ summaries, hydrated: true, loadError: undefined });
      } catch (error) {
        set({ hydrated: true, loadError: messageOf(error) });
      }
    },
    async loadStatus(lab) {
      try {
        const status = await api['labs.status']({ lab });
        get().rememberStatus(status);
        return status;
      } catch (error) {
        set({ loadError: messageOf(error) });
        return undefined;
      }
    },
    rememberStatus(status) {
      set((state) => ({
        statuses: { ...state.statuses, [status.lab]: status },
        summaries: upsertSummary(state.summaries, status),
      }));
    },
    async runChecks(lab) {
      set((state) => ({ checking: { ...state.checking, [lab]: true } }));
      try {
        const checks = await api['checks.run']({ lab });
        const status = get().statuses[lab];
        if (status) get().rememberStatus({ ...status, checks });
      } catch (error) {
        set({ loadError: messageOf(error) });
      } finally {
        set((state) => ({ checking: { ...state.checking, [lab]: false } }));
      }
    },
    forget(lab) {
      set((state) => {
        const statuses = { ...state.statuses };
        delete statuses[lab];
        return { statuses, summaries: state.summaries.filter((summary) => summary.lab !== lab) };
      });
    },
    applyEvent(event) {
      if (event.type === 'status-changed') get().rememberStatus(event.status);
    },
  }));
}

function upsertSummary(summaries: LabSummary[], status: LabStatus): LabSummary[] {
  const summary: LabSummary = {
    lab: status.lab,
    state: status.state,
    emulated: status.emulated,
    version: status.version,
    components: status.components.length,
    running: status.components.filter((component) => component.state === 'running').length,
  };
  const others = summaries.filter((entry) => entry.lab !== status.lab);
  return [...others, summary].sort((a, b) => a.lab.localeCompare(b.lab));
}
