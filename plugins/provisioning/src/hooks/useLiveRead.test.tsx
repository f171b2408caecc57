import { TestApiProvider } from '@backstage/frontend-test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { act, renderHook, waitFor } from '@testing-library/react';
import { ReactNode } from 'react';
import { useLiveRead } from './useLiveRead';

/** A signal connection the test hands messages to, channel by channel. */
const signalsByHand = () => {
  const listeners = new Map<string, (message: unknown) => void>();
  return {
    listeners,
    send: (channel: string) =>
      act(() => listeners.get(channel)!({ changedAt: 'now' })),
    api: {
      subscribe: (channel: string, onMessage: (m: unknown) => void) => {
        listeners.set(channel, onMessage);
        return { unsubscribe: () => listeners.delete(channel) };
      },
    },
  };
};

/** A promise the test settles by hand. */
const deferred = <T,>() => {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

const CHANNEL = 'provisioning:namespace:dev:payments-dev';
const REFRESH_MS = 60_000;

const withSignals =
  (signals: object) =>
  ({ children }: { children: ReactNode }) =>
    (
      <TestApiProvider apis={[[signalApiRef, signals]]}>
        {children}
      </TestApiProvider>
    );

describe('useLiveRead', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('reads on mount, then once per signal', async () => {
    const signals = signalsByHand();
    let reads = 0;
    const read = jest.fn(async () => ++reads);
    const { result } = renderHook(
      () =>
        useLiveRead(read, ['payments-dev'], {
          signalChannel: CHANNEL,
          refreshMs: REFRESH_MS,
        }),
      { wrapper: withSignals(signals.api) },
    );
    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.value).toBe(1));
    expect(result.current.loading).toBe(false);
    expect(result.current.lastReadAt).toBeLessThanOrEqual(Date.now());
    expect([...signals.listeners.keys()]).toEqual([CHANNEL]);

    signals.send(CHANNEL);
    await waitFor(() => expect(result.current.value).toBe(2));
    signals.send(CHANNEL);
    await waitFor(() => expect(result.current.value).toBe(3));
    // no further reads follow on their own
    await new Promise(r => setTimeout(r, 200));
    expect(read).toHaveBeenCalledTimes(3);
  });

  it('reads again every refreshMs', async () => {
    jest.useFakeTimers();
    const read: jest.Mock<Promise<number>, []> = jest.fn(
      async () => read.mock.calls.length,
    );
    const { result } = renderHook(() =>
      useLiveRead(read, [], { refreshMs: REFRESH_MS }),
    );
    await act(async () => {});
    expect(result.current.value).toBe(1);
    await act(async () => {
      jest.advanceTimersByTime(REFRESH_MS - 1);
    });
    expect(read).toHaveBeenCalledTimes(1);
    await act(async () => {
      jest.advanceTimersByTime(1);
    });
    expect(read).toHaveBeenCalledTimes(2);
    expect(result.current.value).toBe(2);
  });

  it('keeps the last value when a re-read fails, with the error beside it, until the next answer', async () => {
    const signals = signalsByHand();
    const answers = [
      async () => 'first',
      async () => {
        throw new Error('cluster dev cannot be reached');
      },
      async () => 'third',
    ];
    const read: jest.Mock<Promise<string>, []> = jest.fn(() =>
      answers[read.mock.calls.length - 1](),
    );
    const { result } = renderHook(
      () =>
        useLiveRead(read, [], {
          signalChannel: CHANNEL,
          refreshMs: REFRESH_MS,
        }),
      { wrapper: withSignals(signals.api) },
    );
    await waitFor(() => expect(result.current.value).toBe('first'));
    const firstReadAt = result.current.lastReadAt;

    signals.send(CHANNEL);
    await waitFor(() =>
      expect(result.current.error?.message).toBe(
        'cluster dev cannot be reached',
      ),
    );
    expect(result.current.value).toBe('first');
    expect(result.current.lastReadAt).toBe(firstReadAt);
    expect(result.current.loading).toBe(false);

    signals.send(CHANNEL);
    await waitFor(() => expect(result.current.value).toBe('third'));
    expect(result.current.error).toBeUndefined();
  });

  it('ignores an answer that arrives after a newer one', async () => {
    const signals = signalsByHand();
    const slow = deferred<string>();
    const fast = deferred<string>();
    const read = jest
      .fn<Promise<string>, []>()
      .mockResolvedValueOnce('mount')
      .mockReturnValueOnce(slow.promise)
      .mockReturnValueOnce(fast.promise);
    const { result } = renderHook(
      () =>
        useLiveRead(read, [], {
          signalChannel: CHANNEL,
          refreshMs: REFRESH_MS,
        }),
      { wrapper: withSignals(signals.api) },
    );
    await waitFor(() => expect(result.current.value).toBe('mount'));
    signals.send(CHANNEL);
    signals.send(CHANNEL);
    expect(read).toHaveBeenCalledTimes(3);
    expect(result.current.loading).toBe(true);

    await act(async () => fast.resolve('newer'));
    expect(result.current.value).toBe('newer');
    // the older read is still under way, but what it would say is older than what is shown
    expect(result.current.loading).toBe(false);

    await act(async () => slow.resolve('older'));
    expect(result.current.value).toBe('newer');
    // nor does an older failure hide a newer answer
    expect(result.current.error).toBeUndefined();
  });

  it('drops the old value when what is read changes, and reads the new one', async () => {
    const read = jest.fn(async (name: string) => `state of ${name}`);
    const { result, rerender } = renderHook(
      ({ name }) =>
        useLiveRead(() => read(name), [name], { refreshMs: REFRESH_MS }),
      { initialProps: { name: 'payments-dev' } },
    );
    await waitFor(() =>
      expect(result.current.value).toBe('state of payments-dev'),
    );
    const next = deferred<string>();
    read.mockReturnValueOnce(next.promise);
    rerender({ name: 'search-dev' });
    // never the old namespace's state under the new name
    expect(result.current.value).toBeUndefined();
    expect(result.current.loading).toBe(true);
    await act(async () => next.resolve('state of search-dev'));
    expect(result.current.value).toBe('state of search-dev');
    expect(read).toHaveBeenLastCalledWith('search-dev');
  });

  it('subscribes to nothing without a channel, reads on its timer alone, and stops when unmounted', async () => {
    jest.useFakeTimers();
    const signals = signalsByHand();
    const read = jest.fn(async () => 'clusters');
    const { result, unmount } = renderHook(
      () => useLiveRead(read, [], { refreshMs: 30_000 }),
      { wrapper: withSignals(signals.api) },
    );
    await waitFor(() => expect(result.current.value).toBe('clusters'));
    expect(signals.listeners.size).toBe(0);
    await act(async () => {
      jest.advanceTimersByTime(30_000);
    });
    expect(read).toHaveBeenCalledTimes(2);
    unmount();
    await act(async () => {
      jest.advanceTimersByTime(5 * 30_000);
    });
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('unsubscribes from its channel when unmounted', async () => {
    const signals = signalsByHand();
    const { result, unmount } = renderHook(
      () =>
        useLiveRead(async () => 1, [], {
          signalChannel: CHANNEL,
          refreshMs: REFRESH_MS,
        }),
      { wrapper: withSignals(signals.api) },
    );
    await waitFor(() => expect(result.current.value).toBe(1));
    expect(signals.listeners.has(CHANNEL)).toBe(true);
    unmount();
    expect(signals.listeners.size).toBe(0);
  });

  it('reads without signals when the app has no signal API', async () => {
    const read = jest.fn(async () => 'value');
    const { result } = renderHook(() =>
      useLiveRead(read, [], { signalChannel: CHANNEL, refreshMs: REFRESH_MS }),
    );
    await waitFor(() => expect(result.current.value).toBe('value'));
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('drops the last answer after an error it is told drops it (the object is gone), and keeps it after others', async () => {
    const signals = signalsByHand();
    const answers = [
      () => Promise.resolve('state'),
      () => Promise.reject(new Error('503')),
      () => Promise.reject(new Error('404')),
    ];
    let n = 0;
    const { result } = renderHook(
      () =>
        useLiveRead(() => answers[n++](), ['payments-dev'], {
          signalChannel: CHANNEL,
          refreshMs: REFRESH_MS,
          drops: error => error.message === '404',
        }),
      { wrapper: withSignals(signals.api) },
    );
    await waitFor(() => expect(result.current.value).toBe('state'));
    signals.send(CHANNEL);
    await waitFor(() => expect(result.current.error?.message).toBe('503'));
    expect(result.current.value).toBe('state');
    signals.send(CHANNEL);
    await waitFor(() => expect(result.current.error?.message).toBe('404'));
    expect(result.current.value).toBeUndefined();
  });

  it('never returns the answer for the old deps once they changed, not even for one render', async () => {
    const signals = signalsByHand();
    const later = deferred<string>();
    const seen: Array<string | undefined> = [];
    const { result, rerender } = renderHook(
      ({ team }: { team: string }) => {
        const read = useLiveRead(
          () => (team === 'a' ? Promise.resolve('team a') : later.promise),
          [team],
          { refreshMs: REFRESH_MS },
        );
        if (team === 'b') seen.push(read.value);
        return read;
      },
      { wrapper: withSignals(signals.api), initialProps: { team: 'a' } },
    );
    await waitFor(() => expect(result.current.value).toBe('team a'));
    rerender({ team: 'b' });
    expect(result.current.value).toBeUndefined();
    expect(result.current.loading).toBe(true);
    await act(async () => later.resolve('team b'));
    await waitFor(() => expect(result.current.value).toBe('team b'));
    expect(seen.filter(v => v === 'team a')).toEqual([]);
  });
});
