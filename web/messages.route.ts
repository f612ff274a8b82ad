import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Request, Response } from 'restify';
import type { Logger } from '../logging/logger.js';
import { turnFacts, type TurnFacts } from '../logging/turn-log.js';
import { activityProblem, MAX_ACTIVITY_BYTES, readJsonBody } from './read-body.js';

/** What the adapter runs for each authenticated activity (an ActivityHandler's `run`). */
export type TurnLogic = (context: TurnContext) => Promise<void>;

export interface MessagesDeps {
  readonly adapter: CloudAdapter;
  readonly logic: TurnLogic;
  readonly logger: Logger;
  readonly maxBodyBytes?: number;
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
  return async (req: Request, res: Response): Promise<void> => {
    const started = performance.now();
    const body = await readJsonBody(req, deps.maxBodyBytes ?? MAX_ACTIVITY_BYTES);
    const problem = body.ok ? activityProblem(body.value) : undefined;
    if (!body.ok || problem) {
      const refusal = body.ok
        ? {
            status: 400,
            error: 'not_an_activity',
            message: `Not a Bot Framework activity: ${problem}.`,
          }
        : body;
      if (refusal.status === 413) res.header('Connection', 'close');
      res.send(refusal.status, { error: refusal.error, message: refusal.message });
      log.info(
        { status: refusal.status, outcome: 'rejected', reason: refusal.error },
        'request refused'
      );
      return;
    }

    // Read loosely for the turn log; the adapter and the bot validate what they use.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const activity = body.value as Record<string, any>;
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
    try {
      await deps.adapter.process(req, res, logic);
    } catch (err) {
      // The adapter throws (zod) on bodies it cannot read as an activity: a client error.
      log.warn({ err }, 'adapter refused the activity');
      if (!res.headersSent)
        res.send(400, { error: 'not_an_activity', message: 'The activity is malformed.' });
    }
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
        outcome: outcomeOf(res.statusCode, failed, noted.outcome),
        durationMs: Math.round(performance.now() - started),
      },
      'turn'
    );
  };
}
