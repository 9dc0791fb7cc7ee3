// lookups: the lists that forms choose from (agencies, roles, organisation types, scopes),
// with translated labels.
import { api } from './api.js';
import { t } from './i18n.js';

// HTCDS organisation types, in the order of the standard.
export const ORG_TYPES = [
  'NGO', 'LawEnforcement', 'HealthServiceOrganisation', 'CentralGovernmentOrganisation',
  'LocalGovernmentOrganisation', 'ImmigrationService', 'LegalService', 'CorporateBusiness',
  'SchoolOrCollege', 'InternationalOrganisation',
];
export const SCOPES = ['own', 'agency', 'all'];

export function orgTypeLabel(code) {
  const key = `org_type.${code}`;
  const s = t(key);
  return s === key ? code : s;
}

export function orgTypeOptions() {
  return ORG_TYPES.map((c) => ({ value: c, label: orgTypeLabel(c) }));
}

export function scopeOptions() {
  return SCOPES.map((s) => ({ value: s, label: t(`scope.${s}`) }));
}

export async function agencies() {
  const data = await api.get('/api/v1/agencies');
  return (data && data.items) || [];
}

export async function roles() {
  const data = await api.get('/api/v1/roles');
  return (data && data.items) || [];
}

// A placeholder first option so nothing is chosen by accident.
export function choose(options) {
  return [{ value: '', label: t('common.choose') }, ...options];
}
