// Conference rooms open now: each room with its members (number, joined at, muted). The list is
// asked again on every call event of the stream and every 2 s besides (a mute has no event of its
// own). A member can be muted/unmuted (heard by nobody, still hears the room) or removed (its call ends).
// A room a moderator locked says so; a member shows moderator, or waiting for the moderator. Below,
// the rooms' settings (PINs, wait for moderator: ConferenceRoomSettings.tsx).
import { useCallback } from 'react';
import { App, Badge, Button, Card, Empty, Popconfirm, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { request, type Response } from '../api/client';
import { useApi } from '../lib/use-api';
import { useEvents } from '../lib/events';
import { useInterval } from '../lib/use-interval';
import { formatDateTime } from '../lib/format';
import { ErrorAlert } from '../components/ErrorAlert';
import { ConferenceRoomSettings } from './ConferenceRoomSettings';

type List = Response<'/api/v1/conferences', 'get'>;
type Room = List['items'][number];
type Member = Room['members'][number];
const CALL_EVENTS = ['answered', 'hangup'];

export default function Conferences() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const list = useApi<List>('/api/v1/conferences');
  const { reload } = list;
  const onEvent = useCallback(() => void reload(), [reload]);
  const live = useEvents(CALL_EVENTS, onEvent);
  useInterval(() => void reload(), 2000);

  const act = async (room: Room, m: Member, path: 'mute' | 'kick', body?: unknown) => {
    try {
      await request(`/api/v1/conferences/${encodeURIComponent(room.room)}/members/${m.callId}/${path}`, { method: 'POST', ...(body !== undefined ? { body } : {}) });
      void message.success(t('conferences.done'));
      void reload();
    } catch (err) {
      void message.error((err as { text?: string }).text ?? String(err));
    }
  };

  const rooms = list.data?.items ?? [];
  return (
    <>
      <ErrorAlert error={list.error} />
      <Space style={{ marginBottom: 16 }}>
        <Badge status={live ? 'success' : 'default'} text={live ? t('registrations.live') : t('registrations.offline')} />
      </Space>
      {rooms.length === 0 && !list.loading && <Empty description={t('conferences.none')} />}
      <Space direction="vertical" style={{ width: '100%' }}>
        {rooms.map((room) => (
          <Card
            key={room.room}
            title={t('conferences.room', { room: room.room, n: room.members.length })}
            extra={room.locked ? <Tag color="red">{t('conferences.locked')}</Tag> : null}
            data-testid={`room-${room.room}`}
          >
            <Table<Member>
              rowKey="callId"
              size="small"
              pagination={false}
              dataSource={room.members}
              columns={[
                { title: t('conferences.number'), key: 'number', render: (_: unknown, m: Member) => (m.name ? `${m.name} <${m.number}>` : m.number) },
                { title: t('conferences.joinedAt'), dataIndex: 'joinedAt', render: (v: string) => formatDateTime(v) },
                {
                  title: t('conferences.state'),
                  key: 'state',
                  render: (_: unknown, m: Member) => (
                    <Space size={4}>
                      {m.muted ? <Tag color="orange">{t('conferences.muted')}</Tag> : <Tag color="green">{t('conferences.speaking')}</Tag>}
                      {m.moderator && <Tag color="purple">{t('conferences.moderator')}</Tag>}
                      {m.waiting && <Tag color="gold">{t('conferences.waiting')}</Tag>}
                    </Space>
                  ),
                },
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, m: Member) => (
                    <Space size={4}>
                      <Button size="small" onClick={() => void act(room, m, 'mute', { muted: !m.muted })} data-testid={`${m.muted ? 'unmute' : 'mute'}-${m.number}`}>
                        {t(m.muted ? 'conferences.unmute' : 'conferences.mute')}
                      </Button>
                      <Popconfirm title={t('conferences.kickConfirm', { number: m.number })} onConfirm={() => act(room, m, 'kick')}>
                        <Button size="small" danger data-testid={`kick-${m.number}`}>
                          {t('conferences.kick')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]}
            />
          </Card>
        ))}
      </Space>
      <ConferenceRoomSettings />
    </>
  );
}
