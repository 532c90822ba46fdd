-- Input that must not stall a channel.

-- An event the network gave no conversation (a Telegram inline query, poll answer, chat boost) is kept here, raw,
-- with its dedup row: there is no conversation to file it under.
alter table inbound_event add column event_type varchar(100);
alter table inbound_event add column payload varchar;

-- What a channel received but could not have stored as an event (no usable id, or refused by the store every time),
-- kept raw so that the channel could confirm it and move on; platform admins read it at /api/set-aside.
create table set_aside_event (
    id            uuid primary key,
    channel_id    uuid not null references channel (id) on delete cascade,
    -- The network's event id, or for input without one 'sha256:' and the digest of its payload: setting the same
    -- input aside again does nothing.
    dedup_key     varchar(100) not null,
    event_id      varchar(100),
    event_type    varchar(100) not null,
    payload       varchar not null,
    reason        varchar(2000) not null,
    set_aside_at  timestamp with time zone not null,
    unique (channel_id, dedup_key)
);

create index set_aside_recent on set_aside_event (set_aside_at);

-- The id a conversation had before it moved (a Telegram group that became a supergroup): what still arrives under
-- the old id (sent before the move, delivered after it) joins the conversation instead of starting another.
alter table conversation add column former_external_id varchar(64);
create index conversation_former on conversation (channel_id, former_external_id);
