import { useState } from 'react';
import { Alert, Button, Group, Menu, Modal, NumberInput, Stack, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { invitationsApi, parseAddresses, toIso, type InvitationKind } from './api';

interface ShareMenuProps {
  courseId: string;
  courseTitle: string;
}

/** The course page's Share menu (as in SCORM Cloud): create a public or a private invitation. */
export function ShareMenu({ courseId, courseTitle }: ShareMenuProps) {
  const [kind, setKind] = useState<InvitationKind | null>(null);
  return (
    <>
      <Menu>
        <Menu.Target>
          <Button variant="light">Share</Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => setKind('public')}>Public invitation…</Menu.Item>
          <Menu.Item onClick={() => setKind('private')}>Private invitation…</Menu.Item>
          <Menu.Item component={Link} to={`/dispatch?course=${encodeURIComponent(courseId)}`}>
            Dispatch
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal
        opened={kind !== null}
        onClose={() => setKind(null)}
        title={kind === 'public' ? `Public invitation to ${courseTitle}` : `Private invitation to ${courseTitle}`}
      >
        {kind && <CreateInvitationForm kind={kind} courseId={courseId} onDone={() => setKind(null)} />}
      </Modal>
    </>
  );
}

interface FormProps {
  kind: InvitationKind;
  courseId: string;
  onDone: () => void;
}

function CreateInvitationForm({ kind, courseId, onDone }: FormProps) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [cap, setCap] = useState<number | string>(0);
  const [expiry, setExpiry] = useState('');
  const [addresses, setAddresses] = useState('');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const create = useMutation({
    mutationFn: () =>
      kind === 'public'
        ? invitationsApi.createPublic({
            courseId,
            registrationCap: typeof cap === 'number' ? cap : Number(cap) || 0,
            expirationDate: toIso(expiry),
          })
        : invitationsApi.createPrivate({
            courseId,
            expirationDate: toIso(expiry),
            invitationEmail: { subject, body, addresses: parseAddresses(addresses) },
          }),
    onSuccess: (made) => {
      void queryClient.invalidateQueries({ queryKey: ['invitations'] });
      onDone();
      void navigate(`/invitations/${encodeURIComponent(made.id)}`);
    },
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate();
      }}
    >
      <Stack>
        {kind === 'public' ? (
          <NumberInput
            label="Registration cap"
            description="How many people may register through the link (0: no cap)."
            min={0}
            value={cap}
            onChange={setCap}
          />
        ) : (
          <>
            <Textarea
              label="Learners"
              description='One per line: "Ada Lovelace <ada@example.com>" or an address.'
              rows={5}
              required
              value={addresses}
              onChange={(event) => setAddresses(event.currentTarget.value)}
            />
            <TextInput label="Subject" value={subject} onChange={(event) => setSubject(event.currentTarget.value)} />
            <Textarea label="Message" rows={3} value={body} onChange={(event) => setBody(event.currentTarget.value)} />
          </>
        )}
        <TextInput
          type="datetime-local"
          label="Expires"
          description="Empty: never."
          value={expiry}
          onChange={(event) => setExpiry(event.currentTarget.value)}
        />
        {create.isError && <Alert color="red">{create.error.message}</Alert>}
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending}>
            {kind === 'public' ? 'Create link' : 'Invite and send emails'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
