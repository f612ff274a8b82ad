import type { TurnContext } from 'botbuilder';
import type { DialogContext } from 'botbuilder-dialogs';

const CHECKPOINT = Symbol('partnerConnect.dialogCheckpoint');

/**
 * Remembers the dialog stack as it is now (JSON, as the state storage would keep it), so work
 * that then fails with a DomainError can be undone by `rewindDialogs`.
 */
export function checkpointDialogs(turn: TurnContext, dc: DialogContext): void {
  turn.turnState.set(CHECKPOINT, JSON.stringify(dc.stack));
}

/**
 * Puts the dialog stack back as it was at the last checkpoint: a waterfall that failed in a
 * step is back on the step that asked, its prompt waiting. The stack array is the state object
 * itself, so this is what gets saved. True when there was anything to undo.
 */
export function rewindDialogs(turn: TurnContext, dc: DialogContext): boolean {
  const saved = turn.turnState.get(CHECKPOINT) as string | undefined;
  if (saved === undefined || saved === JSON.stringify(dc.stack)) return false;
  dc.stack.splice(0, dc.stack.length, ...(JSON.parse(saved) as typeof dc.stack));
  return true;
}
