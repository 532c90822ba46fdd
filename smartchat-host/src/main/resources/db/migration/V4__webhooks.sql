-- The opaque part of a channel's webhook address: random, never derived from a credential.
alter table channel add column webhook_id varchar(64);
create unique index channel_webhook on channel (webhook_id);
