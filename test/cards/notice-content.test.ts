import { expect } from 'chai';
import { noticeContent } from '../../cards/shared/notice-content.js';
import { render as renderNotice } from '../../cards/shared/notice.card.js';
import { t } from '../../i18n/i18n.js';

describe('noticeContent', () => {
  const values = { provider: 'Fabrikam', reseller: 'Contoso', other: 'Contoso' };
  const steps = [{ command: 'resellers', title: { key: 'relationships:notices.open' } }];

  it('is the notice card and its message as the summary, as notifiers built them by hand', () => {
    const built = noticeContent('ru', {
      title: 'relationships:notices.title_ended',
      message: 'relationships:notices.message_ended',
      values,
      tone: 'default',
      steps,
    });
    expect(JSON.stringify(built)).to.equal(
      JSON.stringify({
        text: t('ru', 'relationships:notices.message_ended', values),
        card: renderNotice(
          {
            title: { key: 'relationships:notices.title_ended', values },
            message: { key: 'relationships:notices.message_ended', values },
            tone: 'default',
            steps,
          },
          'ru'
        ),
      })
    );
  });

  it('takes the summary from another key when one is named (the title)', () => {
    const built = noticeContent('en', {
      title: 'gdap:notices.changedTitle',
      message: 'gdap:notices.changed',
      values: { ...values, state: 'active' },
      tone: 'attention',
      steps: [],
      summary: 'gdap:notices.changedTitle',
    });
    expect(built.text).to.equal(
      t('en', 'gdap:notices.changedTitle', { ...values, state: 'active' })
    );
    expect(built.text).to.not.equal(
      t('en', 'gdap:notices.changed', { ...values, state: 'active' })
    );
    expect(JSON.stringify(built.card)).to.include('"color":"Attention"');
  });
});
