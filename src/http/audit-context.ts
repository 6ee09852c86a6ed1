import type { Request } from 'express';
import type { AuditContext } from '../audit/audit.ts';

/** Who made the request and from which address, for the audit log (decision 0019). */
export const auditContext = (req: Request): AuditContext => ({ actor: req.user ?? null, address: req.ip ?? '' });
