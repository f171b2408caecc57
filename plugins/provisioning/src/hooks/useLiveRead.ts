import { useApiHolder } from '@backstage/frontend-plugin-api';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { DependencyList, useEffect, useMemo, useRef, useState } from 'react';

/** When and on what a live view reads its data again. */
export interface LiveReadOptions {
  /**
   * The signal channel on which the backend says that the data changed: each message is one read at once. None: the
   * view reads on its timer only.
   */
  signalChannel?: string;
  /** How often to read again without a signal (none pushed for this data, or a lost signal connection). */
  refreshMs: number;
  /**
   * Errors after which the last answer is no longer shown (e.g. a 404: the object is gone, or the user may no
   * longer read it); any other error keeps it beside the error.
   */
  drops?: (error: Error) => boolean;
}

/** The last answer of a live read, with the error of the last attempt beside it. */
export interface LiveRead<T> {
  /** The newest answer; kept when a later read fails, dropped when what is read changes (`deps`). */
  value?: T;
  /** Why the newest attempt failed; `value`, when set, is then the answer before it. Cleared by the next answer. */
  error?: Error;
  /** A read is under way. */
  loading: boolean;
  /** When `value` was read (epoch milliseconds). */
  lastReadAt?: number;
}

const asError = (thrown: unknown): Error =>
  thrown instanceof Error ? thrown : new Error(String(thrown));

/**
 * Reads data that changes on the cluster, for a view that stays open: at once, again on every message of
 * `signalChannel`, and every `refreshMs` in case a signal is lost. The view never blanks on a refresh: a failed
 * read keeps the answer before it and returns the error beside it, and an answer older than one already shown
 * (reads that overtook each other) is ignored. When `deps` change, what is read changed: the old answer is dropped
 * and the timer starts over.
 *
 * Signals are subscribed through the signal API itself rather than `useSignal`, as `useSignal` always subscribes
 * to a channel and some views (the cluster overview, a team's tab) have none.
 */
export function useLiveRead<T>(
  read: () => Promise<T>,
  deps: DependencyList,
  options: LiveReadOptions,
): LiveRead<T> {
  const { signalChannel, refreshMs } = options;
  const readRef = useRef(read);
  readRef.current = read;
  const dropsRef = useRef(options.drops);
  dropsRef.current = options.drops;
  // what is read now: a new object whenever `deps` change, so an answer for the old deps is never returned for the
  // new ones (not even for the one render before the effect below has run)
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const target = useMemo(() => ({}), deps);
  // the read of the current deps, for the signal subscription, which outlives a change of deps
  const loadRef = useRef<() => void>(() => {});
  const [state, setState] = useState<LiveRead<T> & { for?: object }>({
    loading: true,
  });
  const signals = useApiHolder().get(signalApiRef);

  useEffect(() => {
    let live = true;
    let started = 0;
    // the newest attempt whose outcome is shown: older ones that answer later are ignored
    let shown = 0;
    setState(previous =>
      previous.for === target &&
      previous.loading &&
      !previous.value &&
      !previous.error
        ? previous
        : { loading: true, for: target },
    );
    const load = () => {
      const attempt = ++started;
      setState(previous =>
        previous.loading ? previous : { ...previous, loading: true },
      );
      const settle = (
        next: (previous: LiveRead<T>) => Omit<LiveRead<T>, 'loading'>,
      ) => {
        if (!live || attempt < shown) return;
        shown = attempt;
        // still loading while a newer read is under way
        const loading = attempt < started;
        setState(previous => ({ ...next(previous), loading, for: target }));
      };
      let reading: Promise<T>;
      try {
        reading = readRef.current();
      } catch (thrown) {
        reading = Promise.reject(thrown);
      }
      reading.then(
        value => settle(() => ({ value, lastReadAt: Date.now() })),
        thrown => {
          const error = asError(thrown);
          settle(previous =>
            dropsRef.current?.(error)
              ? { error }
              : {
                  value: previous.value,
                  lastReadAt: previous.lastReadAt,
                  error,
                },
          );
        },
      );
    };
    loadRef.current = load;
    load();
    const timer = setInterval(load, refreshMs);
    return () => {
      live = false;
      loadRef.current = () => {};
      clearInterval(timer);
    };
    // `deps` name what is read, as for useEffect; `read` itself changes on every render and is called through a ref
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, refreshMs]);

  useEffect(() => {
    if (!signals || !signalChannel) return undefined;
    const { unsubscribe } = signals.subscribe(signalChannel, () =>
      loadRef.current(),
    );
    return unsubscribe;
  }, [signals, signalChannel]);

  if (state.for !== target) return { loading: true };
  return {
    loading: state.loading,
    ...(state.value !== undefined ? { value: state.value } : {}),
    ...(state.error ? { error: state.error } : {}),
    ...(state.lastReadAt !== undefined ? { lastReadAt: state.lastReadAt } : {}),
  };
}
