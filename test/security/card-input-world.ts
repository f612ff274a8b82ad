import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { z } from 'zod';
import { createBasicsFeature } from '../../bot/basics.feature.js';
import type { CardAction, Feature } from '../../bot/feature.js';
import { Verbs } from '../../cards/verbs.js';
import { LANGUAGES, type Language } from '../../i18n/i18n.js';
import { OPERATOR_ENV, personas, type Persona } from '../helpers/personas.js';
import { cast, startRelationshipsWorld } from '../e2e/relationships/relationships-world.js';
import { visible } from '../e2e/security/security-world.js';

/**
 * The world of the card-input suites: the relationships world (approved reseller and provider,
 * a customer tenant without a partner) plus an operator, an application under review, a
 * pending relationship and a pending customer invitation, so a card's references can name
 * real records and invalid data reaches past "not found" into the handlers.
 */

/** The fields a verb's data has, from its zod schema (what a generated payload spoils). */
export interface VerbShape {
  readonly verb: string;
  readonly fields: readonly string[];
  /** The router parses with this; undefined for the two verbs the bot handles itself. */
  readonly schema?: z.ZodType;
  /** A form step (any values, the dialog validates them): it resumes or begins its dialog. */
  readonly dialog?: boolean;
}

/** The bot handles these before the router (bot/partner-connect.bot.ts), with these fields. */
const BUILT_IN: Record<string, readonly string[]> = {
  [Verbs.commandRun]: ['command'],
  [Verbs.cardRefresh]: ['subjectType', 'subjectId'],
};

function isRecord(schema: z.ZodType): boolean {
  return (schema as unknown as { def?: { type?: string } }).def?.type === 'record';
}

function fieldsOf(schema: z.ZodType): string[] {
  // zod 4: objects (passthrough or strict) expose `shape`; a refined or piped object its input.
  const def = (schema as unknown as { def?: { in?: z.ZodType; type?: string } }).def;
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  if (shape) return Object.keys(shape);
  if (def?.in) return fieldsOf(def.in);
  // Any values (the enrollment form's steps): the dialog validates each field itself.
  if (def?.type === 'record') return [];
  throw new Error(`cannot read the fields of a schema of type ${def?.type}`);
}

/**
 * Every card verb, from the registered features and the verbs file: a verb in `Verbs` that no
 * feature registers and the bot does not handle itself throws, so a new verb is covered or the
 * suite fails.
 */
export function verbShapes(features: readonly Feature[]): VerbShape[] {
  const basics = createBasicsFeature({
    users: {} as never,
    registry: () => {
      throw new Error('not used');
    },
  });
  const actions = new Map<string, CardAction>();
  for (const f of [basics, ...features])
    for (const a of f.cardActions ?? []) actions.set(a.verb, a);
  const verbs = new Set<string>([...Object.values(Verbs), ...actions.keys()]);
  return [...verbs].sort().map((verb) => {
    const action = actions.get(verb);
    if (action) {
      const fields = fieldsOf(action.schema);
      const dialog = isRecord(action.schema);
      return { verb, fields, schema: action.schema, ...(dialog ? { dialog } : {}) };
    }
    const fields = BUILT_IN[verb];
    if (!fields) throw new Error(`verb ${verb} is neither registered nor handled by the bot`);
    return { verb, fields };
  });
}

/** Refusal texts of a catalog (errors.json and every namespace's `errors`), up to the first value. */
export function refusalTexts(language: Language): string[] {
  const dir = path.resolve('i18n', language);
  const out: string[] = [];
  const collect = (n: unknown) => {
    if (typeof n === 'string') out.push(n.replace(/\{\{[^}]+\}\}.*$/s, '').trim());
    else if (n && typeof n === 'object') Object.values(n).forEach(collect);
  };
  for (const file of fs.readdirSync(dir)) {
    const json = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    if (file === 'errors.json') collect(json);
    else collect(json.errors);
    // The bot's own answers to a click it cannot use (an unknown verb, a chat it cannot run in).
    if (file === 'bot.json') collect([json.cardAction, json.unknown]);
  }
  return [...new Set(out.filter((s) => s.length >= 12))];
}

/** Every catalog string of a language, up to the first value (for "answered in this language"). */
export function catalogTexts(language: Language): string[] {
  const dir = path.resolve('i18n', language);
  const out: string[] = [];
  const collect = (n: unknown) => {
    if (typeof n === 'string') out.push(n.replace(/\{\{[^}]+\}\}.*$/s, '').trim());
    else if (n && typeof n === 'object') Object.values(n).forEach(collect);
  };
  for (const file of fs.readdirSync(dir)) {
    collect(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
  }
  return [...new Set(out.filter((s) => s.length > 0))];
}

