-- Audience, conversations, messages, inbound deduplication and the outbound queue.

create table audience_member (
    id                uuid primary key,
    channel_id        uuid not null references channel (id) on delete cascade,
    external_id       varchar(64) not null,
    display_name      varchar(300) not null,
    username          varchar(100),
    language          varchar(35),
    first_contact_at  timestamp with time zone not null,
    -- Set in the transaction that queues the greeting, so each member is greeted once per channel.
    greeted           boolean not null,
    blocked           boolean not null,
    unique (channel_id, external_id)
);

create table conversation (
    id               uuid primary key,
    channel_id       uuid not null references channel (id) on delete cascade,
    external_id      varchar(64) not null,
    kind             varchar(10) not null,
    title            varchar(300),
    -- The person of a private conversation.
    member_id        uuid references audience_member (id),
    last_message_at  timestamp with time zone not null,
    unread           integer not null,
    unique (channel_id, external_id)
);

create index conversation_recent on conversation (channel_id, last_message_at);

create table message (
    id                    uuid primary key,
    conversation_id       uuid not null references conversation (id) on delete cascade,
    direction             varchar(3) not null,   -- IN or OUT
    -- IN: MESSAGE, EDIT, BUTTON, BLOCKED, UNBLOCKED, MOVED, OTHER; OUT: REPLY, GREETING
    kind                  varchar(12) not null,
    member_id             uuid references audience_member (id),
    provider_message_id   varchar(64),
    text                  varchar,
    -- Attachments as a JSON array of provider references; never a URL with a credential.
    attachments           varchar,
    -- IN: RECEIVED; OUT: QUEUED, SENT or FAILED
    status                varchar(10) not null,
    failure_kind          varchar(20),
    failure_reason        varchar(2000),
    created_at            timestamp with time zone not null,
    sent_at               timestamp with time zone,
    author                varchar(100)
);

create index message_transcript on message (conversation_id, created_at);

-- One row per event a channel delivered: the key that makes redeliveries harmless.
create table inbound_event (
    channel_id   uuid not null references channel (id) on delete cascade,
    event_id     varchar(100) not null,
    received_at  timestamp with time zone not null,
    primary key (channel_id, event_id)
);

-- Messages waiting to be sent; a row leaves the queue when sent or failed for good.
create table outbound (
    message_id     uuid primary key references message (id) on delete cascade,
    channel_id     uuid not null references channel (id) on delete cascade,
    due_at         timestamp with time zone not null,
    attempts       integer not null,
    last_error     varchar(2000),
    claimed_until  timestamp with time zone
);

create index outbound_due on outbound (due_at);
