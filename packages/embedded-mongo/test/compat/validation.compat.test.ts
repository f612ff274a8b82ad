import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Document } from 'mongodb';
import { describeCompat, rejectionOf } from './compat-harness.js';

const partnerSchema = {
  bsonType: 'object',
  required: ['name', 'seats'],
  properties: {
    name: { bsonType: 'string', description: 'the partner name' },
    seats: { bsonType: 'int', minimum: 1 },
    tier: { enum: ['gold', 'silver'] },
  },
};

/** The `errInfo.details` of a failed write (the driver puts writeErrors' fields on the error). */
function detailsOf(err: Record<string, unknown>): Document {
  const info = (err.errInfo ?? (err.errorResponse as Document | undefined)?.errInfo) as Document;
  expect(info, 'errInfo').to.be.an('object');
  return info.details as Document;
}

/**
 * Schema validation as the MongoDB manual describes it: validators with query operators and
 * `$jsonSchema`, `validationLevel`, `validationAction`, `collMod`, `bypassDocumentValidation`,
 * and the 121 DocumentValidationFailure with its `errInfo`.
 */
describeCompat('schema validation', (target) => {
  it('refuses documents failing a query-operator validator with 121 and errInfo', async () => {
    const db = target().db;
    await db.createCollection('orders', { validator: { qty: { $gt: 0 } } });
    const coll = db.collection('orders');
    await coll.insertOne({ qty: 5 });
    const err = await rejectionOf(coll.insertOne({ _id: 7, qty: -1 } as Document));
    expect(err.code).to.equal(121);
    expect(err.message).to.equal('Document failed validation');
    const details = detailsOf(err);
    expect(details.operatorName).to.equal('$gt');
    expect(details.specifiedAs).to.deep.equal({ qty: { $gt: 0 } });
    expect(details.reason).to.equal('comparison failed');
    expect(details.consideredValue).to.equal(-1);
    const upd = await rejectionOf(coll.updateOne({ qty: 5 }, { $set: { qty: 0 } }));
    expect(upd.code).to.equal(121);
    expect(await coll.countDocuments({ qty: 5 })).to.equal(1);
    const fam = await rejectionOf(coll.findOneAndUpdate({ qty: 5 }, { $inc: { qty: -10 } }));
    expect(fam.code).to.equal(121);
  });

  it('validates with $jsonSchema and names the broken rules', async () => {
    const db = target().db;
    await db.createCollection('partners', { validator: { $jsonSchema: partnerSchema } });
    const coll = db.collection('partners');
    await coll.insertOne({ name: 'Contoso', seats: 3, tier: 'gold' });
    const missing = await rejectionOf(coll.insertOne({ name: 'Fabrikam' }));
    expect(missing.code).to.equal(121);
    const details = detailsOf(missing);
    expect(details.operatorName).to.equal('$jsonSchema');
    const rules = details.schemaRulesNotSatisfied as Document[];
    const required = rules.find((r) => r.operatorName === 'required');
    expect(required?.missingProperties).to.deep.equal(['seats']);

    const wrong = await rejectionOf(coll.insertOne({ name: 'Fabrikam', seats: 0 }));
    const props = (detailsOf(wrong).schemaRulesNotSatisfied as Document[]).find(
      (r) => r.operatorName === 'properties'
    );
    const seat = (props?.propertiesNotSatisfied as Document[])[0];
    expect(seat.propertyName).to.equal('seats');
    expect((seat.details as Document[]).map((d) => d.operatorName)).to.include('minimum');

    const tier = await rejectionOf(coll.insertOne({ name: 'Fabrikam', seats: 2, tier: 'bronze' }));
    expect(tier.code).to.equal(121);
    // $jsonSchema is also a query operator.
    expect(await coll.countDocuments({ $jsonSchema: { required: ['tier'] } })).to.equal(1);
  });

  it('refuses $jsonSchema keywords mongod does not support', async () => {
    const err = await rejectionOf(
      target().db.createCollection('badschema', {
        validator: { $jsonSchema: { properties: { a: { format: 'email' } } } },
      })
    );
    expect(err.message).to.match(/\$jsonSchema keyword 'format' is not currently supported/);
    const unknown = await rejectionOf(
      target().db.createCollection('badschema2', { validator: { $jsonSchema: { colour: 1 } } })
    );
    expect(unknown.message).to.match(/Unknown \$jsonSchema keyword: colour/);
  });

  it('only warns under validationAction "warn", and skips checks when bypassed', async () => {
    const db = target().db;
    await db.createCollection('warned', {
      validator: { n: { $type: 'int' } },
      validationAction: 'warn',
    });
    await db.collection('warned').insertOne({ n: 'text' });
    expect(await db.collection('warned').countDocuments()).to.equal(1);

    await db.createCollection('strict', { validator: { n: { $type: 'int' } } });
    const strict = db.collection('strict');
    await strict.insertOne({ n: 'text' }, { bypassDocumentValidation: true });
    await strict.updateOne({}, { $set: { m: 1 } }, { bypassDocumentValidation: true });
    expect(await strict.countDocuments({ m: 1 })).to.equal(1);
    const err = await rejectionOf(strict.insertOne({ n: 'again' }));
    expect(err.code).to.equal(121);
  });

  it('adds a validator with collMod; moderate spares documents that already failed', async () => {
    const db = target().db;
    const coll = db.collection('legacy');
    await coll.insertMany([
      { _id: 1, age: 'old' },
      { _id: 2, age: 20 },
    ] as Document[]);
    await db.command({
      collMod: 'legacy',
      validator: { age: { $type: 'number' } },
      validationLevel: 'moderate',
    });
    const [info] = await db.listCollections({ name: 'legacy' }).toArray();
    const options = (info as Document).options as Document;
    expect(options.validator).to.deep.equal({ age: { $type: 'number' } });
    expect(options.validationLevel).to.equal('moderate');
    // The invalid document may still be updated; the valid one may not become invalid.
    await coll.updateOne({ _id: 1 } as Document, { $set: { note: 'kept' } });
    const err = await rejectionOf(coll.updateOne({ _id: 2 } as Document, { $set: { age: 'x' } }));
    expect(err.code).to.equal(121);
    await db.command({ collMod: 'legacy', validationLevel: 'strict' });
    const strict = await rejectionOf(
      coll.updateOne({ _id: 1 } as Document, { $set: { note: 'again' } })
    );
    expect(strict.code).to.equal(121);
    await db.command({ collMod: 'legacy', validationLevel: 'off' });
    await coll.updateOne({ _id: 1 } as Document, { $set: { note: 'off' } });
  });

  it('reports a failed validation through mongoose as code 121', async () => {
    const conn = await mongoose
      .createConnection(target().uri, { dbName: target().dbName })
      .asPromise();
    try {
      await conn.db!.createCollection('validatedmembers', {
        validator: { $jsonSchema: { required: ['email'] } },
      });
      const Member = conn.model(
        'ValidatedMember',
        new mongoose.Schema({ email: String, name: String }),
        'validatedmembers'
      );
      await Member.create({ email: 'a@contoso.test' });
      const err = await rejectionOf(Member.create({ name: 'no email' }));
      expect(err.code).to.equal(121);
    } finally {
      await conn.close();
    }
  });
});
