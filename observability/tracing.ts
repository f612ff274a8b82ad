import type { IncomingMessage } from 'node:http';
import type { Config } from '../config/config.js';
import type { Logger } from '../logging/logger.js';

/** What the composition root keeps of a started tracer: flush and stop at shutdown. */
export interface Tracing {
  /** `otlp`, `azure-monitor` or both, for the start log line. */
  readonly exporters: readonly string[];
  shutdown(): Promise<void>;
}

/** Requests not worth a trace: probes and scrapes, every few seconds. */
const UNTRACED_PATHS = new Set(['/healthz', '/metrics']);
const untraced = (req: IncomingMessage) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0]);

/**
 * Starts OpenTelemetry when OTEL_EXPORTER_OTLP_ENDPOINT or APPLICATIONINSIGHTS_CONNECTION_STRING
 * is set, and loads nothing otherwise (`npm start` pays nothing). Must run before restify and
 * the Bot Framework connector are imported: the http instrumentation patches node:http as
 * CommonJS modules require it (index.ts imports the app after this). Spans: the incoming
 * request and outbound connector calls (http instrumentation), the turn and the database
 * commands (observability/spans.ts, database-commands.ts).
 */
export async function startTracing(config: Config, logger: Logger): Promise<Tracing | undefined> {
  const { otlpEndpoint, otlpHeaders, appInsightsConnectionString: connectionString } = config;
  if (!otlpEndpoint && !connectionString) return undefined;
  const log = logger.child({ module: 'tracing' });
  const serviceName = config.otelServiceName;
  const { NodeSDK, tracing, resources } = await import('@opentelemetry/sdk-node');
  const otlp = otlpEndpoint
    ? await import('@opentelemetry/exporter-trace-otlp-http').then(
        ({ OTLPTraceExporter }) =>
          new tracing.BatchSpanProcessor(
            new OTLPTraceExporter({
              // The OTLP convention: the variable names the base, traces go to /v1/traces.
              url: `${otlpEndpoint.replace(/\/+$/, '')}/v1/traces`,
              headers: { ...otlpHeaders },
            })
          )
      )
    : undefined;

  if (connectionString) {
    const { useAzureMonitor, shutdownAzureMonitor } = await import('@azure/monitor-opentelemetry');
    useAzureMonitor({
      azureMonitorExporterOptions: { connectionString },
      resource: resources.resourceFromAttributes({ 'service.name': serviceName }) as never,
      instrumentationOptions: {
        http: { enabled: true, ignoreIncomingRequestHook: untraced } as never,
        // The driver's command monitoring makes the database spans (database-commands.ts).
        mongoDb: { enabled: false },
      },
      // Azure Monitor's distro pins its own SDK release; the processor's shape is the same.
      ...(otlp ? { spanProcessors: [otlp as never] } : {}),
    });
    log.info({ otlp: !!otlp }, 'tracing: Azure Monitor');
    return {
      exporters: otlp ? ['azure-monitor', 'otlp'] : ['azure-monitor'],
      shutdown: () => shutdownAzureMonitor(),
    };
  }

  const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
  const sdk = new NodeSDK({
    serviceName,
    spanProcessors: [otlp!],
    instrumentations: [new HttpInstrumentation({ ignoreIncomingRequestHook: untraced })],
    // Traces only: metrics are Prometheus's (/metrics), logs are pino's on stdout.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  log.info({ endpoint: otlpEndpoint }, 'tracing: OTLP');
  return { exporters: ['otlp'], shutdown: () => sdk.shutdown() };
}
