import { Alert, Badge, Button, NumberInput, Select, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { QueryTable, type Column } from './DataTable';

/** SettingItem of the SCORM Cloud API v2 (docs/settings.md), with its metadata. */
export interface SettingItem {
  id: string;
  effectiveValue: string;
  effectiveValueSource: string;
  explicit: boolean;
  explicitValue?: string;
  metadata: {
    default: string;
    dataType: 'bool' | 'int' | 'enum';
    settingDescription: string;
    validValues: { value: string; valueDescription: string }[];
  };
}

interface SettingList {
  settingItems: SettingItem[];
}

const SOURCES: Record<string, string> = {
  default: 'Default',
  application: 'Application',
  course: 'Course',
  courseVersion: 'Course version',
  registration: 'Registration',
  instance: 'Instance',
};

interface SettingsTableProps {
  /** The web API path of the level's configuration (`/api/app/courses/{id}/configuration`). */
  path: string;
  /** The level this table changes (`course`, `registration`): its source is shown as "This …". */
  level: 'course' | 'registration';
  description: string;
}

/** One level's configuration settings (docs/settings.md): effective value, where it comes from,
 *  a control to set it at this level, and Reset to inherit again. */
export function SettingsTable({ path, level, description }: SettingsTableProps) {
  const queryClient = useQueryClient();
  const queryKey = ['settings', path];
  const query = useQuery({
    queryKey,
    queryFn: ({ signal }) => api.get<SettingList>(path, signal),
  });
  const saved = (list: SettingList) => queryClient.setQueryData(queryKey, list);
  const sourceName = (source: string) => (source === level ? `This ${level}` : (SOURCES[source] ?? source));
  const change = useMutation({
    mutationFn: ({ id, value }: { id: string; value: string }) =>
      api.post<SettingList>(path, { settings: [{ settingId: id, value, explicit: true }] }),
    onSuccess: saved,
  });
  const reset = useMutation({
    mutationFn: (id: string) => api.delete<SettingList>(`${path}/${encodeURIComponent(id)}`),
    onSuccess: saved,
  });

  const valueCell = (item: SettingItem) => {
    const onChange = (value: string | null) => {
      if (value !== null && value !== '' && value !== item.effectiveValue) change.mutate({ id: item.id, value });
    };
    if (item.metadata.dataType === 'int') {
      return (
        <NumberInput
          aria-label={item.id}
          size="xs"
          w={110}
          min={1}
          defaultValue={Number(item.effectiveValue)}
          key={`${item.id}-${item.effectiveValue}`}
          onBlur={(event) => onChange(event.currentTarget.value)}
        />
      );
    }
    const options =
      item.metadata.dataType === 'bool'
        ? [
            { value: 'true', label: 'Yes' },
            { value: 'false', label: 'No' },
          ]
        : item.metadata.validValues.map((v) => ({ value: v.value, label: v.value }));
    return (
      <Select aria-label={item.id} size="xs" w={230} data={options} value={item.effectiveValue} onChange={onChange} />
    );
  };

  const columns: Column<SettingItem>[] = [
    {
      header: 'Setting',
      cell: (item) => (
        <Stack gap={0}>
          <Text size="sm" fw={600}>
            {item.id}
          </Text>
          <Text size="xs" c="dimmed">
            {item.metadata.settingDescription}
          </Text>
        </Stack>
      ),
    },
    { header: 'Value', cell: valueCell },
    {
      header: 'From',
      cell: (item) => (
        <Badge variant={item.explicit ? 'filled' : 'light'}>
          {sourceName(item.effectiveValueSource)}
        </Badge>
      ),
    },
    {
      header: '',
      key: 'reset',
      cell: (item) =>
        item.explicit ? (
          <Button size="xs" variant="subtle" onClick={() => reset.mutate(item.id)} aria-label={`Reset ${item.id}`}>
            Reset
          </Button>
        ) : null,
    },
  ];

  return (
    <Stack gap="xs">
      <Title order={3}>Settings</Title>
      <Text size="sm" c="dimmed">
        {description}
      </Text>
      {change.isError && <Alert color="red">{change.error.message}</Alert>}
      {reset.isError && <Alert color="red">{reset.error.message}</Alert>}
      <QueryTable
        label={`${level === 'course' ? 'Course' : 'Registration'} settings`}
        query={query}
        rows={query.data?.settingItems}
        rowKey={(item) => item.id}
        columns={columns}
      />
    </Stack>
  );
}
