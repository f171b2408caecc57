import { useEffect, useState } from 'react';

/**
 * The time now (epoch milliseconds), for a view that says how old its data is: the view renders again every
 * `everyMs`, and whenever it renders for another reason (a new answer) the time is read afresh.
 */
export function useNow(everyMs: number): number {
  const [, setTicks] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTicks(ticks => ticks + 1), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return Date.now();
}
