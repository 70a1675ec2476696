import type { OnBar, Strategy } from "../strategy/strategy.js";

/**
 * Wraps a strategy so that it sees every bar (its indicators warm up and any state it keeps evolves as usual) but
 * its signals on bars opening before `time` (Unix ms) are dropped. This is how a test window starts with warm
 * indicators yet trades only from its first bar. Everything else (name, parameters, sizing, allowShort) is read
 * through to the wrapped strategy.
 */
export function ignoreSignalsBefore<S extends Strategy>(strategy: S, time: number): S {
  const wrapped = Object.create(strategy) as S;
  Object.defineProperty(wrapped, "init", {
    value: (setup: Parameters<Strategy["init"]>[0]): OnBar => {
      const onBar = strategy.init(setup);
      return (context) => {
        const signal = onBar(context);
        return context.time < time ? undefined : signal;
      };
    },
  });
  return wrapped;
}
