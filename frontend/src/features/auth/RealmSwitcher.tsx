import { Select, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useNavigate } from 'react-router';
import { homeFor } from '../../app/navigation';
import { useSwitchRealm, type Session } from './session';

/** The current realm's name; a picker when the person belongs to several realms. */
export function RealmSwitcher({ session }: { session: Session }) {
  const switchRealm = useSwitchRealm();
  const navigate = useNavigate();
  const realms = session.realms ?? [];
  if (realms.length < 2) {
    return (
      <Text c="dimmed" size="sm" visibleFrom="xs">
        {session.realm.name}
      </Text>
    );
  }
  return (
    <Select
      aria-label="Realm"
      size="xs"
      w={200}
      allowDeselect={false}
      value={String(session.realm.id)}
      data={realms.map((realm) => ({ value: realm.id, label: `${realm.name} (${realm.role})` }))}
      onChange={(realmId) => {
        if (!realmId || realmId === String(session.realm.id)) return;
        switchRealm.mutate(realmId, {
          onSuccess: (next) => navigate(homeFor(next.user.role), { replace: true }),
          onError: (error) =>
            notifications.show({ color: 'red', title: 'Could not switch realm', message: error.message }),
        });
      }}
    />
  );
}