/**
 * What a turn may change whatever it does, field by field: the dialog state's bookkeeping, the
 * conversation reference (the last activity id and time), the user's last turn and client
 * locale, and the outbox's lease renewals. Everything else must stay as it was.
 */
export const PER_TURN_FIELDS: Readonly<Record<string, readonly string[]>> = {
  botstate: ['eTag', 'updatedAt'],
  conversationreferences: ['reference', 'updatedAt'],
  users: ['lastSeenAt', 'locale', 'updatedAt'],
  leases: ['expiresAt'],
};

export type CardInputWorld = Awaited<ReturnType<typeof startCardInputWorld>>;

export async function startCardInputWorld() {
  const w = await startRelationshipsWorld({ ...OPERATOR_ENV });
  const { app } = w;
  await app.post(app.teams.install(personas.operator));
  const applicantAdmin: Persona = {
    ...personas.reseller,
    id: 'user-applicant',
    tenantId: '66666666-6666-4666-8666-666666666666',
    aadObjectId: '66666666-0000-4000-8000-000000000001',
    name: 'Alex Applicant',
    email: 'alex@adatum-apply.example',
    upn: 'alex@adatum-apply.example',
  };
  await app.post(app.teams.install(applicantAdmin));
  const applicant = await w.approvedPartner('reseller', applicantAdmin, {
    legalName: 'Adatum Applicant',
    status: 'underReview',
  });
  const grant = { roles: ['globalReader'], durationDays: 365, autoExtend: false };
  const pending = await w.service.request(cast.reseller, w.provider.id, grant, true);
  const created = await app.app.modules.invitations.service.inviteCustomer(cast.reseller, {
    companyName: 'Northwind Traders',
  });
  /** Real values for reference fields: a payload spoils one field and keeps the others real. */
  const refs: Record<string, string> = {
    relationshipRef: pending.id,
    invitationRef: created.view.invitation.id,
    partnerRef: applicant.id,
    providerRef: w.provider.id,
    resellerRef: w.reseller.id,
    userId: cast.resellerSales.aadObjectId,
  };
  const features: Feature[] = Object.values(app.app.modules).flatMap(
    (m) => (m as { features?: Feature[] }).features ?? []
  );
  const names = Object.values(app.app.db.connection.models)
    .map((m) => m.collection.collectionName)
    .sort();

  /** Every collection, without the per-turn fields, the outbox's delivery progress aside. */
  async function snapshot(): Promise<Record<string, unknown[]>> {
    const out: Record<string, unknown[]> = {};
    for (const name of names) {
      const docs = await w.collection(name).find({}).sort({ _id: 1 }).toArray();
      const drop = PER_TURN_FIELDS[name] ?? [];
      out[name] = docs.map((d) => {
        const copy: Record<string, unknown> = { ...d };
        for (const f of drop) delete copy[f];
        // A notice made or changed is the change; its delivery attempts are the worker's pace.
        if (name === 'notifications')
          return { _id: d._id, key: d.key, kind: d.kind, to: d.to, text: d.text, card: d.card };
        return copy;
      });
    }
    return JSON.parse(JSON.stringify(out)) as Record<string, unknown[]>;
  }

  /** Waits until the outbox has delivered what set-up queued (two equal snapshots in a row). */
  async function settled(): Promise<Record<string, unknown[]>> {
    let last = JSON.stringify(await snapshot());
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const next = JSON.stringify(await snapshot());
      if (next === last) return JSON.parse(next);
      last = next;
    }
    throw new Error('the database did not settle');
  }

  /** Who clicks: a Global admin of each side and the operator, in turn. */
  const actors: readonly Persona[] = [cast.reseller, cast.provider, personas.operator];

  /** One click, Action.Execute or Action.Submit, in a locale; what the person sees. */
  async function click(
    who: Persona,
    verb: string,
    data: Record<string, unknown>,
    opts: { locale: string; submit?: boolean }
  ) {
    const conversation = app.teams.conversationId(who);
    const before = app.connector.shown(conversation).length;
    const res = await app.post(
      opts.submit
        ? app.teams.submit(who, { ...data, verb }, { locale: opts.locale })
        : app.teams.cardAction(who, verb, data, { locale: opts.locale })
    );
    // An Execute answers in its response; what the action sent meanwhile shows in the chat.
    const out = app.connector.shown(conversation).slice(before).map(visible);
    const seen = [...(opts.submit ? [] : [visible(res.body)]), ...out].join('\n');
    return { status: res.status, body: res.body, seen };
  }

  return {
    ...w,
    refs,
    features,
    actors,
    snapshot,
    settled,
    click,
    oid: () => new mongoose.Types.ObjectId().toHexString(),
  };
}

export const LOCALES: Readonly<Record<Language, string>> = { en: 'en-US', ru: 'ru-RU' };
export { LANGUAGES };
