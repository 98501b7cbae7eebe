import { Suspense, lazy, type ComponentType, type LazyExoticComponent } from 'react';
import { Navigate, createBrowserRouter, type RouteObject } from 'react-router';
import AppLayout from './AppShell';
import NotFoundPage from './NotFoundPage';
import RouteErrorPage from './RouteErrorPage';
import { HOME_PATH, SIGN_IN_PATH } from './navigation';
import SignInPage from '../features/auth/SignInPage';

type LazyPage = LazyExoticComponent<ComponentType>;

/** One lazily loaded page per navbar section; keys are the section paths. */
const SECTION_PAGES: Record<string, LazyPage> = {
  '/library': lazy(() => import('../features/library/LibraryPage')),
  '/people': lazy(() => import('../features/people/PeoplePage')),
  '/invitations': lazy(() => import('../features/invitations/InvitationsPage')),
  '/dispatch': lazy(() => import('../features/dispatch/DispatchPage')),
  '/reportage': lazy(() => import('../features/reportage/ReportagePage')),
  '/lrs': lazy(() => import('../features/lrs/LrsPage')),
  '/lrs/forwarding': lazy(() => import('../features/lrs/ForwardingPage')),
  '/apps': lazy(() => import('../features/apps/AppsPage')),
  '/account': lazy(() => import('../features/account/AccountPage')),
  '/settings': lazy(() => import('../features/settings/SettingsPage')),
  '/learn': lazy(() => import('../features/learn/LearnerPage')),
  '/apps/:appId': lazy(() => import('../features/apps/AppDetailsPage')),
  '/library/:courseId': lazy(() => import('../features/library/CoursePage')),
  '/registrations': lazy(() => import('../features/registrations/RegistrationsPage')),
  '/registrations/:registrationId': lazy(() => import('../features/registrations/RegistrationPage')),
  '/invitations/outbox': lazy(() => import('../features/invitations/OutboxPage')),
  '/invitations/:invitationId': lazy(() => import('../features/invitations/InvitationPage')),
};

/** The page a Reportage link opens: outside the signed-in layout (a reports-only session). */
const ReportageLinkPage = lazy(() => import('../features/reportage/ReportageLinkPage'));

export const routes: RouteObject[] = [
  {
    errorElement: <RouteErrorPage />,
    children: [
      { path: SIGN_IN_PATH, element: <SignInPage /> },
      { path: '/reportage/link', element: <Suspense fallback={null}><ReportageLinkPage /></Suspense> },
      {
        path: '/',
        element: <AppLayout />,
        children: [
          { index: true, element: <Navigate to={HOME_PATH} replace /> }, // AppLayout picks the role's home first
          ...Object.entries(SECTION_PAGES).map(([path, Page]) => ({ path, element: <Page /> })),
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];

export function createAppRouter() {
  return createBrowserRouter(routes);
}
