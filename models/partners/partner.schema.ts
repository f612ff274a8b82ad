import mongoose, { Schema, type Model, type Types } from 'mongoose';
import { PARTNER_TYPES } from '../../domain/partners/partner-profile.js';
import { PARTNER_STATUSES } from '../../domain/partners/partner.js';

/** A partner document: the application's answers flat under the form's field ids. */
export interface PartnerDoc {
  _id: Types.ObjectId;
  tenantId: string;
  status: string;
  partnerType: string;
  tenantCountry: string;
  partnerId: string;
  locationCountry: string;
  legalName: string;
  addressLine1: string;
  addressLine2?: string;
  city: string;
  region?: string;
  postalCode: string;
  companyPhone: string;
  contactFirstName: string;
  contactLastName: string;
  contactEmail: string;
  contactPhone: string;
  supportEmail: string;
  supportPhone: string;
  supportWebsite: string;
  acceptTerms: boolean;
  submittedBy: { tenantId: string; aadObjectId: string; name?: string };
  submittedAt: Date;
  language?: string;
  verifiedEmail?: string;
  emailVerifiedAt?: Date;
  decision?: {
    outcome: string;
    by: { tenantId: string; aadObjectId: string; name?: string };
    at: Date;
    reason?: string;
  };
  noticeOwedAt?: Date;
  owedFounder?: { tenantId: string; aadObjectId: string; name?: string; since: Date };
  createdAt: Date;
  updatedAt: Date;
}

const personSchema = new Schema(
  {
    tenantId: { type: String, required: true },
    aadObjectId: { type: String, required: true },
    name: String,
  },
  { _id: false }
);

const str = { type: String, required: true };

const partnerSchema = new Schema<PartnerDoc>(
  {
    tenantId: str,
    status: { type: String, required: true, enum: PARTNER_STATUSES.filter((s) => s !== 'draft') },
    partnerType: { type: String, required: true, enum: [...PARTNER_TYPES] },
    tenantCountry: str,
    partnerId: str,
    locationCountry: str,
    legalName: str,
    addressLine1: str,
    addressLine2: String,
    city: str,
    region: String,
    postalCode: str,
    companyPhone: str,
    contactFirstName: str,
    contactLastName: str,
    contactEmail: str,
    contactPhone: str,
    supportEmail: str,
    supportPhone: str,
    supportWebsite: str,
    acceptTerms: { type: Boolean, required: true },
    submittedBy: { type: personSchema, required: true },
    submittedAt: { type: Date, required: true },
    language: String,
    verifiedEmail: String,
    emailVerifiedAt: Date,
    decision: {
      type: new Schema(
        {
          outcome: str,
          by: { type: personSchema, required: true },
          at: { type: Date, required: true },
          reason: String,
        },
        { _id: false }
      ),
      required: false,
    },
    noticeOwedAt: Date,
    owedFounder: {
      type: new Schema(
        {
          tenantId: str,
          aadObjectId: str,
          name: String,
          since: { type: Date, required: true },
        },
        { _id: false }
      ),
      required: false,
    },
  },
  { collection: 'partners', timestamps: true }
);
// One partner per tenant and one per PartnerID: the database, not a prior read, guarantees it.
partnerSchema.index({ tenantId: 1 }, { unique: true });
partnerSchema.index({ partnerId: 1 }, { unique: true });
partnerSchema.index({ status: 1, submittedAt: 1 });
/**
 * The directory's search: names compare ignoring case and accents (strength 1: "contoso" finds
 * "Contoso", "ё" finds "е"), which only a query with the same collation can use. Both indexes
 * end in the name, so a prefix is a range scan in name order, within a country or everywhere.
 */
export const DIRECTORY_COLLATION = { locale: 'en', strength: 1 } as const;
partnerSchema.index(
  { status: 1, partnerType: 1, tenantCountry: 1, legalName: 1 },
  { collation: DIRECTORY_COLLATION, name: 'directory_by_country' }
);
partnerSchema.index(
  { status: 1, partnerType: 1, legalName: 1 },
  { collation: DIRECTORY_COLLATION, name: 'directory_everywhere' }
);
// Sparse: only the few records whose notices are still going out are in it, for the sweep.
partnerSchema.index({ noticeOwedAt: 1 }, { sparse: true });
// Sparse too: only a partner whose first Global admin is not in its roster yet, for the sweep.
partnerSchema.index({ 'owedFounder.since': 1 }, { sparse: true });
// A provider inviting by address finds an enrolled reseller by its proven contact email.
partnerSchema.index({ verifiedEmail: 1 }, { sparse: true });

/** The Partner model on a given connection (models are per connection, never global). */
export function partnerModel(conn: mongoose.Connection): Model<PartnerDoc> {
  return (
    (conn.models.Partner as Model<PartnerDoc> | undefined) ??
    conn.model<PartnerDoc>('Partner', partnerSchema)
  );
}
