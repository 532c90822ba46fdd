-- Files agents attach to replies: stored with the reply, in its transaction, so that a queued reply survives a crash
-- with its file; kept for the transcript, and deleted with the message (a conversation's or channel's purge).
create table reply_file (
    message_id   uuid primary key references message (id) on delete cascade,
    file_name    varchar(255) not null,
    media_type   varchar(100) not null,
    size_bytes   bigint not null,
    content      bytea not null
);
