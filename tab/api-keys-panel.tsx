import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { Badge, Button, Field, Input, Radio, RadioGroup } from '@fluentui/react-components';
import { formatDay } from './i18n.js';
import {
  ConfirmDialog,
  DoneBar,
  ProblemBar,
  RecordsTable,
  SecretOnce,
  fieldMessage,
  problemOf,
  useSectionStyles,
  type Done,
  type Problem,
} from './integrations-kit.js';
import { useTab } from './tab-context.js';

/** An API key as GET /api-keys lists it (ApiKeySchema). */
export interface ApiKeyItem {
  readonly id: string;
  readonly name: string;
  readonly scope: 'read' | 'read-write';
  readonly createdAt: string;
  readonly createdBy: { readonly name: string | null };
  readonly lastUsedAt: string | null;
  readonly revoked: boolean;
  readonly revokedAt: string | null;
}

const SCOPES = ['read', 'read-write'] as const;

/** The partner's API keys: list, create (its secret shown once), revoke after a confirmation. */
export function ApiKeysPanel() {
  const { t, language, client } = useTab();
  const styles = useSectionStyles();
  const headingId = useId();
  const [items, setItems] = useState<readonly ApiKeyItem[] | null>(null);
  const [loadProblem, setLoadProblem] = useState<Problem | null>(null);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<(typeof SCOPES)[number]>('read');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyItem | null>(null);
  const [done, setDone] = useState<Done | null>(null);

  const load = useCallback(() => {
    client.get<{ items: ApiKeyItem[] }>('/api-keys').then(
      (found) => (setItems(found.items), setLoadProblem(null)),
      (err: unknown) => setLoadProblem(problemOf(err))
    );
  }, [client]);
  useEffect(load, [load]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    setDone(null);
    try {
      const made = await client.post<ApiKeyItem & { key: string }>('/api-keys', { name, scope });
      setCreated({ name: made.name, key: made.key });
      setName('');
      load();
    } catch (err) {
      // What was typed stays, for the person to correct.
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (key: ApiKeyItem) => {
    setRevoking(null);
    setProblem(null);
    try {
      await client.delete(`/api-keys/${key.id}`);
      setDone({ key: 'integrations:keys.revokedNow', values: { name: key.name } });
      load();
    } catch (err) {
      setProblem(problemOf(err));
    }
  };

  return (
    <section className={styles.section} aria-labelledby={headingId}>
      <h2 id={headingId} className={styles.heading}>
        {t('integrations:keys.title')}
      </h2>
      <p className={styles.about}>{t('integrations:keys.about')}</p>
      {created ? (
        <SecretOnce
          label={t('integrations:keys.secretLabel', { name: created.name })}
          warning={t('integrations:keys.secretWarning')}
          value={created.key}
          onDismiss={() => setCreated(null)}
        />
      ) : null}
      <DoneBar done={done} />
      <ProblemBar problem={problem} beside={['body.name']} />
      <form
        className={styles.form}
        onSubmit={create}
        aria-label={t('integrations:keys.createTitle')}
      >
        <h3 className={styles.subheading}>{t('integrations:keys.createTitle')}</h3>
        <Field
          label={t('integrations:keys.name')}
          hint={t('integrations:keys.nameHint')}
          required
          validationMessage={fieldMessage(problem, 'body.name')}
        >
          <Input value={name} maxLength={80} onChange={(_, d) => setName(d.value)} />
        </Field>
        <Field label={t('integrations:keys.scope')}>
          <RadioGroup
            value={scope}
            layout="horizontal"
            onChange={(_, d) => setScope(d.value as (typeof SCOPES)[number])}
          >
            {SCOPES.map((s) => (
              <Radio key={s} value={s} label={t(`integrations:keys.scopes.${s}`)} />
            ))}
          </RadioGroup>
        </Field>
        <div>
          <Button appearance="primary" type="submit" disabled={busy}>
            {t('integrations:keys.create')}
          </Button>
        </div>
      </form>
      <ProblemBar problem={loadProblem} />
      <RecordsTable
        items={items}
        loadProblem={loadProblem}
        empty={t('integrations:keys.none')}
        labelledBy={headingId}
        columns={[
          { header: t('integrations:keys.name'), cell: (k) => k.name },
          {
            header: t('integrations:keys.scope'),
            cell: (k) => t(`integrations:keys.scopes.${k.scope}`),
          },
          {
            header: t('integrations:keys.created'),
            nowrap: true,
            cell: (k) => formatDay(language, k.createdAt),
          },
          { header: t('integrations:keys.createdBy'), cell: (k) => k.createdBy.name ?? '—' },
          {
            header: t('integrations:keys.lastUsed'),
            nowrap: true,
            cell: (k) =>
              k.lastUsedAt ? formatDay(language, k.lastUsedAt) : t('integrations:keys.never'),
          },
          {
            header: t('integrations:keys.state'),
            cell: (k) =>
              k.revoked ? (
                <Badge appearance="tint" color="subtle" className={styles.nowrap}>
                  {t('integrations:keys.revoked', { date: formatDay(language, k.revokedAt) })}
                </Badge>
              ) : (
                <Badge appearance="tint" color="success" className={styles.nowrap}>
                  {t('integrations:keys.active')}
                </Badge>
              ),
          },
          {
            header: t('integrations:actions'),
            hiddenHeader: true,
            cell: (k) =>
              k.revoked ? null : (
                <Button
                  size="small"
                  aria-label={t('integrations:keys.revokeNamed', { name: k.name })}
                  onClick={() => setRevoking(k)}
                >
                  {t('integrations:keys.revoke')}
                </Button>
              ),
          },
        ]}
      />
      {revoking ? (
        <ConfirmDialog
          title={t('integrations:keys.confirmRevokeTitle')}
          text={t('integrations:keys.confirmRevoke', { name: revoking.name })}
          action={t('integrations:keys.revoke')}
          onCancel={() => setRevoking(null)}
          onConfirm={() => void revoke(revoking)}
        />
      ) : null}
    </section>
  );
}
