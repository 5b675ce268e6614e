import { createStore } from 'zustand/vanilla';
import type { LabApi, ServerEvent } from '../../common/contract.ts';
import type { LabStatus, LabSummary } from '../../common/lab-status.ts';
import type { LabAction, LabOperation, LabOperationInfo } from '../../common/lab-operations.ts';
import { messageOf } from '../api/api-error.ts';

export interface LabsState {
  hydrated: boolean;
  loadError?: string;
  summaries: LabSummary[];
  statuses: Record<string, LabStatus>;
  checking: Record<string, boolean>;
  /** Up, reset or teardown under way per lab, from any window: the lab's actions wait, and no check is run, until it ends. */
  operations: Record<string, LabOperationInfo>;
  refresh(): Promise<void>;
  /** The operations under way, with their events so far (to rejoin a bring-up). */
  loadOperations(): Promise<LabOperation[]>;
  /** This window starts one: show it at once, before the server's operation-started arrives. */
  noteOperation(lab: string, action: LabAction): void;
  loadStatus(lab: string): Promise<LabStatus | undefined>;
  rememberStatus(status: LabStatus): void;
  runChecks(lab: string): Promise<void>;
  forget(lab: string): void;
  applyEvent(event: ServerEvent): void;
}

export function createLabsStore(api: LabApi) {
  // Operations seen ending: a labs.operations answer that crossed the ending on the wire does not bring one back.
  const ended = new Set<string>();
  const keyOf = (operation: { lab: string; startedAt: string }) => `${operation.lab}@${operation.startedAt}`;
  const withoutOperation = (operations: Record<string, LabOperationInfo>, lab: string) => Object.fromEntries(Object.entries(operations).filter(([name]) => name !== lab));
  return createStore<LabsState>()((set, get) => ({
    hydrated: false,
    summaries: [],
    statuses: {},
    checking: {},
    operations: {},
    async refresh() {
      try {
        const summaries = await api['labs.list']({});
        set({ summaries, hydrated: true, loadError: undefined });
      } catch (error) {
        set({ hydrated: true, loadError: messageOf(error) });
      }
    },
    async loadOperations() {
      try {
        const operations = (await api['labs.operations']({})).filter((operation) => !ended.has(keyOf(operation)));
        set({ operations: Object.fromEntries(operations.map(({ lab, action, startedAt }) => [lab, { lab, action, startedAt }])) });
        return operations;
      } catch (error) {
        set({ loadError: messageOf(error) });
        return [];
      }
    },
    noteOperation(lab, action) {
      set((state) => ({ operations: { ...state.operations, [lab]: { lab, action, startedAt: new Date().toISOString() } } }));
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
      // The lab is half built or half gone: its checks would only report that. They come with the operation's end.
      if (get().operations[lab]) return;
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
      if (event.type === 'operation-started') {
        const { operation } = event;
        if (ended.has(keyOf(operation))) return;
        set((state) => ({ operations: { ...state.operations, [operation.lab]: operation } }));
        // What was verified before is no longer true of a lab being rebuilt.
        const known = get().statuses[operation.lab];
        if (known && operation.action !== 'down') get().rememberStatus({ ...known, state: 'creating', checks: undefined });
      }
      if (event.type === 'operation-ended') {
        ended.add(keyOf(event));
        set((state) => ({ operations: withoutOperation(state.operations, event.lab) }));
        if (event.status) get().rememberStatus(event.status);
      }
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
