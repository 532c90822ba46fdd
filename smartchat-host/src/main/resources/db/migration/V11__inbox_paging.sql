-- An inbox that pages through a Space's conversations newest first, by keyset (last_message_at, id), at 100,000
-- conversations and more: the Space is kept on the conversation itself so that one index serves the first page and
-- every next one, instead of merging the indexes of each of the Space's channels. A channel never changes Space.
alter table conversation add column space_id uuid;
update conversation set space_id = (select space_id from channel where channel.id = conversation.channel_id);
alter table conversation alter column space_id set not null;
-- Descending, in the order a page reads them: H2 walks an index only forwards, and only for an ORDER BY that starts
-- with the index's first column (the queries order by space_id first, a constant there).
create index conversation_inbox on conversation (space_id, last_message_at desc, id desc);

-- The same order within one channel (the inbox's channel filter, the channel's conversations in the API).
drop index conversation_recent;
create index conversation_recent on conversation (channel_id, last_message_at desc, id desc);

-- A transcript reads its newest messages first (the latest page, the list's preview, older pages on scroll).
drop index message_transcript;
create index message_transcript on message (conversation_id, seq desc);
