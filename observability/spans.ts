import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { TurnRecord, TurnTracer } from '../logging/turn-log.js';

/**
 * The app's own spans, through the OpenTelemetry API: without a started SDK (observability/
 * tracing.ts) every call is a no-op, so this costs nothing when tracing is off.
 */
export const tracer = trace.getTracer('partner-connect');

/**
 * The messages route's turn span (`bot turn`), a child of the incoming request's span; the
 * database commands and connector calls the turn makes are its children. Attributes are the
 * turn's metrics labels: closed sets, never user text.
 */
export const traceTurn: TurnTracer = (run) =>
  tracer.startActiveSpan('bot turn', { kind: SpanKind.INTERNAL }, async (span) => {
    try {
      await run((record: TurnRecord) => {
        span.setAttributes({
          'partner_connect.activity': record.activity,
          'partner_connect.kind': record.kind,
          'partner_connect.outcome': record.outcome,
        });
        if (record.outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR });
      });
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
