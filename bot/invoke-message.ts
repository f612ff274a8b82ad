import { ActivityTypes, type AdaptiveCardInvokeResponse, type TurnContext } from 'botbuilder';

/** The invoke response type Teams shows as a short message where the user clicked. */
const ACTIVITY_MESSAGE = 'application/vnd.microsoft.activity.message';

/** An Action.Execute answer shown as a short message; its `value` is a string, not an object. */
export function messageResponse(text: string): AdaptiveCardInvokeResponse {
  return {
    statusCode: 200,
    type: ACTIVITY_MESSAGE,
    value: text as unknown as Record<string, unknown>,
  };
}

/** Answers the turn's invoke with `text` as that message (outside the bot's invoke handler). */
export async function sendInvokeMessage(turn: TurnContext, text: string): Promise<void> {
  await turn.sendActivity({
    type: ActivityTypes.InvokeResponse,
    value: { status: 200, body: messageResponse(text) },
  });
}
