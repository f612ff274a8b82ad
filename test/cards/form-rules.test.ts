import { expect } from 'chai';
import * as inviteForm from '../../cards/invitations/invite-form.card.js';
import * as section from '../../cards/enrollment/enrollment-section.card.js';
import * as review from '../../cards/enrollment/review.card.js';
import * as relationship from '../../cards/relationships/relationship.card.js';
import * as request from '../../cards/relationships/request.card.js';
import { withFieldErrors } from '../../cards/shared/field-errors.js';
import { MAX_REASON_LENGTH } from '../../domain/enrollment/review.service.js';
import { CUSTOMER_EMAIL_PATTERN } from '../../domain/invitations/invitation.service.js';
import { fieldSchemas } from '../../domain/partners/partner-profile.js';
import { isPartnerId, PARTNER_ID_PATTERN } from '../../domain/partners/partner.js';
import { MAX_DURATION_DAYS, MIN_DURATION_DAYS } from '../../domain/relationships/access-grant.js';
import { RESELLER_EMAIL_PATTERN } from '../../domain/relationships/reseller-invitation.service.js';
import { LANGUAGES, t } from '../../i18n/i18n.js';
import { errorUnder, inputsOf } from '../helpers/form-card.js';
import { validateCard } from './validate-card.js';

/**
 * Issue 12/18: where Teams checks inputs on the client (isRequired, regex, min/max,
 * errorMessage), each form's inputs carry the server's own rule and message, so a value is
 * never accepted by one and refused by the other, and the refused cards stay valid cards.
 */
describe('form inputs carry the server rules (Adaptive Card validation)', () => {
  for (const language of LANGUAGES) {
    const input = (card: Record<string, unknown>, id: string) => inputsOf(card).get(id)!.input;

    it(`the invite reseller and request forms (${language})`, () => {
      const invite = request.render(request.samples[1], language);
      const ask = request.render(request.samples[0], language);
      expect(validateCard(invite)).to.deep.equal([]);
      expect(input(invite, 'email')).to.include({
        isRequired: true,
        regex: RESELLER_EMAIL_PATTERN,
        errorMessage: t(language, 'relationships:invite.emailError'),
      });
      expect(input(invite, 'partnerId')).to.include({
        regex: PARTNER_ID_PATTERN,
        errorMessage: t(language, 'enrollment:validation.partnerIdFormat'),
      });
      for (const card of [invite, ask]) {
        expect(input(card, 'durationDays')).to.include({
          isRequired: true,
          min: MIN_DURATION_DAYS,
          max: MAX_DURATION_DAYS,
          errorMessage: t(language, 'relationships:grant.durationDays', {
            min: MIN_DURATION_DAYS,
            max: MAX_DURATION_DAYS,
          }),
        });
        expect(input(card, 'roles')).to.include({
          isRequired: true,
          errorMessage: t(language, 'relationships:grant.roles'),
        });
      }
    });

    it(`the PartnerID rule is one rule: enrollment's input, the invite's input and the server agree (${language})`, () => {
      const enroll = input(section.render(section.samples[1], language), 'partnerId');
      const invite = input(request.render(request.samples[1], language), 'partnerId');
      expect(enroll.regex).to.equal(invite.regex);
      expect(enroll.errorMessage).to.equal(invite.errorMessage);
      const server = fieldSchemas().partnerId;
      for (const v of ['123456', '1234567', '12345', '12345678', '123456a', '1234567890']) {
        const client = new RegExp(String(enroll.regex)).test(v);
        expect(client, v).to.equal(isPartnerId(v));
        expect(client, v).to.equal(server.safeParse(v).success);
      }
    });

    it(`the invite customer form (${language})`, () => {
      const card = inviteForm.render(inviteForm.samples[1], language);
      expect(validateCard(card)).to.deep.equal([]);
      expect(input(card, 'companyName')).to.include({
        isRequired: true,
        maxLength: 120,
        errorMessage: t(language, 'invitations:errors.companyName'),
      });
      const company = new RegExp(String(input(card, 'companyName').regex));
      expect(company.test('N')).to.equal(false);
      expect(company.test('NW')).to.equal(true);
      expect(input(card, 'adminEmail')).to.include({
        regex: CUSTOMER_EMAIL_PATTERN,
        errorMessage: t(language, 'invitations:errors.email'),
      });
      expect(input(card, 'note')).to.include({
        maxLength: 500,
        errorMessage: t(language, 'invitations:errors.note'),
      });
    });

    it(`Extend's days and Reject's reason (${language})`, () => {
      const active = relationship.samples
        .map((s) => ({ s, card: relationship.render(s, language) }))
        .find(({ card }) => inputsOf(card).has('durationDays'))!;
      const room = Math.max(1, active.s.view.extendRoom);
      expect(input(active.card, 'durationDays')).to.include({
        min: 1,
        max: room,
        errorMessage: t(language, 'relationships:errors.extendRange', {
          min: 1,
          max: room,
          limit: MAX_DURATION_DAYS,
        }),
      });
      const card = review.render(review.samples[0], language);
      expect(input(card, 'reason')).to.include({
        isRequired: true,
        maxLength: MAX_REASON_LENGTH,
        errorMessage: t(language, 'enrollment:validation.reasonRequired'),
      });
    });

    it(`a refused form is still a valid card, values kept and each error under its input (${language})`, () => {
      const card = withFieldErrors(
        request.render(request.samples[1], language),
        [
          { field: 'email', key: 'relationships:invite.emailError' },
          {
            field: 'durationDays',
            key: 'relationships:grant.durationDays',
            values: { min: 1, max: 730 },
          },
          { field: 'elsewhere', key: 'relationships:grant.autoExtendWithGlobalAdmin' },
        ],
        language,
        { values: { email: 'x@', durationDays: '900', roles: ['globalReader'] } }
      );
      expect(validateCard(card)).to.deep.equal([]);
      expect(input(card, 'email').value).to.equal('x@');
      expect(input(card, 'durationDays').value).to.equal(900);
      expect(input(card, 'roles').value).to.equal('globalReader');
      expect(errorUnder(card, 'email')).to.equal(t(language, 'relationships:invite.emailError'));
      expect(errorUnder(card, 'partnerId')).to.equal('');
      // A problem with no input of its own is said in the line above the buttons.
      expect(JSON.stringify(card)).to.include(
        t(language, 'relationships:grant.autoExtendWithGlobalAdmin')
      );
    });
  }
});
