-- User names are unique as people read them: the key is the name in Unicode NFKC form, case-folded (computed by the
-- host, UserNames.key), and unique. Names created before were ASCII letters, digits and . _ @ -, whose key is their
-- lower case. Of look-alikes that exist already (Alice next to alice), the oldest gets the key; the others keep
-- signing in under their exact name with a key no new name can have (# is not allowed in a name), so nothing breaks
-- and no new look-alike can join them.

alter table app_user add column username_key varchar(120);

update app_user set username_key = lower(username);

update app_user set username_key = '#' || username
where exists (select 1 from app_user older
              where older.username_key = app_user.username_key
                and (older.created_at < app_user.created_at
                     or (older.created_at = app_user.created_at and older.username < app_user.username)));

alter table app_user alter column username_key set not null;

create unique index app_user_username_key on app_user (username_key);
