import { expect } from 'chai';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { SealedBox } from '../../notifications/sealed-box.js';

describe('SealedBox: the outbox keeps an invitation mail’s link and code only sealed', () => {
  const key = randomBytes(32);
  const secret = { link: 'https://x.example/invitations/abc', code: 'C7K2-M9QX-4HTP' };

  it('opens what it sealed for the same item, and the sealed text holds nothing in clear', () => {
    const box = new SealedBox(key);
    const sealed = box.seal(secret, 'k|r');
    expect(sealed).to.match(/^v1\./);
    expect(sealed).to.not.include('C7K2').and.not.include('invitations');
    expect(box.open(sealed, 'k|r')).to.deep.equal(secret);
    // A fresh IV each time: the same values never seal to the same text.
    expect(box.seal(secret, 'k|r')).to.not.equal(sealed);
  });

  it('refuses another item, another key and a changed byte', () => {
    const box = new SealedBox(key);
    const sealed = box.seal(secret, 'k|r');
    expect(() => box.open(sealed, 'k|other')).to.throw();
    expect(() => new SealedBox(randomBytes(32)).open(sealed, 'k|r')).to.throw();
    const [v, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] ^= 1;
    expect(() => box.open([v, iv, tag, flipped.toString('base64url')].join('.'), 'k|r')).to.throw();
  });

  it('derives its key (HKDF): the invitation code key itself does not open it', () => {
    const sealed = new SealedBox(key).seal(secret, 'k|r');
    const [, iv, tag, body] = sealed.split('.');
    // AES-256-GCM directly under the raw key fails the tag check.
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv!, 'base64url'));
    d.setAAD(Buffer.from('k|r'));
    d.setAuthTag(Buffer.from(tag!, 'base64url'));
    d.update(Buffer.from(body!, 'base64url'));
    expect(() => d.final()).to.throw();
  });
});
