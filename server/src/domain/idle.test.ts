/**
 * Which idle rule a workstation gets: the defaults, the template's `idle:`,
 * then an override (per project, once projects exist).
 */
import { resolveIdleRule } from './idle';

describe('the idle rule of a workstation', () => {
  it('is an hour, warned 10 minutes before, stop, CPU under 5%, when the template says nothing', () => {
    expect(resolveIdleRule(undefined)).toEqual({ afterMinutes: 60, warnMinutes: 10, action: 'stop', cpuPercentBelow: 5 });
  });

  it('takes the template’s keys, then the override’s', () => {
    expect(resolveIdleRule({ afterMinutes: 120, action: 'hibernate' }, { afterMinutes: 30 })).toEqual({
      afterMinutes: 30,
      warnMinutes: 10,
      action: 'hibernate',
      cpuPercentBelow: 5
    });
  });

  it('is none when the template or the override says false', () => {
    expect(resolveIdleRule(false, { afterMinutes: 30 })).toBeNull();
    expect(resolveIdleRule({ afterMinutes: 30 }, false)).toBeNull();
  });

  it('never warns before the workstation was idle at all', () => {
    expect(resolveIdleRule({ afterMinutes: 5, warnMinutes: 10 })?.warnMinutes).toBe(5);
  });
});
