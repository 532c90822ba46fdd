-- API tokens for programs: a token authenticates as its user, with that user's role and Spaces. Only the SHA-256 of
-- the token is stored (a token is 32 random bytes, so no slow hash is needed); the token itself is shown once.

create table api_token (
    id            uuid primary key,
    username      varchar(100) not null references app_user (username) on delete cascade,
    name          varchar(100) not null,
    token_hash    varchar(64) not null unique,   -- hex SHA-256 of the whole token
    created_at    timestamp with time zone not null,
    last_used_at  timestamp with time zone
);

create index api_token_user on api_token (username);
