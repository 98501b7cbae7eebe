import { Suspense } from 'react';
import {
  Alert,
  AppShell,
  Burger,
  Button,
  Center,
  Group,
  Loader,
  NavLink,
  Stack,
  Text,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import {
  NavLink as RouterNavLink,
  Navigate,
  Outlet,
  useLocation,
  useMatch,
  useNavigate,
} from 'react-router';
import { NAV_ITEMS, PRODUCT_NAME, SIGN_IN_PATH, homeFor, navItemsFor, type NavItem } from './navigation';
import { RealmSwitcher } from '../features/auth/RealmSwitcher';
import { useSession, useSignOut, type Session } from '../features/auth/session';

function PageLoader({ label }: { label: string }) {
  return (
    <Center py="xl" role="status" aria-label={label}>
      <Loader />
    </Center>
  );
}

function NavItemLink({ item, onNavigate }: { item: NavItem; onNavigate: () => void }) {
  const active = useMatch({ path: item.path, end: false }) !== null;
  // react-router's NavLink sets aria-current="page" on the active link;
  // Mantine's `active` prop gives it the highlighted style.
  return (
    <NavLink
      component={RouterNavLink}
      to={item.path}
      label={item.label}
      active={active}
      onClick={onNavigate}
    />
  );
}

function Shell({ session }: { session: Session }) {
  const [navOpened, { toggle: toggleNav, close: closeNav }] = useDisclosure(false);
  const navigate = useNavigate();
  const signOut = useSignOut();
  const location = useLocation();
  // A section the role may not open (e.g. a Learner typing /library) sends them home.
  const section = NAV_ITEMS.find(
    (item) => location.pathname === item.path || location.pathname.startsWith(`${item.path}/`),
  );
  const allowed = !section || navItemsFor(session.user.role).includes(section);

  const handleSignOut = () => {
    signOut.mutate(undefined, {
      onSuccess: () => navigate(SIGN_IN_PATH, { replace: true }),
      onError: (error) =>
        notifications.show({ color: 'red', title: 'Could not sign out', message: error.message }),
    });
  };

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navOpened}
              onClick={toggleNav}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Text fw={700} size="lg" c="blue">
              {PRODUCT_NAME}
            </Text>
            <RealmSwitcher session={session} />
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" visibleFrom="xs">
              {session.user.email}
            </Text>
            <Button variant="default" size="xs" onClick={handleSignOut} loading={signOut.isPending}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" component="nav" aria-label="Main">
        <Stack gap={2}>
          {navItemsFor(session.user.role).map((item) => (
            <NavItemLink key={item.path} item={item} onNavigate={closeNav} />
          ))}
        </Stack>
      </AppShell.Navbar>

      <AppShell.Main>
        <Suspense fallback={<PageLoader label="Loading page" />}>
          {allowed ? <Outlet /> : <Navigate to={homeFor(session.user.role)} replace />}
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}

/**
 * Layout for every signed-in route: checks the session first and sends
 * visitors without one to the sign-in page, remembering where they wanted to go.
 */
export default function AppLayout() {
  const location = useLocation();
  const session = useSession();

  if (session.isPending) {
    return <PageLoader label="Loading session" />;
  }
  if (session.isError) {
    return (
      <Center mih="100vh" p="md">
        <Stack maw={480}>
          <Alert color="red" title="Could not load your session">
            {session.error.message}
          </Alert>
          <Button onClick={() => void session.refetch()} loading={session.isFetching}>
            Try again
          </Button>
        </Stack>
      </Center>
    );
  }
  if (session.data === null) {
    return <Navigate to={SIGN_IN_PATH} replace state={{ from: location }} />;
  }
  if (location.pathname === '/') {
    return <Navigate to={homeFor(session.data.user.role)} replace />;
  }
  return <Shell session={session.data} />;
}
