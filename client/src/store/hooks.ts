// React access to the one store. Components pass narrow selectors; derived arrays go
// through `useShallow` so equal contents keep the previous reference.
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { createPullboardStore } from './store.ts';
import type { PullboardState } from './store.ts';

/** The app's one store. */
export const store = createPullboardStore();

export function useBoardStore<T>(selector: (s: PullboardState) => T): T {
  return useStore(store, selector);
}

/** For selectors that build arrays or objects: re-renders only when the contents change. */
export function useShallowStore<T>(selector: (s: PullboardState) => T): T {
  return useStore(store, useShallow(selector));
}
