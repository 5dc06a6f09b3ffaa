// A screen left open across an upgrade of the server speaks an older protocol. The
// server refuses it at the handshake (PROTOCOL_MISMATCH) before it can send a stale
// command; the screen then reloads itself, once, to get the client that matches. If it
// is still refused after that reload (a proxy serving an old bundle, say), it stops and
// says so instead of reloading in a loop.
import { create } from 'zustand';
import { HandshakeRefusal } from '../../../shared/protocol.ts';
import { ErrorCode } from '../../../shared/names.ts';
import type { KeyValueStorage } from '../store/outbox.ts';

/** Session storage key: the server protocol this tab already reloaded for. */
export const RELOADED_FOR_KEY = 'pullboard.reloadedFor';

/** Whether the screen is stuck on a protocol the server does not speak. */
export const useUpgrade = create<{ stuck: boolean; message: string }>(() => ({ stuck: false, message: '' }));

/** The refusal's details when a handshake error is a protocol mismatch, else null. */
export function protocolMismatch(data: unknown): { server: string; message: string } | null {
  const r = HandshakeRefusal.safeParse(data);
  if (!r.success || r.data.code !== ErrorCode.PROTOCOL_MISMATCH) return null;
  return { server: String(r.data.details?.server ?? '?'), message: r.data.message };
}

/**
 * Reloads once per server protocol; returns what it did. `stuck` means this tab already
 * reloaded for this server and is still refused.
 */
export function onProtocolMismatch(
  server: string,
  message: string,
  storage: KeyValueStorage | null,
  reload: () => void,
): 'reloading' | 'stuck' {
  if (storage?.getItem(RELOADED_FOR_KEY) === server) {
    useUpgrade.setState({ stuck: true, message });
    return 'stuck';
  }
  try {
    storage?.setItem(RELOADED_FOR_KEY, server);
  } catch {
    // Without session storage a loop cannot be told apart; reload anyway, once per load.
  }
  reload();
  return 'reloading';
}
