// Conference room settings (docs/console.md "Conference rooms"): which rooms ask callers for a PIN,
// which have a moderator PIN, and which make participants wait for the moderator. PINs are written,
// never shown: the server answers hasPin. On an edit an empty PIN field keeps the PIN; "no PIN"
// removes it. The server's reasons (a PIN not 4–12 digits, the same PIN twice, waiting without a
// moderator PIN) appear under the field they name.
import type { HTMLAttributes } from 'react';
import { Button, Checkbox, Form, Input, Space, Switch, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { RequestBody, Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { useCrud } from '../lib/use-crud';
import { useSession } from '../lib/session';
import { CrudModal } from '../components/CrudModal';
import { ErrorAlert } from '../components/ErrorAlert';
import { RowActions } from '../components/RowActions';

type List = Response<'/api/v1/conference-rooms', 'get'>;
type Settings = List['items'][number] & { id: string };
type Write = RequestBody<'/api/v1/conference-rooms/{room}', 'put'>;
interface RoomForm {
  room?: string;
  name?: string;
  participantPin?: string;
  noParticipantPin?: boolean;
  moderatorPin?: string;
  noModeratorPin?: boolean;
  waitForModerator: boolean;
}
const FIELDS = ['room', 'name', 'participantPin', 'moderatorPin', 'waitForModerator'];

/** an empty field leaves the PIN as it is; "no PIN" removes it */
const pinOf = (pin: string | undefined, none: boolean | undefined): string | null | undefined => (none ? null : pin?.trim() ? pin.trim() : undefined);

const toBody = (v: RoomForm): Write & { room?: string } => ({
  // the room number is given when the settings are made (an edit names it in the path)
  ...(v.room !== undefined ? { room: v.room.trim() } : {}),
  name: v.name?.trim() ? v.name.trim() : null,
  participantPin: pinOf(v.participantPin, v.noParticipantPin),
  moderatorPin: pinOf(v.moderatorPin, v.noModeratorPin),
  waitForModerator: v.waitForModerator,
});

export function ConferenceRoomSettings() {
  const { t } = useTranslation();
  const permissions = useSession().session?.permissions ?? [];
  const list = useApi<List>('/api/v1/conference-rooms');
  const crud = useCrud<Settings, RoomForm>({
    url: '/api/v1/conference-rooms',
    fields: FIELDS,
    reload: list.reload,
    body: toBody,
    values: (r) => (r === 'new' ? { waitForModerator: false } : { name: r.name ?? '', waitForModerator: r.waitForModerator }),
  });
  const editing = crud.editing;
  const writable = permissions.includes('dialplan.write');
  if (!permissions.includes('dialplan.read')) return null;
  const rows: Settings[] = (list.data?.items ?? []).map((r) => ({ ...r, id: r.room }));
  const pinHint = editing !== undefined && editing !== 'new' ? t('conferences.settings.pinKeep') : t('conferences.settings.pinHint');
  return (
    <Space direction="vertical" style={{ width: '100%', marginTop: 24 }}>
      <Typography.Title level={5}>{t('conferences.settings.title')}</Typography.Title>
      <Typography.Text type="secondary">{t('conferences.settings.help')}</Typography.Text>
      <ErrorAlert error={list.error} />
      {writable && (
        <Button icon={<PlusOutlined />} onClick={() => crud.open('new')} data-testid="room-settings-new">
          {t('conferences.settings.new')}
        </Button>
      )}
      <Table<Settings>
        rowKey="id"
        size="small"
        pagination={false}
        loading={list.loading && !list.data}
        dataSource={rows}
        onRow={(r) => ({ 'data-testid': `room-settings-${r.room}` }) as HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('conferences.settings.room'), dataIndex: 'room' },
          { title: t('conferences.settings.name'), dataIndex: 'name', render: (v: string | null) => v ?? '' },
          {
            title: t('conferences.settings.access'),
            key: 'access',
            render: (_: unknown, r: Settings) => (
              <Space size={4}>
                {r.hasPin ? <Tag color="blue">{t('conferences.settings.pinSet')}</Tag> : <Tag>{t('conferences.settings.open')}</Tag>}
                {r.hasModeratorPin && <Tag color="purple">{t('conferences.settings.moderatorPinSet')}</Tag>}
                {r.waitForModerator && <Tag color="gold">{t('conferences.settings.waits')}</Tag>}
              </Space>
            ),
          },
          ...(writable
            ? [{ title: t('common.actions'), key: 'actions', render: (_: unknown, r: Settings) => <RowActions onEdit={() => crud.open(r)} deleteTitle={t('conferences.settings.confirmDelete', { room: r.room })} onDelete={() => void crud.remove(r)} /> }]
            : []),
        ]}
      />
      <CrudModal crud={crud} title={editing === 'new' ? t('conferences.settings.new') : t('conferences.settings.edit', { room: editing?.room ?? '' })}>
        {editing === 'new' && (
          <Form.Item name="room" label={t('conferences.settings.room')} rules={[{ required: true, message: t('forms.required') }]}>
            <Input data-testid="room-settings-room" />
          </Form.Item>
        )}
        <Form.Item name="name" label={t('conferences.settings.name')}>
          <Input data-testid="room-settings-name" />
        </Form.Item>
        <Form.Item name="participantPin" label={t('conferences.settings.participantPin')} extra={pinHint}>
          <Input.Password autoComplete="new-password" inputMode="numeric" data-testid="room-settings-pin" />
        </Form.Item>
        {editing !== 'new' && editing?.hasPin && (
          <Form.Item name="noParticipantPin" valuePropName="checked">
            <Checkbox>{t('conferences.settings.removePin')}</Checkbox>
          </Form.Item>
        )}
        <Form.Item name="moderatorPin" label={t('conferences.settings.moderatorPin')} extra={pinHint}>
          <Input.Password autoComplete="new-password" inputMode="numeric" data-testid="room-settings-moderator-pin" />
        </Form.Item>
        {editing !== 'new' && editing?.hasModeratorPin && (
          <Form.Item name="noModeratorPin" valuePropName="checked">
            <Checkbox>{t('conferences.settings.removeModeratorPin')}</Checkbox>
          </Form.Item>
        )}
        <Form.Item name="waitForModerator" label={t('conferences.settings.waitForModerator')} extra={t('conferences.settings.waitHint')} valuePropName="checked">
          <Switch data-testid="room-settings-wait" />
        </Form.Item>
      </CrudModal>
    </Space>
  );
}
