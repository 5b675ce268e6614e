import { describe, expect, it } from 'vitest';
import { keystoreSettingValue } from './settings';

/**
 * kibana src/cli/keystore/add.ts: `add --stdin` reads stdin to its end, trims it, and stores the value
 * JSON-parsed when it parses. seclab feeds each value with one trailing line break, and its secrets
 * (alphanumeric passwords, 64-hex-digit keys) stay strings.
 */
describe('kibana-keystore values', () => {
  it('stores what JSON parses as JSON, anything else as the text', () => {
    expect(keystoreSettingValue('12345')).toBe(12345);
    expect(keystoreSettingValue('"quoted"')).toBe('quoted');
    expect(keystoreSettingValue('aB3dE5fG7hJ9kL1mN3pQ5rS7tV9w')).toBe('aB3dE5fG7hJ9kL1mN3pQ5rS7tV9w');
    expect(keystoreSettingValue('0f'.repeat(32))).toBe('0f'.repeat(32));
  });
});
