import { beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/names.ts';
import { MemoryStorage } from '../net/doubles.ts';
import { RELOADED_FOR_KEY, onProtocolMismatch, protocolMismatch, useUpgrade } from './upgrade.ts';

beforeEach(() => useUpgrade.setState({ stuck: false, message: '' }));

describe('a screen refused for its protocol version', () => {
  it('reads the refusal of the handshake, and nothing else, as a mismatch', () => {
    const data = { code: ErrorCode.PROTOCOL_MISMATCH, message: 'needs reloading', details: { client: 2, server: 3 } };
    expect(protocolMismatch(data)).toEqual({ server: '3', message: 'needs reloading' });
    expect(protocolMismatch({ code: ErrorCode.UNAUTHENTICATED, message: 'no' })).toBeNull();
    expect(protocolMismatch(undefined)).toBeNull();
  });

  it('reloads once, then stops and says so instead of reloading in a loop', () => {
    const storage = new MemoryStorage();
    let reloads = 0;
    expect(onProtocolMismatch('3', 'm', storage, () => reloads++)).toBe('reloading');
    expect(storage.getItem(RELOADED_FOR_KEY)).toBe('3');
    expect(useUpgrade.getState().stuck).toBe(false);
    expect(onProtocolMismatch('3', 'still old', storage, () => reloads++)).toBe('stuck');
    expect(reloads).toBe(1);
    expect(useUpgrade.getState()).toMatchObject({ stuck: true, message: 'still old' });
  });

  it('reloads again for the next upgrade of the server', () => {
    const storage = new MemoryStorage();
    let reloads = 0;
    onProtocolMismatch('3', 'm', storage, () => reloads++);
    expect(onProtocolMismatch('4', 'm', storage, () => reloads++)).toBe('reloading');
    expect(reloads).toBe(2);
  });
});
