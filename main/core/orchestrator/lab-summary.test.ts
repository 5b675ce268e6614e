import { describe, expect, it } from 'vitest';
import { imageModeOf, labStateOf, summaryOfUnrecordedLab } from './lab-summary.ts';

const labelled = (state: string, labels: Record<string, string> = { 'seclab.images': 'emulated', 'seclab.version': '9.1.0' }) => ({ state, image: 'seclab-emulator/elasticsearch:9.1.0', labels });

describe('a lab from another seclab home, summarised from Docker alone', () => {
  it('is running, degraded or stopped as its containers are, with their count, images and version', () => {
    expect(
      summaryOfUnrecordedLab(
        'theirs',
        Array.from({ length: 6 }, () => labelled('running')),
      ),
    ).toEqual({
      lab: 'theirs',
      state: 'running',
      emulated: true,
      version: '9.1.0',
      components: 6,
      running: 6,
      unrecorded: true,
    });
    expect(summaryOfUnrecordedLab('theirs', [labelled('running'), labelled('exited')])).toMatchObject({ state: 'degraded', components: 2, running: 1 });
    expect(summaryOfUnrecordedLab('theirs', [labelled('exited'), labelled('created')])).toMatchObject({ state: 'stopped', running: 0 });
  });

  it('reads images and version from the image when the containers predate those labels', () => {
    expect(imageModeOf({ image: 'docker.elastic.co/elasticsearch/elasticsearch:9.1.0', labels: {} })).toEqual({ emulated: false, version: '9.1.0' });
    expect(imageModeOf({ image: '127.0.0.1:9/kibana/kibana:9.1.0', labels: {} })).toEqual({ emulated: false, version: '9.1.0' });
    expect(imageModeOf({ image: 'seclab-emulator/kibana:9.2.0', labels: {} })).toEqual({ emulated: true, version: '9.2.0' });
  });

  it('says absent for no containers', () => {
    expect(labStateOf([])).toBe('absent');
  });
});
