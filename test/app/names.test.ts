import { describe, expect, it } from 'vitest';
import { deriveSensorName, parseDuration } from 'kfp-events';
import { dnsLabelProblem } from '../../src/config/names.js';

describe('deriveSensorName', () => {
  it('uses <pipeline>-<status> when that is a valid name', () => {
    expect(deriveSensorName('taxi-pipeline', 'succeeded')).toBe('taxi-pipeline-succeeded');
    expect(deriveSensorName('taxi-pipeline', 'failed')).toBe('taxi-pipeline-failed');
    expect(deriveSensorName('taxi-pipeline', 'any')).toBe('taxi-pipeline-completed');
  });

  it('sanitizes an odd pipeline name and appends a hash of the original', () => {
    const name = deriveSensorName('Taxi Pipeline_v2', 'succeeded');

    expect(name).toMatch(/^taxi-pipeline-v2-succeeded-[0-9a-f]{8}$/);
    expect(dnsLabelProblem(name)).toBeUndefined();
  });

  it('keeps names that sanitize alike apart by their hash', () => {
    const spaced = deriveSensorName('Taxi Pipeline', 'succeeded');
    const underscored = deriveSensorName('taxi_pipeline', 'succeeded');

    expect(spaced.slice(0, -9)).toBe(underscored.slice(0, -9));
    expect(spaced).not.toBe(underscored);
    expect(deriveSensorName('taxi_pipeline', 'failed')).not.toBe(underscored.replace('succeeded', 'failed'));
  });

  it('cuts a long name to 63 characters, hash included', () => {
    const name = deriveSensorName('p'.repeat(80), 'succeeded');

    expect(name).toHaveLength(63);
    expect(name).toMatch(/^p{54}-[0-9a-f]{8}$/);
    expect(deriveSensorName('p'.repeat(81), 'succeeded')).not.toBe(name);
  });

  it('gives the same name for the same input every time', () => {
    expect(deriveSensorName('Taxi Pipeline', 'any')).toBe(deriveSensorName('Taxi Pipeline', 'any'));
  });

  it('still yields a valid name when nothing of the pipeline name survives', () => {
    expect(deriveSensorName('???', 'any')).toMatch(/^completed-[0-9a-f]{8}$/);
  });
});

describe('dnsLabelProblem', () => {
  it('accepts DNS-1123 labels and explains what is wrong otherwise', () => {
    expect(dnsLabelProblem('penguin-team')).toBeUndefined();
    expect(dnsLabelProblem('-penguin')).toBe(
      "is not a DNS-1123 label; allowed: lower-case letters, digits and '-', starting and ending with a letter or digit",
    );
    expect(dnsLabelProblem('a'.repeat(46), 45)).toBe('is too long (46 characters); at most 45 are allowed');
  });
});

describe('parseDuration', () => {
  it('reads Go-style durations into milliseconds', () => {
    expect(parseDuration('10s')).toBe(10_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1.5s')).toBe(1_500);
  });

  it('returns undefined for anything else', () => {
    expect(parseDuration('10')).toBeUndefined();
    expect(parseDuration('10 s')).toBeUndefined();
    expect(parseDuration('1d')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });
});
