import { trackerJson, trackerNotFound, type TrackerSource } from '../../src/servicenow/execution-tracker';

const now = new Date('2026-11-23T10:02:00Z');
const node = (over: Partial<TrackerSource>): TrackerSource => ({
  sysId: '0123456789abcdef0123456789abcdef',
  name: 'Import customers',
  state: 'running',
  message: 'Applying',
  detailMessage: '40 of 100',
  result: { imported: 40 },
  percentComplete: 40.6,
  updatedAt: new Date('2026-11-23T10:01:05Z'),
  startedAt: new Date('2026-11-23T10:00:00Z'),
  completedAt: null,
  children: [],
  ...over,
});

describe('trackerJson', () => {
  it('writes a readable tracker as getStatusLayer does: strings, parsed result, duration until now', () => {
    const json = trackerJson(
      node({ children: [node({ sysId: 'f'.repeat(32), name: 'Validate', state: 'successful', completedAt: new Date('2026-11-23T10:01:05Z'), result: null })] }),
      true,
      now,
    );
    expect(json).toEqual({
      name: 'Import customers',
      state: '1',
      message: 'Applying',
      detail_message: '40 of 100',
      result: { imported: 40 },
      sys_id: '0123456789abcdef0123456789abcdef',
      percent_complete: '40',
      updated_on: '2026-11-23 10:01:05',
      duration: '2 Minutes',
      children: [
        {
          name: 'Validate',
          state: '2',
          message: 'Applying',
          detail_message: '40 of 100',
          sys_id: 'f'.repeat(32),
          percent_complete: '40',
          updated_on: '2026-11-23 10:01:05',
          duration: '1 Minute 5 Seconds',
          children: [],
          results: [],
        },
      ],
      results: [],
    });
  });

  it('reports each state with its ServiceNow code', () => {
    const codes = (['pending', 'running', 'successful', 'failed', 'cancelled'] as const).map((state) => trackerJson(node({ state }), true, now).state);
    expect(codes).toEqual(['0', '1', '2', '3', '4']);
  });

  it('says only "Access denied", state "1", at every level, without read access', () => {
    const json = trackerJson(node({ children: [node({ sysId: 'a'.repeat(32) })] }), false, now);
    expect(json).toEqual({
      name: 'Access denied',
      message: 'Access denied',
      state: '1',
      sys_id: '0123456789abcdef0123456789abcdef',
      children: [{ name: 'Access denied', message: 'Access denied', state: '1', sys_id: 'a'.repeat(32), children: [], results: [] }],
      results: [],
    });
  });

  it('answers an unknown id with state "-1" so clients stop polling', () => {
    expect(trackerNotFound('nope')).toEqual({ name: 'Record not found', message: 'Record not found', state: '-1', sys_id: 'nope', children: [], results: [] });
  });
});
