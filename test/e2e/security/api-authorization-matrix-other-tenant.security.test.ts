import { describeApiMatrix } from './api-authorization-matrix.js';

// The API's matrix (api-authorization-matrix.ts), part three: the same roles of another
// tenant's partner.
describeApiMatrix("the roles of another tenant's partner", (c) => c.kind === 'otherTenant');
