import type { EventSink, RequestEvent } from './request-event.js';

/**
 * One sink that hands every request event to each of `sinks` (the request log, the metrics, the
 * audit trail). A sink that throws or rejects does not keep the others from their event; the
 * first failure is passed on for the pipeline to log. Absent sinks (`undefined`) are skipped.
 */
export function fanOut(...sinks: readonly (EventSink | undefined)[]): EventSink {
  const all = sinks.filter((s): s is EventSink => s !== undefined);
  if (all.length === 1) return all[0]!;
  return {
    write(event: RequestEvent): void | Promise<void> {
      let failure: unknown;
      let pending: Promise<unknown>[] | undefined;
      for (const sink of all) {
        try {
          const done = sink.write(event);
          if (done instanceof Promise) (pending ??= []).push(done);
        } catch (e) {
          failure ??= e;
        }
      }
      if (pending === undefined) {
        if (failure !== undefined) throw failure;
        return;
      }
      return Promise.allSettled(pending).then((results) => {
        for (const r of results) if (r.status === 'rejected') failure ??= r.reason;
        if (failure !== undefined) throw failure;
      });
    },
  };
}

/** fanOut, or undefined when every sink is absent (the pipeline then builds no full events). */
export function optionalFanOut(...sinks: readonly (EventSink | undefined)[]): EventSink | undefined {
  return sinks.some((s) => s !== undefined) ? fanOut(...sinks) : undefined;
}
