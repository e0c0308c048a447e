// Runs `tick` every `ms` while the screen is shown (live figures that have no event of their own).
import { useEffect, useRef } from 'react';

export function useInterval(tick: () => void, ms: number): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    const timer = setInterval(() => latest.current(), ms);
    return () => clearInterval(timer);
  }, [ms]);
}
