/** Sections of the signed-in app, in navbar order. */
export interface NavItem {
  label: string;
  path: string;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { label: 'Library', path: '/library' },
  { label: 'People', path: '/people' },
  { label: 'Invitations', path: '/invitations' },
  { label: 'Dispatch', path: '/dispatch' },
  { label: 'Reportage', path: '/reportage' },
  { label: 'LRS', path: '/lrs' },
  { label: 'Apps', path: '/apps' },
  { label: 'Account', path: '/account' },
  { label: 'Settings', path: '/settings' },
];

export const HOME_PATH = '/library';
export const SIGN_IN_PATH = '/signin';
export const PRODUCT_NAME = 'Nimbus';
