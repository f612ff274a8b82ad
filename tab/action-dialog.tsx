import { useState } from 'react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  Textarea,
} from '@fluentui/react-components';
import type { Row } from './api-types.js';
import { formatDay } from './i18n.js';
import { useTab } from './tab-context.js';

/** Days Extend may add at most (domain/relationships/access-grant.ts MAX_DURATION_DAYS). */
export const MAX_EXTEND_DAYS = 730;
const DEFAULT_EXTEND_DAYS = 365;
const DAY_MS = 86_400_000;

/** Actions that ask something first: a confirmation, a number of days, consent, a reason. */
export const ASKING_ACTIONS = new Set(['end', 'extend', 'authorize', 'authorizeChange', 'reject']);

/** Whether `action` on `row` asks first (a provider's Authorize needs no consent of its own). */
export function asksFirst(action: string, row: Row | null): boolean {
  if (action === 'authorize' || action === 'authorizeChange') return row?.side === 'reseller';
  return ASKING_ACTIONS.has(action);
}

/**
 * The question before an action, and the body the API wants for it: End asks to confirm (it
 * cannot be undone), Extend for the days and shows the end old -> new, the reseller's Authorize
 * for its consent, Reject for the reason the applicant will read.
 */
export function ActionDialog({
  action,
  row,
  name,
  onCancel,
  onConfirm,
}: {
  action: string;
  /** The one row acted on; null for a bulk action. */
  row: Row | null;
  name: string;
  onCancel: () => void;
  onConfirm: (body: Record<string, unknown>) => void;
}) {
  const { t, language, me } = useTab();
  const room =
    typeof row?.extendRoom === 'number' && row.extendRoom > 0 ? row.extendRoom : MAX_EXTEND_DAYS;
  const [days, setDays] = useState(String(Math.min(room, DEFAULT_EXTEND_DAYS)));
  const [reason, setReason] = useState('');
  const dayCount = Number(days);
  const daysValid = Number.isInteger(dayCount) && dayCount >= 1 && dayCount <= room;
  // The reseller's own extension or authorization is its consent; a provider's never is.
  const consent = row ? row.side === 'reseller' : me.partner?.partnerType === 'reseller';

  let title = t(`actions.${action}`);
  let content = null;
  let body: Record<string, unknown> = {};
  let valid = true;
  if (action === 'end') {
    title = t('detail.confirmEndTitle');
    content = t('detail.confirmEnd', { name });
    body = { confirmed: true };
  } else if (action === 'extend') {
    const from = row?.expiresAt as string | undefined;
    const to =
      from && daysValid ? new Date(Date.parse(from) + dayCount * DAY_MS).toISOString() : null;
    content = (
      <>
        <Field
          label={t('detail.extendDays', { max: room })}
          validationMessage={daysValid ? undefined : t('detail.extendDaysInvalid', { max: room })}
        >
          <Input
            type="number"
            min={1}
            max={room}
            value={days}
            onChange={(_, d) => setDays(d.value)}
          />
        </Field>
        {from ? (
          <p role="status">
            {t('detail.extendPreview', {
              from: formatDay(language, from),
              to: to ? formatDay(language, to) : '—',
            })}
          </p>
        ) : null}
        {row === null ? <p>{t('detail.extendBulk')}</p> : null}
      </>
    );
    valid = daysValid;
    body = {
      days: dayCount,
      ...(from ? { endsAt: from } : {}),
      ...(consent ? { consent: true } : {}),
    };
  } else if (action === 'authorize' || action === 'authorizeChange') {
    content = t('detail.consent', { name });
    body = { consent: true };
  } else if (action === 'reject') {
    content = (
      <Field label={t('detail.reason')} required>
        <Textarea value={reason} onChange={(_, d) => setReason(d.value)} />
      </Field>
    );
    valid = reason.trim().length > 0;
    body = { reason: reason.trim() };
  }

  return (
    <Dialog open onOpenChange={(_, d) => !d.open && onCancel()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent>{content}</DialogContent>
          <DialogActions>
            <Button appearance="secondary" onClick={onCancel}>
              {t('common:actions.cancel')}
            </Button>
            <Button appearance="primary" disabled={!valid} onClick={() => onConfirm(body)}>
              {t(`actions.${action}`)}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
