import { z } from 'zod';
import { cardAction, type CardAction } from './feature.js';

/** Any submitted values: the dialog's own prompt validates them. */
const anyValues = z.record(z.string(), z.unknown());

/**
 * A card click that answers a dialog: inside that dialog it is the waiting prompt's answer;
 * otherwise (the dialog was cancelled, or its state was lost) the dialog begins again with
 * `options`, and asks, or takes the click as the answer to, the step its stored data is at.
 */
export function resumeDialogAction(
  verb: string,
  dialogId: string,
  opts: { readonly scope: 'personal' | 'any'; readonly options?: object }
): CardAction<typeof anyValues> {
  return cardAction({
    verb,
    schema: anyValues,
    scope: opts.scope,
    async handle(scope) {
      const active = scope.dc.activeDialog;
      if (active?.id === dialogId) {
        await scope.dc.continueDialog();
        return {};
      }
      if (active) await scope.dc.cancelAllDialogs();
      await scope.dc.beginDialog(dialogId, opts.options ?? {});
      return {};
    },
  });
}
