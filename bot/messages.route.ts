import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Request, Response } from 'restify';
import { checkActivity } from './activity-guard.js';
import type { RequestAuthenticator } from './adapter.js';
import type { Logger } from '../logging/logger.js';
import type { OwedWork } from '../domain/notices/owed-work.js';
import {
  turnFacts,
  type TurnFacts,
  type TurnMetrics,
  type TurnRecord,
  type TurnTracer,
} from '../logging/turn-log.js';
import { turnActivity, turnKind } from './turn-kind.js';
import {
  activityProblem,
  BODY_TIMEOUT_MS,
  isJsonContentType,
  MAX_ACTIVITY_BYTES,
  NOT_JSON,
  readJsonBody,
} from '../web/read-body.js';

/** What the adapter runs for each authenticated activity (an ActivityHandler's `run`). */
export type TurnLogic = (context: TurnContext) => Promise<void>;

export interface MessagesDeps {
  readonly adapter: CloudAdapter;
  readonly logic: TurnLogic;
  readonly logger: Logger;
  readonly maxBodyBytes?: number;
  /** How long a client may take to send the body once the headers are in (408 after). */
  readonly bodyTimeoutMs?: number;
  /** Hosts besides the Bot Framework / Teams services a serviceUrl may name (config). */
  readonly trustedServiceUrlHosts?: readonly string[];
  /** Counts each request by activity, kind and outcome (set with METRICS_TOKEN). */
  readonly metrics?: TurnMetrics;
  /** Runs each turn in a trace span (set when tracing is on). */
  readonly trace?: TurnTracer;
  /** Holds the work a turn owes others until its response is written (domain/notices/owed-work.ts). */
  readonly owedWork?: Pick<OwedWork, 'holdDuring'>;
}

/** The adapter's pre-body token check, when it has one (bot/adapter.ts PartnerConnectAdapter). */
function authenticatorOf(adapter: CloudAdapter): RequestAuthenticator | undefined {
  const a = adapter as CloudAdapter & Partial<RequestAuthenticator>;
  return typeof a.authenticateHeader === 'function' ? (a as RequestAuthenticator) : undefined;
}

/** The turn log's outcome as metrics count it: ok, refused, error or rejected. */
function metricOutcome(outcome: string): TurnRecord['outcome'] {
  if (outcome === 'ok' || outcome === 'ignored') return 'ok';
  if (outcome === 'domainError') return 'refused';
  if (outcome === 'failed' || outcome === 'error') return 'error';
  return 'rejected';
}

function outcomeOf(status: number, failed: boolean, noted: TurnFacts['outcome']): string {
  if (failed) return 'failed';
  if (noted) return noted;
  if (status === 401 || status === 403) return 'unauthorized';
  if (status >= 500) return 'error';
  if (status >= 400) return 'rejected';
  return 'ok';
}

/**
 * `POST /api/messages`: bodies that are not JSON, not an activity or too large are refused here,
 * before the adapter (which would answer 500 to some of them) authenticates and runs the turn.
 * Writes the one `turn` log line, with what the bot noted (logging/turn-log.ts).
 */
export function messagesRoute(deps: MessagesDeps) {
  const log = deps.logger.child({ module: 'messages' });
  const authenticator = authenticatorOf(deps.adapter);
  const openMode = !authenticator?.authEnabled;
  const seconds = (started: number) => (performance.now() - started) / 1000;
  /** A request refused before the bot ran: no activity to name. */
  const refusedEarly = (started: number) =>
    deps.metrics?.turn({
      activity: 'none',
      kind: 'none',
      outcome: 'rejected',
      seconds: seconds(started),
    });
  return async (req: Request, res: Response): Promise<void> => {
    const started = performance.now();
    // The token first: a caller without one is answered before it can send (or stall) a body.
    if (authenticator?.authEnabled) {
      try {
        await authenticator.authenticateHeader(String(req.headers.authorization ?? ''));
      } catch {
        res.header('Connection', 'close');
        res.send(401, {
          error: 'unauthorized',
          message: 'A valid Bot Framework token is required.',
        });
        log.info({ status: 401, outcome: 'unauthorized' }, 'request refused');
        refusedEarly(started);
        return;
      }
    }
    // The channel always sends application/json; anything else is refused unread.
    const body = isJsonContentType(req.headers['content-type'])
      ? await readJsonBody(
          req,
          deps.maxBodyBytes ?? MAX_ACTIVITY_BYTES,
          deps.bodyTimeoutMs ?? BODY_TIMEOUT_MS
        )
      : NOT_JSON;
    const shape = body.ok ? activityProblem(body.value) : undefined;
    const checked =
      body.ok && !shape
        ? checkActivity(body.value, { openMode, trusted: deps.trustedServiceUrlHosts })
        : undefined;
    const problem = shape ?? (checked && !checked.ok ? checked.problem : undefined);
    if (!body.ok || problem) {
      const refusal = body.ok
        ? {
            status: 400,
            error: 'not_an_activity',
            message: `Not a Bot Framework activity: ${problem}.`,
          }
        : body;
      // The rest of the body is left unread: the connection cannot carry another request.
      if (refusal.status === 413 || refusal.status === 408 || refusal.status === 415)
        res.header('Connection', 'close');
      res.send(refusal.status, { error: refusal.error, message: refusal.message });
      log.info(
        { status: refusal.status, outcome: 'rejected', reason: refusal.error },
        'request refused'
      );
      refusedEarly(started);
      return;
    }

    // Read loosely for the turn log: the guard checked what the bot relies on.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const activity = (checked as { activity: Record<string, any> }).activity;
    req.body = activity;
    let failed = false;
    let noted: TurnFacts = {};
    const logic: TurnLogic = async (context) => {
      try {
        await deps.logic(context);
      } catch (err) {
        failed = true;
        throw err;
      } finally {
        noted = turnFacts(context);
      }
    };
    const runTurn = async (annotate?: (record: TurnRecord) => void) => {
      try {
        const handle = () => deps.adapter.process(req, res, logic);
        await (deps.owedWork ? deps.owedWork.holdDuring(handle) : handle());
      } catch (err) {
        // The adapter throws (zod) on bodies it cannot read as an activity: a client error.
        log.warn({ err }, 'adapter refused the activity');
        if (!res.headersSent)
          res.send(400, { error: 'not_an_activity', message: 'The activity is malformed.' });
      }
      const outcome = outcomeOf(res.statusCode, failed, noted.outcome);
      const record: TurnRecord = {
        activity: turnActivity(activity.type),
        kind: turnKind(activity, noted),
        outcome: metricOutcome(outcome),
        seconds: seconds(started),
      };
      annotate?.(record);
      deps.metrics?.turn(record);
      logTurn(outcome);
    };
    // Logged inside the turn's span, so that its line carries the trace id.
    const logTurn = (outcome: string) =>
      log.info(
        {
          activityType: activity.type,
          activityName: typeof activity.name === 'string' ? activity.name : undefined,
          activityId: activity.id,
          channelId: activity.channelId,
          tenantId:
            noted.tenantId ?? activity.channelData?.tenant?.id ?? activity.conversation?.tenantId,
          conversationType: noted.conversationType ?? activity.conversation?.conversationType,
          status: res.statusCode,
          outcome,
          durationMs: Math.round(performance.now() - started),
        },
        'turn'
      );
    await (deps.trace ? deps.trace(runTurn) : runTurn());
  };
}
