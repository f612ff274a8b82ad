import { ObjectId } from 'bson';
import { expect } from 'chai';
import { MongoCommandError } from '../../src/errors.js';
import { applyProjection } from '../../src/query/index.js';

describe('query: applyProjection', () => {
  const id = new ObjectId();
  const doc = {
    _id: id,
    name: 'Contoso',
    size: { h: 10, w: 20 },
    tags: ['a', 'b', 'c', 'd'],
    items: [{ k: 'p', v: 1 }, { k: 'q', v: 2 }, 'loose'],
  };

  it('returns the document unchanged without a projection', () => {
    expect(applyProjection(doc, undefined)).to.equal(doc);
    expect(applyProjection(doc, {})).to.equal(doc);
  });

  it('includes the listed fields and _id unless _id is excluded', () => {
    expect(applyProjection(doc, { name: 1 })).to.deep.equal({ _id: id, name: 'Contoso' });
    expect(applyProjection(doc, { name: 1, _id: 0 })).to.deep.equal({ name: 'Contoso' });
    expect(applyProjection(doc, { _id: 0, 'size.w': true })).to.deep.equal({ size: { w: 20 } });
  });

  it('treats { _id: 1 } alone as an inclusion and keeps _id in an exclusion', () => {
    expect(applyProjection(doc, { _id: 1 })).to.deep.equal({ _id: id });
    expect(applyProjection(doc, { _id: 1, tags: 0, items: 0, size: 0 })).to.deep.equal({
      _id: id,
      name: 'Contoso',
    });
  });

  it('projects dotted paths into each subdocument of an array, dropping non-documents', () => {
    expect(applyProjection(doc, { 'items.k': 1, _id: 0 })).to.deep.equal({
      items: [{ k: 'p' }, { k: 'q' }],
    });
  });

  it('excludes the listed fields and keeps the rest', () => {
    expect(applyProjection(doc, { tags: 0, items: 0, 'size.h': 0 })).to.deep.equal({
      _id: id,
      name: 'Contoso',
      size: { w: 20 },
    });
  });

  it('applies $slice in both forms and $elemMatch', () => {
    expect(
      applyProjection(doc, { tags: { $slice: 2 }, _id: 0, name: 0, size: 0, items: 0 })
    ).to.deep.equal({
      tags: ['a', 'b'],
    });
    expect(applyProjection(doc, { tags: { $slice: -1 } }).tags).to.deep.equal(['d']);
    expect(applyProjection(doc, { tags: { $slice: [1, 2] } }).tags).to.deep.equal(['b', 'c']);
    expect(applyProjection(doc, { items: { $elemMatch: { v: { $gte: 2 } } } })).to.deep.equal({
      _id: id,
      items: [{ k: 'q', v: 2 }],
    });
  });

  it('returns the element the query matched for a positional field.$ projection', () => {
    expect(applyProjection(doc, { 'items.$': 1 }, { 'items.k': 'q' })).to.deep.equal({
      _id: id,
      items: [{ k: 'q', v: 2 }],
    });
  });

  it('computes expression fields', () => {
    expect(applyProjection(doc, { _id: 0, label: { $concat: ['$name', '!'] } })).to.deep.equal({
      label: 'Contoso!',
    });
  });

  it('refuses mixing inclusion and exclusion like MongoDB (31254 / 31253)', () => {
    try {
      applyProjection(doc, { name: 1, tags: 0 });
      expect.fail('should throw');
    } catch (e) {
      expect(e).to.be.instanceOf(MongoCommandError);
      expect((e as MongoCommandError).code).to.equal(31254);
      expect((e as MongoCommandError).message).to.equal(
        'Cannot do exclusion on field tags in inclusion projection'
      );
    }
    expect(() => applyProjection(doc, { tags: 0, name: 1 })).to.throw(
      'Cannot do inclusion on field name in exclusion projection'
    );
  });
});
