import { afterEach, describe, expect, it, vi } from 'vitest';
import { HealingConfigError } from '../../src/index.js';
import { readEnvironment } from '../../src/config/environment.js';
import { configError } from '../helpers/config-error.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

const SWITCHES = ['SELF_HEALING_ENABLED', 'SELF_HEALING_REFLECTION_ENABLED'] as const;
const SETTING = { SELF_HEALING_ENABLED: 'enabled', SELF_HEALING_REFLECTION_ENABLED: 'reflectionEnabled' } as const;

describe('readEnvironment', () => {
  it('reads everything as on, with no attempts override, when nothing is set', () => {
    expect(readEnvironment({})).toEqual({ enabled: true, reflectionEnabled: true, maxAttempts: undefined });
  });

  describe.each(SWITCHES)('%s', (name) => {
    const key = SETTING[name];

    it.each(['false', 'FALSE', 'False', '0', 'no', 'off', ' false '])('parses %j as false', (value) => {
      expect(readEnvironment({ [name]: value })[key]).toBe(false);
    });

    it.each(['true', 'TRUE', '1', 'yes', 'on', ''])('parses %j as true', (value) => {
      expect(readEnvironment({ [name]: value })[key]).toBe(true);
    });

    it('reads unset as true', () => {
      expect(readEnvironment({ [name]: undefined })[key]).toBe(true);
    });

    it.each(['maybe', 'abc', '2', '-1', '2.5', 'falsey'])('rejects %j with a HealingConfigError naming the variable', (value) => {
      const error = configError(() => readEnvironment({ [name]: value }));
      expect(error.option).toBe(name);
      expect(error.message).toContain(name);
      expect(error.message).toContain(value);
    });
  });

  it('switches reflection off without switching healing off', () => {
    expect(readEnvironment({ SELF_HEALING_REFLECTION_ENABLED: 'false' })).toMatchObject({ enabled: true, reflectionEnabled: false });
  });

  describe('SELF_HEALING_RETRY_MAX_ATTEMPTS', () => {
    it('parses "5" as 5', () => {
      expect(readEnvironment({ SELF_HEALING_RETRY_MAX_ATTEMPTS: '5' }).maxAttempts).toBe(5);
    });

    it('accepts 1 and surrounding whitespace', () => {
      expect(readEnvironment({ SELF_HEALING_RETRY_MAX_ATTEMPTS: '1' }).maxAttempts).toBe(1);
      expect(readEnvironment({ SELF_HEALING_RETRY_MAX_ATTEMPTS: ' 7 ' }).maxAttempts).toBe(7);
    });

    it('reads unset or empty as no override', () => {
      expect(readEnvironment({ SELF_HEALING_RETRY_MAX_ATTEMPTS: undefined }).maxAttempts).toBeUndefined();
      expect(readEnvironment({ SELF_HEALING_RETRY_MAX_ATTEMPTS: '' }).maxAttempts).toBeUndefined();
    });

    it.each(['maybe', '0', '-1', '2.5', 'abc', '1e3', '0x10', '5 attempts'])(
      'rejects %j with a HealingConfigError naming the variable',
      (value) => {
        const error = configError(() => readEnvironment({ SELF_HEALING_RETRY_MAX_ATTEMPTS: value }));
        expect(error.option).toBe('SELF_HEALING_RETRY_MAX_ATTEMPTS');
        expect(error.message).toContain('SELF_HEALING_RETRY_MAX_ATTEMPTS');
      },
    );
  });

  it('reads process.env when called without an argument', () => {
    vi.stubEnv('SELF_HEALING_ENABLED', 'off');
    vi.stubEnv('SELF_HEALING_REFLECTION_ENABLED', 'no');
    vi.stubEnv('SELF_HEALING_RETRY_MAX_ATTEMPTS', '4');
    expect(readEnvironment()).toEqual({ enabled: false, reflectionEnabled: false, maxAttempts: 4 });
  });

  it('rejects a bad value in process.env naming the variable', () => {
    vi.stubEnv('SELF_HEALING_RETRY_MAX_ATTEMPTS', 'lots');
    expect(configError(() => readEnvironment()).option).toBe('SELF_HEALING_RETRY_MAX_ATTEMPTS');
  });
});
