import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type {
  CommandFailedEvent,
  CommandStartedEvent,
  CommandSucceededEvent,
  MongoClient,
} from 'mongodb';
import { tracer } from './spans.js';

/** Records database command latency (observability/metrics.ts implements it). */
export interface CommandMetrics {
  dbCommand(command: string, ok: boolean, seconds: number): void;
}

/** Driver command names are the code's (find, update, getMore...); anything odd is `other`. */
const commandLabel = (name: string) => (/^[A-Za-z]{1,40}$/.test(name) ? name : 'other');

/**
 * Listens to the driver's command monitoring (the client must be made with
 * `monitorCommands: true`): each command's latency goes to `metrics`, and with `spans`, a
 * command made while a span is active (a turn, a delivery) becomes its child span. Commands
 * outside any span (the worker's polling) make no trace of their own.
 */
export function watchDatabaseCommands(
  client: MongoClient,
  opts: { metrics?: CommandMetrics; spans: boolean }
): void {
  const { metrics } = opts;
  const open = new Map<number, Span>();
  if (opts.spans) {
    client.on('commandStarted', (e: CommandStartedEvent) => {
      // Emitted in the caller's async context, so the active span is the caller's.
      const parent = context.active();
      if (!trace.getSpan(parent)) return;
      const collection = e.command?.[e.commandName];
      const span = tracer.startSpan(
        `mongodb ${commandLabel(e.commandName)}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'db.system.name': 'mongodb',
            'db.operation.name': commandLabel(e.commandName),
            'db.namespace': e.databaseName,
            ...(typeof collection === 'string' ? { 'db.collection.name': collection } : {}),
          },
        },
        parent
      );
      open.set(e.requestId, span);
    });
  }
  const finish = (e: CommandSucceededEvent | CommandFailedEvent, ok: boolean) => {
    metrics?.dbCommand(commandLabel(e.commandName), ok, e.duration / 1000);
    const span = open.get(e.requestId);
    if (!span) return;
    open.delete(e.requestId);
    if (!ok)
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: (e as CommandFailedEvent).failure?.name,
      });
    span.end();
  };
  client.on('commandSucceeded', (e: CommandSucceededEvent) => finish(e, true));
  client.on('commandFailed', (e: CommandFailedEvent) => finish(e, false));
}
