import type { Role } from '../../machines/common.ts';

export interface Principal {
  id: string;
  name: string;
  role: Role;
  partnerId: string | null;
  providerId: string | null;
}

/** The actor of timer firings and child reports. */
export const systemPrincipal: Principal = {
  id: 'system',
  name: 'Tiershift',
  role: 'system',
  partnerId: null,
  providerId: null,
};

/** The actor of what Partner Center reported for a connected transition. */
export const partnerCenterPrincipal: Principal = {
  id: 'partner-center',
  name: 'Partner Center',
  role: 'partner_center',
  partnerId: null,
  providerId: null,
};

export const partnerRoles: readonly Role[] = ['manager', 'global_admin'];
export const globalReaders: readonly Role[] = ['admin', 'auditor', 'system'];
