/** The index of the lab's sample data: up fills it, the least-privilege check reads and tries to write it. */
export const SAMPLE_INDEX = 'lab-logs-sample';
