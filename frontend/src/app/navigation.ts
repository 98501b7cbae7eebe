/** Roles a person has in a realm (the server checks them too: chalicelib/permissions.py). */
export type Role = 'owner' | 'administrator' | 'learner';

const ADMINS: readonly Role[] = ['owner', 'administrator'];

/** Sections of the signed-in app, in navbar order, with the roles that see them. */
export interface NavItem {
  label: string;
  path: string;
  roles?: readonly Role[];
}

export const NAV_ITEMS: readonly NavItem[] = [
  { label: 'Library', path: '/library', roles: ADMINS },
  { label: 'People', path: '/people', roles: ADMINS },
  { label: 'Invitations', path: '/invitations', roles: ADMINS },
  { label: 'Dispatch', path: '/dispatch', roles: ADMINS },
  { label: 'Reportage', path: '/reportage', roles: ADMINS },
  { label: 'LRS', path: '/lrs', roles: ADMINS },
  { label: 'Apps', path: '/apps', roles: ADMINS },
  { label: 'Account', path: '/account', roles: ['owner'] },
  { label: 'Settings', path: '/settings', roles: ADMINS },
  { label: 'My learning', path: '/learn', roles: ['learner'] },
];

/** The sections a role may open (Owner: all; Administrator: all but Account; Learner: their page). */
export function navItemsFor(role: string): NavItem[] {
  return NAV_ITEMS.filter((item) => !item.roles || item.roles.includes(role as Role));
}

/** Where a role lands after signing in. */
export function homeFor(role: string): string {
  return role === 'learner' ? LEARNER_HOME_PATH : HOME_PATH;
}

export const LEARNER_HOME_PATH = '/learn';
export const HOME_PATH = '/library';
export const SIGN_IN_PATH = '/signin';
export const PRODUCT_NAME = 'Nimbus';
